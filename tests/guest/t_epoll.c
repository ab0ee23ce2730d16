// epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait and
// epoll_pwait2 over pipes, a FIFO, eventfds, timerfds, signalfds and epolls:
// level-triggered, edge-triggered and one-shot items, the data given back,
// the argument checks of Linux (regular files refused, loops and nesting),
// an item that goes with the last descriptor of its file, waits that a
// child's write or signal ends, epoll_pwait's mask, and an epoll inherited
// over fork.
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev = { .events = events, .data.u64 = data };
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* One event expected now: its events and data, or -1 if not exactly one. */
static int one(int ep, int timeout, uint32_t *events)
{
    struct epoll_event ev[4];
    int n = epoll_wait(ep, ev, 4, timeout);
    if (n != 1)
        return -1;
    *events = ev[0].events;
    return (int)ev[0].data.u64;
}

static int none(int ep)
{
    struct epoll_event ev[4];
    return epoll_wait(ep, ev, 4, 0) == 0;
}

static void checks(void)
{
    CHECK("create-zero", FAILS_WITH(syscall(SYS_epoll_create, 0), EINVAL));
    CHECK("create1-flags", FAILS_WITH(epoll_create1(1), EINVAL));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK("create1-cloexec", ep >= 0 && fcntl(ep, F_GETFD) == FD_CLOEXEC && fcntl(ep, F_GETFL) == O_RDWR);
    int p[2];
    pipe(p);
    int file = open("/proc/self/exe", O_RDONLY);
    struct epoll_event ev = { .events = EPOLLIN };
    CHECK("regular-file-eperm", FAILS_WITH(epoll_ctl(ep, EPOLL_CTL_ADD, file, &ev), EPERM));
    CHECK("not-epoll", FAILS_WITH(epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &ev), EINVAL));
    CHECK("self", FAILS_WITH(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL));
    CHECK("bad-fd", FAILS_WITH(epoll_ctl(ep, EPOLL_CTL_ADD, 1000, &ev), EBADF));
    CHECK("add", add(ep, p[0], EPOLLIN, 1) == 0);
    write(p[1], "e", 1);
    CHECK("wait-efault", FAILS_WITH(syscall(SYS_epoll_wait, ep, NULL, 1, 0), EFAULT));
    CHECK("add-again-eexist", FAILS_WITH(add(ep, p[0], EPOLLIN, 1), EEXIST));
    CHECK("mod-missing", FAILS_WITH(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev), ENOENT));
    CHECK("del-missing", FAILS_WITH(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL), ENOENT));
    CHECK("bad-op", FAILS_WITH(epoll_ctl(ep, 99, p[0], &ev), EINVAL));
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    CHECK("exclusive-mod", FAILS_WITH(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), EINVAL));
    CHECK("exclusive-add", add(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE, 2) == 0);
    CHECK("event-efault", FAILS_WITH(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], NULL), EFAULT));
    CHECK("del", epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL) == 0);
    CHECK("wait-maxevents", FAILS_WITH(epoll_wait(ep, &ev, 0, 0), EINVAL));
    CHECK("wait-not-epoll", FAILS_WITH(epoll_wait(p[0], &ev, 1, 0), EINVAL));
    int inner = epoll_create1(0);
    CHECK("nest", add(ep, inner, EPOLLIN, 3) == 0);
    CHECK("loop-eloop", FAILS_WITH(add(inner, ep, EPOLLIN, 4), ELOOP));
    /* Five epolls in each other over a pipe: a sixth is too deep. */
    int chain[6], at = p[0], deep = 1;
    for (int i = 0; i < 6; i++) {
        chain[i] = epoll_create1(0);
        if (i < 5)
            deep &= add(chain[i], at, EPOLLIN, 0) == 0;
        at = chain[i];
    }
    CHECK("nest-five", deep);
    CHECK("nest-six-eloop", FAILS_WITH(add(chain[5], chain[4], EPOLLIN, 0), ELOOP));
    for (int i = 0; i < 6; i++)
        close(chain[i]);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", ep);
    CHECK("proc-link", link_is(path, "anon_inode:[eventpoll]"));
    close(inner);
    close(file);
    close(p[0]);
    close(p[1]);
    close(ep);
}

