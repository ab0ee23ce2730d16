/* Contents and attributes of tmpfs nodes, and the files opened on them.
 *
 * A regular file is an array of 4 KB pages; a missing page is a hole and
 * reads as zeros.  Bytes past the size in an allocated page are always zero,
 * so growing a file never uncovers old data. */
#include "fs/tmpfs.h"
#include "mm/mm.h"

#define TPAGE 4096ull
/* Largest tmpfs file: the page array of a bigger one would not fit in guest RAM anyway. */
#define TMPFS_MAX_SIZE (1ull << 40)
/* Pages come from the address-space allocator in chunks of this many, and
 * return to a free list here, not to the host: one mapping per page would
 * exhaust the mapping table and cost a PAL call on every free. */
#define CHUNK_PAGES 64

struct free_page {
    struct free_page *next;
};
static struct free_page *free_pages;

static char *page_alloc(void)
{
    if (!free_pages) {
        char *chunk = mm_alloc_pages(CHUNK_PAGES);
        if (!chunk)
            return NULL;
        for (int i = CHUNK_PAGES - 1; i >= 0; i--) {
            struct free_page *p = (struct free_page *)(chunk + i * TPAGE);
            p->next = free_pages;
            free_pages = p;
        }
    }
    struct free_page *p = free_pages;
    free_pages = p->next;
    memset(p, 0, TPAGE);
    return (char *)p;
}

static void page_free(char *page)
{
    struct free_page *p = (struct free_page *)page;
    p->next = free_pages;
    free_pages = p;
}

/* The page holding byte idx*4096 of n, allocated if need be; NULL for a hole (or no memory). */
static char *page_at(struct tnode *n, uint64_t idx, bool alloc)
{
    if (idx >= n->reg.nslots) {
        if (!alloc)
            return NULL;
        size_t want = MAX(idx + 1, MAX(n->reg.nslots * 2, 8));
        char **slots = krealloc(n->reg.pages, want * sizeof(char *));
        if (!slots)
            return NULL;
        memset(slots + n->reg.nslots, 0, (want - n->reg.nslots) * sizeof(char *));
        n->reg.pages = slots;
        n->reg.nslots = want;
    }
    if (!n->reg.pages[idx] && alloc && (n->reg.pages[idx] = page_alloc()))
        n->reg.npages++;
    return n->reg.pages[idx];
}

static uint64_t now_ns(void)
{
    return pal->time_realtime_ns();
}

/* relatime: the access time moves when it is older than the last change or a day old. */
static void touch_atime(struct tnode *n)
{
    uint64_t now = now_ns();
    if (n->atime <= n->mtime || n->atime <= n->ctime || now - n->atime > 86400ull * 1000000000)
        n->atime = now;
}

static long tmpfs_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
    struct tnode *n = f->priv;
    uint64_t off = *pos;
    if (off >= n->reg.size)
        return 0;
    size_t total = (size_t)MIN((uint64_t)len, n->reg.size - off);
    for (size_t done = 0; done < total;) {
        uint64_t o = off + done;
        size_t chunk = (size_t)MIN((uint64_t)(total - done), TPAGE - o % TPAGE);
        char *page = page_at(n, o / TPAGE, false);
        if (page)
            memcpy((char *)buf + done, page + o % TPAGE, chunk);
        else
            memset((char *)buf + done, 0, chunk);
        done += chunk;
    }
    *pos = off + total;
    touch_atime(n);
    return (long)total;
}

