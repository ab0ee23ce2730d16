/* Directories and names: getdents64, the working directory, mkdir, rmdir,
 * unlink, rename, symlink and readlink. */
#include "fs/fs.h"
#include "sys/cred.h"
#include "syscall/handlers.h"
#include <linux/capability.h>

long sys_getdents64(int fd, void *dirp, unsigned int count)
{
    struct file *f = fd_file(fd);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    if (!user_range_ok(dirp, count, true))
        return -EFAULT;
    if (!f->ops->getdents64)
        return -ENOTDIR;
    return f->ops->getdents64(f, dirp, MIN(count, 0x7fffffffu));
}

long sys_getcwd(char *buf, unsigned long size)
{
    size_t len = strlen(proc.cwd) + 1;
    if (size < len)
        return -ERANGE;
    if (!user_range_ok(buf, len, true))
        return -EFAULT;
    memcpy(buf, proc.cwd, len);
    return (long)len;
}

long sys_chdir(const char *path)
{
    long r = user_path_ok(path);
    return r < 0 ? r : vfs_chdir(AT_FDCWD, path);
}

long sys_fchdir(int fd)
{
    struct stat st;
    const char *path;
    long r = fd_dir(fd, &st, &path);
    if (r == 0)
        r = fs_permission(&st, X_OK);
    if (r == 0)
        strlcpy(proc.cwd, path, sizeof(proc.cwd));
    return r;
}

long sys_mkdirat(int dirfd, const char *path, int mode)
{
    long r = user_path_ok(path);
    return r < 0 ? r : vfs_mkdir(dirfd, path, mode & 01777 & ~(int)proc.umask);
}

long sys_mkdir(const char *path, int mode)
{
    return sys_mkdirat(AT_FDCWD, path, mode);
}

long sys_unlinkat(int dirfd, const char *path, int flags)
{
    if (flags & ~AT_REMOVEDIR)
        return -EINVAL;
    long r = user_path_ok(path);
    return r < 0 ? r : vfs_unlink(dirfd, path, flags & AT_REMOVEDIR);
}

long sys_unlink(const char *path)
{
    return sys_unlinkat(AT_FDCWD, path, 0);
}

long sys_rmdir(const char *path)
{
    return sys_unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

/* RENAME_NOREPLACE, RENAME_EXCHANGE and RENAME_WHITEOUT are not offered. */
long sys_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags)
{
    if (flags)
        return -EINVAL;
    long r = user_path_ok(oldpath);
    if (r == 0)
        r = user_path_ok(newpath);
    return r < 0 ? r : vfs_rename(olddirfd, oldpath, newdirfd, newpath);
}

long sys_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
    return sys_renameat2(olddirfd, oldpath, newdirfd, newpath, 0);
}

long sys_rename(const char *oldpath, const char *newpath)
{
    return sys_renameat2(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

long sys_symlinkat(const char *target, int newdirfd, const char *linkpath)
{
    long r = user_path_ok(target);
    if (r == 0)
        r = user_path_ok(linkpath);
    return r < 0 ? r : vfs_symlink(target, newdirfd, linkpath);
}

long sys_symlink(const char *target, const char *linkpath)
{
    return sys_symlinkat(target, AT_FDCWD, linkpath);
}

long sys_readlinkat(int dirfd, const char *path, char *buf, int bufsiz)
{
    if (bufsiz <= 0)
        return -EINVAL;
    long r = user_path_ok(path);
    if (r < 0)
        return r;
    char target[PATH_MAX_LEN];
    long n = vfs_readlink(dirfd, path, target, MIN((size_t)bufsiz, sizeof(target)));
    if (n < 0)
        return n;
    if (!user_range_ok(buf, (size_t)n, true))
        return -EFAULT;
    memcpy(buf, target, (size_t)n);
    return n;
}

long sys_readlink(const char *path, char *buf, int bufsiz)
{
    return sys_readlinkat(AT_FDCWD, path, buf, bufsiz);
}

/* AT_EMPTY_PATH asks for CAP_DAC_READ_SEARCH, which the program lacks: "" is then ENOENT as without it. */
long sys_linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)
{
    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    long r = user_path_ok(oldpath);
    if (r == 0)
        r = user_path_ok(newpath);
    if (r < 0)
        return r;
    /* The open file olddirfd itself, for a process that may search any directory. */
    if ((flags & AT_EMPTY_PATH) && !oldpath[0]) {
        struct file *f = fd_file(olddirfd);
        if (!f)
            return olddirfd == AT_FDCWD ? -ENOENT : -EBADF;
        return cred_capable(CAP_DAC_READ_SEARCH) ? vfs_link_file(f, newdirfd, newpath) : -ENOENT;
    }
    return vfs_link(olddirfd, oldpath, newdirfd, newpath, flags & AT_SYMLINK_FOLLOW);
}

long sys_link(const char *oldpath, const char *newpath)
{
    return sys_linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

/* mknod of a regular file is a create, of a FIFO a host FIFO (on host and
 * tmpfs mounts, both host directories); device nodes need CAP_MKNOD, which
 * the program lacks.  Socket nodes are not offered yet. */
long sys_mknodat(int dirfd, const char *path, unsigned int mode, unsigned int dev)
{
    (void)dev;
    switch (mode & S_IFMT) {
    case 0:
    case S_IFREG:
    case S_IFIFO:
        break;
    case S_IFCHR:
    case S_IFBLK:
    case S_IFDIR:
        return -EPERM;
    case S_IFSOCK:
        return -ENOSYS;
    default:
        return -EINVAL;
    }
    long r = user_path_ok(path);
    if (r < 0)
        return r;
    int perm = (int)(mode & 07777 & ~proc.umask);
    if (S_ISFIFO(mode))
        return vfs_mkfifo(dirfd, path, perm);
    struct file *f;
    r = vfs_open(dirfd, path, O_RDONLY | O_CREAT | O_EXCL, perm, &f);
    if (r == 0)
        file_put(f);
    return r;
}

long sys_mknod(const char *path, unsigned int mode, unsigned int dev)
{
    return sys_mknodat(AT_FDCWD, path, mode, dev);
}
