/* See host_files_pal.h.  Modes lose their set-id bits, as the monitor's do. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "host_files_pal.h"

#define MODE_MASK 01777

static const char *path_of(const char *uri) { return strncmp(uri, "file:", 5) ? "" : uri + 5; }
static long result(long r) { return r < 0 ? -errno : r; }

static long h_open(const char *uri, int flags, int mode)
{
    return result(open(path_of(uri), flags | O_CLOEXEC, mode & MODE_MASK));
}
static long h_close(long h) { return result(close((int)h)); }
static long h_read(long h, void *buf, size_t len, long long off)
{
    return result(off < 0 ? read((int)h, buf, len) : pread((int)h, buf, len, off));
}
static long h_write(long h, const void *buf, size_t len, long long off)
{
    return result(off < 0 ? write((int)h, buf, len) : pwrite((int)h, buf, len, off));
}
static long h_seek(long h, long long off, int whence) { return result(lseek((int)h, off, whence)); }
static long h_attr(long h, struct pal_stat *st) { return result(fstat((int)h, (struct stat *)st)); }
static long h_attr_uri(const char *uri, struct pal_stat *st, int nofollow)
{
    return result((nofollow ? lstat : stat)(path_of(uri), (struct stat *)st));
}
static long h_set_length(long h, long long len) { return result(ftruncate((int)h, len)); }
static long h_flush(long h) { return result(fsync((int)h)); }
static long h_readdir(long h, void *buf, size_t len) { return result(syscall(SYS_getdents64, (int)h, buf, len)); }
static long h_mkdir(const char *uri, int mode) { return result(mkdir(path_of(uri), mode & MODE_MASK)); }
static long h_delete(const char *uri, int is_dir)
{
    return result(is_dir ? rmdir(path_of(uri)) : unlink(path_of(uri)));
}
static long h_rename(const char *uri, const char *new_uri) { return result(rename(path_of(uri), path_of(new_uri))); }
static long h_readlink(const char *uri, char *buf, size_t len) { return result(readlink(path_of(uri), buf, len)); }
static long h_symlink(const char *target, const char *uri) { return result(symlink(target, path_of(uri))); }
static long h_link(const char *uri, const char *new_uri) { return result(link(path_of(uri), path_of(new_uri))); }
static long h_lock(long h, int cmd, void *flock) { return result(fcntl((int)h, cmd, flock)); }
static long h_flock(long h, int op) { return result(flock((int)h, op | LOCK_NB)); }

static long h_set_attr(const char *uri, const struct pal_attr *a, int nofollow)
{
    const char *p = path_of(uri);
    int at = nofollow ? AT_SYMLINK_NOFOLLOW : 0;
    if ((a->valid & PAL_ATTR_MODE) && fchmodat(AT_FDCWD, p, a->mode & MODE_MASK, at) < 0)
        return -errno;
    if ((a->valid & (PAL_ATTR_UID | PAL_ATTR_GID)) &&
        fchownat(AT_FDCWD, p, (a->valid & PAL_ATTR_UID) ? a->uid : (uid_t)-1,
                 (a->valid & PAL_ATTR_GID) ? a->gid : (gid_t)-1, at) < 0)
        return -errno;
    if (a->valid & (PAL_ATTR_ATIME | PAL_ATTR_MTIME | PAL_ATTR_TOUCH)) {
        struct timespec t[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_nsec = UTIME_OMIT } };
        if (a->valid & PAL_ATTR_TOUCH)
            t[0].tv_nsec = t[1].tv_nsec = UTIME_NOW;
        if ((a->valid & PAL_ATTR_ATIME) && !(a->valid & PAL_ATTR_TOUCH))
            t[0] = (struct timespec){ (time_t)(a->atime_ns / 1000000000), (long)(a->atime_ns % 1000000000) };
        if ((a->valid & PAL_ATTR_MTIME) && !(a->valid & PAL_ATTR_TOUCH))
            t[1] = (struct timespec){ (time_t)(a->mtime_ns / 1000000000), (long)(a->mtime_ns % 1000000000) };
        if (utimensat(AT_FDCWD, p, t, at) < 0)
            return -errno;
    }
    return 0;
}

void host_files_pal(struct pal_ops *ops)
{
    ops->stream_open = h_open;
    ops->stream_close = h_close;
    ops->stream_read = h_read;
    ops->stream_write = h_write;
    ops->stream_seek = h_seek;
    ops->stream_attr_uri = h_attr_uri;
    ops->stream_set_length = h_set_length;
    ops->stream_flush = h_flush;
    ops->stream_readdir = h_readdir;
    ops->stream_mkdir = h_mkdir;
    ops->stream_delete = h_delete;
    ops->stream_rename = h_rename;
    ops->stream_readlink = h_readlink;
    ops->stream_symlink = h_symlink;
    ops->stream_link = h_link;
    ops->stream_set_attr = h_set_attr;
    ops->stream_lock = h_lock;
    ops->stream_flock = h_flock;
    ops->stream_attr = h_attr;
}
