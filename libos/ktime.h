/* Clocks and sleeping, shared by the time system calls and futex timeouts.
 * Times are nanoseconds in a uint64_t (good until the year 2554). */
#ifndef PICOVM_KTIME_H
#define PICOVM_KTIME_H

#include "libos.h"
#include <linux/time.h>   /* CLOCK_* ids */

#define NSEC_PER_SEC 1000000000ull

/* Current value of a Linux clock id; -EINVAL for one we do not have. */
long clock_read_ns(int clockid, uint64_t *ns);

/* Reads a struct __kernel_timespec from the program: -EFAULT, or -EINVAL
 * unless tv_sec >= 0 and 0 <= tv_nsec < 1e9.  Saturates at UINT64_MAX. */
long user_timespec_ns(const void *uts, uint64_t *ns);

/* Sleeps until clockid reads at least deadline: 0, or the PAL's error. */
long sleep_until_ns(int clockid, uint64_t deadline);

/* Since the host booted: the monotonic clock is the host's (sysinfo, /proc). */
static inline uint64_t uptime_ns(void)
{
    return pal->time_monotonic_ns();
}

static inline uint64_t ns_add_sat(uint64_t a, uint64_t b)
{
    return a + b < a ? UINT64_MAX : a + b;
}

#endif
