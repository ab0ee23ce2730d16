/* /dev: the character devices programs expect, and the standard-stream links. */
#include "fs/fs.h"

enum dev_kind { DEV_NULL, DEV_ZERO, DEV_RANDOM, DEV_TTY, DEV_LINK };

struct dev_node {
    const char *name;
    enum dev_kind kind;
    unsigned int major, minor;
    const char *target;   /* DEV_LINK */
};

static const struct dev_node nodes[] = {
    { "null", DEV_NULL, 1, 3, NULL },
    { "zero", DEV_ZERO, 1, 5, NULL },
    { "random", DEV_RANDOM, 1, 8, NULL },
    { "urandom", DEV_RANDOM, 1, 9, NULL },
    { "tty", DEV_TTY, 5, 0, NULL },
    { "fd", DEV_LINK, 0, 0, "/proc/self/fd" },
    { "stdin", DEV_LINK, 0, 0, "/proc/self/fd/0" },
    { "stdout", DEV_LINK, 0, 0, "/proc/self/fd/1" },
    { "stderr", DEV_LINK, 0, 0, "/proc/self/fd/2" },
};

static const struct dev_node *find(const char *rel)
{
    for (size_t i = 0; i < ARRAY_SIZE(nodes); i++)
        if (!strcmp(nodes[i].name, rel))
            return &nodes[i];
    return NULL;
}

static void node_stat(const struct dev_node *d, struct stat *st)
{
    if (d->kind == DEV_LINK) {
        fs_synth_stat(st, S_IFLNK | 0777, fs_hash(d->name, strlen(d->name)), makedev(0, DEV_DEVFS), 0);
        st->st_size = (long)strlen(d->target);
    } else {
        fs_synth_stat(st, S_IFCHR | 0666, fs_hash(d->name, strlen(d->name)), makedev(0, DEV_DEVFS),
                      makedev(d->major, d->minor));
    }
}

static const struct dev_node *file_node(struct file *f)
{
    return f->priv;
}

static long dev_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
    (void)pos;
    switch (file_node(f)->kind) {
    case DEV_ZERO:
        memset(buf, 0, len);
        return (long)len;
    case DEV_RANDOM: {
        /* Linux hands out at most 32 MB per read of the random devices. */
        len = MIN(len, 32ul << 20);
        long r = pal->random_bytes(buf, len);
        return r < 0 ? r : (long)len;
    }
    default:
        return 0;
    }
}

/* Writes to null and zero vanish; writes to random are accepted and, as on
 * Linux without privileges, credit no entropy. */
static long dev_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
    (void)f, (void)buf, (void)pos;
    return (long)len;
}

static long dev_fstat(struct file *f, struct stat *st)
{
    node_stat(file_node(f), st);
    return 0;
}

static const struct file_ops dev_ops = {
    .read = dev_read,
    .write = dev_write,
    .stat = dev_fstat,
};

/* The /dev directory; position i lists nodes[i - 2]. */
static long devdir_getdents64(struct file *f, void *buf, size_t len)
{
    size_t used = 0;
    while (f->pos < 2 + ARRAY_SIZE(nodes)) {
        uint64_t pos = f->pos;
        const char *name = pos == 0 ? "." : pos == 1 ? ".." : nodes[pos - 2].name;
        unsigned char type = pos < 2 ? DT_DIR : nodes[pos - 2].kind == DEV_LINK ? DT_LNK : DT_CHR;
        if (!dirent_put(buf, len, &used, fs_hash(name, strlen(name)), pos + 1, type, name, strlen(name)))
            return dirent_result(used);
        f->pos++;
    }
    return (long)used;
}

static void devdir_stat(struct stat *st)
{
    fs_synth_stat(st, S_IFDIR | 0755, 1, makedev(0, DEV_DEVFS), 0);
}

static long devdir_fstat(struct file *f, struct stat *st)
{
    (void)f;
    devdir_stat(st);
    return 0;
}

static const struct file_ops devdir_ops = {
    .read = fs_dir_read,
    .stat = devdir_fstat,
    .getdents64 = devdir_getdents64,
};

static long dev_open(struct mount *m, const char *rel, int flags, int mode, struct file **out)
{
    (void)mode;
    const struct dev_node *d = rel[0] ? find(rel) : NULL;
    if (rel[0] && !d)
        return (flags & O_CREAT) ? -EACCES : -ENOENT;   /* /dev is root's */
    if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
        return -EEXIST;
    if (d && d->kind == DEV_LINK)
        return (flags & O_NOFOLLOW) ? -ELOOP : VFS_FOLLOW;
    if (!d && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT)))
        return -EISDIR;
    if (d && (flags & O_DIRECTORY))
        return -ENOTDIR;
    if (d && d->kind == DEV_TTY)
        return console_open_tty(flags, out);
    return file_open(d ? &dev_ops : &devdir_ops, flags, m, NULL, (void *)d, out);
}

static long dev_stat(struct mount *m, const char *rel, struct stat *st, bool nofollow)
{
    (void)m;
    if (!rel[0]) {
        devdir_stat(st);
        return 0;
    }
    const struct dev_node *d = find(rel);
    if (!d)
        return -ENOENT;
    if (d->kind == DEV_LINK && !nofollow)
        return VFS_FOLLOW;
    node_stat(d, st);
    return 0;
}

static long dev_readlink(struct mount *m, const char *rel, char *buf, size_t len)
{
    (void)m;
    const struct dev_node *d = find(rel);
    if (!d)
        return rel[0] ? -ENOENT : -EINVAL;
    if (d->kind != DEV_LINK)
        return -EINVAL;
    size_t n = MIN(len, strlen(d->target));
    memcpy(buf, d->target, n);
    return (long)n;
}

/* No mkdir, unlink, rename or symlink here: the VFS answers -EPERM. */
const struct fs_type fs_dev = {
    .name = "dev",
    .open = dev_open,
    .stat = dev_stat,
    .readlink = dev_readlink,
};
