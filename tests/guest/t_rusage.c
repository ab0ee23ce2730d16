/* CPU time: getrusage, times, the CPU-time clocks and /proc/self/stat's
 * utime grow while the program spins and not while it sleeps; a child's
 * time reaches its parent when, and only when, it is waited for.  Times
 * are never printed, and no check depends on the machine's speed: spins
 * last until a clock moves. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define SPIN_LIMIT_S 60   /* a clock that never moves fails instead of hanging */

static long long ns(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec * 1000000000ll + t.tv_nsec;
}

static long long ru_user_us(int who)
{
    struct rusage ru;
    if (getrusage(who, &ru))
        return -1;
    return ru.ru_utime.tv_sec * 1000000ll + ru.ru_utime.tv_usec;
}

/* Field 14 of /proc/self/stat: user time in clock ticks. */
static long stat_utime(void)
{
    FILE *f = fopen("/proc/self/stat", "r");
    long v = -1;
    if (!f)
        return -1;
    /* The name, in parentheses, may hold spaces: skip to its end. */
    int c;
    while ((c = fgetc(f)) != EOF && c != ')')
        ;
    if (fscanf(f, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld", &v) != 1)
        v = -1;
    fclose(f);
    return v;
}

static volatile unsigned long sink;

/* Spins until more() says stop; false if the wall clock ran out first. */
static int spin_until(int (*more)(void))
{
    long long end = ns(CLOCK_MONOTONIC) + SPIN_LIMIT_S * 1000000000ll;
    while (more()) {
        for (int i = 0; i < 100000; i++)
            sink += i;
        if (ns(CLOCK_MONOTONIC) > end)
            return 0;
    }
    return 1;
}

static long long base;
static long base_l;
static int cpu_clock_same(void) { return ns(CLOCK_PROCESS_CPUTIME_ID) <= base; }
static int thread_clock_same(void) { return ns(CLOCK_THREAD_CPUTIME_ID) <= base; }
static int ru_same(void) { return ru_user_us(RUSAGE_SELF) <= base; }
static int thread_ru_same(void) { return ru_user_us(RUSAGE_THREAD) <= base; }
static int stat_same(void) { return stat_utime() <= base_l; }
static int times_same(void)
{
    struct tms t;
    times(&t);
    return t.tms_utime <= base_l;
}

static void self(void)
{
    base = ns(CLOCK_PROCESS_CPUTIME_ID);
    CHECK("process-clock-grows", spin_until(cpu_clock_same));
    base = ns(CLOCK_THREAD_CPUTIME_ID);
    CHECK("thread-clock-grows", spin_until(thread_clock_same));
    base = ru_user_us(RUSAGE_SELF);
    CHECK("getrusage-self", base >= 0);
    CHECK("getrusage-self-grows", spin_until(ru_same));
    base = ru_user_us(RUSAGE_THREAD);
    CHECK("getrusage-thread-grows", spin_until(thread_ru_same));
    base_l = stat_utime();
    CHECK("proc-stat-utime", base_l >= 0);
    CHECK("proc-stat-utime-grows", spin_until(stat_same));
    struct tms t;
    CHECK("times", times(&t) != (clock_t)-1);
    base_l = t.tms_utime;
    CHECK("times-utime-grows", spin_until(times_same));
    CHECK("getrusage-einval", FAILS_WITH(getrusage(7, &(struct rusage){ 0 }), EINVAL));

    /* Asleep, a process uses (next to) no CPU. */
    long long c0 = ns(CLOCK_PROCESS_CPUTIME_ID), w0 = ns(CLOCK_MONOTONIC);
    struct timespec nap = { 0, 300000000 };
    nanosleep(&nap, NULL);
    long long c1 = ns(CLOCK_PROCESS_CPUTIME_ID), w1 = ns(CLOCK_MONOTONIC);
    CHECK("sleep-is-not-cpu", c1 - c0 < (w1 - w0) / 2);
}

/* A child that spins for at least 50 ms of its own CPU time. */
static int child_cpu_short(void) { return ns(CLOCK_PROCESS_CPUTIME_ID) < 50000000ll; }

static void children(void)
{
    /* Children waited for before an exec count too: start from what is there. */
    struct rusage k0;
    getrusage(RUSAGE_CHILDREN, &k0);
    long long k0_us = k0.ru_utime.tv_sec * 1000000ll + k0.ru_utime.tv_usec +
                      k0.ru_stime.tv_sec * 1000000ll + k0.ru_stime.tv_usec;
    struct tms t0;
    times(&t0);
    pid_t pid = fork();
    if (pid == 0) {
        /* A child starts with no time of its own. */
        if (ru_user_us(RUSAGE_SELF) > 40000 || ru_user_us(RUSAGE_CHILDREN) != 0)
            _exit(2);
        _exit(spin_until(child_cpu_short) ? 0 : 1);
    }
    struct rusage ru;
    int st;
    CHECK("wait4", wait4(pid, &st, 0, &ru) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    long long wait_us = ru.ru_utime.tv_sec * 1000000ll + ru.ru_utime.tv_usec +
                        ru.ru_stime.tv_sec * 1000000ll + ru.ru_stime.tv_usec;
    CHECK("wait4-rusage", wait_us >= 40000);
    struct rusage kids;
    getrusage(RUSAGE_CHILDREN, &kids);
    long long kids_us = kids.ru_utime.tv_sec * 1000000ll + kids.ru_utime.tv_usec +
                        kids.ru_stime.tv_sec * 1000000ll + kids.ru_stime.tv_usec;
    CHECK("children-after-wait", kids_us - k0_us >= 40000);
    struct tms t;
    times(&t);
    CHECK("times-children", t.tms_cutime + t.tms_cstime - t0.tms_cutime - t0.tms_cstime >= 4);
}

int main(void)
{
    self();
    children();
    return check_exit_status();
}
