/* tmpfs: a tree of directories, regular files and symbolic links in guest
 * memory, with Linux's rules for creating, removing and renaming names.
 * Paths come from the VFS normalised and with parent links resolved. */
#include "fs/tmpfs.h"

struct tmpfs {
    struct tnode *root;
};

static uint64_t next_ino = 2;

static struct tnode *node_new(struct mount *m, unsigned int mode)
{
    struct tnode *n = kzalloc(sizeof(*n));
    if (!n)
        return NULL;
    n->mode = mode;
    n->uid = fs_uid();
    n->gid = fs_gid();
    /* Unique in the application, not only here: a file's (device, inode) is
     * the key every process maps it by (mm/filemap.h), and after a fork
     * parent and child create files from the same counter. */
    n->ino = ((uint64_t)proc.pid << 32) | next_ino++;
    n->dev = makedev(0, DEV_TMPFS + (unsigned int)(m - vfs_mounts));
    n->atime = n->mtime = n->ctime = pal->time_realtime_ns();
    if (S_ISDIR(mode))
        n->dir.next_pos = 2;
    return n;
}

long tmpfs_mount_init(struct mount *m)
{
    struct tmpfs *fs = kzalloc(sizeof(*fs));
    if (!fs || !(fs->root = node_new(m, S_IFDIR | 01777))) {
        kfree(fs);
        return -ENOMEM;
    }
    fs->root->nlink = 2;
    fs->root->uid = fs->root->gid = 0;
    m->data = fs;
    return 0;
}

static long node_perm(const struct tnode *n, int want)
{
    struct stat st;
    tmpfs_node_stat(n, &st);
    return fs_permission(&st, want);
}

static struct tdirent *dir_find(struct tnode *dir, const char *name, size_t len)
{
    for (struct tdirent *d = dir->dir.head; d; d = d->next)
        if (d->namelen == len && !memcmp(d->name, name, len))
            return d;
    return NULL;
}

/* The result of walking a path: the last component's directory, name and
 * entry (NULL if there is no such name yet).  dir is NULL for the root. */
struct walk {
    struct tnode *dir, *node;
    struct tdirent *ent;
    const char *name;
    size_t namelen;
};

static long walk(struct mount *m, const char *rel, struct walk *w)
{
    struct tnode *cur = ((struct tmpfs *)m->data)->root;
    *w = (struct walk){ .node = cur };
    while (*rel) {
        const char *end = strchr(rel, '/');
        size_t len = end ? (size_t)(end - rel) : strlen(rel);
        if (!S_ISDIR(cur->mode))
            return S_ISLNK(cur->mode) ? -ELOOP : -ENOTDIR;
        struct tdirent *d = dir_find(cur, rel, len);
        if (!end) {
            *w = (struct walk){ .dir = cur, .node = d ? d->node : NULL, .ent = d, .name = rel, .namelen = len };
            return 0;
        }
        if (!d)
            return -ENOENT;
        cur = d->node;
        rel = end + 1;
    }
    return 0;
}

static long walk_existing(struct mount *m, const char *rel, struct walk *w)
{
    long r = walk(m, rel, w);
    return r < 0 ? r : w->node ? 0 : -ENOENT;
}

/* For a name about to be made: the root and taken names exist already. */
static long walk_new(struct mount *m, const char *rel, struct walk *w)
{
    long r = walk(m, rel, w);
    return r < 0 ? r : (w->node || !w->dir) ? -EEXIST : 0;
}

/* The node of an operation that follows a final link unless nofollow: the VFS
 * does the following when told VFS_FOLLOW. */
static long walk_node(struct mount *m, const char *rel, bool nofollow, struct tnode **out)
{
    struct walk w;
    long r = walk_existing(m, rel, &w);
    if (r < 0)
        return r;
    if (S_ISLNK(w.node->mode) && !nofollow)
        return VFS_FOLLOW;
    *out = w.node;
    return 0;
}

static void touch_dir(struct tnode *dir)
{
    dir->mtime = dir->ctime = pal->time_realtime_ns();
}

static long entry_insert(struct tnode *dir, const char *name, size_t len, struct tnode *n)
{
    struct tdirent *d = kmalloc(sizeof(*d) + len + 1);
    if (!d)
        return -ENOMEM;
    d->next = NULL;
    d->node = n;
    d->pos = dir->dir.next_pos++;
    d->namelen = len;
    memcpy(d->name, name, len);
    d->name[len] = 0;
    if (dir->dir.tail)
        dir->dir.tail->next = d;
    else
        dir->dir.head = d;
    dir->dir.tail = d;
    dir->dir.count++;
    touch_dir(dir);
    return 0;
}

