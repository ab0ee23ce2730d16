/* What the files over PAL streams (console, pipes, later sockets) share:
 * waits on their streams, SIGPIPE, FIONREAD.
 *
 * A wait may end early in the PAL (vsock traffic, a host clock that runs
 * ahead of ours) or with -EINTR for an asynchronous event that turned out to
 * be no signal for us: both are waited out again, against our own clock, so
 * a timeout is never shorter than asked. */
#include "fs/fs.h"
#include "fs/stream.h"
#include "signal/signal.h"

long write_sigpipe(long r)
{
    if (r == -EPIPE)
        signal_raise(SIGPIPE);
    return r;
}

long stream_fionread(long handle, unsigned long arg)
{
    int *p = (int *)arg;
    if (!user_range_ok(p, sizeof(*p), true))
        return -EFAULT;
    long n = pal->stream_nread(handle);
    if (n < 0)
        return n;
    *p = (int)MIN(n, (long)INT32_MAX);
    return 0;
}

long stream_wait(struct pal_poll *fds, int n, uint64_t deadline)
{
    return stream_wait_signals(fds, n, deadline, 0);
}

long stream_wait_signals(struct pal_poll *fds, int n, uint64_t deadline, uint64_t wake)
{
    for (;;) {
        uint64_t now = deadline ? pal->time_monotonic_ns() : 0;
        long long timeout = -1;
        if (deadline != WAIT_FOREVER)
            timeout = now >= deadline ? 0 : (long long)MIN(deadline - now, (uint64_t)INT64_MAX);
        /* As Linux: a pending signal ends a wait, but not a mere look, and
         * only after one look at the streams. */
        bool interrupted = timeout && signal_pending_or(wake);
        long r = pal->stream_poll(fds, n, interrupted ? 0 : timeout);
        if (r > 0 || (r < 0 && r != -EINTR))
            return r;
        if (interrupted || (r == -EINTR && signal_pending_or(wake)))
            return -EINTR;
        if (r == 0 && (!timeout || (deadline != WAIT_FOREVER && pal->time_monotonic_ns() >= deadline)))
            return 0;
    }
}

long stream_wait_one(long handle, short events)
{
    struct pal_poll p = { .handle = handle, .events = events };
    long r = stream_wait(&p, 1, WAIT_FOREVER);
    return r < 0 ? r : 0;
}
