/* Open file descriptions: reference counted, shared by dup'ed descriptors. */
#include "fs/fs.h"
#include <linux/fs.h>

struct file *file_new(const struct file_ops *ops, int flags, struct mount *m, const char *path)
{
    struct file *f = kzalloc(sizeof(*f));
    if (!f)
        return NULL;
    if (path && !(f->path = kstrdup(path))) {
        kfree(f);
        return NULL;
    }
    f->refcount = 1;
    f->ops = ops;
    f->flags = flags;
    f->seekable = true;
    f->mnt = m;
    return f;
}

long file_open(const struct file_ops *ops, int flags, struct mount *m, const char *path, void *priv,
               struct file **out)
{
    struct file *f = file_new(ops, fs_file_flags(flags), m, path);
    if (!f)
        return -ENOMEM;
    f->priv = priv;
    *out = f;
    return 0;
}

void file_free_priv(struct file *f)
{
    kfree(f->priv);
}

void file_get(struct file *f)
{
    f->refcount++;
}

void file_put(struct file *f)
{
    if (--f->refcount > 0)
        return;
    file_flock_release(f);
    if (f->ops->release)
        f->ops->release(f);
    kfree(f->path);
    kfree(f);
}

long file_pread(struct file *f, void *buf, size_t len, uint64_t off)
{
    if (!f->ops->read)
        return -EINVAL;
    if (!f->seekable)
        return -ESPIPE;
    uint64_t pos = off;
    size_t done = 0;
    while (done < len) {
        long n = f->ops->read(f, (char *)buf + done, len - done, &pos);
        if (n < 0)
            return done ? (long)done : n;
        if (n == 0)
            break;
        done += (size_t)n;
    }
    return (long)done;
}

long file_tell(struct file *f)
{
    return f->ops->seek ? f->ops->seek(f, 0, SEEK_CUR) : (long)f->pos;
}

long file_stat(struct file *f, struct stat *st)
{
    return f->ops->stat ? f->ops->stat(f, st) : -EINVAL;
}

/* The inode Linux made at boot, root's; the pipe-like st_blksize of a page. */
long anon_file_stat(struct file *f, struct stat *st)
{
    (void)f;
    memset(st, 0, sizeof(*st));
    st->st_mode = 0600;
    st->st_nlink = 1;
    st->st_blksize = 4096;
    return 0;
}

long file_setattr(struct file *f, const struct vfs_attr *a)
{
    if (f->mnt && !f->mnt->writable)
        return -EROFS;
    return f->ops->setattr ? f->ops->setattr(f, a) : -EPERM;
}
