/* Waiting on files: the readiness of a file (file_ops.poll in vfs.h) and
 * waits on the PAL streams behind it, with deadlines and signals. */
#ifndef PICOVM_LIBOS_STREAM_H
#define PICOVM_LIBOS_STREAM_H

#include "fs/vfs.h"
#include <asm/poll.h>

/* A file without a poll operation: always ready, as Linux's DEFAULT_POLLMASK. */
#define POLL_ALWAYS (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)
#define WAIT_FOREVER UINT64_MAX

/* Waits until one of fds[0..n) is ready (their revents filled), or the
 * monotonic clock reaches deadline (ns; 0: just look).  -> number ready,
 * 0 at the deadline, -EINTR when a signal is pending, or the PAL's error.
 * Ready streams win over a pending signal, as in Linux. (fs/stream.c) */
long stream_wait(struct pal_poll *fds, int n, uint64_t deadline);
/* The same, also ended (-EINTR) by a pending signal of wake even if it is
 * blocked: the wait of a signalfd. */
long stream_wait_signals(struct pal_poll *fds, int n, uint64_t deadline, uint64_t wake);

/* What one look at a set of files gathers for the wait after it
 * (file_ops.poll): the PAL streams, which item of the set each is for, and
 * the signals whose arrival ends the wait (a signalfd's). (fs/readiness.c) */
struct poll_wait {
    struct pal_poll *w;
    int *owner;          /* the item of each stream; ~item: the file must be asked again (recheck) */
    int n, cap;
    int who;             /* the item being looked at */
    bool recheck;        /* set by a file whose streams' revents are not its readiness (epoll) */
    bool nomem;
    uint64_t signals;
};
/* Adds a stream to wait on for the item being looked at (pw may be NULL). */
void poll_wait_add(struct poll_wait *pw, long handle, short events);

/* One file of a set to wait on: f NULL is skipped (revents 0). */
struct poll_item {
    struct file *f;
    short events, revents;
};
/* Looks at items[0..n), and waits in one PAL poll until one of them is
 * ready or the deadline (0: just look): revents filtered by events (POLLERR
 * and POLLHUP always).  -> how many have revents, 0 at the deadline,
 * -EINTR when a signal the caller lets through came first, -ENOMEM. */
long poll_items(struct poll_item *items, unsigned int n, uint64_t deadline);
/* Blocking I/O on a stream that has nothing for it yet: waits for events
 * on it.  -> 0 (look again), -EINTR, or the PAL's error. */
long stream_wait_one(long handle, short events);

#endif
