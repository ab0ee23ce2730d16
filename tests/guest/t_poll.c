// poll, ppoll, select and pselect6 on pipes and files, in one process:
// readiness before and after a write, POLLHUP and POLLERR when the other end
// is gone, POLLNVAL and EBADF for closed descriptors, regular files always
// ready, timeouts that last at least as long as asked, and the remaining
// time written back by the raw system calls.
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define WAIT_MS 20

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Did the call just made take at least WAIT_MS (and not forever)? */
static int waited(int64_t start)
{
    int64_t ns = now_ns() - start;
    return ns >= WAIT_MS * 1000000ll && ns < 5000000000ll;
}

static short poll1(int fd, short events)
{
    struct pollfd p = { .fd = fd, .events = events, .revents = -1 };
    int r = poll(&p, 1, 0);
    return r < 0 ? -1 : p.revents;
}

static void polls(const char *self)
{
    int p[2];
    if (pipe(p)) {
        CHECK("pipe", 0);
        return;
    }
    struct pollfd fds[4] = { { p[0], POLLIN, -1 }, { p[1], POLLOUT, -1 } };
    CHECK("poll-empty-timeout-0", poll(fds, 1, 0) == 0 && fds[0].revents == 0);
    CHECK("poll-write-end-ready", poll(fds + 1, 1, 0) == 1 && fds[1].revents == POLLOUT);
    CHECK("poll-both", poll(fds, 2, 0) == 1 && fds[0].revents == 0 && fds[1].revents == POLLOUT);
    CHECK("poll-outside-events", poll1(p[0], POLLOUT) == 0 && poll1(p[1], POLLIN) == 0);
    write(p[1], "x", 1);
    CHECK("poll-ready-after-write", poll(fds, 2, 0) == 2 && fds[0].revents == POLLIN);
    CHECK("poll-rdnorm", poll1(p[0], POLLIN | POLLRDNORM | POLLPRI) == (POLLIN | POLLRDNORM));
    CHECK("poll-ready-blocking", poll(fds, 1, -1) == 1 && fds[0].revents == POLLIN);
    read(p[0], (char[1]){ 0 }, 1);
    int64_t t = now_ns();
    CHECK("poll-timeout", poll(fds, 1, WAIT_MS) == 0 && fds[0].revents == 0 && waited(t));
    t = now_ns();
    CHECK("poll-no-fds-sleeps", poll(NULL, 0, WAIT_MS) == 0 && waited(t));
    /* Negative fds are skipped; a closed one is POLLNVAL and counts. */
    int closed = dup(p[0]);
    close(closed);
    struct pollfd odd[3] = { { -1, POLLIN, -1 }, { closed, POLLIN, -1 }, { p[1], POLLOUT, -1 } };
    CHECK("poll-nval", poll(odd, 3, -1) == 2 && odd[0].revents == 0 && odd[1].revents == POLLNVAL &&
                           odd[2].revents == POLLOUT);
    /* volatile: glibc declares poll's array write-only, so gcc rejects a constant bad pointer. */
    struct pollfd *volatile bad = (struct pollfd *)8;
    CHECK("poll-bad-pointer-efault", FAILS_WITH(poll(bad, 1, 0), EFAULT));
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    CHECK("poll-too-many-einval", FAILS_WITH(poll(fds, (nfds_t)rl.rlim_cur + 1, 0), EINVAL));
    /* The other end gone. */
    write(p[1], "y", 1);
    close(p[1]);
    CHECK("poll-hup-with-data", poll1(p[0], POLLIN) == (POLLIN | POLLHUP));
    read(p[0], (char[1]){ 0 }, 1);
    CHECK("poll-hup", poll1(p[0], POLLIN) == POLLHUP);
    CHECK("poll-hup-unasked", poll1(p[0], 0) == POLLHUP);
    close(p[0]);
    if (pipe(p) == 0) {
        close(p[0]);
        CHECK("poll-err-no-reader", poll1(p[1], POLLOUT) == (POLLOUT | POLLERR));
        close(p[1]);
    }
    /* Files without a wait of their own are always ready. */
    int f = open(self, O_RDONLY), null = open("/dev/null", O_RDWR);
    CHECK("poll-regular-file", poll1(f, POLLIN | POLLOUT) == (POLLIN | POLLOUT));
    CHECK("poll-regular-file-rdnorm", poll1(f, POLLRDNORM | POLLPRI) == POLLRDNORM);
    CHECK("poll-dev-null", poll1(null, POLLIN | POLLOUT) == (POLLIN | POLLOUT));
    close(f);
    close(null);
}

