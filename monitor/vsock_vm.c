/* The vsock device of this monitor's VM, tied to KVM.
 *
 * Register accesses at GPA_VIRTIO_VSOCK are MMIO exits served on the vCPU
 * thread; they happen only while the driver sets the device up.  The hot
 * paths take no exit: QueueNotify is an ioeventfd that wakes the device
 * thread, which does all the device's work (vsock_dev.c) and then signals
 * event_fd; the driver polls its used rings, and when it has nothing to do
 * it sleeps in the vCPU thread at PORT_VSOCK_WAIT until event_fd fires.
 *
 * Fork: the lock is held across fork() (pthread_atfork) so that the child
 * inherits a device between two rounds of work; vsock_after_fork then gives
 * the child its own CID, listening socket, eventfds and thread. */
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
#include "vm.h"
#include "monitor.h"
#include "vsock.h"

#define PTE_P   0x1ull
#define PTE_RW  0x2ull
#define PTE_US  0x4ull
#define PTE_PWT 0x8ull
#define PTE_PCD 0x10ull
#define PTE_PS  0x80ull
#define PTE_NX  (1ull << 63)
/* A sleeping vCPU looks again after this long even if no one woke it. */
#define WAIT_MAX_MS 200

_Static_assert(GPA_MMIO >= GUEST_RAM_MAX && GPA_MMIO % (1ull << 30) == 0 && GPA_MMIO < (512ull << 30),
               "the register page has a GB of its own above RAM");

static struct {
    struct vsock_dev dev;
    pthread_mutex_t lock;
    int kick_fd;     /* the driver kicked a queue (ioeventfd on QueueNotify) */
    int event_fd;    /* the device moved a used ring since the guest last slept */
    bool attached;
} vs = { .lock = PTHREAD_MUTEX_INITIALIZER, .kick_fd = -1, .event_fd = -1 };

static void signal_fd(int fd)
{
    uint64_t one = 1;
    if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
        mlog(LOG_DEBUG, "vsock: eventfd: %m");
}

static void drain_fd(int fd)
{
    uint64_t v;
    if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
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
        if (fds[0].revents & POLLIN)
            drain_fd(vs.kick_fd);
        pthread_mutex_lock(&vs.lock);
        int r = vsock_dev_run(&vs.dev, fds + 1, n - 1);
        pthread_mutex_unlock(&vs.lock);
        again = r & VSOCK_RUN_AGAIN;
        if (r & VSOCK_RUN_WAKE)
            signal_fd(vs.event_fd);
        if (r & VSOCK_RUN_NEWS)
            upcall_post_streams();
    }
    return NULL;
}

static int start(struct vm *vm, char *err, size_t errlen)
{
    vs.kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    vs.event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (vs.kick_fd < 0 || vs.event_fd < 0) {
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

static void before_fork(void) { pthread_mutex_lock(&vs.lock); }
static void after_fork_parent(void) { pthread_mutex_unlock(&vs.lock); }
static void after_fork_child(void) { pthread_mutex_init(&vs.lock, NULL); }

/* The register page, uncached, in the guest's page tables (a GB of its own). */
static void map_registers(struct vm *vm)
{
    uint64_t *pdpt = gpa_range(vm, GPA_PDPT, GUEST_PAGE_SIZE);
    uint64_t *pd = gpa_range(vm, GPA_PD_MMIO, GUEST_PAGE_SIZE);
    memset(pd, 0, GUEST_PAGE_SIZE);
    pdpt[GPA_MMIO >> 30] = GPA_PD_MMIO | PTE_P | PTE_RW | PTE_US;
    pd[(GPA_MMIO >> 21) & 511] = GPA_MMIO | PTE_P | PTE_RW | PTE_US | PTE_PWT | PTE_PCD | PTE_PS | PTE_NX;
}

static int listen_on(uint64_t cid)
{
    int fd = vsock_switch_listen(cid);
    if (fd < 0)
        mlog(LOG_DEBUG, "vsock: cannot listen as CID %llu (%s): streams to it are refused",
             (unsigned long long)cid, strerror(-fd));
    return fd < 0 ? -1 : fd;
}

int vsock_attach(struct vm *vm, char *err, size_t errlen)
{
    map_registers(vm);
    vsock_dev_init(&vs.dev, vm, VSOCK_FIRST_CID, listen_on(VSOCK_FIRST_CID));
    vs.dev.mmio.kick = kick;
    if (pthread_atfork(before_fork, after_fork_parent, after_fork_child) || start(vm, err, errlen) < 0)
        return -1;
    vs.attached = true;
    return 0;
}

void vsock_after_fork(struct vm *vm, int new_cid)
{
    if (!vs.attached)
        return;
    /* Only this thread exists here: the parent's descriptors are closed,
     * never shut down, since they are still the parent's. */
    if (vs.dev.listen_fd >= 0)
        close(vs.dev.listen_fd);
    close(vs.kick_fd);
    close(vs.event_fd);
    vsock_dev_forked(&vs.dev, vm, (uint64_t)new_cid, listen_on((uint64_t)new_cid));
    /* The TRANSPORT_RESET goes in before the guest runs again, so it never
     * uses a stream of its parent's. */
    vsock_dev_run(&vs.dev, NULL, 0);
    char err[256];
    if (start(vm, err, sizeof(err)) < 0) {
        report_crash(vm, "fork: %s", err);
        monitor_exit(70);
    }
}

bool vsock_mmio_exit(struct vm *vm)
{
    struct kvm_run *run = vm->run;
    uint64_t off = run->mmio.phys_addr - GPA_MMIO;
    if (run->mmio.phys_addr < GPA_MMIO || off >= GUEST_HUGE_SIZE || !vs.attached)
        return false;
    unsigned len = run->mmio.len <= 8 ? run->mmio.len : 8;
    uint64_t v = 0;
    pthread_mutex_lock(&vs.lock);
    if (run->mmio.is_write) {
        memcpy(&v, run->mmio.data, len);
        virtio_mmio_write(&vs.dev.mmio, off, v, len);
    } else {
        v = virtio_mmio_read(&vs.dev.mmio, off, len);   /* 0 past the registers */
        memcpy(run->mmio.data, &v, len);
    }
    pthread_mutex_unlock(&vs.lock);
    return true;
}

void vsock_wait_exit(struct vm *vm)
{
    struct kvm_run *run = vm->run;
    if (run->io.direction != KVM_EXIT_IO_IN)
        return;
    uint32_t result = VSOCK_WAIT_TIMEOUT;
    struct pollfd p[2] = { { .fd = vs.attached ? vs.event_fd : -1, .events = POLLIN },
                           { .fd = vm_wakeup_fd(vm), .events = POLLIN } };
    if (poll(p, 2, WAIT_MAX_MS) > 0) {
        /* News first: the guest then makes progress before it takes the signal. */
        if (p[0].revents & POLLIN) {
            drain_fd(vs.event_fd);
            result = VSOCK_WAIT_NEWS;
        } else if (p[1].revents & POLLIN) {
            drain_fd(p[1].fd);
            result = VSOCK_WAIT_INTR;
        }
    }
    unsigned size = run->io.size <= sizeof(result) ? run->io.size : sizeof(result);
    memcpy((uint8_t *)run + run->io.data_offset, &result, size);
}

int vsock_event_fd(struct vm *vm)
{
    (void)vm;
    return vs.attached ? vs.event_fd : -1;
}
