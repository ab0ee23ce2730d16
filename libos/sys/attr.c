/* umask, chmod, chown and the time setters, on every file system that
 * implements setattr (writable host and tmpfs mounts, through the PAL). */
#include "fs/fs.h"
#include "syscall/handlers.h"
#include <linux/time.h>
#include <linux/utime.h>

#define UTIME_NOW  ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)
#define NSEC 1000000000ull

long sys_umask(int mask)
{
    unsigned int old = proc.umask;
    proc.umask = (unsigned int)mask & 0777;
    return old;
}

/* A path or, with AT_EMPTY_PATH and "", the descriptor itself. */
static long setattr_at(int dirfd, const char *path, const struct vfs_attr *a, int flags)
{
    long r = user_path_ok(path);
    if (r < 0)
        return r;
    if ((flags & AT_EMPTY_PATH) && !path[0]) {
        if (dirfd == AT_FDCWD)
            return vfs_setattr(AT_FDCWD, ".", a, false);
        struct file *f = fd_file(dirfd);
        return f ? file_setattr(f, a) : -EBADF;
    }
    return vfs_setattr(dirfd, path, a, flags & AT_SYMLINK_NOFOLLOW);
}

static long fd_setattr(int fd, const struct vfs_attr *a)
{
    struct file *f = fd_file(fd);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    return file_setattr(f, a);
}

long sys_fchmodat(int dirfd, const char *path, unsigned int mode)
{
    struct vfs_attr a = { .valid = ATTR_MODE, .mode = mode & 07777 };
    return setattr_at(dirfd, path, &a, 0);
}

long sys_chmod(const char *path, unsigned int mode)
{
    return sys_fchmodat(AT_FDCWD, path, mode);
}

long sys_fchmod(int fd, unsigned int mode)
{
    struct vfs_attr a = { .valid = ATTR_MODE, .mode = mode & 07777 };
    return fd_setattr(fd, &a);
}

/* -1 leaves an id as it is. */
static struct vfs_attr owner_attr(unsigned int uid, unsigned int gid)
{
    struct vfs_attr a = { .uid = uid, .gid = gid };
    if (uid != (unsigned int)-1)
        a.valid |= ATTR_UID;
    if (gid != (unsigned int)-1)
        a.valid |= ATTR_GID;
    return a;
}

long sys_fchownat(int dirfd, const char *path, unsigned int uid, unsigned int gid, int flags)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct vfs_attr a = owner_attr(uid, gid);
    return setattr_at(dirfd, path, &a, flags);
}

long sys_chown(const char *path, unsigned int uid, unsigned int gid)
{
    return sys_fchownat(AT_FDCWD, path, uid, gid, 0);
}

long sys_lchown(const char *path, unsigned int uid, unsigned int gid)
{
    return sys_fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

long sys_fchown(int fd, unsigned int uid, unsigned int gid)
{
    struct vfs_attr a = owner_attr(uid, gid);
    return fd_setattr(fd, &a);
}

/* Times before 1970 are kept as 1970: the PAL's are unsigned nanoseconds. */
static uint64_t to_ns(int64_t sec, int64_t nsec)
{
    return sec < 0 ? 0 : (uint64_t)sec * NSEC + (uint64_t)nsec;
}

/* Both times from the program (NULL: now).  Returns 1 when both are
 * UTIME_OMIT: then there is nothing to do, not even a lookup. */
static long times_attr(const struct timespec *ts, struct vfs_attr *a)
{
    uint64_t now = pal->time_realtime_ns();
    *a = (struct vfs_attr){ .valid = ATTR_ATIME | ATTR_MTIME | ATTR_TOUCH, .atime_ns = now, .mtime_ns = now };
    if (!ts)
        return 0;
    if (ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT)
        return 1;
    for (int i = 0; i < 2; i++) {
        unsigned int bit = i ? ATTR_MTIME : ATTR_ATIME;
        uint64_t *t = i ? &a->mtime_ns : &a->atime_ns;
        if (ts[i].tv_nsec == UTIME_OMIT) {
            a->valid &= ~bit;
        } else if (ts[i].tv_nsec != UTIME_NOW) {
            if (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= (long)NSEC)
                return -EINVAL;
            *t = to_ns(ts[i].tv_sec, ts[i].tv_nsec);
        }
        /* Setting a time to anything but now needs ownership, not just write access. */
        if (ts[i].tv_nsec != UTIME_NOW)
            a->valid &= ~(unsigned int)ATTR_TOUCH;
    }
    return 0;
}

long sys_utimensat(int dirfd, const char *path, const struct timespec *times, int flags)
{
    struct timespec ts[2];
    if (times) {
        if (!user_range_ok(times, sizeof(ts), false))
            return -EFAULT;
        memcpy(ts, times, sizeof(ts));
    }
    struct vfs_attr a;
    long r = times_attr(times ? ts : NULL, &a);
    if (r != 0)
        return r < 0 ? r : 0;
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    /* A NULL path sets the times of dirfd itself (futimens). */
    if (!path && dirfd != AT_FDCWD)
        return fd_setattr(dirfd, &a);
    if (!path)
        return -EFAULT;
    return setattr_at(dirfd, path, &a, flags);
}

long sys_utimes(const char *path, const struct timeval *tv)
{
    struct timespec ts[2];
    if (tv) {
        struct timeval t[2];
        if (!user_range_ok(tv, sizeof(t), false))
            return -EFAULT;
        memcpy(t, tv, sizeof(t));
        for (int i = 0; i < 2; i++) {
            if (t[i].tv_usec < 0 || t[i].tv_usec >= 1000000)
                return -EINVAL;
            ts[i] = (struct timespec){ .tv_sec = t[i].tv_sec, .tv_nsec = t[i].tv_usec * 1000 };
        }
    }
    struct vfs_attr a;
    long r = times_attr(tv ? ts : NULL, &a);
    return r < 0 ? r : setattr_at(AT_FDCWD, path, &a, 0);
}

long sys_utime(const char *path, const struct utimbuf *times)
{
    struct timespec ts[2];
    if (times) {
        struct utimbuf u;
        if (!user_range_ok(times, sizeof(u), false))
            return -EFAULT;
        memcpy(&u, times, sizeof(u));
        ts[0] = (struct timespec){ .tv_sec = u.actime };
        ts[1] = (struct timespec){ .tv_sec = u.modtime };
    }
    struct vfs_attr a;
    long r = times_attr(times ? ts : NULL, &a);
    return r < 0 ? r : setattr_at(AT_FDCWD, path, &a, 0);
}
