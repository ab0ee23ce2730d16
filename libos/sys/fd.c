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

/* Is st's file open for writing by a descriptor of this process? */
static bool open_for_writing(const struct stat *st)
{
    for (int fd = 0; fd < MAX_FDS; fd++) {
        struct file *o = fd_table[fd];
        struct stat ost;
        if (o && (o->flags & O_ACCMODE) != O_RDONLY && file_stat(o, &ost) == 0 && ost.st_dev == st->st_dev &&
            ost.st_ino == st->st_ino)
            return true;
    }
    return false;
}

/* Leases are told of other processes' opens, which this process cannot
 * see: a read lease is granted unless this process has the file open for
 * writing (Linux refuses it while any writer exists), a write lease is
 * refused as Linux refuses it while another open may exist. */
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
    switch (type) {
    case F_UNLCK:
        f->read_lease = false;
        return 0;
    case F_RDLCK:
        if ((f->flags & O_ACCMODE) != O_RDONLY || open_for_writing(&st))
            return -EAGAIN;
        f->read_lease = true;
        return 0;
    case F_WRLCK:
        return -EAGAIN;
    default:
        return -EINVAL;
    }
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
        /* Only these two change after open; Linux ignores the other bits too.
         * O_NONBLOCK is recorded for the file types that honour it (pipes,
         * sockets); the console and host files read as blocking. */
        f->flags = (f->flags & ~(O_APPEND | O_NONBLOCK)) | ((int)arg & (O_APPEND | O_NONBLOCK));
        return 0;
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
        return f->read_lease ? F_RDLCK : F_UNLCK;
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
