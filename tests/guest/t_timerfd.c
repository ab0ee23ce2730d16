// timerfd_create, timerfd_settime and timerfd_gettime: one-shot and
// periodic timers on CLOCK_MONOTONIC, CLOCK_REALTIME and CLOCK_BOOTTIME,
// relative and absolute, blocking and non-blocking reads of the expiration
// count, poll readiness, the old value, the argument checks, and a timer
// shared across fork (the child's read takes the expiration).  Reads block
// until the timer fires: nothing here depends on how long anything takes.
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define MS 1000000L

static uint64_t expirations(int fd)
{
    uint64_t n = 0;
    return read(fd, &n, sizeof n) == sizeof n ? n : 0;
}

static struct itimerspec after(long ns, long interval_ns)
{
    return (struct itimerspec){ .it_value = { ns / 1000000000L, ns % 1000000000L },
                                .it_interval = { interval_ns / 1000000000L, interval_ns % 1000000000L } };
}

/* A one-shot timer of clock, absolute or not, fires once. */
static void one_shot(const char *name, int clock, int abs)
{
    int fd = timerfd_create(clock, 0);
    struct itimerspec its = after(2 * MS, 0);
    if (abs) {
        struct timespec now;
        clock_gettime(clock, &now);
        its.it_value.tv_sec += now.tv_sec + (its.it_value.tv_nsec + now.tv_nsec) / 1000000000L;
        its.it_value.tv_nsec = (its.it_value.tv_nsec + now.tv_nsec) % 1000000000L;
    }
    char n[64];
    snprintf(n, sizeof n, "%s-set", name);
    CHECK(n, timerfd_settime(fd, abs ? TFD_TIMER_ABSTIME : 0, &its, NULL) == 0);
    snprintf(n, sizeof n, "%s-fires-once", name);
    CHECK(n, expirations(fd) == 1);
    struct itimerspec cur;
    snprintf(n, sizeof n, "%s-disarmed", name);
    CHECK(n, timerfd_gettime(fd, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
    close(fd);
}

static void timers(void)
{
    one_shot("mono-rel", CLOCK_MONOTONIC, 0);
    one_shot("mono-abs", CLOCK_MONOTONIC, 1);
    one_shot("real-rel", CLOCK_REALTIME, 0);
    one_shot("real-abs", CLOCK_REALTIME, 1);
    one_shot("boot-rel", CLOCK_BOOTTIME, 0);
    one_shot("boot-abs", CLOCK_BOOTTIME, 1);

    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    CHECK("flags", fcntl(fd, F_GETFL) == (O_RDWR | O_NONBLOCK) && fcntl(fd, F_GETFD) == FD_CLOEXEC);
    uint64_t v;
    CHECK("unarmed-eagain", FAILS_WITH(read(fd, &v, sizeof v), EAGAIN));
    struct itimerspec its = after(100000 * MS, 5000 * MS), old, cur;
    CHECK("arm-long", timerfd_settime(fd, 0, &its, NULL) == 0);
    CHECK("gettime-armed", timerfd_gettime(fd, &cur) == 0);
    CHECK("gettime-interval", cur.it_interval.tv_sec == 5 && cur.it_interval.tv_nsec == 0);
    CHECK("gettime-value", cur.it_value.tv_sec <= 100);
    struct pollfd p = { .fd = fd, .events = POLLIN };
    CHECK("armed-not-ready", poll(&p, 1, 0) == 0);
    its = after(MS, MS);
    CHECK("rearm", timerfd_settime(fd, 0, &its, &old) == 0);
    CHECK("rearm-old-interval", old.it_interval.tv_sec == 5);
    CHECK("rearm-old-value", old.it_value.tv_sec <= 100);
    CHECK("periodic-poll", poll(&p, 1, -1) == 1 && p.revents == POLLIN);
    CHECK("periodic-count", expirations(fd) >= 1);
    its = after(0, 0);
    CHECK("disarm", timerfd_settime(fd, 0, &its, NULL) == 0);
    CHECK("disarmed-eagain", FAILS_WITH(read(fd, &v, sizeof v), EAGAIN));
    char b[4];
    CHECK("short-read-einval", FAILS_WITH(read(fd, b, sizeof b), EINVAL));
    CHECK("write-einval", FAILS_WITH(write(fd, &v, sizeof v), EINVAL));
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    CHECK("proc-link", link_is(path, "anon_inode:[timerfd]"));

    CHECK("bad-clock", FAILS_WITH(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL));
    CHECK("bad-flags", FAILS_WITH(timerfd_create(CLOCK_MONOTONIC, 0x10), EINVAL));
    CHECK("bad-settime-flags", FAILS_WITH(timerfd_settime(fd, 0x10, &its, NULL), EINVAL));
    its.it_value.tv_nsec = 1000000000L;
    CHECK("bad-nsec", FAILS_WITH(timerfd_settime(fd, 0, &its, NULL), EINVAL));
    CHECK("settime-efault", FAILS_WITH(timerfd_settime(fd, 0, NULL, NULL), EFAULT));
    CHECK("gettime-efault", FAILS_WITH(timerfd_gettime(fd, NULL), EFAULT));
    int efd = eventfd(0, 0);
    CHECK("gettime-not-timer", FAILS_WITH(timerfd_gettime(efd, &cur), EINVAL));
    CHECK("gettime-ebadf", FAILS_WITH(timerfd_gettime(-1, &cur), EBADF));
    close(efd);
    close(fd);
}

/* One timer for both: the child's blocking read takes the expiration. */
static void across_fork(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = after(2 * MS, 0);
    timerfd_settime(fd, 0, &its, NULL);
    pid_t pid = fork();
    if (pid == 0)
        _exit(expirations(fd) == 1 ? 0 : 1);
    int status = -1;
    waitpid(pid, &status, 0);
    CHECK("fork-child-reads", WIFEXITED(status) && WEXITSTATUS(status) == 0);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    uint64_t v;
    CHECK("fork-taken", FAILS_WITH(read(fd, &v, sizeof v), EAGAIN));
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    timers();
    across_fork();
    return check_exit_status();
}