static void entry_detach(struct tnode *dir, struct tdirent *d)
{
    struct tdirent **pp = &dir->dir.head, *prev = NULL;
    while (*pp != d) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    *pp = d->next;
    if (dir->dir.tail == d)
        dir->dir.tail = prev;
    dir->dir.count--;
    kfree(d);
    touch_dir(dir);
}

/* Link counts: a directory has its entry and its own ".", and adds one to its
 * parent for "..". */
static void count_link(struct tnode *dir, struct tnode *n)
{
    if (S_ISDIR(n->mode)) {
        n->parent = dir;
        n->nlink = 2;
        dir->nlink++;
    } else {
        n->nlink++;
    }
}

/* The name of n in dir is gone; n itself goes when no file holds it. */
static void drop_link(struct tnode *dir, struct tnode *n)
{
    if (S_ISDIR(n->mode)) {
        dir->nlink--;
        n->nlink = 0;
    } else {
        n->nlink--;
    }
    n->ctime = pal->time_realtime_ns();
    tmpfs_node_release(n);
}

/* May the caller add or remove names in dir (and remove victim from it)? */
static long may_change(struct tnode *dir, struct tnode *victim)
{
    struct stat d, v;
    tmpfs_node_stat(dir, &d);
    if (victim)
        tmpfs_node_stat(victim, &v);
    return fs_may_change(&d, victim ? &v : NULL);
}

static long create(struct mount *m, struct walk *w, unsigned int mode, struct tnode **out)
{
    long r = may_change(w->dir, NULL);
    if (r < 0)
        return r;
    struct tnode *n = node_new(m, mode);
    if (!n)
        return -ENOMEM;
    /* A set-group-ID directory gives new entries its group, and new subdirectories the bit. */
    if (w->dir->mode & S_ISGID) {
        n->gid = w->dir->gid;
        if (S_ISDIR(mode))
            n->mode |= S_ISGID;
    }
    if ((r = entry_insert(w->dir, w->name, w->namelen, n)) < 0) {
        kfree(n);
        return r;
    }
    count_link(w->dir, n);
    *out = n;
    return 0;
}

static long tmpfs_open(struct mount *m, const char *rel, int flags, int mode, struct file **out)
{
    struct walk w;
    long r = walk(m, rel, &w);
    if (r < 0)
        return r;
    struct tnode *n = w.node;
    int acc = flags & O_ACCMODE;
    if (!n) {
        if (!(flags & O_CREAT))
            return -ENOENT;
        if ((r = create(m, &w, S_IFREG | ((unsigned int)mode & 07777), &n)) < 0)
            return r;
        return tmpfs_file_open(m, n, flags, out);
    }
    if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
        return -EEXIST;
    if (S_ISLNK(n->mode))
        return (flags & O_NOFOLLOW) ? -ELOOP : VFS_FOLLOW;
    if (S_ISDIR(n->mode) && (acc != O_RDONLY || (flags & O_CREAT)))
        return -EISDIR;
    if (!S_ISDIR(n->mode) && (flags & O_DIRECTORY))
        return -ENOTDIR;
    struct stat st;
    tmpfs_node_stat(n, &st);
    if ((r = fs_may_open(&st, flags)) < 0)
        return r;
    if (!(flags & O_PATH) && (flags & O_TRUNC) && S_ISREG(n->mode) && (r = tmpfs_truncate_node(n, 0)) < 0)
        return r;
    return tmpfs_file_open(m, n, flags, out);
}

long tmpfs_open_unnamed(struct mount *m, int flags, struct file **out)
{
    struct tnode *n = node_new(m, S_IFREG | 0777);
    if (!n)
        return -ENOMEM;
    long r = tmpfs_file_open(m, n, flags, out);
    if (r < 0)
        kfree(n);
    return r;
}

static long tmpfs_stat(struct mount *m, const char *rel, struct stat *st, bool nofollow)
{
    struct tnode *n;
    long r = walk_node(m, rel, nofollow, &n);
    if (r == 0)
        tmpfs_node_stat(n, st);
    return r;
}

static long tmpfs_mkdir(struct mount *m, const char *rel, int mode)
{
    struct walk w;
    long r = walk_new(m, rel, &w);
    if (r < 0)
        return r;
    struct tnode *n;
    return create(m, &w, S_IFDIR | ((unsigned int)mode & 07777), &n);
}

static long tmpfs_symlink(struct mount *m, const char *rel, const char *target)
{
    struct walk w;
    long r = walk_new(m, rel, &w);
    if (r < 0)
        return r;
    char *t = kstrdup(target);
    if (!t)
        return -ENOMEM;
    struct tnode *n;
    if ((r = create(m, &w, S_IFLNK | 0777, &n)) < 0) {
        kfree(t);
        return r;
    }
    n->lnk.target = t;
    return 0;
}

