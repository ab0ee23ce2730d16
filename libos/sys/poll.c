/* poll, ppoll, select, pselect6 and the epoll calls.
 *
 * Each file says what is ready now and which PAL streams to wait on
 * (file_ops.poll, gathered by fs/readiness.c): regular files and /dev are
 * always ready, the console, pipes, eventfds and timerfds wait on their host
 * streams, all of them in one PAL poll.  Results are Linux's: revents filtered by the events asked
 * (POLLERR and POLLHUP always, POLLNVAL for a descriptor that is not open),
 * select's sets from the same masks, and what is left of the timeout written
 * back by ppoll, select and pselect6.  A signal ends a wait with
 * -ERESTARTNOHAND: the call starts over unless a handler ran, ppoll, select
 * and pselect6 with the time left, poll with its whole timeout again
 * (Linux's restart block keeps poll's deadline: ours does not). */
#include "fs/fs.h"
#include "fs/stream.h"
#include "fs/epoll.h"
#include "signal/signal.h"
#include "ktime.h"
#include "syscall/handlers.h"
#include <linux/time_types.h>

#define POLLIN_SET  (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET  POLLPRI
#define FDSET_WORDS (MAX_FDS / 64)

/* The deadline of a timeout of ns from now; 0 (just look) stays 0. */
static uint64_t deadline_after(uint64_t ns)
{
    if (!ns)
        return 0;
    uint64_t d = ns_add_sat(pal->time_monotonic_ns(), ns);
    return d == UINT64_MAX ? WAIT_FOREVER : d;
}

static uint64_t ns_left(uint64_t deadline)
{
    uint64_t now = pal->time_monotonic_ns();
    return deadline > now ? deadline - now : 0;
}

/* The core of poll and select: items with fd < 0 are skipped.  Fills each
 * revents and returns how many are non-zero; 0 at the deadline, or
 * -ERESTARTNOHAND when a signal came first. */
static long poll_files(struct pollfd *fds, unsigned int n, uint64_t deadline)
{
    struct poll_item *items = n ? kmalloc(n * sizeof(*items)) : NULL;
    if (n && !items)
        return -ENOMEM;
    long bad = 0;
    for (unsigned int i = 0; i < n; i++) {
        struct file *f = fds[i].fd < 0 ? NULL : fd_file(fds[i].fd);
        items[i] = (struct poll_item){ .f = f, .events = fds[i].events };
        bad += fds[i].fd >= 0 && !f;
    }
    /* A descriptor that is not open is an answer already: one look at the others. */
    long r = poll_items(items, n, bad ? 0 : deadline);
    for (unsigned int i = 0; i < n && r >= 0; i++) {
        fds[i].revents = fds[i].fd >= 0 && !items[i].f ? POLLNVAL : items[i].revents;
        r += fds[i].fd >= 0 && !items[i].f;
    }
    for (unsigned int i = 0; i < n && r == -EINTR; i++)
        fds[i].revents = 0;
    kfree(items);
    return r == -EINTR ? -ERESTARTNOHAND : r;
}

static long do_poll(struct pollfd *ufds, unsigned int nfds, uint64_t deadline)
{
    if (nfds > MAX_FDS)   /* RLIMIT_NOFILE */
        return -EINVAL;
    size_t size = (size_t)nfds * sizeof(*ufds);
    if (!user_range_ok(ufds, size, true))
        return -EFAULT;
    /* One copy: the program may change its array while we wait. */
    struct pollfd *items = nfds ? kmalloc(size) : NULL;
    if (nfds && !items)
        return -ENOMEM;
    if (nfds)
        memcpy(items, ufds, size);
    long r = poll_files(items, nfds, deadline);
    /* Linux writes every revents back, an interrupted wait's zeros too. */
    for (unsigned int i = 0; i < nfds && (r >= 0 || r == -ERESTARTNOHAND); i++)
        ufds[i].revents = items[i].revents;
    kfree(items);
    return r;
}

static uint64_t ms_deadline(int timeout_ms)
{
    return timeout_ms < 0 ? WAIT_FOREVER : deadline_after((uint64_t)timeout_ms * 1000000ull);
}

long sys_poll(struct pollfd *ufds, unsigned int nfds, int timeout_ms)
{
    return do_poll(ufds, nfds, ms_deadline(timeout_ms));
}

/* The caller's signal mask for the wait of ppoll or pselect6: 0, -EINVAL or -EFAULT. */
static long user_sigmask(const uint64_t *umask, size_t size, uint64_t *mask)
{
    if (size != sizeof(*mask))
        return -EINVAL;
    if (!user_range_ok(umask, sizeof(*mask), false))
        return -EFAULT;
    memcpy(mask, umask, sizeof(*mask));
    return 0;
}

/* What is left of the timeout, written back as Linux does, and like Linux
 * without a word if the program's timespec or timeval cannot be written. */