static void levels(void)
{
    int ep = epoll_create(1);
    int p[2], q[2];
    pipe(p);
    pipe(q);
    add(ep, p[0], EPOLLIN, 10);
    add(ep, q[0], EPOLLIN | EPOLLET, 20);
    add(ep, p[1], EPOLLOUT | EPOLLONESHOT, 30);
    uint32_t e;
    CHECK("oneshot-once", one(ep, 0, &e) == 30 && e == EPOLLOUT);
    CHECK("empty", none(ep));
    write(p[1], "a", 1);
    CHECK("level-ready", one(ep, -1, &e) == 10 && e == EPOLLIN);
    CHECK("level-again", one(ep, 0, &e) == 10);
    char c;
    read(p[0], &c, 1);
    CHECK("level-drained", none(ep));
    write(q[1], "bb", 2);
    CHECK("edge-ready", one(ep, 0, &e) == 20 && e == EPOLLIN);
    CHECK("edge-once", none(ep));
    char two[2];
    CHECK("edge-drain", read(q[0], two, 2) == 2 && none(ep));
    fcntl(q[0], F_SETFL, O_NONBLOCK);
    CHECK("edge-eagain", FAILS_WITH(read(q[0], two, 2), EAGAIN));
    write(q[1], "c", 1);
    CHECK("edge-after-eagain", one(ep, 0, &e) == 20);
    struct epoll_event ev = { .events = EPOLLOUT | EPOLLONESHOT, .data.u64 = 31 };
    CHECK("oneshot-rearm", epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev) == 0 && one(ep, 0, &e) == 31);
    close(p[1]);
    CHECK("hangup", one(ep, 0, &e) == 10 && e == EPOLLHUP);
    /* The read end's last descriptor goes: so does its item. */
    close(p[0]);
    CHECK("closed-gone", none(ep));
    close(q[0]);
    close(q[1]);
    close(ep);
}

/* With room for one event at a time, two ready items take turns. */
static void turns(void)
{
    int ep = epoll_create1(0);
    int p[2], q[2];
    pipe(p);
    pipe(q);
    add(ep, p[0], EPOLLIN, 1);
    add(ep, q[0], EPOLLIN, 2);
    write(p[1], "p", 1);
    write(q[1], "q", 1);
    struct epoll_event ev;
    int a = epoll_wait(ep, &ev, 1, 0) == 1 ? (int)ev.data.u64 : -1;
    int b = epoll_wait(ep, &ev, 1, 0) == 1 ? (int)ev.data.u64 : -1;
    CHECK("turns", a + b == 3 && a != b);
    close(p[0]);
    close(p[1]);
    close(q[0]);
    close(q[1]);
    close(ep);
}

/* A child's write ends a blocking wait of the parent; the epoll itself is
 * one the child inherited. */