static long raw_ppoll(struct pollfd *fds, unsigned n, struct timespec *ts, const sigset_t *mask, size_t size)
{
    return syscall(SYS_ppoll, fds, n, ts, mask, size);
}

static void ppolls(void)
{
    int p[2];
    if (pipe(p)) {
        CHECK("pipe", 0);
        return;
    }
    struct pollfd fds[1] = { { p[0], POLLIN, -1 } };
    struct timespec zero = { 0, 0 }, ts = { 0, WAIT_MS * 1000000 }, bad = { 0, 1000000000 };
    CHECK("ppoll-timeout-0", ppoll(fds, 1, &zero, NULL) == 0 && fds[0].revents == 0);
    int64_t t = now_ns();
    CHECK("ppoll-timeout", raw_ppoll(fds, 1, &ts, NULL, 8) == 0 && waited(t));
    CHECK("ppoll-time-left-written", ts.tv_sec == 0 && ts.tv_nsec == 0);
    CHECK("ppoll-bad-timespec-einval", FAILS_WITH(raw_ppoll(fds, 1, &bad, NULL, 8), EINVAL));
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK("ppoll-bad-sigsetsize-einval", FAILS_WITH(raw_ppoll(fds, 1, &zero, &set, 4), EINVAL));
    CHECK("ppoll-sigmask", raw_ppoll(fds, 1, &zero, &set, 8) == 0);
    sigset_t after;
    sigprocmask(SIG_BLOCK, NULL, &after);
    CHECK("ppoll-sigmask-restored", !sigismember(&after, SIGUSR1));
    write(p[1], "x", 1);
    ts = (struct timespec){ 5, 0 };
    CHECK("ppoll-ready", ppoll(fds, 1, &ts, &set) == 1 && fds[0].revents == POLLIN);
    close(p[0]);
    close(p[1]);
}

static long raw_select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
    return syscall(SYS_select, n, r, w, e, tv);
}

static void selects(const char *self)
{
    int p[2];
    if (pipe(p)) {
        CHECK("pipe", 0);
        return;
    }
    fd_set r, w, e;
    struct timeval zero = { 0, 0 };
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK("select-empty-timeout-0", select(p[0] + 1, &r, NULL, NULL, &zero) == 0 && !FD_ISSET(p[0], &r));
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_ZERO(&e);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    FD_SET(p[0], &e);
    CHECK("select-write-end-ready", select(p[1] + 1, &r, &w, &e, &zero) == 1 && !FD_ISSET(p[0], &r) &&
                                        FD_ISSET(p[1], &w) && !FD_ISSET(p[0], &e));
    write(p[1], "x", 1);
    FD_SET(p[0], &r);
    FD_SET(p[1], &r);
    FD_SET(p[1], &w);
    CHECK("select-ready-after-write", select(p[1] + 1, &r, &w, NULL, NULL) == 2 && FD_ISSET(p[0], &r) &&
                                          !FD_ISSET(p[1], &r) && FD_ISSET(p[1], &w));
    read(p[0], (char[1]){ 0 }, 1);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    struct timeval tv = { 0, WAIT_MS * 1000 };
    int64_t t = now_ns();
    CHECK("select-timeout", raw_select(p[0] + 1, &r, NULL, NULL, &tv) == 0 && waited(t) && !FD_ISSET(p[0], &r));
    CHECK("select-time-left-written", tv.tv_sec == 0 && tv.tv_usec == 0);
    /* tv_usec of a second or more is carried into seconds, a negative one refused. */
    tv = (struct timeval){ 0, 1000000 };
    FD_SET(p[1], &w);
    CHECK("select-usec-carry", raw_select(p[1] + 1, NULL, &w, NULL, &tv) == 1);
    tv = (struct timeval){ 0, -1 };
    CHECK("select-negative-usec-einval", FAILS_WITH(raw_select(p[1] + 1, NULL, &w, NULL, &tv), EINVAL));
    CHECK("select-negative-n-einval", FAILS_WITH(select(-1, NULL, NULL, NULL, &zero), EINVAL));
    t = now_ns();
    tv = (struct timeval){ 0, WAIT_MS * 1000 };
    CHECK("select-no-fds-sleeps", select(0, NULL, NULL, NULL, &tv) == 0 && waited(t));
    int closed = dup(p[0]);
    close(closed);
    FD_ZERO(&r);
    FD_SET(closed, &r);
    CHECK("select-closed-ebadf", FAILS_WITH(select(closed + 1, &r, NULL, NULL, &zero), EBADF));
    FD_ZERO(&e);
    FD_SET(closed, &e);
    CHECK("select-closed-except-ebadf", FAILS_WITH(select(closed + 1, NULL, NULL, &e, &zero), EBADF));
    /* Beyond n nothing is looked at. */
    FD_SET(closed, &r);
    CHECK("select-beyond-n", select(closed, &r, NULL, NULL, &zero) == 0);
    CHECK("select-bad-pointer-efault", FAILS_WITH(select(1, (fd_set *)8, NULL, NULL, &zero), EFAULT));
    /* Hang-up reads as readable; no reader, as writable. */
    close(p[1]);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK("select-hup-readable", select(p[0] + 1, &r, NULL, NULL, NULL) == 1 && FD_ISSET(p[0], &r));
    close(p[0]);
    if (pipe(p) == 0) {
        close(p[0]);
        FD_ZERO(&w);
        FD_SET(p[1], &w);
        CHECK("select-no-reader-writable", select(p[1] + 1, NULL, &w, NULL, &zero) == 1 && FD_ISSET(p[1], &w));
        close(p[1]);
    }
    int f = open(self, O_RDONLY);
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_ZERO(&e);
    FD_SET(f, &r);
    FD_SET(f, &w);
    FD_SET(f, &e);
    CHECK("select-regular-file", select(f + 1, &r, &w, &e, NULL) == 2 && FD_ISSET(f, &r) && FD_ISSET(f, &w) &&
                                     !FD_ISSET(f, &e));
    close(f);
}

