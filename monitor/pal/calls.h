/* The host side of the PAL, one file per family: each registers the calls
 * it serves with the PAL server (core/pal_server.h) at setup. */
#ifndef PICOVM_MONITOR_PAL_CALLS_H
#define PICOVM_MONITOR_PAL_CALLS_H

#include <stdint.h>

void pal_evfd_setup(void);    /* evfd.c: host eventfds and timerfds */
void pal_files_setup(void);   /* files.c: host files and directories, by handle and by uri (FIFOs: fifo.c) */
void pal_futex_setup(void);   /* futex.c: futexes on memory shared between picoprocesses */
void pal_misc_setup(void);    /* misc.c: log, random bytes, sleep, giving pages back */
void pal_notify_setup(void);  /* notify.c: leases and O_ASYNC, the host's signals about streams */
void pal_pipes_setup(void);   /* pipes.c: host pipes, bytes waiting on a stream */
void pal_poll_setup(void);    /* poll.c: waiting on several streams */
void pal_space_setup(void);   /* space.c: host file systems' space, reserving a file's */
void pal_tty_setup(void);     /* tty.c: terminal queries */

struct vm;
/* For a call that waits in the monitor (poll.c): until one of n (at most
 * PAL_WAIT_MAX) fds is readable, or hung up -> the first such one's index,
 * or -EINTR as soon as the guest has an event of its own (a signal, vsock
 * traffic), which ends an HC_POLL too. */
#define PAL_WAIT_MAX 2
int pal_wait_any(struct vm *vm, const int *fds, int n);
/* files.c: the guest's uri of len bytes at gva, copied into out (HC_MAX_URI
 * bytes) before anything looks at it.  -> 0 or negative errno. */
int copy_uri(struct vm *vm, uint64_t gva, uint64_t len, char *out);

/* Every call the monitor serves: these, the process calls (proc/) and the
 * alarm (core/upcall.c). */
void pal_calls_setup(void);

#endif
