// UNIT-SOURCES: monitor/core/pal_server.c monitor/config/policy.c monitor/pal/files.c monitor/pal/fifo.c monitor/pal/poll.c monitor/kvm/guest_mem.c monitor/proc/pidns.c monitor/base/log.c monitor/base/thread.c monitor/base/waiting.c
/* Host side of HC_MKFIFO and of HC_OPEN on a FIFO against a fake guest RAM
 * and a policy over temporary directories: where FIFOs may be made, open(2)'s
 * answers without waiting, the rendezvous with a host process's other end,
 * a wait ended by the wakeup eventfd or vsock news (-EINTR) with the helper
 * thread gone and no fd left, and host fds that never block. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "base/log.h"
#include "config/policy.h"
#include "core/pal_server.h"
#include "pal/calls.h"
#include "hypercall.h"
#include "count_fds.h"
#include "expect.h"
#include "fake_vm.h"

#define RAM_SIZE (4ull << 20)
#define URI      0x10000ull
#define STAT     0x20000ull
#define BUF      0x30000ull

static struct vm vm;
static char tmp[] = "/tmp/picovm-test-fifo-XXXXXX";
static char rw[300], ro[300];

static int64_t call(unsigned nr, const char *rel, uint64_t a2, uint64_t a3)
{
    uint64_t len = (uint64_t)snprintf((char *)vm.ram + URI, 0x2000, "file:%s%s", tmp, rel);
    const uint64_t a[6] = { URI, len, a2, a3, 0, 0 };
    return pal_call(&vm, nr, a);
}

static int64_t open_rel(const char *rel, int flags)
{
    return call(HC_OPEN, rel, (uint32_t)flags, 0);
}

static const char *host_path(const char *rel)
{
    static char p[400];
    snprintf(p, sizeof p, "%s%s", tmp, rel);
    return p;
}

/* The handle's host fd never blocks, whatever the guest asked. */
static bool nonblocking(int64_t h)
{
    int fd = handle_get(h);
    bool nb = fd >= 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK);
    if (fd >= 0)
        handle_put(h);
    return nb;
}

static void test_mkfifo(void)
{
    /* A FIFO is never executed: its set-id bits stay, as on Linux. */
    EXPECT_EQ(call(HC_MKFIFO, "/rw/f", 04755, 0), 0);
    struct stat st;
    EXPECT(stat(host_path("/rw/f"), &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 07777) == 04755,
           "a FIFO, set-user-id kept: mode %o", st.st_mode);
    EXPECT_EQ(call(HC_MKFIFO, "/rw/f", 0644, 0), -EEXIST);
    EXPECT_EQ(call(HC_MKFIFO, "/ro/f", 0644, 0), -EROFS);
    EXPECT_EQ(call(HC_MKFIFO, "/rw/../outside", 0644, 0), -EACCES);
    EXPECT_EQ(call(HC_MKFIFO, "/rw/no-dir/f", 0644, 0), -ENOENT);
    const uint64_t bad[6] = { RAM_SIZE - 2, 10, 0644, 0, 0, 0 };
    EXPECT_EQ(pal_call(&vm, HC_MKFIFO, bad), -EFAULT);
    EXPECT_EQ(call(HC_STAT, "/rw/f", STAT, 0), 0);
    EXPECT(S_ISFIFO(((struct hc_stat *)(vm.ram + STAT))->mode), "HC_STAT: a FIFO");
}

static void test_open_at_once(void)
{
    EXPECT_EQ(open_rel("/rw/f", O_WRONLY | O_NONBLOCK), -ENXIO);
    int64_t r = open_rel("/rw/f", O_RDONLY | O_NONBLOCK);
    EXPECT(r >= 3 && nonblocking(r), "a reader at once -> %lld", (long long)r);
    int64_t w = open_rel("/rw/f", O_WRONLY | O_NONBLOCK);
    EXPECT(w >= 3 && nonblocking(w), "a writer with a reader -> %lld", (long long)w);
    handle_free(w);
    handle_free(r);
    int64_t rdwr = open_rel("/rw/f", O_RDWR);
    EXPECT(rdwr >= 3 && nonblocking(rdwr), "O_RDWR at once -> %lld", (long long)rdwr);
    handle_free(rdwr);
    EXPECT_EQ(open_rel("/rw/f", O_WRONLY | O_NONBLOCK), -ENXIO);
    EXPECT_EQ(open_rel("/rw/f", O_RDONLY | O_DIRECTORY), -ENOTDIR);
    EXPECT_EQ(open_rel("/rw/f", O_RDONLY | O_CREAT | O_EXCL), -EEXIST);
    /* A regular file keeps what it was opened with. */
    int fd = open(host_path("/rw/plain"), O_WRONLY | O_CREAT, 0644);
    close(fd);
    int64_t p = open_rel("/rw/plain", O_RDONLY);
    EXPECT(p >= 3, "a regular file -> %lld", (long long)p);
    handle_free(p);
}

/* Linux refuses writes in a read-only mount to regular files, directories
 * and links only: a FIFO there opens for writing. */
