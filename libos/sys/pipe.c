/* pipe and pipe2. */
#include "fs/fs.h"
#include "syscall/handlers.h"

/* Linux's O_NOTIFICATION_PIPE (<linux/watch_queue.h>) is O_EXCL. */
#define O_NOTIFICATION_PIPE O_EXCL

long sys_pipe2(int *fds, int flags)
{
    if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT | O_NOTIFICATION_PIPE))
        return -EINVAL;
    /* Notification pipes need watch queues: what a kernel built without them answers. */
    if (flags & O_NOTIFICATION_PIPE)
        return -ENOPKG;
    if (!user_range_ok(fds, 2 * sizeof(int), true))
        return -EFAULT;
    struct file *ends[2];
    long r = pipe_files(flags, ends);
    if (r < 0)
        return r;
    long rd = fd_install(ends[0], 0, flags & O_CLOEXEC);
    if (rd < 0) {
        file_put(ends[1]);
        return rd;
    }
    long wr = fd_install(ends[1], 0, flags & O_CLOEXEC);
    if (wr < 0) {
        fd_close((int)rd);
        return wr;
    }
    fds[0] = (int)rd;
    fds[1] = (int)wr;
    return 0;
}

long sys_pipe(int *fds)
{
    return sys_pipe2(fds, 0);
}
