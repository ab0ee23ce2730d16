/* fallocate: reserving a file's blocks, in the two modes that only reserve
 * (0, which may also grow the file, and FALLOC_FL_KEEP_SIZE), on host files,
 * where the host's file system does it.  The other modes (punching holes,
 * zeroing, moving ranges) and the other file systems answer EOPNOTSUPP, as
 * Linux does for a file system without them; Linux's own checks come first,
 * in its order. */
#include "fs/fs.h"
#include "syscall/handlers.h"
#include <linux/falloc.h>

long sys_fallocate(int fd, int mode, int64_t offset, int64_t len)
{
    if (offset < 0 || len <= 0)
        return -EINVAL;
    if (mode != 0 && mode != FALLOC_FL_KEEP_SIZE)
        return -EOPNOTSUPP;
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    int acc = f->flags & O_ACCMODE;
    if ((f->flags & O_PATH) || (acc != O_WRONLY && acc != O_RDWR))
        return -EBADF;
    struct stat st;
    long r = file_stat(f, &st);
    if (r < 0)
        return r;
    if (S_ISFIFO(st.st_mode))
        return -ESPIPE;
    if (S_ISDIR(st.st_mode))
        return -EISDIR;
    if (!S_ISREG(st.st_mode))
        return -ENODEV;
    if (offset > INT64_MAX - len)
        return -EFBIG;
    if (!f->ops->allocate)
        return -EOPNOTSUPP;
    return f->ops->allocate(f, mode, (uint64_t)offset, (uint64_t)len);
}