static void test_readonly_mount(void)
{
    EXPECT(mkfifo(host_path("/ro/f"), 0666) == 0, "host mkfifo");
    int rd = open(host_path("/ro/f"), O_RDONLY | O_NONBLOCK);
    int64_t w = open_rel("/ro/f", O_WRONLY | O_NONBLOCK);
    EXPECT(w >= 3 && nonblocking(w), "a writer in a read-only mount -> %lld", (long long)w);
    handle_free(w);
    close(rd);
    EXPECT_EQ(open_rel("/ro/f", O_WRONLY | O_NONBLOCK), -ENXIO);
    EXPECT_EQ(open_rel("/ro/f", O_WRONLY | O_NONBLOCK | O_CREAT | O_TRUNC), -ENXIO);
    EXPECT_EQ(open_rel("/ro/missing", O_WRONLY | O_CREAT), -EROFS);
    EXPECT_EQ(open_rel("/ro/data", O_WRONLY), -EROFS);
}

struct other_end {
    int flags, fd;
};

/* The host's other end, a little after the call has started waiting. */
static void *open_later(void *arg)
{
    struct other_end *o = arg;
    usleep(30 * 1000);
    o->fd = open(host_path("/rw/f"), o->flags);
    return NULL;
}

static void rendezvous(int flags, int other)
{
    struct other_end o = { .flags = other };
    pthread_t t;
    pthread_create(&t, NULL, open_later, &o);
    int64_t h = open_rel("/rw/f", flags);
    pthread_join(t, NULL);
    EXPECT(h >= 3 && nonblocking(h) && o.fd >= 0, "rendezvous %o/%o -> %lld", flags, other, (long long)h);
    handle_free(h);
    close(o.fd);
}

static void test_rendezvous(void)
{
    rendezvous(O_RDONLY, O_WRONLY);
    rendezvous(O_WRONLY, O_RDONLY);
    /* A writer already there: a reader opens at once. */
    int rd = open(host_path("/rw/f"), O_RDONLY | O_NONBLOCK);
    int wr = open(host_path("/rw/f"), O_WRONLY);
    close(rd);
    int64_t h = open_rel("/rw/f", O_RDONLY);
    EXPECT(h >= 3, "a reader with a writer there -> %lld", (long long)h);
    handle_free(h);
    close(wr);
}

static void *signal_later(void *arg)
{
    usleep(30 * 1000);
    uint64_t one = 1;
    if (write(*(int *)arg, &one, sizeof one) != sizeof one)
        abort();
    return NULL;
}

/* A wait ended by fd (the wakeup or the news eventfd): -EINTR, and nothing left. */
static void interrupted(int flags, int *fd)
{
    int fds = count_fds(), nthreads = count_threads();
    pthread_t t;
    pthread_create(&t, NULL, signal_later, fd);
    EXPECT_EQ(open_rel("/rw/f", flags), -EINTR);
    pthread_join(t, NULL);
    uint64_t v;
    EXPECT(read(*fd, &v, sizeof v) < 0 && errno == EAGAIN, "the event is taken");
    EXPECT_EQ(count_fds(), fds);
    EXPECT_EQ(count_threads(), nthreads);
}

static void test_interrupted(void)
{
    interrupted(O_RDONLY, &vm.wakeup);
    interrupted(O_WRONLY, &vm.wakeup);
    interrupted(O_RDONLY, &vm.news);
    /* Neither end is left open on the host. */
    EXPECT_EQ(open_rel("/rw/f", O_WRONLY | O_NONBLOCK), -ENXIO);
    int rd = open(host_path("/rw/f"), O_RDONLY | O_NONBLOCK);
    char c;
    EXPECT(read(rd, &c, 1) == 0, "no writer: end of file");
    close(rd);
}

int main(void)
{
    monitor_log_level = LOG_INFO;
    umask(0);
    if (fake_vm_map(&vm, RAM_SIZE) || !mkdtemp(tmp))
        return 2;
    vm.wakeup = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    vm.news = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (vm.wakeup < 0 || vm.news < 0 || mkdir(host_path("/rw"), 0755) || mkdir(host_path("/ro"), 0755))
        return 2;
    int fd = open(host_path("/ro/data"), O_WRONLY | O_CREAT, 0644);
    close(fd);
    snprintf(rw, sizeof rw, "file:%s/rw", tmp);
    snprintf(ro, sizeof ro, "file:%s/ro", tmp);
    struct pv_mount mounts[2] = {
        { .path = "/rw", .uri = rw, .type = MOUNT_CHROOT, .writable = true },
        { .path = "/ro", .uri = ro, .type = MOUNT_CHROOT },
    };
    struct pv_config cfg = { .mounts = mounts, .nmounts = 2 };
    char err[256];
    if (policy_init(&cfg, err, sizeof err)) {
        printf("FAIL policy_init: %s\n", err);
        return 1;
    }
    pal_files_setup();
    int fds_before = count_fds();
    static const struct unit_test tests[] = {
        { "mkfifo", test_mkfifo },
        { "open_at_once", test_open_at_once },
        { "readonly_mount", test_readonly_mount },
        { "rendezvous", test_rendezvous },
        { "interrupted", test_interrupted },
    };
    run_tests(tests, sizeof tests / sizeof *tests);
    handles_close_all();
    cur = "no_fd_leak";
    EXPECT_EQ(count_fds(), fds_before);
    char cmd[100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) || failures ? 1 : 0;
}
