/* epoll instances (fs/epoll.c), for sys/poll.c's epoll calls. */
#ifndef PICOVM_LIBOS_EPOLL_H
#define PICOVM_LIBOS_EPOLL_H

#include "fs/vfs.h"
#include <linux/eventpoll.h>

/* A new epoll instance; flags O_CLOEXEC or 0 (the descriptor's business). */
long epoll_file(int flags, struct file **out);
bool file_is_epoll(struct file *f);
/* epoll_ctl's op on file f of descriptor fd, in epoll epf (any file: -EINVAL
 * if it is none); ev is NULL for EPOLL_CTL_DEL. */
long epoll_control(struct file *epf, int op, int fd, struct file *f, const struct epoll_event *ev);
/* At most max events into out (the library OS's memory), waiting until
 * the monotonic deadline (0: just look).  -> how many, 0, -EINTR, -ENOMEM. */
long epoll_wait_events(struct file *epf, struct epoll_event *out, int max, uint64_t deadline);

#endif
