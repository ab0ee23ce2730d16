/* The vsock device of this monitor's VM, tied to KVM.
 *
 * Register accesses at GPA_VIRTIO_VSOCK are MMIO exits served on the vCPU
 * thread; they happen only while the driver sets the device up.  The hot
 * paths take no exit: QueueNotify is an ioeventfd that wakes the device
 * thread, which does all the device's work (vsock_dev.c) and then signals the
 * VM's news fd; the driver polls its used rings, and when it has nothing to
 * do it sleeps in the vCPU thread at PORT_VSOCK_WAIT until that fd fires.
 *
 * Fork: the child's listening socket is made before fork(), so the other
 * picoprocesses can reach the child (its connections wait in the backlog)
 * from the moment its fork returns in the parent, as a Linux child exists
 * then; the parent closes its copy.  The lock is held across fork()
 * (pthread_atfork) so that the child inherits a device between two rounds of
 * work; after_fork then gives the child its own CID, that socket, a kick
 * eventfd and a thread. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/virtio_mmio.h>
#include "vsock.h"
#include "vsock_vm.h"
#include "core/devices.h"
#include "core/report.h"
#include "core/upcall.h"
#include "kvm/vm.h"
#include "base/log.h"
#include "base/thread.h"

static struct {
    struct vsock_dev dev;
    pthread_mutex_t lock;
    int kick_fd;     /* the driver kicked a queue (ioeventfd on QueueNotify) */
    int news_fd;     /* the VM's: the device moved a used ring since the guest last slept */
    int child_listen_fd;   /* the listening socket of the child being forked, or -1 */
} vs = { .lock = PTHREAD_MUTEX_INITIALIZER, .kick_fd = -1, .news_fd = -1, .child_listen_fd = -1 };

static void signal_fd(int fd)
{
    uint64_t one = 1;
    if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
        mlog(LOG_DEBUG, "vsock: eventfd: %m");
}

/* QueueNotify as an exit (no ioeventfd), or DRIVER_OK: under the lock. */
static void kick(void *opaque)
{
    (void)opaque;
    signal_fd(vs.kick_fd);
}

static void *device_main(void *arg)
{
    (void)arg;
    struct pollfd fds[2 + VSOCK_MAX_CONNS];
    int again = 0;
    for (;;) {
        fds[0] = (struct pollfd){ .fd = vs.kick_fd, .events = POLLIN };
        pthread_mutex_lock(&vs.lock);
        int n = 1 + vsock_dev_pollfds(&vs.dev, fds + 1, 1 + VSOCK_MAX_CONNS);
        pthread_mutex_unlock(&vs.lock);
        if (poll(fds, (nfds_t)n, again ? 0 : -1) < 0) {
            if (errno != EINTR)
                mlog(LOG_ERROR, "vsock: poll: %m");
            continue;
        }
        if (fds[0].revents & POLLIN) {
            uint64_t v;
            if (read(vs.kick_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
                mlog(LOG_DEBUG, "vsock: eventfd: %m");
        }
        pthread_mutex_lock(&vs.lock);
        int r = vsock_dev_run(&vs.dev, fds + 1, n - 1);
        pthread_mutex_unlock(&vs.lock);
        again = r & VSOCK_RUN_AGAIN;
        if (r & VSOCK_RUN_WAKE)
            signal_fd(vs.news_fd);
        if (r & VSOCK_RUN_NEWS)
            upcall_post_streams();
    }
    return NULL;
}

static int start(struct vm *vm, char *err, size_t errlen)
{
    vs.news_fd = vm_news_fd(vm);
    vs.kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (vs.kick_fd < 0) {
        snprintf(err, errlen, "vsock: eventfd: %s", strerror(errno));
        return -1;
    }
    struct kvm_ioeventfd io = { .addr = GPA_VIRTIO_VSOCK + VIRTIO_MMIO_QUEUE_NOTIFY, .len = 4, .fd = vs.kick_fd };
    if (ioctl(vm->vm_fd, KVM_IOEVENTFD, &io) < 0)
        mlog(LOG_DEBUG, "vsock: KVM_IOEVENTFD unavailable (%s): queue kicks will exit", strerror(errno));
    int e = thread_start(device_main, NULL, 256 << 10, NULL);
    if (e) {
        snprintf(err, errlen, "vsock: cannot start the device thread: %s", strerror(e));
        return -1;
    }
    return 0;
}

/* pid N has CID N + 2. */
static uint64_t cid_of(int pid) { return VSOCK_FIRST_CID + (uint64_t)pid - 1; }

static int listen_on(uint64_t cid)
{
    int fd = vsock_switch_listen(cid);
    if (fd < 0)
        mlog(LOG_DEBUG, "vsock: cannot listen as CID %llu (%s): streams to it are refused",
             (unsigned long long)cid, strerror(-fd));
    return fd < 0 ? -1 : fd;
}

static void prepare_fork(struct vm *vm, int pid)
{
    (void)vm;
    vs.child_listen_fd = listen_on(cid_of(pid));
}

static void before_fork(void) { pthread_mutex_lock(&vs.lock); }

/* Whether the fork worked or not: the child's socket is the child's. */
static void after_fork_parent(void)
{
    if (vs.child_listen_fd >= 0)
        close(vs.child_listen_fd);
    vs.child_listen_fd = -1;
    pthread_mutex_unlock(&vs.lock);
}

static void after_fork_child(void) { pthread_mutex_init(&vs.lock, NULL); }

static int attach(struct vm *vm, char *err, size_t errlen)
{
    vsock_dev_init(&vs.dev, vm, cid_of(vm->pid), listen_on(cid_of(vm->pid)));
    vs.dev.mmio.kick = kick;
    if (pthread_atfork(before_fork, after_fork_parent, after_fork_child)) {
        snprintf(err, errlen, "vsock: pthread_atfork failed");
        return -1;
    }
    return start(vm, err, errlen);
}

static void after_fork(struct vm *vm, int pid)
{
    /* Only this thread exists here: the parent's descriptors are closed,
     * never shut down, since they are still the parent's. */
    if (vs.dev.listen_fd >= 0)
        close(vs.dev.listen_fd);
    close(vs.kick_fd);
    vsock_dev_forked(&vs.dev, vm, cid_of(pid), vs.child_listen_fd);
    vs.child_listen_fd = -1;
    /* The TRANSPORT_RESET goes in before the guest runs again, so it never
     * uses a stream of its parent's. */
    vsock_dev_run(&vs.dev, NULL, 0);
    char err[256];
    if (start(vm, err, sizeof(err)) < 0) {
        report_crash(vm, "fork: %s", err);
        _exit(70);
    }
}

static void mmio(struct vm *vm, uint64_t off, uint8_t *data, unsigned len, bool is_write)
{
    (void)vm;
    uint64_t v = 0;
    pthread_mutex_lock(&vs.lock);
    if (is_write) {
        memcpy(&v, data, len);
        virtio_mmio_write(&vs.dev.mmio, off, v, len);
    } else {
        v = virtio_mmio_read(&vs.dev.mmio, off, len);   /* 0 past the registers */
        memcpy(data, &v, len);
    }
    pthread_mutex_unlock(&vs.lock);
}

const struct device vsock_device = {
    .name = "virtio-vsock",
    .mmio_base = GPA_VIRTIO_VSOCK,
    .mmio_size = GUEST_HUGE_SIZE,
    .attach = attach,
    .mmio = mmio,
    .prepare_fork = prepare_fork,
    .after_fork = after_fork,
};
