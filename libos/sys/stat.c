/* stat in its forms, statx (built from the same struct stat), and access. */
#include "fs/fs.h"
#include "sys/cred.h"
#include "syscall/handlers.h"

/* The attributes are gathered first and copied out last, so a bad buffer
 * gives -EFAULT only where Linux gives it: after the path was found. */
static long put_stat(struct stat *ust, const struct stat *st)
{
    if (!user_range_ok(ust, sizeof(*ust), true))
        return -EFAULT;
    memcpy(ust, st, sizeof(*st));
    return 0;
}

static long stat_at(int dirfd, const char *path, int flags, struct stat *st)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
        return -EINVAL;
    if (path) {
        long r = user_path_ok(path);
        if (r < 0)
            return r;
    }
    if ((flags & AT_EMPTY_PATH) && (!path || !path[0])) {
        if (dirfd == AT_FDCWD)
            return vfs_stat(AT_FDCWD, ".", st, false);
        struct file *f = fd_file(dirfd);
        return f ? file_stat(f, st) : -EBADF;
    }
    if (!path)
        return -EFAULT;
    return vfs_stat(dirfd, path, st, flags & AT_SYMLINK_NOFOLLOW);
}

long sys_newfstatat(int dirfd, const char *path, struct stat *buf, int flags)
{
    if (flags & AT_STATX_SYNC_TYPE)
        return -EINVAL;
    struct stat st;
    long r = stat_at(dirfd, path, flags, &st);
    return r < 0 ? r : put_stat(buf, &st);
}

long sys_stat(const char *path, struct stat *buf)
{
    return sys_newfstatat(AT_FDCWD, path, buf, 0);
}

long sys_lstat(const char *path, struct stat *buf)
{
    return sys_newfstatat(AT_FDCWD, path, buf, AT_SYMLINK_NOFOLLOW);
}

long sys_fstat(int fd, struct stat *buf)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    struct stat st;
    long r = file_stat(f, &st);
    return r < 0 ? r : put_stat(buf, &st);
}

static struct statx_timestamp stx_time(uint64_t sec, uint64_t nsec)
{
    return (struct statx_timestamp){ .tv_sec = (int64_t)sec, .tv_nsec = (uint32_t)nsec };
}

/* statx reports the basic fields for every file system here; the mask the
 * program asks for is a hint, as on Linux. */
long sys_statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf)
{
    if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & STATX__RESERVED))
        return -EINVAL;
    struct stat st;
    long r = stat_at(dirfd, path, flags, &st);
    if (r < 0)
        return r;
    if (!user_range_ok(buf, sizeof(*buf), true))
        return -EFAULT;
    struct statx sx = {
        .stx_mask = STATX_BASIC_STATS,
        .stx_blksize = (uint32_t)st.st_blksize,
        .stx_nlink = (uint32_t)st.st_nlink,
        .stx_uid = st.st_uid,
        .stx_gid = st.st_gid,
        .stx_mode = (uint16_t)st.st_mode,
        .stx_ino = st.st_ino,
        .stx_size = (uint64_t)st.st_size,
        .stx_blocks = (uint64_t)st.st_blocks,
        .stx_atime = stx_time(st.st_atime, st.st_atime_nsec),
        .stx_ctime = stx_time(st.st_ctime, st.st_ctime_nsec),
        .stx_mtime = stx_time(st.st_mtime, st.st_mtime_nsec),
        .stx_rdev_major = dev_major(st.st_rdev),
        .stx_rdev_minor = dev_minor(st.st_rdev),
        .stx_dev_major = dev_major(st.st_dev),
        .stx_dev_minor = dev_minor(st.st_dev),
    };
    memcpy(buf, &sx, sizeof(sx));
    return 0;
}

static long access_at(int dirfd, const char *path, int mode, int flags)
{
    long r;
    if ((flags & AT_EMPTY_PATH) && !path[0] && dirfd != AT_FDCWD) {
        struct file *f = fd_file(dirfd);
        if (!f)
            return -EBADF;
        struct stat st;
        if ((r = file_stat(f, &st)) < 0)
            return r;
        if ((mode & W_OK) && f->mnt && !f->mnt->writable && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
            return -EROFS;
        return fs_permission(&st, mode);
    }
    return vfs_access(dirfd, (flags & AT_EMPTY_PATH) && !path[0] ? "." : path, mode, flags);
}

/* Checked with the real ids, or with AT_EACCESS the effective (fs) ones. */
long sys_faccessat2(int dirfd, const char *path, int mode, int flags)
{
    if (mode & ~(R_OK | W_OK | X_OK))
        return -EINVAL;
    if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    long r = user_path_ok(path);
    if (r < 0)
        return r;
    struct cred saved;
    bool real = !(flags & AT_EACCESS);
    if (real)
        cred_fs_real(&saved);
    r = access_at(dirfd, path, mode, flags);
    if (real)
        cred_fs_restore(&saved);
    return r;
}

long sys_faccessat(int dirfd, const char *path, int mode)
{
    return sys_faccessat2(dirfd, path, mode, 0);
}

long sys_access(const char *path, int mode)
{
    return sys_faccessat2(AT_FDCWD, path, mode, 0);
}
