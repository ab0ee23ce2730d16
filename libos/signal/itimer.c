/* alarm, setitimer and getitimer.  The three interval timers share the
 * PAL's alarm: the host times it and posts each expiry as an upcall, so a
 * signal arrives even while the program spins in its own code.
 * ITIMER_REAL runs on the monotonic clock, ITIMER_VIRTUAL on the process's
 * user time and ITIMER_PROF on its user and system time
 * (bookkeep/cputime.c).  The real timer alone has the alarm to itself, as
 * a periodic one when it has an interval.  With a CPU timer armed, as a CPU
 * clock never runs faster than the monotonic one, the alarm is set once
 * for the soonest any timer could expire; then the timers that are due
 * fire, and the alarm is set again.  The CPU
 * timers are looked at no more often than a HZ=250 kernel's tick, as
 * Linux's are, so a sleeping process with one armed wakes little.
 *
 * RLIMIT_CPU is a fourth CPU timer on the same clock as ITIMER_PROF, as
 * Linux's process CPU timer: SIGXCPU when the soft limit is passed and each
 * second after, SIGKILL at the hard limit.  (Linux raises the soft limit by
 * a second at each SIGXCPU to time the next one; here the timer's interval
 * does, and getrlimit still shows the limit the program set.) */
#include "libos.h"
#include "signal/signal.h"
#include "ktime.h"
#include "bookkeep/cputime.h"
#include "syscall/handlers.h"
#include <linux/time.h>
#include <linux/time_types.h>

#define USEC_NS 1000ull
#define CPU_TICK_NS 4000000ull
#define NITIMERS 3   /* the program's: ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF */
#define CPU_LIMIT 3  /* then RLIMIT_CPU's */
#define NTIMERS 4

static struct {
    uint64_t next;       /* the timer's clock at its next expiry, 0: disarmed */
    uint64_t interval;
} timers[NTIMERS];

static const int timer_signal[NTIMERS] = { SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU };
/* RLIMIT_CPU's hard limit in ns of CPU time, UINT64_MAX: none; and its soft one. */
static uint64_t cpu_hard = UINT64_MAX, cpu_soft = UINT64_MAX;

static uint64_t clock_of(int which)
{
    if (which == ITIMER_REAL)
        return pal->time_monotonic_ns();
    struct cpu_times t = cputime_self();
    return which == ITIMER_VIRTUAL ? t.user_ns : t.user_ns + t.sys_ns;
}

/* Linux rounds a remaining time down to microseconds. */
static void to_timeval(struct __kernel_old_timeval *tv, uint64_t ns)
{
    tv->tv_sec = (long)(ns / NSEC_PER_SEC);
    tv->tv_usec = (long)(ns % NSEC_PER_SEC / USEC_NS);
}

static void current(int which, struct __kernel_old_itimerval *v)
{
    uint64_t left = 0, next = timers[which].next;
    if (next) {
        uint64_t now = clock_of(which);
        /* Expired but not delivered yet: Linux says 1 us, never 0 while armed. */
        left = next > now ? next - now : USEC_NS;
    }
    to_timeval(&v->it_value, left);
    to_timeval(&v->it_interval, timers[which].interval);
}

/* Whether the PAL's alarm is ITIMER_REAL's own: its expiries are then
 * trusted as they are, as with the real timer alone. */
static bool alarm_is_real;

static bool cpu_timers_armed(void)
{
    return timers[ITIMER_VIRTUAL].next || timers[ITIMER_PROF].next || timers[CPU_LIMIT].next;
}

/* Sets the PAL's alarm: with the real timer alone, to it (the host repeats
 * it); with a CPU timer, once, for the soonest any timer could expire. */
static long set_alarm(void)
{
    uint64_t soonest = UINT64_MAX, real_left = UINT64_MAX;
    for (int w = 0; w < NTIMERS; w++) {
        if (!timers[w].next)
            continue;
        uint64_t now = clock_of(w);
        uint64_t left = timers[w].next > now ? timers[w].next - now : 0;
        if (w == ITIMER_REAL)
            real_left = left;
        else
            left = MAX(left, CPU_TICK_NS);
        soonest = MIN(soonest, left);
    }
    alarm_is_real = real_left != UINT64_MAX && real_left == soonest;
    if (soonest == UINT64_MAX)
        return pal->set_alarm(0, 0);
    /* 0 would turn the alarm off: a timer already due fires at once. */
    return pal->set_alarm(MAX(soonest, 1), cpu_timers_armed() ? 0 : timers[ITIMER_REAL].interval);
}