static long tmpfs_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
    struct tnode *n = f->priv;
    uint64_t off = (f->flags & O_APPEND) ? n->reg.size : *pos;
    if (off >= TMPFS_MAX_SIZE)
        return len ? -EFBIG : 0;
    len = (size_t)MIN((uint64_t)len, TMPFS_MAX_SIZE - off);
    size_t done = 0;
    while (done < len) {
        uint64_t o = off + done;
        size_t chunk = (size_t)MIN((uint64_t)(len - done), TPAGE - o % TPAGE);
        char *page = page_at(n, o / TPAGE, true);
        if (!page)
            break;
        memcpy(page + o % TPAGE, (const char *)buf + done, chunk);
        done += chunk;
    }
    if (!done && len)
        return -ENOSPC;
    if (off + done > n->reg.size)
        n->reg.size = off + done;
    n->mtime = n->ctime = now_ns();
    /* Writing drops set-user-ID and executable set-group-ID, as Linux does. */
    if (n->mode & S_ISUID || (n->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
        n->mode &= ~(unsigned int)(S_ISUID | S_ISGID);
    *pos = off + done;
    return (long)done;
}

long tmpfs_truncate_node(struct tnode *n, uint64_t len)
{
    if (len > TMPFS_MAX_SIZE)
        return -EFBIG;
    if (len == n->reg.size)
        return 0;
    if (len < n->reg.size) {
        uint64_t keep = (len + TPAGE - 1) / TPAGE;
        for (uint64_t i = keep; i < n->reg.nslots; i++) {
            if (n->reg.pages[i]) {
                page_free(n->reg.pages[i]);
                n->reg.pages[i] = NULL;
                n->reg.npages--;
            }
        }
        char *last = len % TPAGE ? page_at(n, len / TPAGE, false) : NULL;
        if (last)
            memset(last + len % TPAGE, 0, TPAGE - len % TPAGE);
    }
    n->reg.size = len;
    n->mtime = n->ctime = now_ns();
    return 0;
}

void tmpfs_free_data(struct tnode *n)
{
    if (S_ISREG(n->mode)) {
        tmpfs_truncate_node(n, 0);
        kfree(n->reg.pages);
    } else if (S_ISLNK(n->mode)) {
        kfree(n->lnk.target);
    }
}

void tmpfs_node_release(struct tnode *n)
{
    if (n->nlink || n->opens)
        return;
    tmpfs_free_data(n);
    kfree(n);
}

static long tmpfs_ftruncate(struct file *f, uint64_t len)
{
    return tmpfs_truncate_node(f->priv, len);
}

void tmpfs_node_stat(const struct tnode *n, struct stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = n->dev;
    st->st_ino = n->ino;
    st->st_nlink = n->nlink;
    st->st_mode = n->mode;
    st->st_uid = n->uid;
    st->st_gid = n->gid;
    st->st_blksize = TPAGE;
    if (S_ISREG(n->mode)) {
        st->st_size = (long)n->reg.size;
        st->st_blocks = (long)(n->reg.npages * (TPAGE / 512));
    } else if (S_ISDIR(n->mode)) {
        st->st_size = (long)(n->dir.count + 2) * 20;   /* what Linux's tmpfs reports */
    } else if (S_ISLNK(n->mode)) {
        st->st_size = (long)strlen(n->lnk.target);
    }
    st->st_atime = n->atime / 1000000000;
    st->st_atime_nsec = n->atime % 1000000000;
    st->st_mtime = n->mtime / 1000000000;
    st->st_mtime_nsec = n->mtime % 1000000000;
    st->st_ctime = n->ctime / 1000000000;
    st->st_ctime_nsec = n->ctime % 1000000000;
}

static long tmpfs_fstat(struct file *f, struct stat *st)
{
    tmpfs_node_stat(f->priv, st);
    return 0;
}

/* chmod, chown and utimens with Linux's rules for who may do what. */
long tmpfs_node_setattr(struct tnode *n, const struct vfs_attr *a)
{
    struct stat st;
    tmpfs_node_stat(n, &st);
    long r = fs_may_setattr(&st, a);
    if (r < 0)
        return r;
    if (a->valid & ATTR_MODE)
        n->mode = (n->mode & S_IFMT) | fs_chmod_mode(&st, a->mode);
    if (a->valid & (ATTR_UID | ATTR_GID)) {
        if (a->valid & ATTR_UID)
            n->uid = a->uid;
        if (a->valid & ATTR_GID)
            n->gid = a->gid;
        /* A new owner does not inherit set-ID powers. */
        if (!S_ISDIR(n->mode)) {
            n->mode &= ~(unsigned int)S_ISUID;
            if (n->mode & S_IXGRP)
                n->mode &= ~(unsigned int)S_ISGID;
        }
    }
    if (a->valid & ATTR_ATIME)
        n->atime = a->atime_ns;
    if (a->valid & ATTR_MTIME)
        n->mtime = a->mtime_ns;
    n->ctime = now_ns();
    return 0;
}

static long tmpfs_fsetattr(struct file *f, const struct vfs_attr *a)
{
    return tmpfs_node_setattr(f->priv, a);
}

static unsigned char dtype(const struct tnode *n)
{
    return S_ISDIR(n->mode) ? DT_DIR : S_ISLNK(n->mode) ? DT_LNK : S_ISREG(n->mode) ? DT_REG : DT_UNKNOWN;
}

/* Positions: 0 ".", 1 "..", then each entry's own pos, so entries removed or
 * added while a program lists the directory never shift the others. */
static long tmpfs_getdents64(struct file *f, void *buf, size_t len)
{
    struct tnode *n = f->priv;
    if (!n->nlink)
        return -ENOENT;   /* removed directory, as Linux answers */
    size_t used = 0;
    if (f->pos == 0) {
        if (!dirent_put(buf, len, &used, n->ino, 1, DT_DIR, ".", 1))
            return dirent_result(used);
        f->pos = 1;
    }
    if (f->pos == 1) {
        if (!dirent_put(buf, len, &used, n->parent ? n->parent->ino : n->ino, 2, DT_DIR, "..", 2))
            return dirent_result(used);
        f->pos = 2;
    }
    for (struct tdirent *d = n->dir.head; d; d = d->next) {
        if (d->pos < f->pos)
            continue;
        if (!dirent_put(buf, len, &used, d->node->ino, d->pos + 1, dtype(d->node), d->name, d->namelen))
            return dirent_result(used);
        f->pos = d->pos + 1;
    }
    touch_atime(n);
    return (long)used;
}

/* Nothing to write back: tmpfs is as durable as it gets. */
static long tmpfs_fsync(struct file *f)
{
    (void)f;
    return 0;
}

static void tmpfs_release(struct file *f)
{
    struct tnode *n = f->priv;
    n->opens--;
    tmpfs_node_release(n);
}

static const struct file_ops tmpfs_reg_ops = {
    .read = tmpfs_read,
    .write = tmpfs_write,
    .stat = tmpfs_fstat,
    .truncate = tmpfs_ftruncate,
    .fsync = tmpfs_fsync,
    .setattr = tmpfs_fsetattr,
    .release = tmpfs_release,
};

static const struct file_ops tmpfs_dir_ops = {
    .read = fs_dir_read,
    .stat = tmpfs_fstat,
    .getdents64 = tmpfs_getdents64,
    .fsync = tmpfs_fsync,
    .setattr = tmpfs_fsetattr,
    .release = tmpfs_release,
};

long tmpfs_file_open(struct mount *m, struct tnode *n, int flags, struct file **out)
{
    long r = file_open(S_ISDIR(n->mode) ? &tmpfs_dir_ops : &tmpfs_reg_ops, flags, m, NULL, n, out);
    if (r == 0)
        n->opens++;
    return r;
}
