/* PAL event descriptors: host eventfds and timerfds, each a guest handle.
 *
 * Why on the host: a host object is one object for every picoprocess that
 * inherits the handle over fork (each monitor forks with its handle table),
 * as Linux shares an eventfd or timerfd between parent and child; the host
 * keeps the counter, the overflow rules and the timer's expirations; and
 * poll, select and epoll wait on it in the one HC_POLL as on a pipe.  The
 * host fds are always non-blocking (the server thread never waits in a read:
 * the guest waits in HC_POLL, which a signal ends) and close-on-exec. */
#include <errno.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include "calls.h"
#include "core/pal_server.h"
#include "kvm/guest_mem.h"
#include "hypercall.h"

_Static_assert(sizeof(struct hc_itimerspec) == sizeof(struct itimerspec), "hc_itimerspec is itimerspec");

/* A new host fd becomes a handle, or is closed. */
static int64_t new_handle(int fd)
{
    if (fd < 0)
        return -errno;
    int h = handle_alloc(fd);
    if (h < 0)
        close(fd);
    return h;
}

static int64_t hc_eventfd(struct vm *vm, const uint64_t a[6])
{
    (void)vm;
    if (a[0] > UINT32_MAX || (a[1] & ~(uint64_t)HC_EFD_SEMAPHORE))
        return -EINVAL;
    int flags = EFD_NONBLOCK | EFD_CLOEXEC | (a[1] & HC_EFD_SEMAPHORE ? EFD_SEMAPHORE : 0);
    return new_handle(eventfd((unsigned int)a[0], flags));
}

static int64_t hc_timerfd(struct vm *vm, const uint64_t a[6])
{
    (void)vm;
    /* The clocks an unprivileged program may use (the alarm ones need CAP_WAKE_ALARM). */
    if (a[0] != CLOCK_REALTIME && a[0] != CLOCK_MONOTONIC && a[0] != CLOCK_BOOTTIME)
        return -EINVAL;
    return new_handle(timerfd_create((int)a[0], TFD_NONBLOCK | TFD_CLOEXEC));
}

/* (handle, flags, new, old or 0): old is found writable before anything changes. */
static int64_t hc_timerfd_set(struct vm *vm, int fd, const uint64_t a[6])
{
    if (a[1] & ~(uint64_t)(HC_TIMER_ABSTIME | HC_TIMER_CANCEL_ON_SET))
        return -EINVAL;
    struct itimerspec nv, ov;
    struct iovec out[GVA_PAGES(sizeof ov)];
    uint64_t bytes;
    if (gva_read(vm, a[2], &nv, sizeof nv))
        return -EFAULT;
    if (a[3] && gva_iov(vm, a[3], sizeof ov, true, out, GVA_PAGES(sizeof ov), &bytes) < 0)
        return -EFAULT;
    int flags = (a[1] & HC_TIMER_ABSTIME ? TFD_TIMER_ABSTIME : 0) |
                (a[1] & HC_TIMER_CANCEL_ON_SET ? TFD_TIMER_CANCEL_ON_SET : 0);
    if (timerfd_settime(fd, flags, &nv, &ov))
        return -errno;
    if (a[3])
        iov_fill(out, &ov, sizeof ov);
    return 0;
}

static int64_t hc_timerfd_get(struct vm *vm, int fd, const uint64_t a[6])
{
    struct itimerspec cur;
    if (timerfd_gettime(fd, &cur))
        return -errno;
    return gva_write(vm, a[1], &cur, sizeof cur);
}

void pal_evfd_setup(void)
{
    pal_register(HC_EVENTFD, hc_eventfd);
    pal_register(HC_TIMERFD, hc_timerfd);
    pal_register_fd(HC_TIMERFD_SET, hc_timerfd_set);
    pal_register_fd(HC_TIMERFD_GET, hc_timerfd_get);
}