static bool valid(const struct __kernel_old_timeval *tv)
{
    return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

static uint64_t tv_ns(const struct __kernel_old_timeval *tv)
{
    if ((uint64_t)tv->tv_sec >= UINT64_MAX / NSEC_PER_SEC - 1)
        return UINT64_MAX / 2;
    return (uint64_t)tv->tv_sec * NSEC_PER_SEC + (uint64_t)tv->tv_usec * USEC_NS;
}

static long arm(int which, uint64_t value, uint64_t interval)
{
    /* Expiries handed over already count (the signal is pending); the host
     * drops those it has not handed over. */
    signal_take_async();
    typeof(timers[0]) old = timers[which];
    /* Linux adds a tick to a CPU timer's first expiry (kernel/time/itimer.c). */
    if (value && which != ITIMER_REAL)
        value = ns_add_sat(value, CPU_TICK_NS);
    timers[which].next = value ? MAX(ns_add_sat(clock_of(which), value), 1) : 0;
    timers[which].interval = value ? interval : 0;
    long r = set_alarm();
    if (r < 0)
        timers[which] = old;
    return r;
}

/* The next expiry of a timer that expired n times from next on. */
static uint64_t advance(uint64_t next, uint64_t every, uint64_t n, uint64_t now)
{
    if (!every)
        return 0;
    next = ns_add_sat(next, n * every);
    if (next <= now)
        next = ns_add_sat(now, every - (now - next) % every);
    return next;
}

/* The alarm went off n times: the real timer, if the alarm was its own,
 * expired n times; a CPU timer when its clock says so. */
void itimer_expired(uint64_t n)
{
    bool real_alarm = alarm_is_real;
    for (int w = 0; w < NTIMERS; w++) {
        uint64_t now = clock_of(w), next = timers[w].next;
        if (!next)
            continue;
        if (w == ITIMER_REAL && real_alarm)
            timers[w].next = advance(next, timers[w].interval, n, now);
        else if (now >= next)
            timers[w].next = advance(next, timers[w].interval, 1, now);
        else
            continue;
        int sig = w == CPU_LIMIT && now >= cpu_hard ? SIGKILL : timer_signal[w];
        siginfo_t info = { .si_signo = sig, .si_code = SI_KERNEL };
        signal_send(sig, &info);
    }
    /* The host repeats the real timer's own alarm; the others are set anew. */
    if (cpu_timers_armed() || !real_alarm)
        set_alarm();
}

/* The CPU-time limit's timer: due when the process's CPU clock reaches the
 * soft limit, then each second.  As itimer_expired does, it sets the alarm
 * without asking whether the PAL took it. */
static void arm_cpu_limit(void)
{
    timers[CPU_LIMIT].next = 0;
    if (cpu_soft != UINT64_MAX) {
        /* Linux checks at its tick: never before the limit is reached. */
        timers[CPU_LIMIT].next = MAX(ns_add_sat(MIN(cpu_soft, cpu_hard), CPU_TICK_NS), 1);
        timers[CPU_LIMIT].interval = NSEC_PER_SEC;
    }
    set_alarm();
}

void itimer_cpu_limit(uint64_t soft_s, uint64_t hard_s)
{
    signal_take_async();
    cpu_soft = soft_s >= UINT64_MAX / NSEC_PER_SEC ? UINT64_MAX : soft_s * NSEC_PER_SEC;
    cpu_hard = hard_s >= UINT64_MAX / NSEC_PER_SEC ? UINT64_MAX : hard_s * NSEC_PER_SEC;
    arm_cpu_limit();
}

/* A forked child's CPU time starts at 0 under the same limit. */
void itimer_forget(void)
{
    memset(timers, 0, sizeof timers);
    alarm_is_real = false;
    if (cpu_soft != UINT64_MAX)
        arm_cpu_limit();
}

long sys_getitimer(int which, struct __kernel_old_itimerval *uv)
{
    struct __kernel_old_itimerval v;
    if (which < 0 || which >= NITIMERS)
        return -EINVAL;
    current(which, &v);
    if (!user_range_ok(uv, sizeof v, true))
        return -EFAULT;
    memcpy(uv, &v, sizeof v);
    return 0;
}

long sys_setitimer(int which, const struct __kernel_old_itimerval *unew, struct __kernel_old_itimerval *uold)
{
    struct __kernel_old_itimerval v = { 0 }, old;
    /* A NULL new value disarms, as Linux still accepts. */
    if (unew) {
        if (!user_range_ok(unew, sizeof v, false))
            return -EFAULT;
        memcpy(&v, unew, sizeof v);
    }
    if (which < 0 || which >= NITIMERS || !valid(&v.it_value) || !valid(&v.it_interval))
        return -EINVAL;
    current(which, &old);
    long r = arm(which, tv_ns(&v.it_value), tv_ns(&v.it_interval));
    if (r < 0)
        return r;
    if (uold) {
        if (!user_range_ok(uold, sizeof old, true))
            return -EFAULT;
        memcpy(uold, &old, sizeof old);
    }
    return 0;
}

long sys_alarm(unsigned int seconds)
{
    struct __kernel_old_itimerval old;
    current(ITIMER_REAL, &old);
    arm(ITIMER_REAL, (uint64_t)seconds * NSEC_PER_SEC, 0);
    /* Never 0 for an armed timer, and rather too much than too little. */
    long left = old.it_value.tv_sec;
    if ((!left && old.it_value.tv_usec) || old.it_value.tv_usec >= 500000)
        left++;
    return left;
}
