// Clocks and sleeps.  Only relations between readings are checked, never
// the readings themselves, so the output is the same on every run.
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static int64_t ns(clockid_t clock)
{
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0)
        return -1;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t ts_ns(struct timespec ts)
{
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void clocks(void)
{
    struct timespec ts;
    time_t now = time(NULL);
    CHECK("realtime", clock_gettime(CLOCK_REALTIME, &ts) == 0);
    CHECK("realtime-near-time", ts.tv_sec >= now - 5 && ts.tv_sec <= now + 5);
    CHECK("realtime-after-2020", ts.tv_sec > 1577836800);
    CHECK("realtime-nsec-range", ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
    CHECK("time-syscall", (time_t)syscall(SYS_time, NULL) >= now && (time_t)syscall(SYS_time, NULL) <= now + 5);
    time_t t2;
    CHECK("time-stores", syscall(SYS_time, &t2) >= now && t2 >= now && t2 <= now + 5);

    int monotonic = 1;
    int64_t prev = ns(CLOCK_MONOTONIC);
    for (int i = 0; i < 10000; i++) {
        int64_t cur = ns(CLOCK_MONOTONIC);
        monotonic &= cur >= prev;
        prev = cur;
    }
    CHECK("monotonic-non-decreasing", prev > 0 && monotonic);
    int64_t mono = ns(CLOCK_MONOTONIC);
    int64_t boot = ns(CLOCK_BOOTTIME);
    CHECK("boottime", boot > 0 && boot >= mono);
    CHECK("monotonic-raw", ns(CLOCK_MONOTONIC_RAW) > 0);
    CHECK("monotonic-coarse", ns(CLOCK_MONOTONIC_COARSE) > 0);
    CHECK("realtime-coarse", ns(CLOCK_REALTIME_COARSE) / 1000000000 >= now - 5);
    int64_t cpu1 = ns(CLOCK_PROCESS_CPUTIME_ID);
    for (volatile int i = 0; i < 1000000; i++)
        ;
    int64_t cpu2 = ns(CLOCK_PROCESS_CPUTIME_ID);
    CHECK("process-cputime", cpu1 >= 0 && cpu2 >= cpu1);
    CHECK("thread-cputime", ns(CLOCK_THREAD_CPUTIME_ID) >= 0);

    struct timeval tv;
    CHECK("gettimeofday", gettimeofday(&tv, NULL) == 0 && tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    int64_t rt = ns(CLOCK_REALTIME);
    int64_t tod = (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
    CHECK("gettimeofday-near-realtime", rt - tod >= 0 && rt - tod < 1000000000);

    /* Raw calls: natively libc may answer these from the vDSO. */
    CHECK("clock-gettime-bad-clock-einval", FAILS_WITH(syscall(SYS_clock_gettime, 12345, &ts), EINVAL));
    CHECK("clock-gettime-negative-clock-einval", FAILS_WITH(syscall(SYS_clock_gettime, -100, &ts), EINVAL));
    CHECK("clock-gettime-efault", FAILS_WITH(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)8), EFAULT));
    CHECK("clock-gettime-raw", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) == 0 && ts_ns(ts) > 0);
    CHECK("gettimeofday-raw", syscall(SYS_gettimeofday, &tv, NULL) == 0 && tv.tv_sec >= now);

    CHECK("getres-monotonic", clock_getres(CLOCK_MONOTONIC, &ts) == 0 && ts.tv_sec == 0 &&
                              ts.tv_nsec > 0 && ts.tv_nsec <= 10000000);
    CHECK("getres-realtime", clock_getres(CLOCK_REALTIME, &ts) == 0 && ts.tv_sec == 0 &&
                             ts.tv_nsec > 0 && ts.tv_nsec <= 10000000);
    CHECK("getres-null", clock_getres(CLOCK_MONOTONIC, NULL) == 0);
    CHECK("getres-bad-clock-einval", FAILS_WITH(syscall(SYS_clock_getres, 12345, &ts), EINVAL));
}

static void sleeps(void)
{
    struct timespec req = { 0, 20000000 }, rem = { 7, 7 };
    int64_t t0 = ns(CLOCK_MONOTONIC);
    CHECK("nanosleep", nanosleep(&req, &rem) == 0);
    int64_t t1 = ns(CLOCK_MONOTONIC);
    CHECK("nanosleep-20ms-elapsed", t1 - t0 >= 20000000);
    CHECK("nanosleep-not-too-long", t1 - t0 < 2000000000);
    req.tv_nsec = 0;
    CHECK("nanosleep-zero", nanosleep(&req, NULL) == 0);
    req.tv_nsec = 1000000000;
    CHECK("nanosleep-bad-nsec-einval", FAILS_WITH(nanosleep(&req, NULL), EINVAL));
    req.tv_sec = -1;
    req.tv_nsec = 0;
    CHECK("nanosleep-negative-einval", FAILS_WITH(nanosleep(&req, NULL), EINVAL));

    /* clock_nanosleep returns the error number instead of setting errno. */
    req.tv_sec = 0;
    req.tv_nsec = 10000000;
    t0 = ns(CLOCK_MONOTONIC);
    CHECK("clock-nanosleep-relative", clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL) == 0);
    t1 = ns(CLOCK_MONOTONIC);
    CHECK("clock-nanosleep-relative-elapsed", t1 - t0 >= 10000000);
    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 15000000;
    if (abs.tv_nsec >= 1000000000) {
        abs.tv_sec++;
        abs.tv_nsec -= 1000000000;
    }
    CHECK("clock-nanosleep-abstime", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) == 0);
    CHECK("clock-nanosleep-abstime-reached", ns(CLOCK_MONOTONIC) >= ts_ns(abs));
    abs.tv_sec -= 10;   /* a deadline in the past returns at once */
    CHECK("clock-nanosleep-abstime-past", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) == 0);
    CHECK("clock-nanosleep-realtime", clock_nanosleep(CLOCK_REALTIME, 0, &req, NULL) == 0);
    CHECK("clock-nanosleep-bad-clock-einval", clock_nanosleep(12345, 0, &req, NULL) == EINVAL);
    req.tv_nsec = -1;
    CHECK("clock-nanosleep-bad-nsec-einval", clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL) == EINVAL);
}

int main(void)
{
    clocks();
    sleeps();
    return check_exit_status();
}