static void put_left(void *ut, uint64_t deadline, bool timeval)
{
    uint64_t ns = ns_left(deadline);
    struct __kernel_timespec ts = { (long long)(ns / NSEC_PER_SEC), (long long)(ns % NSEC_PER_SEC) };
    struct __kernel_old_timeval tv = { (long)(ns / NSEC_PER_SEC), (long)(ns % NSEC_PER_SEC / 1000) };
    size_t size = timeval ? sizeof(tv) : sizeof(ts);
    if (user_range_ok(ut, size, true))
        memcpy(ut, timeval ? (void *)&tv : (void *)&ts, size);
}

long sys_ppoll(struct pollfd *ufds, unsigned int nfds, struct __kernel_timespec *tsp,
               const uint64_t *umask, size_t sigsetsize)
{
    uint64_t ns = 0, deadline = WAIT_FOREVER, mask = 0, old = 0;
    long r;
    if (tsp) {
        if ((r = user_timespec_ns(tsp, &ns)) < 0)
            return r;
        deadline = deadline_after(ns);
    }
    if (umask && (r = user_sigmask(umask, sigsetsize, &mask)) < 0)
        return r;
    if (umask)
        old = signal_swap_mask(mask);
    r = do_poll(ufds, nfds, deadline);
    if (umask)
        signal_swap_mask(old);
    if (tsp && ns)
        put_left(tsp, deadline, false);
    return r;
}

/* The sets of select, in, out and except: the program's (NULL or words of
 * fds), what it asked and what is ready. */
struct fdsets {
    uint64_t *user[3];
    uint64_t asked[3][FDSET_WORDS];
    uint64_t ready[3][FDSET_WORDS];
};

static const short select_events[3] = { POLLIN_SET, POLLOUT_SET, POLLEX_SET };

static bool fd_in(const uint64_t *set, int fd)
{
    return set[fd / 64] & (1ull << (fd % 64));
}

/* Reads the sets of fds below n: -EFAULT, or how many fds they name. */
static long read_sets(int n, struct fdsets *s)
{
    size_t words = ((size_t)n + 63) / 64;
    for (int k = 0; k < 3; k++) {
        memset(s->asked[k], 0, sizeof(s->asked[k]));
        memset(s->ready[k], 0, sizeof(s->ready[k]));
        if (!s->user[k])
            continue;
        if (!user_range_ok(s->user[k], words * 8, true))
            return -EFAULT;
        memcpy(s->asked[k], s->user[k], words * 8);
        if (n % 64)
            s->asked[k][words - 1] &= (1ull << (n % 64)) - 1;
    }
    long count = 0;
    for (int fd = 0; fd < n; fd++)
        count += fd_in(s->asked[0], fd) || fd_in(s->asked[1], fd) || fd_in(s->asked[2], fd);
    return count;
}

static long do_select(int n, struct fdsets *s, uint64_t deadline)
{
    if (n < 0)
        return -EINVAL;
    n = MIN(n, MAX_FDS);
    long count = read_sets(n, s);
    if (count < 0)
        return count;
    struct pollfd *items = count ? kmalloc((size_t)count * sizeof(*items)) : NULL;
    if (count && !items)
        return -ENOMEM;
    long r = 0;
    for (int fd = 0, i = 0; fd < n; fd++) {
        short events = 0;
        for (int k = 0; k < 3; k++)
            events |= fd_in(s->asked[k], fd) ? select_events[k] : 0;
        if (!events)
            continue;
        if (!fd_file(fd))
            r = -EBADF;
        items[i++] = (struct pollfd){ .fd = fd, .events = events };
    }
    if (r == 0)
        r = poll_files(items, (unsigned int)count, deadline);
    if (r >= 0) {
        r = 0;
        for (long i = 0; i < count; i++) {
            int fd = items[i].fd;
            for (int k = 0; k < 3; k++) {
                if (fd_in(s->asked[k], fd) && (items[i].revents & select_events[k])) {
                    s->ready[k][fd / 64] |= 1ull << (fd % 64);
                    r++;
                }
            }
        }
        size_t words = ((size_t)n + 63) / 64;
        for (int k = 0; k < 3; k++)
            if (s->user[k])
                memcpy(s->user[k], s->ready[k], words * 8);
    }
    kfree(items);
    return r;
}

long sys_select(int n, uint64_t *in, uint64_t *out, uint64_t *ex, struct __kernel_old_timeval *utv)
{
    uint64_t ns = 0, deadline = WAIT_FOREVER;
    if (utv) {
        struct __kernel_old_timeval tv;
        if (!user_range_ok(utv, sizeof(tv), false))
            return -EFAULT;
        memcpy(&tv, utv, sizeof(tv));
        /* Linux carries whole seconds out of tv_usec before it checks. */
        long long sec = tv.tv_sec + tv.tv_usec / 1000000, nsec = tv.tv_usec % 1000000 * 1000;
        if (sec < 0 || nsec < 0)
            return -EINVAL;
        ns = (uint64_t)sec >= UINT64_MAX / NSEC_PER_SEC ? UINT64_MAX : (uint64_t)sec * NSEC_PER_SEC + (uint64_t)nsec;
        deadline = deadline_after(ns);
    }
    struct fdsets s = { .user = { in, out, ex } };
    long r = do_select(n, &s, deadline);
    if (utv && ns)
        put_left(utv, deadline, true);
    return r;
}

