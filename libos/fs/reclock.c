/* fcntl record locks (F_GETLK, F_SETLK, F_SETLKW and their F_OFD_ forms).
 *
 * Locks only exclude other processes.  A host file is locked on the host
 * (file_ops.lock), where every picoprocess is a process of its own, so they
 * exclude each other exactly as Linux processes do (a tmpfs file is a host
 * file too).  A file no other process can reach (in /dev) has nobody to
 * exclude: every lock is granted and F_GETLK finds nothing in the way.  The
 * checks Linux makes on the request are made either way. */
#include "fs/fs.h"
#include <linux/fs.h>

/* A process-owned (not F_OFD_) lock was ever set on a host file: from then
 * on every close asks the host to drop this process's locks on the file. */
static bool posix_locks_used;

static long local_lock(const struct file *f, bool get, struct flock *ufl, const struct flock *fl)
{
    if (get) {
        if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK)
            return -EINVAL;
        ufl->l_type = F_UNLCK;
        return 0;
    }
    int acc = f->flags & O_ACCMODE;
    switch (fl->l_type) {
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

long file_record_lock(struct file *f, int cmd, struct flock *ufl)
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
    if (!f->ops->lock)
        return local_lock(f, get, ufl, &fl);
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
    if (!get && !ofd)
        posix_locks_used = true;
    long r = f->ops->lock(f, cmd, &fl);
    if (r < 0 || !get)
        return r;
    /* Linux tells of a free region by l_type alone and leaves the caller's
     * other fields as they were; a conflicting lock is described whole. */
    if (fl.l_type == F_UNLCK)
        ufl->l_type = F_UNLCK;
    else
        memcpy(ufl, &fl, sizeof(fl));
    return 0;
}

void file_record_locks_close(struct file *f)
{
    if (!posix_locks_used || !f->ops->lock)
        return;
    struct flock all = { .l_type = F_UNLCK, .l_whence = SEEK_SET };
    f->ops->lock(f, F_SETLK, &all);
}
