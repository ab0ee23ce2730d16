/* open, close, read and write in their forms, lseek, truncate, fsync, ioctl. */
#include "fs/fs.h"
#include "fs/filemap.h"
#include "syscall/handlers.h"
#include <linux/fs.h>
#include <linux/uio.h>
#include <asm/ioctls.h>

/* A gathered write of up to this many bytes goes to the file as one write:
 * stdio's writev of buffer + new data then costs one host call, not two. */
#define GATHER_MAX 4096

static bool readable(const struct file *f)
{
    int acc = f->flags & O_ACCMODE;
    return !(f->flags & O_PATH) && (acc == O_RDONLY || acc == O_RDWR);
}

static bool writable(const struct file *f)
{
    int acc = f->flags & O_ACCMODE;
    return !(f->flags & O_PATH) && (acc == O_WRONLY || acc == O_RDWR);
}

long sys_openat(int dirfd, const char *path, int flags, int mode)
{
    long r = user_path_ok(path);
    if (r < 0)
        return r;
    /* O_TMPFILE (with O_DIRECTORY in it, never O_CREAT): a file to write with no name yet. */
    if ((flags & __O_TMPFILE) &&
        ((flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE || (flags & O_ACCMODE) == O_RDONLY))
        return -EINVAL;
    if ((flags & O_CREAT) && (flags & O_DIRECTORY))
        return -EINVAL;
    if (flags & O_PATH)
        flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    mode = (flags & (O_CREAT | __O_TMPFILE)) ? mode & 07777 & ~(int)proc.umask : 0;
    struct file *f;
    if ((r = vfs_open(dirfd, path, flags, mode, &f)) < 0)
        return r;
    return fd_install(f, 0, flags & O_CLOEXEC);
}

long sys_open(const char *path, int flags, int mode)
{
    return sys_openat(AT_FDCWD, path, flags, mode);
}

long sys_creat(const char *path, int mode)
{
    return sys_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

/* An anonymous file (O_TMPFILE) in /dev/shm's tmpfs: its key is unique in
 * the application, so a shared mapping of it is shared with the children
 * that inherit the descriptor. */
long sys_memfd_create(const char *name, unsigned int flags)
{
    enum { MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_NOEXEC_SEAL = 8, MFD_EXEC = 0x10, NAME_MAX_MEMFD = 249 };
    if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL | MFD_EXEC))
        return -EINVAL;
    long r = user_string_ok(name, NAME_MAX_MEMFD + 1);
    if (r < 0)
        return r == -ENAMETOOLONG ? -EINVAL : r;
    const char *rel;
    struct mount *m = vfs_mount_of("/dev/shm", &rel);
    if (!m || !m->tmpfs)
        return -ENOSYS;
    struct file *f;
    if ((r = m->fs->open(m, rel, O_RDWR | O_LARGEFILE | O_TMPFILE, 0777, &f)) < 0)
        return r;
    f->flags &= ~O_TMPFILE;   /* F_GETFL: how it was made is no flag of the file */
    char path[NAME_MAX_MEMFD + 32];
    snprintf(path, sizeof path, "/memfd:%s (deleted)", name);
    f->path = kstrdup(path);
    return fd_install(f, 0, flags & MFD_CLOEXEC);
}

long sys_close(int fd)
{
    return fd_close(fd);
}

/* One read or write at *pos (NULL: the file's own position, if it has one). */
static long do_io(struct file *f, void *buf, size_t len, uint64_t *pos, bool write)
{
    if (!pos && f->seekable && !f->ops->seek)
        pos = &f->pos;
    long (*io)(struct file *, void *, size_t, uint64_t *) =
        write ? (long (*)(struct file *, void *, size_t, uint64_t *))f->ops->write : f->ops->read;
    if (!io)
        return -EINVAL;
    long n = io(f, buf, len, pos);
    f->io_seq += n == -EAGAIN;
    /* Where it happened: an O_APPEND write moved to the end first. */
    if (n > 0 && pos)
        filemap_after_io(f, buf, (size_t)n, *pos - (uint64_t)n, write);
    else if (n > 0 && f->seekable && filemap_active()) {
        long at = file_tell(f);   /* the stream kept the position: ask it only when it matters */
        if (at >= n)
            filemap_after_io(f, buf, (size_t)n, (uint64_t)(at - n), write);
    }
    return n;
}

