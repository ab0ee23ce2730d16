/* Signals about open files: O_ASYNC (F_SETFL, F_SETOWN, F_SETSIG) and
 * leases (F_SETLEASE).
 *
 * Both are the host's, on the file's PAL stream (file_ops.async_handle):
 * the host sees every process's opens and writes, so it breaks a lease on
 * another picoprocess's open and tells of each write into a pipe (see
 * monitor/pal/notify.c).  Its news comes as an upcall (pal_upcall.io); at
 * the signal room's next safe point, file_async_take() asks each file
 * armed here what came, and sends the file's owner the signal Linux would:
 * SIGIO as from the kernel, or the F_SETSIG signal with si_fd, si_band and
 * the reason in si_code.  The owner is this process, its group, or another
 * process (whom it reaches as a kill from this one, without the siginfo). */
#include "fs/fs.h"
#include "fs/stream.h"
#include "bookkeep/process.h"
#include "ipc/ipc.h"
#include "signal/signal.h"

int file_lease_break_secs = 45;   /* Linux's default */

/* Linux's reasons in the order they win, with the bands that give them. */
static const struct { short band; int code; } reasons[] = {
    { POLLMSG, POLL_MSG }, { POLLIN, POLL_IN }, { POLLOUT, POLL_OUT },
    { POLLPRI, POLL_PRI }, { POLLHUP, POLL_HUP }, { POLLERR, POLL_ERR },
};

static int reason(long band)
{
    for (size_t i = 0; i < ARRAY_SIZE(reasons); i++)
        if (band & reasons[i].band)
            return reasons[i].code;
    return POLL_IN;
}

/* The host tells of the file's news from now on. */
static long arm(struct file *f, int op)
{
    long h = f->ops->async_handle ? f->ops->async_handle(f) : -1;
    if (h < 0)
        return 0;   /* no news ever: Linux keeps the flag and sends nothing */
    long r = pal->stream_async(h, op);
    if (r == 0 && op == PAL_ASYNC_ON)
        f->notified = true;
    return r;
}

long file_set_async(struct file *f, bool on)
{
    if (!!(f->flags & FASYNC) == on)
        return 0;
    long r = arm(f, on ? PAL_ASYNC_ON : PAL_ASYNC_OFF);
    if (r == 0)
        f->flags = on ? f->flags | FASYNC : f->flags & ~FASYNC;
    return r;
}

long file_lease(struct file *f, int type)
{
    long h = f->ops->async_handle ? f->ops->async_handle(f) : -1;
    if (h < 0)
        return type == PAL_LEASE_GET ? F_UNLCK : -EINVAL;
    if (type == PAL_LEASE_GET)
        return pal->stream_lease(h, type, 0);
    /* A lease the host now shows as none is being broken for a writer (or
     * was, for good): on Linux that writer already has the file open for
     * writing, which refuses a read lease.  Here its open may not have
     * reached the host yet (its monitor waits in a helper thread). */
    if (type == F_RDLCK && f->leased && pal->stream_lease(h, PAL_LEASE_GET, 0) == F_UNLCK)
        return -EAGAIN;
    unsigned int break_s = file_lease_break_secs > 0 ? (unsigned int)file_lease_break_secs : 0;
    long r = pal->stream_lease(h, type, break_s);
    if (r < 0)
        return r;
    f->leased = type != F_UNLCK;
    if (type == F_UNLCK)
        return 0;
    /* The holder hears of a break: Linux makes it the file's owner. */
    f->notified = true;
    f->owner_type = F_OWNER_PID;
    f->owner_pid = proc.pid;
    return 0;
}

static void send(const struct file *f, int fd, long band)
{
    int sig = f->io_signal ? f->io_signal : SIGIO;
    siginfo_t info = { .si_signo = sig, .si_code = SI_KERNEL };
    if (f->io_signal) {
        info.si_code = reason(band);
        info.si_band = band;
        info.si_fd = fd;
    }
    int who = f->owner_pid;
    if (who <= 0)
        return;
    if (f->owner_type == F_OWNER_PGRP) {
        if (who == proc.pgid)
            signal_send(sig, &info);
        ipc_kill(-who, sig);
    } else if (who == proc.pid) {
        signal_send(sig, &info);
    } else {
        ipc_kill(who, sig);
    }
}

/* Each armed file once, at its lowest descriptor (the si_fd it reports). */
static bool seen_before(const struct file *f, int fd)
{
    for (int i = 0; i < fd; i++)
        if (fd_table[i] == f)
            return true;
    return false;
}

static void take(void)
{
    for (int fd = 0; fd < MAX_FDS; fd++) {
        struct file *f = fd_table[fd];
        if (!f || !f->notified || seen_before(f, fd))
            continue;
        long news = pal->stream_async(f->ops->async_handle(f), PAL_ASYNC_TAKE);
        if (news <= 0)
            continue;
        /* A lease's break is news whatever the flags; readiness, only with O_ASYNC. */
        long band = news & ~PAL_ASYNC_SEEN;
        if ((band & PAL_ASYNC_BREAK) || (f->flags & FASYNC))
            send(f, fd, band);
    }
}

void file_async_init(void) { signal_set_io_taker(take); }
