/* Clocks in nanoseconds: CLOCK_MONOTONIC is the clock of every deadline in
 * the monitor; a timespec is made from nanoseconds in one place. */
#ifndef PICOVM_MONITOR_CLOCK_H
#define PICOVM_MONITOR_CLOCK_H

#include <stdint.h>
#include <time.h>

#define NSEC_PER_SEC 1000000000ull

static inline uint64_t clock_ns(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (uint64_t)t.tv_sec * NSEC_PER_SEC + (uint64_t)t.tv_nsec;
}

static inline uint64_t monotonic_ns(void) { return clock_ns(CLOCK_MONOTONIC); }

static inline struct timespec ns_to_timespec(uint64_t ns)
{
    return (struct timespec){ (time_t)(ns / NSEC_PER_SEC), (long)(ns % NSEC_PER_SEC) };
}

#endif