/* Linux's checks before a read or write (at *off unless off is NULL), in its order. */
static long io_file(int fd, const int64_t *off, bool write, struct file **out)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    if (off && *off < 0)
        return -EINVAL;
    if (off && !f->seekable)
        return -ESPIPE;
    if (!(write ? writable(f) : readable(f)))
        return -EBADF;
    *out = f;
    return 0;
}

static long rw(int fd, void *buf, size_t count, const int64_t *off, bool write)
{
    struct file *f;
    long r = io_file(fd, off, write, &f);
    if (r < 0)
        return r;
    uint64_t pos = off ? (uint64_t)*off : 0;
    count = MIN(count, MAX_RW_COUNT);
    if (!user_range_ok(buf, count, !write))
        return -EFAULT;
    return do_io(f, buf, count, off ? &pos : NULL, write);
}

long sys_read(int fd, void *buf, size_t count)
{
    return rw(fd, buf, count, NULL, false);
}

long sys_write(int fd, const void *buf, size_t count)
{
    return rw(fd, (void *)buf, count, NULL, true);
}

long sys_pread64(int fd, void *buf, size_t count, int64_t off)
{
    return rw(fd, buf, count, &off, false);
}

long sys_pwrite64(int fd, const void *buf, size_t count, int64_t off)
{
    return rw(fd, (void *)buf, count, &off, true);
}

/* sendfile: bytes from in_fd to out_fd through a buffer of the library OS
 * (each side's own path: a host file, a pipe, the console), from *offset when
 * given (in_fd's position untouched, *offset advanced) or in_fd's position. */
long sys_sendfile(int out_fd, int in_fd, int64_t *offset, size_t count)
{
    enum { CHUNK = 64 << 10 };
    struct file *in, *out;
    int64_t off = 0;
    if (offset) {
        if (!user_range_ok(offset, sizeof(*offset), true))
            return -EFAULT;
        off = *offset;
    }
    long r = io_file(in_fd, offset ? &off : NULL, false, &in);
    if (r < 0 || (r = io_file(out_fd, NULL, true, &out)) < 0)
        return r;
    if (out->flags & O_APPEND)
        return -EINVAL;
    count = MIN(count, MAX_RW_COUNT);
    char *buf = kmalloc(MIN(count, (size_t)CHUNK) + 1);
    if (!buf)
        return -ENOMEM;
    uint64_t pos = (uint64_t)off;
    size_t done = 0;
    while (done < count) {
        long n = do_io(in, buf, MIN(count - done, (size_t)CHUNK), offset ? &pos : NULL, false);
        if (n <= 0) {
            r = n;
            break;
        }
        long w = do_io(out, buf, (size_t)n, NULL, true);
        if (w > 0)
            done += (size_t)w;
        if (w != n) {
            /* What was read and not written goes back to in_fd, as if unread. */
            int64_t back = n - MAX(w, 0);
            if (offset)
                pos -= (uint64_t)back;
            else if (in->seekable && in->ops->seek)
                in->ops->seek(in, -back, SEEK_CUR);
            else if (in->seekable)
                in->pos -= (uint64_t)back;
            r = w;
            break;
        }
    }
    kfree(buf);
    if (offset)
        *offset = (int64_t)pos;
    return done ? (long)done : r;
}

/* Checks a vector from the program and returns its total length, capped at
 * MAX_RW_COUNT as Linux does (the segments past the cap are not used). */
static long iov_check(const struct iovec *iov, int cnt, bool write)
{
    if (cnt < 0 || cnt > UIO_MAXIOV)
        return -EINVAL;
    if (!user_range_ok(iov, (size_t)cnt * sizeof(*iov), false))
        return -EFAULT;
    size_t total = 0;
    for (int i = 0; i < cnt; i++) {
        size_t len = iov[i].iov_len;
        if ((long)len < 0)
            return -EINVAL;
        len = MIN(len, MAX_RW_COUNT - total);
        if (!user_range_ok(iov[i].iov_base, len, !write))
            return -EFAULT;
        total += len;
    }
    return (long)total;
}

