/* The console: files over the monitor's own standard streams (PAL handles
 * 0, 1 and 2).  Nothing is buffered here, so what the program writes to
 * stdout and stderr reaches the host in the order it was written. */
#include "fs/fs.h"
#include "fs/stream.h"
#include "signal/signal.h"
#include <asm/ioctls.h>
#include <asm/termbits.h>
#include <asm/termios.h>

struct console {
    long rd, wr;   /* handles for reading and for writing, stat and ioctl */
    int tty;       /* is wr a terminal: -1 not asked yet, 0, 1 */
};

/* Input that is not there yet is waited for in a PAL poll, which a signal
 * (the user's Ctrl-C) can end; the host read then finds data or end of file. */
static long console_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
    (void)pos;
    struct console *c = f->priv;
    struct pal_poll p = { .handle = c->rd, .events = POLLIN };
    if (len && pal->stream_poll(&p, 1, 0) == 0) {
        long r = stream_wait_one(c->rd, POLLIN);
        if (r < 0)
            return r == -EINTR ? -ERESTARTSYS : r;
    }
    return pal->stream_read(c->rd, buf, MIN(len, PAL_MAX_IO), -1);
}

static long console_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
    (void)pos;
    struct console *c = f->priv;
    return write_sigpipe(pal->stream_write(c->wr, buf, MIN(len, PAL_MAX_IO), -1));
}

static long console_stat(struct file *f, struct stat *st)
{
    struct console *c = f->priv;
    return pal->stream_attr(c->wr, (struct pal_stat *)st);
}

static bool is_tty(struct console *c)
{
    if (c->tty < 0)
        c->tty = pal->stream_tty(c->wr, PAL_TTY_ISATTY, NULL) > 0;
    return c->tty;
}

/* Only the questions programs ask to decide how to format output (isatty,
 * the window size) go to the host; the terminal is not ours to reconfigure. */
static long console_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
    struct console *c = f->priv;
    int op;
    size_t size;
    if (req == FIONREAD)
        return stream_fionread(c->rd, arg);
    if (req == TCGETS) {
        op = PAL_TTY_TCGETS;
        size = sizeof(struct termios);
    } else if (req == TIOCGWINSZ) {
        op = PAL_TTY_WINSZ;
        size = sizeof(struct winsize);
    } else {
        return -ENOTTY;
    }
    if (!is_tty(c))
        return -ENOTTY;
    if (!user_range_ok((void *)arg, size, true))
        return -EFAULT;
    return pal->stream_tty(c->wr, op, (void *)arg);
}

/* Input events are the reading stream's, output events the writing one's. */
static short console_poll(struct file *f, short events, struct poll_wait *pw)
{
    struct console *c = f->priv;
    const short in = POLLIN | POLLPRI | POLLRDNORM | POLLRDBAND | POLLRDHUP;
    if (c->rd == c->wr) {
        poll_wait_add(pw, c->rd, events);
        return 0;
    }
    poll_wait_add(pw, c->rd, events & in);
    poll_wait_add(pw, c->wr, events & ~in);
    return 0;
}

/* O_ASYNC tells of input. */
static long console_input(struct file *f) { return ((struct console *)f->priv)->rd; }

static const struct file_ops console_ops = {
    .read = console_read,
    .write = console_write,
    .stat = console_stat,
    .ioctl = console_ioctl,
    .poll = console_poll,
    .release = file_free_priv,
    .async_handle = console_input,
};

long console_open(long rd, long wr, int flags, struct file **out)
{
    struct console *c = kmalloc(sizeof(*c));
    if (!c)
        return -ENOMEM;
    *c = (struct console){ .rd = rd, .wr = wr, .tty = -1 };
    long r = file_open(&console_ops, flags, NULL, "/dev/tty", c, out);
    if (r < 0) {
        kfree(c);
        return r;
    }
    (*out)->seekable = false;
    return 0;
}

/* /dev/tty: the terminal among the host's standard streams; a program run
 * without one gets ENXIO, as it would from Linux without a controlling tty. */
long console_open_tty(int flags, struct file **out)
{
    long tty = -1;
    for (long h = 0; h < 3 && tty < 0; h++)
        if (pal->stream_tty(h, PAL_TTY_ISATTY, NULL) > 0)
            tty = h;
    if (tty < 0)
        return -ENXIO;
    long rd = pal->stream_tty(0, PAL_TTY_ISATTY, NULL) > 0 ? 0 : tty;
    long wr = tty == 0 && pal->stream_tty(1, PAL_TTY_ISATTY, NULL) > 0 ? 1 : tty;
    return console_open(rd, wr, flags, out);
}