/* pselect6's sixth argument. */
struct sigmask_arg {
    const uint64_t *mask;
    size_t size;
};

long sys_pselect6(int n, uint64_t *in, uint64_t *out, uint64_t *ex, struct __kernel_timespec *tsp,
                  const struct sigmask_arg *usig)
{
    uint64_t ns = 0, deadline = WAIT_FOREVER, mask = 0, old = 0;
    struct sigmask_arg sig = { NULL, 0 };
    long r;
    if (tsp) {
        if ((r = user_timespec_ns(tsp, &ns)) < 0)
            return r;
        deadline = deadline_after(ns);
    }
    if (usig) {
        if (!user_range_ok(usig, sizeof(sig), false))
            return -EFAULT;
        memcpy(&sig, usig, sizeof(sig));
    }
    if (sig.mask && (r = user_sigmask(sig.mask, sig.size, &mask)) < 0)
        return r;
    if (sig.mask)
        old = signal_swap_mask(mask);
    struct fdsets s = { .user = { in, out, ex } };
    r = do_select(n, &s, deadline);
    if (sig.mask)
        signal_swap_mask(old);
    if (tsp && ns)
        put_left(tsp, deadline, false);
    return r;
}

long sys_epoll_create1(int flags)
{
    if (flags & ~EPOLL_CLOEXEC)
        return -EINVAL;
    struct file *f;
    long r = epoll_file(flags, &f);
    return r < 0 ? r : fd_install(f, 0, flags & EPOLL_CLOEXEC);
}

long sys_epoll_create(int size)
{
    return size <= 0 ? -EINVAL : sys_epoll_create1(0);
}

long sys_epoll_ctl(int epfd, int op, int fd, const struct epoll_event *uev)
{
    struct epoll_event ev = { 0 };
    /* Linux reads the event first, and only for the ops that have one. */
    if (op == EPOLL_CTL_ADD || op == EPOLL_CTL_MOD) {
        if (!user_range_ok(uev, sizeof(ev), false))
            return -EFAULT;
        memcpy(&ev, uev, sizeof(ev));
        /* Without CAP_BLOCK_SUSPEND, EPOLLWAKEUP is dropped as Linux does: nothing suspends here anyway. */
        ev.events &= ~EPOLLWAKEUP;
    }
    struct file *ep = fd_file(epfd), *f = fd_file(fd);
    if (!ep || !f)
        return -EBADF;
    return epoll_control(ep, op, fd, f, &ev);
}

/* The wait of every epoll_wait: events copied out once gathered. */
static long do_epoll_wait(int epfd, struct epoll_event *uev, int max, uint64_t deadline)
{
    if (max <= 0 || (size_t)max > INT32_MAX / sizeof(*uev))
        return -EINVAL;
    struct file *ep = fd_file(epfd);
    if (!ep)
        return -EBADF;
    if (!file_is_epoll(ep))
        return -EINVAL;
    /* Bounded by what the interest list could give: MAX_FDS descriptors, some more than once. */
    int n = MIN(max, 4 * MAX_FDS);
    struct epoll_event *ev = kmalloc((size_t)n * sizeof(*ev));
    if (!ev)
        return -ENOMEM;
    long r = epoll_wait_events(ep, ev, n, deadline);
    /* As Linux, the program's array is looked at only when there are events for it. */
    if (r > 0 && !user_range_ok(uev, (size_t)r * sizeof(*ev), true))
        r = -EFAULT;
    if (r > 0)
        memcpy(uev, ev, (size_t)r * sizeof(*ev));
    kfree(ev);
    return r;
}

long sys_epoll_wait(int epfd, struct epoll_event *uev, int max, int timeout_ms)
{
    return do_epoll_wait(epfd, uev, max, ms_deadline(timeout_ms));
}

/* epoll_pwait and epoll_pwait2: the wait with the caller's mask, as ppoll's. */
static long epoll_wait_masked(int epfd, struct epoll_event *uev, int max, uint64_t deadline,
                              const uint64_t *umask, size_t sigsetsize)
{
    uint64_t mask = 0, old = 0;
    long r;
    if (umask && (r = user_sigmask(umask, sigsetsize, &mask)) < 0)
        return r;
    if (umask)
        old = signal_swap_mask(mask);
    r = do_epoll_wait(epfd, uev, max, deadline);
    if (umask)
        signal_swap_mask(old);
    return r;
}

long sys_epoll_pwait(int epfd, struct epoll_event *uev, int max, int timeout_ms, const uint64_t *umask,
                     size_t sigsetsize)
{
    return epoll_wait_masked(epfd, uev, max, ms_deadline(timeout_ms), umask, sigsetsize);
}

long sys_epoll_pwait2(int epfd, struct epoll_event *uev, int max, const struct __kernel_timespec *tsp,
                      const uint64_t *umask, size_t sigsetsize)
{
    uint64_t deadline = WAIT_FOREVER, ns;
    if (tsp) {
        long r = user_timespec_ns(tsp, &ns);
        if (r < 0)
            return r;
        deadline = deadline_after(ns);
    }
    return epoll_wait_masked(epfd, uev, max, deadline, umask, sigsetsize);
}