static long rwv(int fd, const struct iovec *iov, int cnt, const int64_t *off, bool write)
{
    struct file *f;
    long total = io_file(fd, off, write, &f);
    if (total < 0)
        return total;
    uint64_t posv = off ? (uint64_t)*off : 0, *pos = off ? &posv : NULL;
    total = iov_check(iov, cnt, write);
    if (total <= 0)
        return total;
    if (write && cnt > 1 && total <= GATHER_MAX) {
        char buf[GATHER_MAX];
        size_t n = 0;
        for (int i = 0; n < (size_t)total; i++) {
            size_t len = MIN(iov[i].iov_len, (size_t)total - n);
            memcpy(buf + n, iov[i].iov_base, len);
            n += len;
        }
        return do_io(f, buf, n, pos, true);
    }
    size_t done = 0;
    for (int i = 0; done < (size_t)total; i++) {
        size_t len = MIN(iov[i].iov_len, (size_t)total - done);
        if (!len)
            continue;
        long n = do_io(f, iov[i].iov_base, len, pos, write);
        if (n < 0)
            return done ? (long)done : n;
        done += (size_t)n;
        if ((size_t)n < len)
            break;
    }
    return (long)done;
}

long sys_readv(int fd, const struct iovec *iov, int cnt)
{
    return rwv(fd, iov, cnt, NULL, false);
}

long sys_writev(int fd, const struct iovec *iov, int cnt)
{
    return rwv(fd, iov, cnt, NULL, true);
}

/* On x86-64 the whole offset is in pos_l. */
long sys_preadv(int fd, const struct iovec *iov, int cnt, int64_t off)
{
    return rwv(fd, iov, cnt, &off, false);
}

long sys_pwritev(int fd, const struct iovec *iov, int cnt, int64_t off)
{
    return rwv(fd, iov, cnt, &off, true);
}

long sys_lseek(int fd, int64_t off, int whence)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    if (!f->seekable)
        return -ESPIPE;
    /* The host file's own: SEEK_DATA and SEEK_HOLE find its real holes. */
    if (f->ops->seek)
        return f->ops->seek(f, off, whence);
    int64_t base = 0, pos;
    struct stat st;
    long r;
    switch (whence) {
    case SEEK_SET:
        break;
    case SEEK_CUR:
        base = (int64_t)f->pos;
        break;
    case SEEK_END:
    case SEEK_DATA:
    case SEEK_HOLE:
        if ((r = file_stat(f, &st)) < 0)
            return r;
        if (whence == SEEK_END) {
            base = st.st_size;
            break;
        }
        /* Files in /dev and /proc have no holes a program could find: data up to the end. */
        if ((uint64_t)off >= (uint64_t)st.st_size)
            return -ENXIO;
        if (whence == SEEK_HOLE)
            off = st.st_size;
        break;
    default:
        return -EINVAL;
    }
    if (__builtin_add_overflow(base, off, &pos) || pos < 0)
        return -EINVAL;
    f->pos = (uint64_t)pos;
    return pos;
}

long sys_ftruncate(int fd, int64_t length)
{
    if (length < 0)
        return -EINVAL;
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    if (!writable(f) || !f->ops->truncate)
        return -EINVAL;
    return f->ops->truncate(f, (uint64_t)length);
}

long sys_truncate(const char *path, int64_t length)
{
    long r = user_path_ok(path);
    if (r < 0)
        return r;
    if (length < 0)
        return -EINVAL;
    struct file *f;
    if ((r = vfs_open(AT_FDCWD, path, O_WRONLY, 0, &f)) < 0)
        return r;
    r = f->ops->truncate ? f->ops->truncate(f, (uint64_t)length) : -EINVAL;
    file_put(f);
    return r;
}

long sys_fsync(int fd)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    return f->ops->fsync ? f->ops->fsync(f) : -EINVAL;
}

long sys_fdatasync(int fd)
{
    return sys_fsync(fd);
}

long sys_ioctl(int fd, unsigned int req, unsigned long arg)
{
    struct file *f = fd_file(fd);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    switch (req) {
    case FIOCLEX:
    case FIONCLEX:
        fd_set_cloexec(fd, req == FIOCLEX);
        return 0;
    case FIONBIO: {
        const int *p = (const int *)arg;
        if (!user_range_ok(p, sizeof(*p), false))
            return -EFAULT;
        f->flags = *p ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
        return 0;
    }
    case FIONREAD: {
        /* For regular files Linux answers the bytes left after the position. */
        struct stat st;
        if (f->seekable && file_stat(f, &st) == 0 && S_ISREG(st.st_mode)) {
            int *p = (int *)arg;
            if (!user_range_ok(p, sizeof(*p), true))
                return -EFAULT;
            long at = file_tell(f);
            if (at < 0)
                return at;
            *p = (int)(st.st_size - at);
            return 0;
        }
        break;
    }
    }
    return f->ops->ioctl ? f->ops->ioctl(f, req, arg) : -ENOTTY;
}
