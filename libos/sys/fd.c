/* Descriptor duplication and fcntl. */
#include "fs/fs.h"
#include "signal/signal.h"
#include "syscall/handlers.h"
#include <linux/fs.h>

long sys_dup(int fd)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    file_get(f);
    return fd_install(f, 0, false);
}

long sys_dup3(int oldfd, int newfd, int flags)
{
    if (flags & ~O_CLOEXEC)
        return -EINVAL;
    if (oldfd == newfd)
        return -EINVAL;
    if (newfd < 0 || newfd >= fd_limit())
        return -EBADF;
    struct file *f = fd_file(oldfd);
    if (!f)
        return -EBADF;
    file_get(f);
    return fd_install_at(newfd, f, flags & O_CLOEXEC);
}

long sys_dup2(int oldfd, int newfd)
{
    if (oldfd == newfd)
        return fd_file(oldfd) ? newfd : -EBADF;
    return sys_dup3(oldfd, newfd, 0);
}

/* Linux's checks before the host's: a regular file, its owner (or root).
 * The host then refuses a read lease while the file is open for writing
 * and a write lease while any other open of it exists, in any process. */
static long set_lease(struct file *f, unsigned long type)
{
    struct stat st;
    long r = file_stat(f, &st);
    if (r < 0)
        return r;
    if (!S_ISREG(st.st_mode))
        return -EINVAL;
    if (fs_uid() != 0 && fs_uid() != st.st_uid)
        return -EACCES;
    if (type != F_RDLCK && type != F_WRLCK && type != F_UNLCK)
        return -EINVAL;
    return file_lease(f, (int)type);
}

static long get_owner_ex(struct file *f, struct f_owner_ex *uo)
{
    if (!user_range_ok(uo, sizeof(*uo), true))
        return -EFAULT;
    *uo = (struct f_owner_ex){ .type = f->owner_type, .pid = f->owner_pid };
    return 0;
}

static long set_owner_ex(struct file *f, const struct f_owner_ex *uo)
{
    if (!user_range_ok(uo, sizeof(*uo), false))
        return -EFAULT;
    struct f_owner_ex o = *uo;
    if (o.type != F_OWNER_TID && o.type != F_OWNER_PID && o.type != F_OWNER_PGRP)
        return -EINVAL;
    f->owner_type = o.type;
    f->owner_pid = o.pid;
    return 0;
}

/* F_SETOWN's negative argument is a process group. */
static long set_owner(struct file *f, int who)
{
    if (who == -2147483647 - 1)   /* its group would overflow */
        return -EINVAL;
    f->owner_type = who < 0 ? F_OWNER_PGRP : F_OWNER_PID;
    f->owner_pid = who < 0 ? -who : who;
    return 0;
}

long sys_flock(int fd, int op)
{
    struct file *f = fd_file(fd);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    return file_flock(f, op);
}

long sys_fcntl(int fd, int cmd, unsigned long arg)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if (arg >= (unsigned long)fd_limit())
            return -EINVAL;
        file_get(f);
        return fd_install(f, (int)arg, cmd == F_DUPFD_CLOEXEC);
    case F_GETFD:
        return fd_get_cloexec(fd) ? FD_CLOEXEC : 0;
    case F_SETFD:
        fd_set_cloexec(fd, arg & FD_CLOEXEC);
        return 0;
    case F_GETFL:
        return f->flags;
    case F_SETFL:
    {
        /* Only these change after open; Linux ignores the other bits too.
         * O_NONBLOCK is recorded for the file types that honour it (pipes,
         * sockets); the console and host files read as blocking. */
        long r = file_set_async(f, arg & FASYNC);
        if (r == 0)
            f->flags = (f->flags & ~(O_APPEND | O_NONBLOCK)) | ((int)arg & (O_APPEND | O_NONBLOCK));
        return r;
    }
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        return file_record_lock(f, cmd, (struct flock *)arg);
    case F_GETPIPE_SZ:
        return pipe_capacity(f, false, 0);
    case F_SETPIPE_SZ:
        return pipe_capacity(f, true, (unsigned int)arg);
    case F_GETLEASE:
        return file_lease(f, PAL_LEASE_GET);
    case F_SETLEASE:
        return set_lease(f, arg);
    case F_GETOWN:
        return f->owner_type == F_OWNER_PGRP ? -f->owner_pid : f->owner_pid;
    case F_SETOWN:
        return set_owner(f, (int)arg);
    case F_GETOWN_EX:
        return get_owner_ex(f, (struct f_owner_ex *)arg);
    case F_SETOWN_EX:
        return set_owner_ex(f, (const struct f_owner_ex *)arg);
    case F_GETSIG:
        return f->io_signal;
    case F_SETSIG:
        if (arg > SIGNAL_MAX)
            return -EINVAL;
        f->io_signal = (int)arg;
        return 0;
    default:
        return -EINVAL;
    }
}
