/* The virtual file system: the path operations, over the mounts (mounts.h),
 * open files (file.h) and the descriptor table (fdtable.h).
 *
 * A path the program gives is made absolute (against the cwd or a dirfd),
 * normalised lexically ("." and ".." removed, no escape above "/"), and handed
 * to the mount with the longest matching mount point, as a path relative to
 * that mount ("" for its root).  Host-backed mounts (chroot and tmpfs) turn
 * it into a PAL URI; /dev and /proc live in guest memory. */
#ifndef PICOVM_VFS_H
#define PICOVM_VFS_H

#include "fs/file.h"
#include "fs/fdtable.h"
#include "fs/mounts.h"

/* Absolute, normalised form of path as seen from dirfd (AT_FDCWD for the cwd). */
long vfs_abspath(int dirfd, const char *path, char *out, size_t outlen);

/* Path operations; mode has the umask applied by the caller. */
long vfs_open(int dirfd, const char *path, int flags, int mode, struct file **out);
long vfs_stat(int dirfd, const char *path, struct stat *st, bool nofollow);
long vfs_mkdir(int dirfd, const char *path, int mode);
long vfs_unlink(int dirfd, const char *path, bool is_dir);
long vfs_rename(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
long vfs_readlink(int dirfd, const char *path, char *buf, size_t len);
long vfs_symlink(const char *target, int dirfd, const char *path);
long vfs_mkfifo(int dirfd, const char *path, int mode);
/* A hard link newpath to oldpath; follow: oldpath's final link is followed (AT_SYMLINK_FOLLOW). */
long vfs_link(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, bool follow);
/* A name for the open file f (linkat of /proc/self/fd/N, or AT_EMPTY_PATH): an
 * unnamed (O_TMPFILE) one through its file system, another by its path. */
long vfs_link_file(struct file *f, int newdirfd, const char *newpath);
long vfs_setattr(int dirfd, const char *path, const struct vfs_attr *a, bool nofollow);
/* access(2) modes. */
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

/* access(2)-style check of R_OK|W_OK|X_OK against a file's mode and owner,
 * for the program's file-system ids: 0 or -EACCES (fs/util.c). */
long fs_permission(const struct stat *st, int want);
/* access(2) mode R_OK|W_OK|X_OK (0: existence); AT_EACCESS and AT_SYMLINK_NOFOLLOW flags. */
long vfs_access(int dirfd, const char *path, int mode, int flags);
/* Makes path the working directory (it must be a searchable directory). */
long vfs_chdir(int dirfd, const char *path);

#endif
