/* Descriptor duplication and fcntl. */
#include "fs/fs.h"
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
    if (newfd < 0 || newfd >= MAX_FDS)
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

/* Record locks.  Locks only exclude other processes.  A host file is locked
 * on the host (file_ops.lock), where every picoprocess is a process of its
 * own, so they exclude each other exactly as Linux processes do.  A file no
 * other process can reach (tmpfs is private to each picoprocess, /dev) has
 * nobody to exclude: every lock is granted and F_GETLK finds nothing in the
 * way.  The checks Linux makes on the request are made either way. */
static long record_lock(struct file *f, int cmd, struct flock *ufl)
{
    bool get = cmd == F_GETLK || cmd == F_OFD_GETLK;
    bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
    if (!user_range_ok(ufl, sizeof(*ufl), get))
        return -EFAULT;
    struct flock fl;
    memcpy(&fl, ufl, sizeof(fl));
    if (fl.l_whence != SEEK_SET && fl.l_whence != SEEK_CUR && fl.l_whence != SEEK_END)
        return -EINVAL;
    if (ofd && fl.l_pid != 0)
        return -EINVAL;
    if (f->ops->lock) {
        int acc = f->flags & O_ACCMODE;
        if (!get && ((fl.l_type == F_RDLCK && acc == O_WRONLY) || (fl.l_type == F_WRLCK && acc == O_RDONLY)))
            return -EBADF;
        if (fl.l_whence == SEEK_CUR) {
            long at = file_tell(f);
            if (at < 0)
                return at;
            fl.l_whence = SEEK_SET;
            fl.l_start += at;
        }
        long r = f->ops->lock(f, cmd, &fl);
        if (r == 0 && get)
            memcpy(ufl, &fl, sizeof(fl));
        return r;
    }
    if (get) {
        if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK)
            return -EINVAL;
        ufl->l_type = F_UNLCK;
        return 0;
    }
    int acc = f->flags & O_ACCMODE;
    switch (fl.l_type) {
    case F_RDLCK:
        return acc == O_RDONLY || acc == O_RDWR ? 0 : -EBADF;
    case F_WRLCK:
        return acc == O_WRONLY || acc == O_RDWR ? 0 : -EBADF;
    case F_UNLCK:
        return 0;
    default:
        return -EINVAL;
    }
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
        if (arg >= MAX_FDS)
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
        return record_lock(f, cmd, (struct flock *)arg);
    default:
        return -EINVAL;
    }
}
