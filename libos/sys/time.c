/* Time system calls.  Both host clocks come from the PAL, which extrapolates
 * the monitor's boot-time sample with the TSC, so reading a clock costs no exit. */
#include "libos.h"
#include "ktime.h"
#include "signal/signal.h"
#include "bookkeep/cputime.h"
#include "syscall/handlers.h"
#include <linux/time_types.h>

/* SRC_CPU: user and system time (bookkeep/cputime.c); SRC_CPU_USER: user time only. */
enum { SRC_NONE, SRC_REALTIME, SRC_MONOTONIC, SRC_CPU, SRC_CPU_USER };

/* Linux's coarse clocks advance once per tick: we report a HZ=250 kernel's tick. */
#define COARSE_RES_NS 4000000u

#define SLEEP_PIECE_NS (3600 * NSEC_PER_SEC)

struct clock_desc {
    uint8_t src;        /* SRC_NONE: clock_gettime and clock_getres answer -EINVAL */
    uint32_t res_ns;
    int nosleep_err;    /* clock_nanosleep refuses the clock before reading the request */
    int sleep_err;      /* ... or after reading it */
};

/* Indexed by Linux clock id.  Linux has no nanosleep for the raw, coarse and
 * thread-CPU clocks, and the alarm clocks need an RTC, which this VM lacks. */
static const struct clock_desc clocks[] = {
    [CLOCK_REALTIME]           = { SRC_REALTIME, 1, 0, 0 },
    [CLOCK_MONOTONIC]          = { SRC_MONOTONIC, 1, 0, 0 },
    [CLOCK_PROCESS_CPUTIME_ID] = { SRC_CPU, 1, 0, 0 },
    [CLOCK_THREAD_CPUTIME_ID]  = { SRC_CPU, 1, -EOPNOTSUPP, 0 },
    [CLOCK_MONOTONIC_RAW]      = { SRC_MONOTONIC, 1, -EOPNOTSUPP, 0 },
    [CLOCK_REALTIME_COARSE]    = { SRC_REALTIME, COARSE_RES_NS, -EOPNOTSUPP, 0 },
    [CLOCK_MONOTONIC_COARSE]   = { SRC_MONOTONIC, COARSE_RES_NS, -EOPNOTSUPP, 0 },
    /* The guest is never suspended, so boot time is monotonic time. */
    [CLOCK_BOOTTIME]           = { SRC_MONOTONIC, 1, 0, 0 },
    [CLOCK_REALTIME_ALARM]     = { SRC_NONE, 0, 0, -EOPNOTSUPP },
    [CLOCK_BOOTTIME_ALARM]     = { SRC_NONE, 0, 0, -EOPNOTSUPP },
    /* TAI is realtime plus the kernel's TAI offset, which is 0 until NTP sets it. */
    [CLOCK_TAI]                = { SRC_REALTIME, 1, 0, 0 },
};

/* Negative ids name the CPU clock of a process or thread
 * (clock_getcpuclockid, pthread_getcpuclockid): ~id << 3 | per-thread << 2 | kind,
 * or, with kind 3 and no per-thread bit, a posix clock device by descriptor. */
#define CPUCLOCK_PERTHREAD 4
#define CPUCLOCK_KIND(id)  ((id) & 3)   /* PROF 0, VIRT 1, SCHED 2 */
#define CPUCLOCK_VIRT      1
#define CPUCLOCK_SCHED     2
#define CPUCLOCK_KINDS     3
#define CPUCLOCK_FD        3

/* false for ids Linux knows nothing about (-EINVAL from every call). */
static bool clock_lookup(int clockid, struct clock_desc *c)
{
    if (clockid >= 0) {
        if ((unsigned)clockid >= ARRAY_SIZE(clocks) ||
            (clocks[clockid].src == SRC_NONE && !clocks[clockid].sleep_err))
            return false;
        *c = clocks[clockid];
        return true;
    }
    if ((clockid & 7) == CPUCLOCK_FD) {
        /* No posix clock devices; Linux never sleeps on one. */
        *c = (struct clock_desc){ .src = SRC_NONE, .nosleep_err = -EOPNOTSUPP };
        return true;
    }
    long id = ~(long)(clockid >> 3);
    bool known = CPUCLOCK_KIND(clockid) < CPUCLOCK_KINDS && (id == 0 || id == proc.pid);
    bool thread = clockid & CPUCLOCK_PERTHREAD;
    /* A thread cannot sleep on its own CPU clock; the process may (and, as
     * on Linux when single-threaded, never wakes: sleeping uses no CPU).  The
     * profiling and virtual clocks tick with the scheduler (HZ=250); the
     * virtual one counts user time only. */
    *c = (struct clock_desc){
        .src = !known ? SRC_NONE : CPUCLOCK_KIND(clockid) == CPUCLOCK_VIRT ? SRC_CPU_USER : SRC_CPU,
        .res_ns = CPUCLOCK_KIND(clockid) == CPUCLOCK_SCHED ? 1 : COARSE_RES_NS,
        .sleep_err = known && !thread ? 0 : -EINVAL,
    };
    return true;
}