struct sigmask_arg {
    const sigset_t *mask;
    size_t size;
};

static long raw_pselect6(int n, fd_set *r, fd_set *w, fd_set *e, struct timespec *ts, struct sigmask_arg *sig)
{
    return syscall(SYS_pselect6, n, r, w, e, ts, sig);
}

static void pselects(void)
{
    int p[2];
    if (pipe(p)) {
        CHECK("pipe", 0);
        return;
    }
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    struct timespec zero = { 0, 0 }, ts = { 0, WAIT_MS * 1000000 };
    CHECK("pselect-timeout-0", pselect(p[0] + 1, &r, NULL, NULL, &zero, NULL) == 0 && !FD_ISSET(p[0], &r));
    FD_SET(p[0], &r);
    int64_t t = now_ns();
    CHECK("pselect-timeout", raw_pselect6(p[0] + 1, &r, NULL, NULL, &ts, NULL) == 0 && waited(t));
    CHECK("pselect-time-left-written", ts.tv_sec == 0 && ts.tv_nsec == 0);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    struct sigmask_arg bad = { &set, 4 }, none = { NULL, 4 }, good = { &set, 8 };
    FD_SET(p[0], &r);
    CHECK("pselect-bad-sigsetsize-einval", FAILS_WITH(raw_pselect6(p[0] + 1, &r, NULL, NULL, &zero, &bad), EINVAL));
    CHECK("pselect-null-mask-size-ignored", raw_pselect6(p[0] + 1, &r, NULL, NULL, &zero, &none) == 0);
    CHECK("pselect-bad-arg-efault",
          FAILS_WITH(raw_pselect6(p[0] + 1, &r, NULL, NULL, &zero, (struct sigmask_arg *)8), EFAULT));
    write(p[1], "x", 1);
    FD_SET(p[0], &r);
    CHECK("pselect-ready", raw_pselect6(p[0] + 1, &r, NULL, NULL, NULL, &good) == 1 && FD_ISSET(p[0], &r));
    sigset_t after;
    sigprocmask(SIG_BLOCK, NULL, &after);
    CHECK("pselect-sigmask-restored", !sigismember(&after, SIGUSR1));
    close(p[0]);
    close(p[1]);
}

int main(int argc, char **argv)
{
    (void)argc;
    polls(argv[0]);
    ppolls();
    selects(argv[0]);
    pselects();
    return check_exit_status();
}
