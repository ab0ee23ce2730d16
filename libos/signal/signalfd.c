/* signalfd and signalfd4: a file that reads this process's pending signals
 * of its mask as struct signalfd_siginfo, as Linux's does (the reader's
 * own signals, whoever made the file: after fork the child reads its own).
 *
 * It lives in the guest, where the pending set is.  Its readiness is the
 * pending set: a poll, select or epoll that waits on it adds its mask to
 * the signals that end the wait (fs/readiness.c), so a blocked signal of
 * the mask that arrives during the PAL wait (an upcall from the host, a
 * message from another process) ends it as an unblocked one would. */
#include "fs/fs.h"
#include "fs/stream.h"
#include "signal/signal.h"
#include "syscall/handlers.h"
#include <linux/signalfd.h>

struct sigfd {
    uint64_t mask;
};

static const struct file_ops signalfd_ops;

static uint64_t sigfd_mask(struct file *f)
{
    return ((struct sigfd *)f->priv)->mask;
}

/* The fields Linux fills for the kind of signal info says it is. */
static void to_ssi(const siginfo_t *info, struct signalfd_siginfo *ssi)
{
    memset(ssi, 0, sizeof(*ssi));
    ssi->ssi_signo = (uint32_t)info->si_signo;
    ssi->ssi_errno = info->si_errno;
    ssi->ssi_code = info->si_code;
    int sig = info->si_signo;
    if (info->si_code == SI_TIMER) {
        ssi->ssi_tid = (uint32_t)info->si_tid;
        ssi->ssi_overrun = (uint32_t)info->si_overrun;
        ssi->ssi_int = info->si_int;
        ssi->ssi_ptr = (uint64_t)info->si_ptr;
    } else if (info->si_code > 0 && sig == SIGCHLD) {
        ssi->ssi_pid = (uint32_t)info->si_pid;
        ssi->ssi_uid = info->si_uid;
        ssi->ssi_status = info->si_status;
        ssi->ssi_utime = (uint64_t)info->si_utime;
        ssi->ssi_stime = (uint64_t)info->si_stime;
    } else if (info->si_code > 0 && (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
                                     sig == SIGTRAP)) {
        ssi->ssi_addr = (uint64_t)info->si_addr;
    } else if (info->si_code > 0 && sig == SIGPOLL) {
        ssi->ssi_band = (uint32_t)info->si_band;
        ssi->ssi_fd = info->si_fd;
    } else {
        /* Sent by a process (kill, sigqueue, tgkill), or by the kernel with no more to say. */
        ssi->ssi_pid = (uint32_t)info->si_pid;
        ssi->ssi_uid = info->si_uid;
        ssi->ssi_int = info->si_int;
        ssi->ssi_ptr = (uint64_t)info->si_ptr;
    }
}

static bool sigfd_ready(uint64_t mask)
{
    signal_take_async();
    return ((sigstate.pending | sigthr.pending) & mask) != 0;
}

/* As many pending signals of the mask as fit, waiting for the first. */
static long sigfd_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
    (void)pos;
    struct signalfd_siginfo *out = buf;
    size_t max = len / sizeof(*out);
    if (!max)
        return -EINVAL;
    uint64_t mask = sigfd_mask(f);
    while (!sigfd_ready(mask)) {
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        long r = stream_wait_signals(NULL, 0, WAIT_FOREVER, mask);
        if (r < 0 && signal_pending())
            return -ERESTARTSYS;
    }
    size_t n = 0;
    siginfo_t info;
    while (n < max && signal_dequeue(mask, &info))
        to_ssi(&info, &out[n++]);
    return (long)(n * sizeof(*out));
}

static short sigfd_poll(struct file *f, short events, struct poll_wait *pw)
{
    uint64_t mask = sigfd_mask(f);
    if (pw)
        pw->signals |= mask;
    return sigfd_ready(mask) ? (short)(events & (POLLIN | POLLRDNORM)) : 0;
}

static const struct file_ops signalfd_ops = {
    .read = sigfd_read,
    .stat = anon_file_stat,
    .poll = sigfd_poll,
    .release = file_free_priv,
};

long sys_signalfd4(int fd, const uint64_t *umask, size_t size, int flags)
{
    if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
        return -EINVAL;
    if (size != sizeof(uint64_t))
        return -EINVAL;
    if (!user_range_ok(umask, sizeof(uint64_t), false))
        return -EFAULT;
    uint64_t mask = *umask & ~UNBLOCKABLE;
    if (fd != -1) {
        struct file *f = fd_file(fd);
        if (!f)
            return -EBADF;
        if (f->ops != &signalfd_ops)
            return -EINVAL;
        ((struct sigfd *)f->priv)->mask = mask;
        return fd;
    }
    struct sigfd *s = kmalloc(sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->mask = mask;
    /* Its flags are what F_GETFL reports for it: no O_LARGEFILE. */
    struct file *f = file_new(&signalfd_ops, O_RDWR | (flags & SFD_NONBLOCK), NULL, "anon_inode:[signalfd]");
    if (!f) {
        kfree(s);
        return -ENOMEM;
    }
    f->priv = s;
    f->seekable = false;
    return fd_install(f, 0, flags & SFD_CLOEXEC);
}

long sys_signalfd(int fd, const uint64_t *umask, size_t size)
{
    return sys_signalfd4(fd, umask, size, 0);
}
