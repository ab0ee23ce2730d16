/* CLOCK_MONOTONIC in nanoseconds, the clock of every deadline in the monitor. */
#ifndef PICOVM_MONITOR_CLOCK_H
#define PICOVM_MONITOR_CLOCK_H

#include <stdint.h>
#include <time.h>

#define NSEC_PER_SEC 1000000000ull

static inline uint64_t monotonic_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * NSEC_PER_SEC + (uint64_t)t.tv_nsec;
}

static inline struct timespec ns_to_timespec(uint64_t ns)
{
    return (struct timespec){ (time_t)(ns / NSEC_PER_SEC), (long)(ns % NSEC_PER_SEC) };
}

#endif
