/* eventfd and timerfd files: host eventfds and timerfds (PAL streams) that
 * the monitor makes and keeps, so that the count, the overflow rules and
 * the expirations are the host's, one object for every process forked
 * after (monitor/pal/evfd.c says why).  The host ends never block:
 * blocking happens here, by waiting on the stream as a pipe does, so a
 * signal ends it (-ERESTARTSYS, as Linux's reads and writes). */
#include "fs/fs.h"
#include "fs/stream.h"
#include "signal/signal.h"

#define COUNTER_BYTES 8

struct counter {
    long handle;
    int clock;           /* a timerfd's host clock */
};

static long counter_handle(struct file *f)
{
    return ((struct counter *)f->priv)->handle;
}

/* Reads and writes move exactly the 8-byte counter: fewer is -EINVAL. */
static long counter_io(struct file *f, void *buf, size_t len, bool write)
{
    if (len < COUNTER_BYTES)
        return -EINVAL;
    long h = counter_handle(f);
    for (;;) {
        long n = write ? pal->stream_write(h, buf, COUNTER_BYTES, -1) : pal->stream_read(h, buf, COUNTER_BYTES, -1);
        if (n != -EAGAIN || (f->flags & O_NONBLOCK))
            return n;
        if ((n = stream_wait_one(h, write ? POLLOUT : POLLIN)) < 0)
            return n == -EINTR ? -ERESTARTSYS : n;
    }
}

static long counter_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
    (void)pos;
    return counter_io(f, buf, len, false);
}

static long counter_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
    (void)pos;
    return counter_io(f, (void *)buf, len, true);
}

static long counter_stat(struct file *f, struct stat *st)
{
    return pal->stream_attr(counter_handle(f), (struct pal_stat *)st);
}

static short counter_poll(struct file *f, short events, struct poll_wait *pw)
{
    poll_wait_add(pw, counter_handle(f), events);
    return 0;
}

static void counter_release(struct file *f)
{
    pal->stream_close(counter_handle(f));
    kfree(f->priv);
}

static const struct file_ops eventfd_ops = {
    .read = counter_read,
    .write = counter_write,
    .stat = counter_stat,
    .poll = counter_poll,
    .release = counter_release,
};

/* A timerfd has no write (-EINVAL, as Linux's). */
static const struct file_ops timerfd_ops = {
    .read = counter_read,
    .stat = counter_stat,
    .poll = counter_poll,
    .release = counter_release,
};

/* A file over handle h (or h's error), which it owns from here on. */
static long counter_file(long h, int clock, const struct file_ops *ops, int flags, const char *path,
                         struct file **out)
{
    if (h < 0)
        return h;
    struct counter *c = kmalloc(sizeof(*c));
    struct file *f = c ? file_new(ops, O_RDWR | (flags & O_NONBLOCK), NULL, path) : NULL;
    if (!f) {
        kfree(c);
        pal->stream_close(h);
        return -ENOMEM;
    }
    c->handle = h;
    c->clock = clock;
    f->priv = c;
    f->seekable = false;
    *out = f;
    return 0;
}

long eventfd_file(unsigned int count, bool semaphore, int flags, struct file **out)
{
    long h = pal->stream_eventfd(count, semaphore ? PAL_EFD_SEMAPHORE : 0);
    return counter_file(h, -1, &eventfd_ops, flags, "anon_inode:[eventfd]", out);
}

long timerfd_file(int clock, int flags, struct file **out)
{
    return counter_file(pal->stream_timerfd(clock), clock, &timerfd_ops, flags, "anon_inode:[timerfd]", out);
}

long timerfd_handle(struct file *f, int *clock)
{
    if (f->ops != &timerfd_ops)
        return -EINVAL;
    *clock = ((struct counter *)f->priv)->clock;
    return counter_handle(f);
}
