/* alarm, setitimer and getitimer.  ITIMER_REAL runs on the PAL's alarm: the
 * host times it and posts each expiry as an upcall, so SIGALRM arrives even
 * while the program spins in its own code.  The library OS keeps the next
 * expiry itself, to answer getitimer without asking the host.
 * ITIMER_VIRTUAL and ITIMER_PROF need CPU-time accounting, which picovm
 * does not have: -ENOSYS. */
#include "libos.h"
#include "signal/signal.h"
#include "ktime.h"
#include "syscall/handlers.h"
#include <linux/time.h>
#include <linux/time_types.h>

#define USEC_NS 1000ull

static struct {
    uint64_t next;       /* CLOCK_MONOTONIC ns of the next expiry, 0: disarmed */
    uint64_t interval;
} real;

/* Linux rounds a remaining time down to microseconds. */
static void to_timeval(struct __kernel_old_timeval *tv, uint64_t ns)
{
    tv->tv_sec = (long)(ns / NSEC_PER_SEC);
    tv->tv_usec = (long)(ns % NSEC_PER_SEC / USEC_NS);
}

static void current(struct __kernel_old_itimerval *v)
{
    uint64_t left = 0;
    if (real.next) {
        uint64_t now = pal->time_monotonic_ns();
        /* Expired but not delivered yet: Linux says 1 us, never 0 while armed. */
        left = real.next > now ? real.next - now : USEC_NS;
    }
    to_timeval(&v->it_value, left);
    to_timeval(&v->it_interval, real.interval);
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

static long arm(uint64_t value, uint64_t interval)
{
    /* Expiries of the old timer handed over already count (SIGALRM pending);
     * the host drops those it has not handed over. */
    signal_take_async();
    long r = pal->set_alarm(value, value ? interval : 0);
    if (r < 0)
        return r;
    real.next = value ? ns_add_sat(pal->time_monotonic_ns(), value) : 0;
    real.interval = value ? interval : 0;
    return 0;
}

void itimer_expired(uint64_t n)
{
    if (!real.next)
        return;
    if (real.interval) {
        real.next = ns_add_sat(real.next, n * real.interval);
        uint64_t now = pal->time_monotonic_ns();
        if (real.next <= now)
            real.next = ns_add_sat(now, real.interval - (now - real.next) % real.interval);
    } else {
        real.next = 0;
    }
    siginfo_t info = { .si_signo = SIGALRM, .si_code = SI_KERNEL };
    signal_send(SIGALRM, &info);
}

void itimer_forget(void)
{
    real.next = real.interval = 0;
}

long sys_getitimer(int which, struct __kernel_old_itimerval *uv)
{
    struct __kernel_old_itimerval v;
    if (which == ITIMER_VIRTUAL || which == ITIMER_PROF)
        return -ENOSYS;
    if (which != ITIMER_REAL)
        return -EINVAL;
    current(&v);
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
    if (which == ITIMER_VIRTUAL || which == ITIMER_PROF)
        return -ENOSYS;
    if (which != ITIMER_REAL || !valid(&v.it_value) || !valid(&v.it_interval))
        return -EINVAL;
    current(&old);
    long r = arm(tv_ns(&v.it_value), tv_ns(&v.it_interval));
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
    current(&old);
    arm((uint64_t)seconds * NSEC_PER_SEC, 0);
    /* Never 0 for an armed timer, and rather too much than too little. */
    long left = old.it_value.tv_sec;
    if ((!left && old.it_value.tv_usec) || old.it_value.tv_usec >= 500000)
        left++;
    return left;
}
