// UNIT-SOURCES: monitor/core/pal_server.c monitor/pal/pipes.c monitor/kvm/guest_mem.c monitor/pal/poll.c monitor/base/log.c monitor/base/thread.c monitor/base/waiting.c
/* Host side of HC_PIPE, HC_POLL and HC_NREAD against a fake guest RAM:
 * hostile arrays, counts and handles, the wakeup eventfd (-EINTR), vsock news
 * (an early return), timeouts, and no host fd leaked or left referenced. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include "base/log.h"
#include "config/policy.h"
#include "core/pal_server.h"
#include "core/upcall.h"
#include "pal/calls.h"
#include "proc/proc.h"
#include "hypercall.h"
#include "count_fds.h"
#include "expect.h"
#include "fake_vm.h"

#define RAM_SIZE (4ull << 20)
#define HANDLES  0x1000ull
#define FDS      0x10000ull

static struct vm vm;

/* Through the server's dispatch, as the guest's calls go. */
static int64_t call(unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    const uint64_t a[6] = { a0, a1, a2, 0, 0, 0 };
    return pal_call(&vm, nr, a);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A new pipe: its two handles. */
static void new_pipe(int flags, int64_t h[2])
{
    int64_t r = call(HC_PIPE, HANDLES, (uint64_t)flags, 0);
    EXPECT_EQ(r, 0);
    memcpy(h, vm.ram + HANDLES, 2 * sizeof(int64_t));
}

/* Host-side I/O on a handle, as HC_READ and HC_WRITE would do it. */
static ssize_t handle_io(int64_t h, void *buf, size_t len, bool write_it)
{
    int fd = handle_get(h);
    if (fd < 0)
        return fd;
    ssize_t n = write_it ? write(fd, buf, len) : read(fd, buf, len);
    handle_put(h);
    return n < 0 ? -errno : n;
}

static struct hc_pollfd *pfd(int i)
{
    return (struct hc_pollfd *)(vm.ram + FDS) + i;
}

static void set_pfd(int i, int64_t handle, short events)
{
    *pfd(i) = (struct hc_pollfd){ .handle = handle, .events = events, .revents = 0x5555 };
}

static void test_pipe(void)
{
    int64_t h[2];
    new_pipe(0, h);
    EXPECT(h[0] >= 3 && h[1] >= 3 && h[0] != h[1], "handles %lld %lld", (long long)h[0], (long long)h[1]);
    int fd = handle_get(h[0]);
    EXPECT(fcntl(fd, F_GETFD) & FD_CLOEXEC, "close-on-exec whatever the guest asked");
    EXPECT(!(fcntl(fd, F_GETFL) & O_NONBLOCK), "blocking unless asked");
    handle_put(h[0]);
    EXPECT_EQ(handle_io(h[1], "hello", 5, true), 5);
    EXPECT_EQ(call(HC_NREAD, h[0], 0, 0), 5);
    EXPECT_EQ(call(HC_NREAD, h[1], 0, 0), 5);
    char buf[8];
    EXPECT_EQ(handle_io(h[0], buf, sizeof buf, false), 5);
    EXPECT_EQ(call(HC_NREAD, h[0], 0, 0), 0);
    EXPECT_EQ(handle_io(h[0], buf, 1, true), -EBADF);   /* the read end */
    EXPECT_EQ(handle_free(h[0]), 0);
    EXPECT_EQ(handle_io(h[1], "x", 1, true), -EPIPE);   /* SIGPIPE is ignored: see main */
    EXPECT_EQ(handle_free(h[1]), 0);

    new_pipe(O_NONBLOCK | O_CLOEXEC | O_DIRECT, h);
    fd = handle_get(h[1]);
    EXPECT((fcntl(fd, F_GETFL) & (O_NONBLOCK | O_DIRECT)) == (O_NONBLOCK | O_DIRECT), "flags honoured");
    handle_put(h[1]);
    EXPECT_EQ(handle_io(h[0], buf, 1, false), -EAGAIN);
    handle_free(h[0]);
    handle_free(h[1]);

    /* Refused before anything is made. */
    int fds = count_fds();
    EXPECT_EQ(call(HC_PIPE, HANDLES, O_APPEND, 0), -EINVAL);
    EXPECT_EQ(call(HC_PIPE, HANDLES, O_RDWR, 0), -EINVAL);
    EXPECT_EQ(call(HC_PIPE, HANDLES, 0xffffffff00000000ull, 0), 0);   /* flags are an int */
    memcpy(h, vm.ram + HANDLES, sizeof h);
    handle_free(h[0]);
    handle_free(h[1]);
    EXPECT_EQ(call(HC_PIPE, RAM_SIZE - 8, 0, 0), -EFAULT);
    EXPECT_EQ(call(HC_PIPE, RAM_SIZE, 0, 0), -EFAULT);
    EXPECT_EQ(call(HC_PIPE, (uint64_t)-8, 0, 0), -EFAULT);
    EXPECT_EQ(count_fds(), fds);
    EXPECT_EQ(call(HC_NREAD, 999, 0, 0), -EBADF);
    EXPECT_EQ(call(HC_NREAD, (uint64_t)-1, 0, 0), -EBADF);
}

/* HC_PIPE_SIZE: no more than an unprivileged process gets, whatever the monitor may. */
static void test_pipe_size(void)
{
    int64_t h[2];
    new_pipe(0, h);
    EXPECT_EQ(call(HC_PIPE_SIZE, h[0], 0, 0), 65536);
    EXPECT_EQ(call(HC_PIPE_SIZE, h[1], 8192, 0), 8192);
    EXPECT_EQ(call(HC_PIPE_SIZE, h[0], 0, 0), 8192);
    EXPECT_EQ(call(HC_PIPE_SIZE, h[1], HC_PIPE_MAX_SIZE, 0), HC_PIPE_MAX_SIZE);
    EXPECT_EQ(call(HC_PIPE_SIZE, h[1], HC_PIPE_MAX_SIZE + 1, 0), -EPERM);
    EXPECT_EQ(call(HC_PIPE_SIZE, h[1], 1ull << 32 | 4096, 0), -EPERM);
    EXPECT_EQ(call(HC_PIPE_SIZE, h[1], UINT64_MAX, 0), -EPERM);
    EXPECT_EQ(call(HC_PIPE_SIZE, 999, 4096, 0), -EBADF);
    EXPECT_EQ(call(HC_PIPE_SIZE, (uint64_t)-1, 0, 0), -EBADF);
    /* Only pipes have a size: stdin (the test's) may be anything, an eventfd is not one. */
    int efd = eventfd(0, EFD_CLOEXEC);
    int64_t he = handle_alloc(efd);
    EXPECT_EQ(call(HC_PIPE_SIZE, he, 4096, 0), -EBADF);
    handle_free(he);
    handle_free(h[0]);
    handle_free(h[1]);
}

/* Handles run out: the pipe is undone, no fd left behind. */
static void test_pipe_emfile(void)
{
    int fds = count_fds();
    int64_t h[2], last = -1;
    int made = 0;
    for (;;) {
        if (call(HC_PIPE, HANDLES, 0, 0) < 0)
            break;
        memcpy(h, vm.ram + HANDLES, sizeof h);
        last = h[1];
        made++;
    }
    EXPECT(made > 100, "only %d pipes", made);
    EXPECT(last == HC_MAX_HANDLES - 1 || last == HC_MAX_HANDLES - 2, "last handle %lld", (long long)last);
    /* One handle left: the read end gets it, the write end cannot. */
    if (last == HC_MAX_HANDLES - 2) {
        EXPECT_EQ(call(HC_PIPE, HANDLES, 0, 0), -EMFILE);
    }
    for (int i = 3; i < HC_MAX_HANDLES; i++)
        handle_free(i);
    EXPECT_EQ(count_fds(), fds);
}

static void test_poll_basic(void)
{
    int64_t h[2];
    new_pipe(O_NONBLOCK, h);
    set_pfd(0, h[0], POLLIN);
    set_pfd(1, h[1], POLLOUT);
    EXPECT_EQ(call(HC_POLL, FDS, 1, 0), 0);
    EXPECT_EQ(pfd(0)->revents, 0);
    EXPECT_EQ(call(HC_POLL, FDS, 2, 0), 1);
    EXPECT_EQ(pfd(0)->revents, 0);
    EXPECT_EQ(pfd(1)->revents, POLLOUT);
    handle_io(h[1], "x", 1, true);
    EXPECT_EQ(call(HC_POLL, FDS, 2, (uint64_t)-1), 2);
    EXPECT_EQ(pfd(0)->revents, POLLIN);
    /* Skipped, not open, out of range: POLLNVAL answers at once even with no timeout. */
    set_pfd(0, -1, POLLIN);
    set_pfd(1, 999, POLLIN);
    set_pfd(2, INT64_MAX, POLLIN);
    set_pfd(3, h[0], 0);
    EXPECT_EQ(call(HC_POLL, FDS, 4, (uint64_t)-1), 2);
    EXPECT_EQ(pfd(0)->revents, 0);
    EXPECT_EQ(pfd(1)->revents, POLLNVAL);
    EXPECT_EQ(pfd(2)->revents, POLLNVAL);
    EXPECT_EQ(pfd(3)->revents, 0);
    /* Bits that are answers only, or nothing at all, are not asked of the host. */
    set_pfd(0, h[0], (short)0xffff);
    EXPECT_EQ(call(HC_POLL, FDS, 1, 0), 1);
    EXPECT_EQ(pfd(0)->revents, POLLIN | POLLRDNORM);
    /* The same handle many times over, every reference given back. */
    for (int i = 0; i < HC_POLL_MAX; i++)
        set_pfd(i, h[0], POLLIN);
    EXPECT_EQ(call(HC_POLL, FDS, HC_POLL_MAX, 0), HC_POLL_MAX);
    EXPECT_EQ(pfd(HC_POLL_MAX - 1)->revents, POLLIN);
    /* The other end gone. */
    handle_free(h[1]);
    set_pfd(0, h[0], POLLIN);
    EXPECT_EQ(call(HC_POLL, FDS, 1, 0), 1);
    EXPECT_EQ(pfd(0)->revents, POLLIN | POLLHUP);
    int fds = count_fds();
    EXPECT_EQ(handle_free(h[0]), 0);
    EXPECT_EQ(count_fds(), fds - 1);   /* closed now: no reference was left behind */
}

static void test_poll_hostile(void)
{
    set_pfd(0, 0, POLLIN);
    EXPECT_EQ(call(HC_POLL, FDS, HC_POLL_MAX + 1, 0), -EINVAL);
    EXPECT_EQ(call(HC_POLL, FDS, UINT64_MAX, 0), -EINVAL);
    EXPECT_EQ(call(HC_POLL, FDS, 1ull << 60, 0), -EINVAL);
    EXPECT_EQ(call(HC_POLL, RAM_SIZE - 8, 1, 0), -EFAULT);
    EXPECT_EQ(call(HC_POLL, RAM_SIZE - sizeof(struct hc_pollfd), 2, 0), -EFAULT);
    EXPECT_EQ(call(HC_POLL, (uint64_t)-16, 1, 0), -EFAULT);
    EXPECT_EQ(call(HC_POLL, RAM_SIZE - HC_POLL_MAX * sizeof(struct hc_pollfd) + 1, HC_POLL_MAX, 0), -EFAULT);
    /* An unaligned array is still an array. */
    struct hc_pollfd p = { .handle = -1, .events = POLLIN };
    memcpy(vm.ram + FDS + 3, &p, sizeof p);
    EXPECT_EQ(call(HC_POLL, FDS + 3, 1, 0), 0);
    /* No entries: a pure sleep, anywhere. */
    int64_t t = now_ms();
    EXPECT_EQ(call(HC_POLL, (uint64_t)-1, 0, 20 * 1000000), 0);
    EXPECT(now_ms() - t >= 20, "slept %lld ms", (long long)(now_ms() - t));
}

static void *wake_later(void *arg)
{
    (void)arg;
    usleep(30 * 1000);
    uint64_t one = 1;
    if (write(vm.wakeup, &one, sizeof one) != sizeof one)
        abort();
    return NULL;
}

static void test_poll_wakeup(void)
{
    int64_t h[2];
    uint64_t one = 1;
    new_pipe(O_NONBLOCK, h);
    set_pfd(0, h[0], POLLIN);
    /* Written before the call: the call ends at once, and takes it. */
    EXPECT(write(vm.wakeup, &one, sizeof one) == sizeof one, "eventfd write");
    EXPECT_EQ(call(HC_POLL, FDS, 1, (uint64_t)-1), -EINTR);
    EXPECT_EQ(call(HC_POLL, FDS, 1, 0), 0);
    /* Written while the call waits, with no timeout. */
    pthread_t t;
    pthread_create(&t, NULL, wake_later, NULL);
    int64_t start = now_ms();
    EXPECT_EQ(call(HC_POLL, FDS, 1, (uint64_t)-1), -EINTR);
    EXPECT(now_ms() - start >= 25, "woke after %lld ms", (long long)(now_ms() - start));
    pthread_join(t, NULL);
    /* A ready stream wins; the wakeup stays for the next call. */
    handle_io(h[1], "x", 1, true);
    EXPECT(write(vm.wakeup, &one, sizeof one) == sizeof one, "eventfd write");
    EXPECT_EQ(call(HC_POLL, FDS, 1, (uint64_t)-1), 1);
    char c;
    handle_io(h[0], &c, 1, false);
    EXPECT_EQ(call(HC_POLL, FDS, 1, (uint64_t)-1), -EINTR);
    EXPECT_EQ(call(HC_POLL, FDS, 0, 0), 0);
    /* vsock news: the wait ends early (0), and the news is taken. */
    EXPECT(write(vm.news, &one, sizeof one) == sizeof one, "eventfd write");
    EXPECT_EQ(call(HC_POLL, FDS, 1, (uint64_t)-1), 0);
    EXPECT_EQ(pfd(0)->revents, 0);
    EXPECT(read(vm.news, &one, sizeof one) < 0 && errno == EAGAIN, "news drained");
    /* News and a wakeup together: the wakeup's -EINTR, both taken. */
    one = 1;
    EXPECT(write(vm.news, &one, sizeof one) == sizeof one, "eventfd write");
    EXPECT(write(vm.wakeup, &one, sizeof one) == sizeof one, "eventfd write");
    EXPECT_EQ(call(HC_POLL, FDS, 1, (uint64_t)-1), -EINTR);
    EXPECT_EQ(call(HC_POLL, FDS, 1, 0), 0);
    EXPECT(read(vm.news, &one, sizeof one) < 0 && errno == EAGAIN, "news drained");
    /* And the timeout still holds without one. */
    start = now_ms();
    EXPECT_EQ(call(HC_POLL, FDS, 1, 30 * 1000000), 0);
    EXPECT(now_ms() - start >= 30, "timed out after %lld ms", (long long)(now_ms() - start));
    handle_free(h[0]);
    handle_free(h[1]);
}

static int fds_before;

static void test_no_fd_leak(void)
{
    handles_close_all();
    EXPECT_EQ(count_fds(), fds_before);
}

int main(void)
{
    if (fake_vm_map(&vm, RAM_SIZE))
        return 2;
    vm.wakeup = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    vm.news = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (vm.wakeup < 0 || vm.news < 0)
        return 2;
    signal(SIGPIPE, SIG_IGN);
    pal_pipes_setup();
    pal_poll_setup();
    fds_before = count_fds();
    static const struct unit_test tests[] = {
        { "pipe", test_pipe },               { "pipe_emfile", test_pipe_emfile },
        { "pipe_size", test_pipe_size },
        { "poll_basic", test_poll_basic },   { "poll_hostile", test_poll_hostile },
        { "poll_wakeup", test_poll_wakeup },
    };
    run_tests(tests, sizeof tests / sizeof *tests);
    run_test("no_fd_leak", test_no_fd_leak);
    return failures ? 1 : 0;
}
