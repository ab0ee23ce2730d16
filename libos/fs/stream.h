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
/* Blocking I/O on a stream that has nothing for it yet: waits for events
 * on it.  -> 0 (look again), -EINTR, or the PAL's error. */
long stream_wait_one(long handle, short events);

#endif