static void across_fork(void)
{
    int ep = epoll_create1(0);
    int p[2];
    pipe(p);
    add(ep, p[0], EPOLLIN, 5);
    pid_t pid = fork();
    if (pid == 0) {
        uint32_t e;
        write(p[1], "x", 1);
        _exit(one(ep, -1, &e) == 5 ? 0 : 1);
    }
    uint32_t e;
    CHECK("fork-wakes", one(ep, -1, &e) == 5 && e == EPOLLIN);
    int status = -1;
    waitpid(pid, &status, 0);
    CHECK("fork-child-epoll", WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(p[0]);
    close(p[1]);
    close(ep);
}

static void descriptors(void)
{
    int ep = epoll_create1(0);
    int efd = eventfd(0, EFD_NONBLOCK);
    int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, NULL);
    int sfd = signalfd(-1, &m, SFD_NONBLOCK);
    add(ep, efd, EPOLLIN, 1);
    add(ep, tfd, EPOLLIN, 2);
    add(ep, sfd, EPOLLIN, 3);
    CHECK("descriptors-empty", none(ep));
    uint64_t v = 1;
    write(efd, &v, sizeof v);
    uint32_t e;
    CHECK("eventfd-ready", one(ep, 0, &e) == 1 && e == EPOLLIN);
    read(efd, &v, sizeof v);
    struct itimerspec its = { .it_value = { 0, 2000000 } };
    timerfd_settime(tfd, 0, &its, NULL);
    CHECK("timerfd-wakes", one(ep, -1, &e) == 2);
    read(tfd, &v, sizeof v);
    pid_t pid = fork();
    if (pid == 0) {
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    CHECK("signalfd-wakes", one(ep, -1, &e) == 3 && e == EPOLLIN);
    waitpid(pid, NULL, 0);
    struct signalfd_siginfo si;
    read(sfd, &si, sizeof si);
    /* An epoll in an epoll, and in poll. */
    int outer = epoll_create1(0);
    add(outer, ep, EPOLLIN, 9);
    CHECK("nested-empty", none(outer));
    write(efd, &v, sizeof v);
    CHECK("nested-ready", one(outer, -1, &e) == 9 && e == EPOLLIN);
    struct pollfd p = { .fd = ep, .events = POLLIN };
    CHECK("epoll-in-poll", poll(&p, 1, 0) == 1 && p.revents == POLLIN);
    read(efd, &v, sizeof v);
    pid = fork();
    if (pid == 0) {
        write(efd, &v, sizeof v);
        _exit(0);
    }
    CHECK("nested-wakes", one(outer, -1, &e) == 9);
    waitpid(pid, NULL, 0);
    close(outer);
    close(ep);
    close(efd);
    close(tfd);
    close(sfd);
    sigprocmask(SIG_UNBLOCK, &m, NULL);
}

static volatile sig_atomic_t got;
static void on_usr2(int sig) { got = sig; }

/* epoll_pwait's mask lets a blocked signal in for the wait only. */
static void masks(void)
{
    struct sigaction sa = { .sa_handler = on_usr2 };
    sigaction(SIGUSR2, &sa, NULL);
    sigset_t m, empty;
    sigemptyset(&m);
    sigemptyset(&empty);
    sigaddset(&m, SIGUSR2);
    sigprocmask(SIG_BLOCK, &m, NULL);
    int ep = epoll_create1(0);
    int p[2];
    pipe(p);
    add(ep, p[0], EPOLLIN, 1);
    kill(getpid(), SIGUSR2);
    struct epoll_event ev;
    CHECK("pwait-eintr", FAILS_WITH(epoll_pwait(ep, &ev, 1, -1, &empty), EINTR) && got == SIGUSR2);
    got = 0;
    kill(getpid(), SIGUSR2);
    struct timespec ts = { 0, 1000000 };
    CHECK("pwait2-timeout", syscall(SYS_epoll_pwait2, ep, &ev, 1, &ts, NULL, 8) == 0 && got == 0);
    CHECK("pwait2-eintr", syscall(SYS_epoll_pwait2, ep, &ev, 1, NULL, &empty, 8) == -1 && errno == EINTR &&
                              got == SIGUSR2);
    sigprocmask(SIG_UNBLOCK, &m, NULL);
    close(p[0]);
    close(p[1]);
    close(ep);
}

static void fifo(void)
{
    char dir[PATH_MAX], path[PATH_MAX];
    scratch_dir(dir, "T_RW", "t_epoll");
    path_join(path, dir, "fifo");
    mkfifo(path, 0600);
    int r = open(path, O_RDONLY | O_NONBLOCK), w = open(path, O_WRONLY);
    int ep = epoll_create1(0);
    add(ep, r, EPOLLIN, 7);
    CHECK("fifo-empty", none(ep));
    write(w, "f", 1);
    uint32_t e;
    CHECK("fifo-ready", one(ep, -1, &e) == 7 && e == EPOLLIN);
    close(ep);
    close(r);
    close(w);
    remove_tree(dir);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    checks();
    levels();
    turns();
    across_fork();
    descriptors();
    masks();
    fifo();
    return check_exit_status();
}