static long tmpfs_unlink(struct mount *m, const char *rel, bool is_dir)
{
    struct walk w;
    long r = walk_existing(m, rel, &w);
    if (r < 0)
        return r;
    struct tnode *n = w.node;
    if (!w.dir)
        return is_dir ? -EBUSY : -EISDIR;
    if (is_dir && !S_ISDIR(n->mode))
        return -ENOTDIR;
    if (!is_dir && S_ISDIR(n->mode))
        return -EISDIR;
    if ((r = may_change(w.dir, n)) < 0)
        return r;
    if (is_dir && n->dir.count)
        return -ENOTEMPTY;
    entry_detach(w.dir, w.ent);
    drop_link(w.dir, n);
    return 0;
}

static long tmpfs_rename(struct mount *m, const char *old_rel, const char *new_rel)
{
    struct walk o, n;
    long r = walk_existing(m, old_rel, &o);
    if (r < 0)
        return r;
    if ((r = walk(m, new_rel, &n)) < 0)
        return r;
    if (!o.dir || !n.dir)
        return -EBUSY;
    struct tnode *src = o.node, *dst = n.node;
    if ((r = may_change(o.dir, src)) < 0 || (r = may_change(n.dir, dst)) < 0)
        return r;
    if (src == dst)
        return 0;
    if (S_ISDIR(src->mode)) {
        /* A directory cannot move below itself. */
        for (struct tnode *t = n.dir; t; t = t->parent)
            if (t == src)
                return -EINVAL;
        /* Moving a directory rewrites its "..": that needs write access to it. */
        if (o.dir != n.dir && (r = node_perm(src, W_OK)) < 0)
            return r;
    }
    if (dst) {
        if (S_ISDIR(src->mode) && !S_ISDIR(dst->mode))
            return -ENOTDIR;
        if (!S_ISDIR(src->mode) && S_ISDIR(dst->mode))
            return -EISDIR;
        if (S_ISDIR(dst->mode) && dst->dir.count)
            return -ENOTEMPTY;
    }
    /* Link under the new name first: if that fails, nothing has changed. */
    if ((r = entry_insert(n.dir, n.name, n.namelen, src)) < 0)
        return r;
    if (dst) {
        entry_detach(n.dir, n.ent);
        drop_link(n.dir, dst);
    }
    entry_detach(o.dir, o.ent);
    if (S_ISDIR(src->mode)) {
        o.dir->nlink--;
        n.dir->nlink++;
        src->parent = n.dir;
    }
    src->ctime = pal->time_realtime_ns();
    return 0;
}

/* A hard link: the VFS has followed a link old_rel if asked, so old_rel is named as is. */
static long tmpfs_link(struct mount *m, const char *old_rel, const char *new_rel)
{
    struct walk o, n;
    long r = walk_existing(m, old_rel, &o);
    if (r < 0)
        return r;
    if ((r = walk_new(m, new_rel, &n)) < 0)
        return r;
    if (S_ISDIR(o.node->mode))
        return -EPERM;
    if ((r = may_change(n.dir, NULL)) < 0)
        return r;
    if ((r = entry_insert(n.dir, n.name, n.namelen, o.node)) < 0)
        return r;
    count_link(n.dir, o.node);
    o.node->ctime = pal->time_realtime_ns();
    return 0;
}

static long tmpfs_readlink(struct mount *m, const char *rel, char *buf, size_t len)
{
    struct tnode *node;
    long r = walk_node(m, rel, true, &node);
    if (r < 0)
        return r;
    if (!S_ISLNK(node->mode))
        return -EINVAL;
    size_t n = MIN(len, strlen(node->lnk.target));
    memcpy(buf, node->lnk.target, n);
    return (long)n;
}

static long tmpfs_setattr(struct mount *m, const char *rel, const struct vfs_attr *a, bool nofollow)
{
    struct tnode *n;
    long r = walk_node(m, rel, nofollow, &n);
    return r == 0 ? tmpfs_node_setattr(n, a) : r;
}

const struct fs_type fs_tmpfs = {
    .name = "tmpfs",
    .open = tmpfs_open,
    .stat = tmpfs_stat,
    .mkdir = tmpfs_mkdir,
    .unlink = tmpfs_unlink,
    .rename = tmpfs_rename,
    .readlink = tmpfs_readlink,
    .symlink = tmpfs_symlink,
    .setattr = tmpfs_setattr,
    .link = tmpfs_link,
};
