/* poll, ppoll, select and pselect6.
 *
 * Each file says what is ready now and which PAL streams to wait on
 * (file_ops.poll): regular files and /dev are always ready, the
 * console, pipes (and later sockets) wait on their host streams, all of them
 * in one PAL poll.  Results are Linux's: revents filtered by the events asked
 * (POLLERR and POLLHUP always, POLLNVAL for a descriptor that is not open),
 * select's sets from the same masks, and what is left of the timeout written
 * back by ppoll, select and pselect6.  A signal ends a wait with
 * -ERESTARTNOHAND: the call starts over unless a handler ran, ppoll, select
 * and pselect6 with the time left, poll with its whole timeout again
 * (Linux's restart block keeps poll's deadline: ours does not). */
#include "fs/fs.h"
#include "fs/stream.h"
#include "signal/signal.h"
#include "ktime.h"
#include "syscall/handlers.h"
#include <linux/time_types.h>

#define POLLIN_SET  (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET  POLLPRI
#define FDSET_WORDS (MAX_FDS / 64)

_Static_assert(MAX_FDS * FILE_POLL_STREAMS <= PAL_POLL_MAX, "every stream of a poll fits in one PAL poll");

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

/* One look at a file: the bits ready now, plus its streams appended to w. */
static short file_poll(struct file *f, short events, struct pal_poll *w, int *nw, int *owner, int who)
{
    short filter = events | POLLERR | POLLHUP;
    if (!f->ops->poll)
        return POLL_ALWAYS & filter;
    struct pal_poll wait[FILE_POLL_STREAMS];
    for (int k = 0; k < FILE_POLL_STREAMS; k++)
        wait[k] = (struct pal_poll){ .handle = -1 };
    short ready = f->ops->poll(f, events, wait) & filter;
    for (int k = 0; k < FILE_POLL_STREAMS; k++) {
        if (wait[k].handle < 0)
            continue;
        owner[*nw] = who;
        w[(*nw)++] = wait[k];
    }
    return ready;
}

/* The core of poll and select: items with fd < 0 are skipped.  Fills each
 * revents and returns how many are non-zero; 0 at the deadline, or
 * -ERESTARTNOHAND when a signal came first. */
static long poll_files(struct pollfd *items, unsigned int n, uint64_t deadline)
{
    size_t nstreams = (size_t)n * FILE_POLL_STREAMS;
    struct pal_poll *w = n ? kmalloc(nstreams * (sizeof(*w) + sizeof(int))) : NULL;
    if (n && !w)
        return -ENOMEM;
    int *owner = (int *)(w + nstreams);
    int nw = 0;
    long ready = 0;
    for (unsigned int i = 0; i < n; i++) {
        items[i].revents = 0;
        if (items[i].fd < 0)
            continue;
        struct file *f = fd_file(items[i].fd);
        items[i].revents = f ? file_poll(f, items[i].events, w, &nw, owner, (int)i) : POLLNVAL;
        ready += items[i].revents != 0;
    }
    /* Something ready already: the others get one look, no wait. */
    long r = nw || !ready ? stream_wait(w, nw, ready ? 0 : deadline) : 0;
    if (r > 0) {
        for (int k = 0; k < nw; k++) {
            struct pollfd *p = &items[owner[k]];
            short rev = w[k].revents & (p->events | POLLERR | POLLHUP | POLLNVAL);
            ready += rev && !p->revents;
            p->revents |= rev;
        }
    }
    kfree(w);
    if (r == -EINTR)
        return -ERESTARTNOHAND;
    return r < 0 ? r : ready;
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

long sys_poll(struct pollfd *ufds, unsigned int nfds, int timeout_ms)
{
    uint64_t deadline = timeout_ms < 0 ? WAIT_FOREVER : deadline_after((uint64_t)timeout_ms * 1000000ull);
    return do_poll(ufds, nfds, deadline);
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