long clock_read_ns(int clockid, uint64_t *ns)
{
    struct clock_desc c;
    if (!clock_lookup(clockid, &c) || c.src == SRC_NONE)
        return -EINVAL;
    switch (c.src) {
    case SRC_REALTIME:
        *ns = pal->time_realtime_ns();
        break;
    case SRC_MONOTONIC:
        *ns = pal->time_monotonic_ns();
        break;
    default: {
        /* The thread's and the process's are the same: there is one thread. */
        struct cpu_times t = cputime_self();
        *ns = c.src == SRC_CPU_USER ? t.user_ns : t.user_ns + t.sys_ns;
        break;
    }
    }
    return 0;
}

long user_timespec_ns(const void *uts, uint64_t *ns)
{
    struct __kernel_timespec ts;
    if (!user_range_ok(uts, sizeof ts, false))
        return -EFAULT;
    memcpy(&ts, uts, sizeof ts);
    if (ts.tv_sec < 0 || (unsigned long long)ts.tv_nsec >= NSEC_PER_SEC)
        return -EINVAL;
    if ((uint64_t)ts.tv_sec >= UINT64_MAX / NSEC_PER_SEC)
        *ns = UINT64_MAX;
    else
        *ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
    return 0;
}

static long put_user_timespec(void *uts, uint64_t ns)
{
    struct __kernel_timespec ts = {
        .tv_sec = (long long)(ns / NSEC_PER_SEC),
        .tv_nsec = (long long)(ns % NSEC_PER_SEC),
    };
    if (!user_range_ok(uts, sizeof ts, true))
        return -EFAULT;
    memcpy(uts, &ts, sizeof ts);
    return 0;
}

long sleep_until_ns(int clockid, uint64_t deadline)
{
    /* Re-check the clock after each sleep: the host may wake us early, and a
     * realtime deadline moves if the wall clock is stepped.  The host bounds
     * one sleep (to a day), so long ones are taken in pieces.  A sleep the
     * host cut short (-EINTR) for an event that is no signal for us goes on. */
    for (;;) {
        uint64_t now;
        long ret = clock_read_ns(clockid, &now);
        if (ret < 0)
            return ret;
        if (now >= deadline)
            return 0;
        if (signal_pending())
            return -EINTR;
        ret = pal->sleep_ns(MIN(deadline - now, SLEEP_PIECE_NS));
        if (ret < 0 && ret != -EINTR)
            return ret;
    }
}

long sys_clock_gettime(int clockid, void *tp)
{
    uint64_t ns;
    long ret = clock_read_ns(clockid, &ns);
    if (ret < 0)
        return ret;
    return put_user_timespec(tp, ns);
}

long sys_clock_getres(int clockid, void *res)
{
    struct clock_desc c;
    if (!clock_lookup(clockid, &c) || c.src == SRC_NONE)
        return -EINVAL;
    return res ? put_user_timespec(res, c.res_ns) : 0;
}

long sys_gettimeofday(void *tv, void *tz)
{
    if (tv) {
        uint64_t ns = pal->time_realtime_ns();
        struct __kernel_old_timeval t = {
            .tv_sec = (long)(ns / NSEC_PER_SEC),
            .tv_usec = (long)(ns % NSEC_PER_SEC / 1000),
        };
        if (!user_range_ok(tv, sizeof t, true))
            return -EFAULT;
        memcpy(tv, &t, sizeof t);
    }
    if (tz) {
        /* The kernel's timezone is UTC unless someone calls settimeofday. */
        struct timezone z = { 0, 0 };
        if (!user_range_ok(tz, sizeof z, true))
            return -EFAULT;
        memcpy(tz, &z, sizeof z);
    }
    return 0;
}

long sys_time(long *tloc)
{
    long now = (long)(pal->time_realtime_ns() / NSEC_PER_SEC);
    if (tloc) {
        if (!user_range_ok(tloc, sizeof *tloc, true))
            return -EFAULT;
        *tloc = now;
    }
    return now;
}

/* rem is written only when a sleep is cut short (-EINTR), as on Linux. */
static long do_sleep(int clockid, bool absolute, uint64_t ns, void *rem)
{
    uint64_t now, deadline = ns;
    long ret;
    if (!absolute) {
        clock_read_ns(clockid, &now);
        deadline = ns_add_sat(now, ns);
    }
    ret = sleep_until_ns(clockid, deadline);
    if (ret == -EINTR && !absolute && rem) {
        clock_read_ns(clockid, &now);
        if (put_user_timespec(rem, deadline > now ? deadline - now : 0) < 0)
            return -EFAULT;
    }
    return ret;
}

long sys_nanosleep(const void *req, void *rem)
{
    uint64_t ns;
    long ret = user_timespec_ns(req, &ns);
    return ret < 0 ? ret : do_sleep(CLOCK_MONOTONIC, false, ns, rem);
}

long sys_clock_nanosleep(int clockid, int flags, const void *req, void *rem)
{
    struct clock_desc c;
    uint64_t ns;
    long ret;
    if (!clock_lookup(clockid, &c))
        return -EINVAL;
    if (c.nosleep_err)
        return c.nosleep_err;
    ret = user_timespec_ns(req, &ns);
    if (ret < 0)
        return ret;
    if (c.sleep_err)
        return c.sleep_err;
    return do_sleep(clockid, flags & TIMER_ABSTIME, ns, rem);
}
