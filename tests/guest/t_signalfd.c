// signalfd and signalfd4: reading pending signals of the mask as struct
// signalfd_siginfo (one or several per read), the sender's fields, changing
// the mask, poll readiness, a blocking read and a blocking poll that a
// signal from a child ends, the argument checks, and a forked child that
// reads its own signals through the parent's signalfd.
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static short poll1(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static sigset_t set_of(int a, int b)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, a);
    if (b)
        sigaddset(&s, b);
    return s;
}

static void reads(void)
{
    sigset_t all = set_of(SIGUSR1, SIGUSR2);
    sigaddset(&all, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &all, NULL);
    sigset_t m = set_of(SIGUSR1, 0);
    int fd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC);
    CHECK("create", fd >= 0);
    CHECK("flags", fcntl(fd, F_GETFL) == (O_RDWR | O_NONBLOCK) && fcntl(fd, F_GETFD) == FD_CLOEXEC);
    struct signalfd_siginfo si[4];
    CHECK("empty-eagain", FAILS_WITH(read(fd, si, sizeof si), EAGAIN));
    CHECK("empty-not-ready", poll1(fd) == 0);
    kill(getpid(), SIGUSR2);
    CHECK("other-signal-not-ready", poll1(fd) == 0);
    kill(getpid(), SIGUSR1);
    CHECK("ready", poll1(fd) == POLLIN);
    CHECK("short-read-einval", FAILS_WITH(read(fd, si, sizeof si[0] - 1), EINVAL));
    CHECK("read-one", read(fd, si, sizeof si) == sizeof si[0]);
    CHECK("read-fields", si[0].ssi_signo == SIGUSR1 && si[0].ssi_code == SI_USER &&
                             si[0].ssi_pid == (uint32_t)getpid() && si[0].ssi_uid == getuid());
    CHECK("taken", poll1(fd) == 0);
    m = set_of(SIGUSR2, SIGRTMIN);
    CHECK("change-mask", signalfd(fd, &m, 0) == fd);
    CHECK("pending-now-ready", poll1(fd) == POLLIN);
    CHECK("read-usr2", read(fd, si, sizeof si[0]) == sizeof si[0] && si[0].ssi_signo == SIGUSR2);
    sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 42 });
    sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 43 });
    CHECK("read-queued-two", read(fd, si, sizeof si) == 2 * sizeof si[0]);
    CHECK("queued-values", si[0].ssi_signo == (uint32_t)SIGRTMIN && si[0].ssi_code == SI_QUEUE &&
                               si[0].ssi_int == 42 && si[1].ssi_int == 43);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    CHECK("proc-link", link_is(path, "anon_inode:[signalfd]"));
    CHECK("bad-size", FAILS_WITH(syscall(SYS_signalfd4, -1, &m, 4, 0), EINVAL));
    CHECK("bad-flags", FAILS_WITH(signalfd(-1, &m, 0x10), EINVAL));
    CHECK("bad-fd", FAILS_WITH(signalfd(1000, &m, 0), EBADF));
    int efd = eventfd(0, 0);
    CHECK("not-signalfd", FAILS_WITH(signalfd(efd, &m, 0), EINVAL));
    CHECK("bad-mask", FAILS_WITH(syscall(SYS_signalfd4, -1, NULL, 8, 0), EFAULT));
    close(efd);
    close(fd);
}

/* A blocking read, or poll, of the parent ends with the signal a child
 * sends, whether it came before the wait or during it. */
static void from_child(int use_poll)
{
    sigset_t m = set_of(SIGUSR1, 0);
    int fd = signalfd(-1, &m, 0);
    pid_t pid = fork();
    if (pid == 0) {
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    if (use_poll) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        CHECK("poll-wakes", poll(&p, 1, -1) == 1 && p.revents == POLLIN);
    }
    struct signalfd_siginfo si;
    CHECK(use_poll ? "poll-then-read" : "blocking-read",
          read(fd, &si, sizeof si) == sizeof si && si.ssi_signo == SIGUSR1 && si.ssi_pid == (uint32_t)pid);
    waitpid(pid, NULL, 0);
    close(fd);
}

/* The child reads its own signals, not its parent's. */
static void across_fork(void)
{
    sigset_t m = set_of(SIGUSR2, 0);
    int fd = signalfd(-1, &m, SFD_NONBLOCK);
    kill(getpid(), SIGUSR2);
    pid_t pid = fork();
    if (pid == 0) {
        struct signalfd_siginfo si;
        if (read(fd, &si, sizeof si) != -1 || errno != EAGAIN)
            _exit(1);
        kill(getpid(), SIGUSR2);
        _exit(read(fd, &si, sizeof si) == sizeof si && si.ssi_pid == (uint32_t)getpid() ? 0 : 2);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    CHECK("fork-child-own", WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct signalfd_siginfo si;
    CHECK("fork-parent-own", read(fd, &si, sizeof si) == sizeof si && si.ssi_signo == SIGUSR2);
    close(fd);
}

int main(void)
{
    reads();
    from_child(0);
    from_child(1);
    across_fork();
    return check_exit_status();
}
