/* eventfd, eventfd2, timerfd_create, timerfd_settime and timerfd_gettime:
 * Linux's argument checks, in Linux's order, over the host eventfds and
 * timerfds of fs/evfd.c. */
#include "fs/fs.h"
#include "ktime.h"
#include "sys/cred.h"
#include "syscall/handlers.h"
#include <linux/capability.h>
#include <linux/time.h>
#include <linux/time_types.h>

#define EFD_SEMAPHORE 1
#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2

_Static_assert(sizeof(struct __kernel_itimerspec) == sizeof(struct pal_itimerspec), "itimerspec is pal_itimerspec");

/* A new descriptor for the file *f that r says was made. */
static long install(long r, struct file **f, int flags)
{
    return r < 0 ? r : fd_install(*f, 0, flags & O_CLOEXEC);
}

long sys_eventfd2(unsigned int count, int flags)
{
    if (flags & ~(EFD_SEMAPHORE | O_CLOEXEC | O_NONBLOCK))
        return -EINVAL;
    struct file *f = NULL;
    return install(eventfd_file(count, flags & EFD_SEMAPHORE, flags, &f), &f, flags);
}

long sys_eventfd(unsigned int count)
{
    return sys_eventfd2(count, 0);
}

long sys_timerfd_create(int clock, int flags)
{
    if (flags & ~(O_CLOEXEC | O_NONBLOCK))
        return -EINVAL;
    switch (clock) {
    case CLOCK_REALTIME_ALARM:
    case CLOCK_BOOTTIME_ALARM:
        /* What sets them apart, waking a suspended machine, means nothing to a VM. */
        if (!cred_capable(CAP_WAKE_ALARM))
            return -EPERM;
        clock = clock == CLOCK_REALTIME_ALARM ? CLOCK_REALTIME : CLOCK_BOOTTIME;
        break;
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_BOOTTIME:
        break;
    default:
        return -EINVAL;
    }
    /* Our CLOCK_BOOTTIME reads the monotonic clock (sys/time.c): an
     * absolute time the program read from it is a monotonic one. */
    if (clock == CLOCK_BOOTTIME)
        clock = CLOCK_MONOTONIC;
    struct file *f = NULL;
    return install(timerfd_file(clock, flags, &f), &f, flags);
}

/* The host timerfd behind fd and its clock: -EBADF, or -EINVAL for another file. */
static long timer_of(int fd, int *clock)
{
    struct file *f = fd_file(fd);
    return f ? timerfd_handle(f, clock) : -EBADF;
}

/* An absolute expiry becomes the time left until it by our clock, the one
 * the program read it from: the host's runs a little apart (the guest
 * counts from its boot with the TSC), and a timer set by the host's would
 * fire early or late by the difference.  A time already past fires at
 * once, as Linux's.  -> false if v is no valid time (the host says EINVAL). */
static bool to_relative(struct pal_itimerspec *v, int clock)
{
    if (v->value_sec < 0 || v->value_nsec < 0 || v->value_nsec >= (long long)NSEC_PER_SEC)
        return false;
    if (!v->value_sec && !v->value_nsec)
        return true;   /* disarms, absolute or not */
    if ((uint64_t)v->value_sec > UINT64_MAX / NSEC_PER_SEC / 2)
        return true;   /* beyond any clock: left to the host as it is */
    uint64_t at = (uint64_t)v->value_sec * NSEC_PER_SEC + (uint64_t)v->value_nsec;
    uint64_t now = clock == CLOCK_REALTIME ? pal->time_realtime_ns() : pal->time_monotonic_ns();
    uint64_t left = at > now ? at - now : 1;
    v->value_sec = (long long)(left / NSEC_PER_SEC);
    v->value_nsec = (long long)(left % NSEC_PER_SEC);
    return true;
}

long sys_timerfd_settime(int fd, int flags, const struct __kernel_itimerspec *unew, struct __kernel_itimerspec *uold)
{
    struct pal_itimerspec nv, ov;
    if (!user_range_ok(unew, sizeof(nv), false))
        return -EFAULT;
    memcpy(&nv, unew, sizeof(nv));
    if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
        return -EINVAL;
    int clock;
    long h = timer_of(fd, &clock);
    if (h < 0)
        return h;
    int pflags = (flags & TFD_TIMER_ABSTIME ? PAL_TIMER_ABSTIME : 0) |
                 (flags & TFD_TIMER_CANCEL_ON_SET ? PAL_TIMER_CANCEL_ON_SET : 0);
    /* TFD_TIMER_CANCEL_ON_SET needs the host's absolute timer: kept as it is. */
    if (pflags == PAL_TIMER_ABSTIME && to_relative(&nv, clock))
        pflags = 0;
    long r = pal->stream_timerfd_set(h, pflags, &nv, &ov);
    if (r < 0 || !uold)
        return r;
    /* As Linux: the timer is set even if the old value cannot be written. */
    if (!user_range_ok(uold, sizeof(ov), true))
        return -EFAULT;
    memcpy(uold, &ov, sizeof(ov));
    return 0;
}

long sys_timerfd_gettime(int fd, struct __kernel_itimerspec *ucur)
{
    int clock;
    long h = timer_of(fd, &clock);
    if (h < 0)
        return h;
    struct pal_itimerspec cur;
    long r = pal->stream_timerfd_get(h, &cur);
    if (r < 0)
        return r;
    if (!user_range_ok(ucur, sizeof(cur), true))
        return -EFAULT;
    memcpy(ucur, &cur, sizeof(cur));
    return 0;
}
