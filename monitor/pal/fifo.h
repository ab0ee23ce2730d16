/* Opens that wait (fifo.c), for HC_OPEN (files.c): FIFOs by name, leased files. */
#ifndef PICOVM_MONITOR_FIFO_H
#define PICOVM_MONITOR_FIFO_H

struct vm;

/* fd is the FIFO opened with the guest's flags | O_NONBLOCK, which never
 * waits; this takes it and gives open(2)'s answer: fd itself, once a blocking
 * reader has its writer, or -errno (-EINTR: an event for the guest came first). */
int fifo_opened(struct vm *vm, int fd, int flags);
/* uri could not be opened without waiting (err: -ENXIO, a writer without a
 * reader; or -EROFS, a write in a read-only mount, which Linux refuses
 * regular files, directories and links, not FIFOs): if it names a FIFO,
 * open(2)'s answer for it, else err. */
int fifo_open_named(struct vm *vm, const char *uri, int flags, int err);

/* A blocking open of uri with flags was refused with -EWOULDBLOCK: another
 * process holds a lease on the file, which the host is breaking (its holder
 * was told).  Opens it as open(2) would, once the holder gave way or the
 * host's lease-break-time passed -> the fd; -EINTR for an event for the
 * guest first, which restarts the open or ends it as a signal does on Linux. */
int open_after_break(struct vm *vm, const char *uri, int flags);

#endif
