/* Pipes: files over the two ends of a host pipe (PAL stream handles), and
 * over a host FIFO opened by name (fs/host.c).
 *
 * The host ends are always non-blocking and blocking happens here, by waiting
 * on the stream (stream_wait_one): a blocked read or write is then a PAL
 * poll, which a signal can end, never a host read the monitor cannot take
 * back.  O_NONBLOCK is only this file's flag, so F_SETFL may change it.
 * A signal ends a wait with -ERESTARTSYS, as on Linux: the call starts over
 * after a handler with SA_RESTART. */
#include "fs/fs.h"
#include "fs/stream.h"
#include "signal/signal.h"
#include <asm/ioctls.h>

struct pipe_end {
    long handle;
};

static long pipe_handle(struct file *f)
{
    return ((struct pipe_end *)f->priv)->handle;
}

static long pipe_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
    (void)pos;
    long h = pipe_handle(f);
    for (;;) {
        long n = pal->stream_read(h, buf, MIN(len, PAL_MAX_IO), -1);
        if (n != -EAGAIN || (f->flags & O_NONBLOCK))
            return n;
        if ((n = stream_wait_one(h, POLLIN)) < 0)
            return n == -EINTR ? -ERESTARTSYS : n;
    }
}

/* A blocking write returns once all of buf is in the pipe: a write of more
 * than PIPE_BUF bytes goes in pieces as room appears (and may interleave
 * with other writers, as on Linux); one of at most PIPE_BUF bytes is atomic,
 * which the host's non-blocking write keeps (all of it, or -EAGAIN). */
static long pipe_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
    (void)pos;
    long h = pipe_handle(f);
    size_t done = 0;
    len = MIN(len, PAL_MAX_IO);
    for (;;) {
        long n = pal->stream_write(h, (const char *)buf + done, len - done, -1);
        if (n > 0 && (done += (size_t)n) < len)
            continue;
        if (n >= 0)
            return (long)done;
        if (n == -EAGAIN && !(f->flags & O_NONBLOCK) && (n = stream_wait_one(h, POLLOUT)) == 0)
            continue;
        if (n == -EINTR)
            n = -ERESTARTSYS;
        /* Linux raises SIGPIPE even when part of the data went in. */
        write_sigpipe(n);
        return done ? (long)done : n;
    }
}

static long pipe_stat(struct file *f, struct stat *st)
{
    return pal->stream_attr(pipe_handle(f), (struct pal_stat *)st);
}

static long pipe_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
    return req == FIONREAD ? stream_fionread(pipe_handle(f), arg) : -ENOTTY;
}

static short pipe_poll(struct file *f, short events, struct poll_wait *pw)
{
    poll_wait_add(pw, pipe_handle(f), events);
    return 0;
}

/* On the host pipe: other processes that share it see the lock. */
static long pipe_flock(struct file *f, int op)
{
    return pal->stream_flock(pipe_handle(f), op);
}

static void pipe_release(struct file *f)
{
    pal->stream_close(pipe_handle(f));
    kfree(f->priv);
}

static const struct file_ops pipe_ops;

long pipe_capacity(struct file *f, bool set, unsigned int size)
{
    if (f->ops != &pipe_ops)
        return -EBADF;
    if (!set)
        return pal->stream_pipe_size(pipe_handle(f), 0);
    /* Linux's pipe_set_size: the size is rounded first (round_pipe_size: a
     * power of two, at least a page; past 2^31 it cannot be, -EINVAL), and
     * only the rounded size is held against pipe-max-size, which an
     * unprivileged process may not pass. */
    if (size > 1u << 31)
        return -EINVAL;
    unsigned long rounded = 4096;
    while (rounded < size)
        rounded <<= 1;
    if (rounded > PAL_PIPE_MAX_SIZE)
        return -EPERM;
    return pal->stream_pipe_size(pipe_handle(f), rounded);
}

static const struct file_ops pipe_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .stat = pipe_stat,
    .ioctl = pipe_ioctl,
    .poll = pipe_poll,
    .release = pipe_release,
    .async_handle = pipe_handle,
    .flock = pipe_flock,
};

/* A file over handle h, which it owns from here on (closed if this fails).
 * Its flags are what F_GETFL reports for a pipe: no O_LARGEFILE. */
static long pipe_end_file(long h, int flags, const char *path, struct file **out)
{
    struct pipe_end *p = kmalloc(sizeof(*p));
    struct file *f = p ? file_new(&pipe_ops, flags, NULL, path) : NULL;
    if (!f) {
        kfree(p);
        pal->stream_close(h);
        return -ENOMEM;
    }
    p->handle = h;
    f->priv = p;
    f->seekable = false;
    *out = f;
    return 0;
}

long pipe_fifo_file(long h, int flags, struct file **out)
{
    return pipe_end_file(h, fs_file_flags(flags), NULL, out);
}

long pipe_files(int flags, struct file *ends[2])
{
    long h[2];
    long r = pal->stream_pipe(h, O_NONBLOCK | (flags & O_DIRECT));
    if (r < 0)
        return r;
    /* /proc/self/fd shows "pipe:[inode]", the host pipe's inode. */
    struct stat st;
    char path[40] = "pipe:";
    if (pal->stream_attr(h[0], (struct pal_stat *)&st) == 0)
        snprintf(path, sizeof(path), "pipe:[%lu]", (unsigned long)st.st_ino);
    int keep = flags & (O_NONBLOCK | O_DIRECT);
    if ((r = pipe_end_file(h[0], O_RDONLY | keep, path, &ends[0])) < 0) {
        pal->stream_close(h[1]);
        return r;
    }
    if ((r = pipe_end_file(h[1], O_WRONLY | keep, path, &ends[1])) < 0)
        file_put(ends[0]);
    return r;
}
