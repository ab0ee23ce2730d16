/* Chroot and tmpfs mounts: files of a host directory, reached through PAL
 * streams (a tmpfs's directory is one the monitor made for the application).
 *
 * A guest path below the mount becomes the URI "<host_uri>/<rel>"; the monitor
 * checks it against the manifest and resolves host symbolic links itself,
 * keeping them inside the mount.  Every read and write is one PAL call, so
 * there is no cache to keep coherent.  The file position is the host
 * descriptor's: a forked child shares the descriptor, so parent and child
 * share the offset as Linux processes share an open file description.
 *
 * Who may do what to a host file is the library OS's to say (fs_permission
 * and friends, against the program's ids) whenever the monitor, reaching
 * every file as the one host user, would let more through (fs_must_check). */
#include "fs/fs.h"
#include "signal/signal.h"
#include <linux/fs.h>

struct host_file {
    long handle;
};

static long host_handle(struct file *f)
{
    return ((struct host_file *)f->priv)->handle;
}

/* uri receives "<host_uri>/<rel>" (just host_uri for the mount root). */
static long make_uri(struct mount *m, const char *rel, char uri[PAL_MAX_URI])
{
    size_t n = strlen(m->host_uri), rl = strlen(rel);
    if (n + 1 + rl + 1 > PAL_MAX_URI)
        return -ENAMETOOLONG;
    memcpy(uri, m->host_uri, n);
    if (rl) {
        uri[n++] = '/';
        memcpy(uri + n, rel, rl);
        n += rl;
    }
    uri[n] = 0;
    return 0;
}

static long host_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
    long n = pal->stream_read(host_handle(f), buf, MIN(len, PAL_MAX_IO), pos ? (long long)*pos : -1);
    if (n > 0 && pos)
        *pos += (uint64_t)n;
    return n;
}

/* O_APPEND: the host file is opened without it (so F_SETFL can turn it on and
 * off) and each append writes at the size the host reports, then moves the
 * position after it.  That is atomic while this picoprocess is the only
 * writer of the file; appends racing with another process could overlap. */
static long host_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
    long h = host_handle(f);
    long long off = pos ? (long long)*pos : -1;
    if (f->flags & O_APPEND) {
        struct stat st;
        long r = pal->stream_attr(h, (struct pal_stat *)&st);
        if (r < 0)
            return r;
        off = st.st_size;
    }
    long n = pal->stream_write(h, buf, MIN(len, PAL_MAX_IO), off);
    if (n > 0 && pos)
        *pos = (uint64_t)off + (uint64_t)n;
    else if (n > 0 && (f->flags & O_APPEND))
        pal->stream_seek(h, off + n, SEEK_SET);
    return n;
}

/* A tmpfs reports a device of its own, the same in every process (they
 * share the mount table's order), not that of the host file system it is
 * kept on: stat tells mounts apart, and shared mappings key on it. */
static long own_dev(const struct mount *m, long r, struct stat *st)
{
    if (r == 0 && m->tmpfs)
        st->st_dev = makedev(0, DEV_TMPFS + (unsigned int)(m - vfs_mounts));
    return r;
}

static long host_seek(struct file *f, int64_t off, int whence)
{
    return pal->stream_seek(host_handle(f), off, whence);
}

static long host_fstat(struct file *f, struct stat *st)
{
    return own_dev(f->mnt, pal->stream_attr(host_handle(f), (struct pal_stat *)st), st);
}

/* The directory position is the host descriptor's (host_seek), so
 * telldir/seekdir and rewinddir map onto the host directory. */
static long host_getdents64(struct file *f, void *buf, size_t len)
{
    return pal->stream_readdir(host_handle(f), buf, len);
}

static long host_truncate(struct file *f, uint64_t len)
{
    return pal->stream_set_length(host_handle(f), (long long)len);
}

static long host_allocate(struct file *f, int mode, uint64_t off, uint64_t len)
{
    return pal->stream_allocate(host_handle(f), mode, (long long)off, (long long)len);
}

static long host_fsync(struct file *f)
{
    return pal->stream_flush(host_handle(f));
}

static long host_stat(struct mount *m, const char *rel, struct stat *st, bool nofollow)
{
    char uri[PAL_MAX_URI];
    long r = make_uri(m, rel, uri);
    if (r < 0)
        return r;
    r = own_dev(m, pal->stream_attr_uri(uri, (struct pal_stat *)st, nofollow || m->tmpfs), st);
    return r == 0 && m->tmpfs && !nofollow && S_ISLNK(st->st_mode) ? VFS_FOLLOW : r;
}

/* The attributes of the directory holding rel. */
static long parent_stat(struct mount *m, const char *rel, struct stat *st)
{
    char uri[PAL_MAX_URI];
    long r = make_uri(m, rel, uri);
    if (r < 0)
        return r;
    const char *slash = strrchr(rel, '/');
    uri[strlen(m->host_uri) + (slash ? 1 + (size_t)(slash - rel) : 0)] = 0;
    return pal->stream_attr_uri(uri, (struct pal_stat *)st, false);
}

/* May the name rel be removed (victim: its attributes) or added (victim NULL)? */
static long may_change(struct mount *m, const char *rel, const struct stat *victim)
{
    struct stat dir;
    long r = parent_stat(m, rel, &dir);
    return r < 0 ? r : fs_may_change(&dir, victim);
}

/* A name about to be made: a taken one is the host's to refuse (EEXIST comes
 * before the directory's permission on Linux). */
static long may_create(struct mount *m, const char *rel)
{
    struct stat st;
    return host_stat(m, rel, &st, true) == 0 ? 0 : may_change(m, rel, NULL);
}

/* open(2) of an existing file needs the access its flags ask for; a new one
 * (*made set), write and search on its directory.  Other failures are the
 * host's to report. */
static long may_open(struct mount *m, const char *rel, int flags, bool *made)
{
    struct stat st;
    long r = host_stat(m, rel, &st, flags & O_NOFOLLOW);
    *made = r == -ENOENT && (flags & O_CREAT);
    if (r < 0)
        return *made && fs_must_check() ? may_change(m, rel, NULL) : 0;
    if (!fs_must_check())
        return 0;
    /* An unnamed file in a directory: as creating a name there. */
    if (flags & __O_TMPFILE)
        return S_ISDIR(st.st_mode) ? fs_permission(&st, W_OK | X_OK) : -ENOTDIR;
    if (S_ISLNK(st.st_mode) || (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL) ||
        (S_ISDIR(st.st_mode) && (flags & O_ACCMODE) != O_RDONLY))
        return 0;
    return fs_may_open(&st, flags);
}

/* New files are the host user's unless the program's fs ids differ. */
static bool foreign_ids(void)
{
    return fs_uid() != pal_state->host_uid || fs_gid() != pal_state->host_gid;
}

/* A name made with other fs ids than the host user's gets them, as Linux
 * gives a new file its creator's (but the group of a set-group-ID
 * directory, which the host gives already).  Where the host refuses (a
 * monitor run by an unprivileged user cannot chown) the file stays the host
 * user's, as before. */
static void own_new(struct mount *m, const char *rel)
{
    struct stat dir;
    char uri[PAL_MAX_URI];
    if (parent_stat(m, rel, &dir) < 0 || make_uri(m, rel, uri) < 0)
        return;
    struct pal_attr a = { .valid = PAL_ATTR_UID, .uid = fs_uid() };
    if (!(dir.st_mode & S_ISGID)) {
        a.valid |= PAL_ATTR_GID;
        a.gid = fs_gid();
    }
    pal->stream_set_attr(uri, &a, true);
}

/* struct vfs_attr is the PAL's struct pal_attr, so attribute changes pass through as is. */
_Static_assert(sizeof(struct vfs_attr) == sizeof(struct pal_attr), "pal_attr size");
_Static_assert(offsetof(struct vfs_attr, mode) == offsetof(struct pal_attr, mode), "pal_attr mode");
_Static_assert(offsetof(struct vfs_attr, uid) == offsetof(struct pal_attr, uid), "pal_attr uid");
_Static_assert(offsetof(struct vfs_attr, gid) == offsetof(struct pal_attr, gid), "pal_attr gid");
_Static_assert(offsetof(struct vfs_attr, atime_ns) == offsetof(struct pal_attr, atime_ns), "pal_attr atime");
_Static_assert(offsetof(struct vfs_attr, mtime_ns) == offsetof(struct pal_attr, mtime_ns), "pal_attr mtime");
_Static_assert((int)ATTR_MODE == PAL_ATTR_MODE && (int)ATTR_UID == PAL_ATTR_UID &&
               (int)ATTR_GID == PAL_ATTR_GID && (int)ATTR_ATIME == PAL_ATTR_ATIME &&
               (int)ATTR_MTIME == PAL_ATTR_MTIME && (int)ATTR_TOUCH == PAL_ATTR_TOUCH,
               "ATTR_* are PAL_ATTR_*");

/* A tmpfs's final link is the VFS's to follow (mount_follows_links), so the
 * host opens without following it: its ELOOP, or ENOTDIR for O_DIRECTORY,
 * means a link to follow unless the program said O_NOFOLLOW. */
static long tmpfs_link_answer(struct mount *m, const char *rel, int flags, long r)
{
    struct stat st;
    if (!m->tmpfs || (flags & O_NOFOLLOW) || (r != -ELOOP && r != -ENOTDIR))
        return r;
    return host_stat(m, rel, &st, true) == 0 && S_ISLNK(st.st_mode) ? VFS_FOLLOW : r;
}

/* The host follows a chroot mount's final link itself, beneath the mount,
 * as for open and stat. */
static long host_setattr(struct mount *m, const char *rel, const struct vfs_attr *a, bool nofollow)
{
    char uri[PAL_MAX_URI];
    long r = make_uri(m, rel, uri);
    if (r == 0 && m->tmpfs && !nofollow) {
        struct stat st;
        if ((r = host_stat(m, rel, &st, false)) != 0)
            return r;
        nofollow = true;
    }
    struct stat st;
    struct vfs_attr checked = *a;
    if (r == 0 && fs_must_check() && (r = host_stat(m, rel, &st, nofollow)) == 0) {
        r = fs_may_setattr(&st, a);
        if (a->valid & ATTR_MODE)
            checked.mode = fs_chmod_mode(&st, a->mode);
    }
    return r < 0 ? r : pal->stream_set_attr(uri, (const struct pal_attr *)&checked, nofollow);
}

/* fchmod, fchown and futimens go by the path the file was opened by (the PAL
 * changes attributes by uri only): after a rename or unlink of that path they
 * reach another file or none.  A tmpfs's path has its links resolved. */
static long host_fsetattr(struct file *f, const struct vfs_attr *a)
{
    if (!f->path)
        return -EPERM;
    return host_setattr(f->mnt, mount_rel(f->mnt, f->path), a, f->mnt->tmpfs);
}

static long host_lock(struct file *f, int cmd, void *flock)
{
    return pal->stream_lock(host_handle(f), cmd, flock);
}

static long host_flock(struct file *f, int op)
{
    return pal->stream_flock(host_handle(f), op);
}

static void host_release(struct file *f)
{
    pal->stream_close(host_handle(f));
    kfree(f->priv);
}

static const struct file_ops host_file_ops = {
    .read = host_read,
    .write = host_write,
    .stat = host_fstat,
    .getdents64 = host_getdents64,
    .truncate = host_truncate,
    .allocate = host_allocate,
    .fsync = host_fsync,
    .setattr = host_fsetattr,
    .release = host_release,
    .async_handle = host_handle,
    .lock = host_lock,
    .flock = host_flock,
    .seek = host_seek,
};

/* A FIFO's open waits in the host for the other end, and an event for us
 * ends that wait with -EINTR.  A look at the streams (stream_poll, which the
 * layers stacked on the PAL take to serve the other processes' messages: the
 * other end may be waiting for an answer) takes it in; then a signal makes
 * -ERESTARTSYS (the open starts over after a handler with SA_RESTART, else
 * EINTR, as on Linux), and anything else starts the open over at once. */
static long open_stream(const char *uri, int flags, int mode)
{
    for (;;) {
        long h = pal->stream_open(uri, flags, mode);
        if (h != -EINTR)
            return h;
        pal->stream_poll(NULL, 0, 0);
        if (signal_pending())
            return -ERESTARTSYS;
    }
}

/* A FIFO becomes a pipe end (fs/pipe.c) over the host FIFO, shared with
 * whoever else opens it; O_PATH (no I/O, so no end) never waits for a writer. */
static long host_open(struct mount *m, const char *rel, int flags, int mode, struct file **out)
{
    char uri[PAL_MAX_URI];
    long r = make_uri(m, rel, uri);
    bool made = false;
    if (r == 0 && (fs_must_check() || ((flags & O_CREAT) && foreign_ids())))
        r = may_open(m, rel, flags, &made);
    if (r < 0)
        return r;
    long h = open_stream(uri, (flags & ~(O_CLOEXEC | O_APPEND)) | (m->tmpfs ? O_NOFOLLOW : 0) |
                                  ((flags & O_PATH) ? O_NONBLOCK : 0), mode);
    if (h < 0)
        return tmpfs_link_answer(m, rel, flags, h);
    struct stat st;
    if (!(flags & (O_PATH | O_DIRECTORY)) && pal->stream_attr(h, (struct pal_stat *)&st) == 0 &&
        S_ISFIFO(st.st_mode))
        return pipe_fifo_file(h, flags, out);
    struct host_file *hf = kzalloc(sizeof(*hf));
    if (hf)
        hf->handle = h;
    if (!hf || file_open(&host_file_ops, flags, m, NULL, hf, out) < 0) {
        kfree(hf);
        pal->stream_close(h);
        return -ENOMEM;
    }
    if (made && foreign_ids())
        own_new(m, rel);
    return 0;
}

static long host_mkdir(struct mount *m, const char *rel, int mode)
{
    char uri[PAL_MAX_URI];
    long r = make_uri(m, rel, uri);
    if (r == 0 && fs_must_check())
        r = may_create(m, rel);
    if (r == 0 && (r = pal->stream_mkdir(uri, mode)) == 0 && foreign_ids())
        own_new(m, rel);
    return r;
}

static long host_unlink(struct mount *m, const char *rel, bool is_dir)
{
    char uri[PAL_MAX_URI];
    long r = make_uri(m, rel, uri);
    struct stat st;
    if (r == 0 && fs_must_check() && (r = host_stat(m, rel, &st, true)) == 0)
        r = may_change(m, rel, &st);
    return r < 0 ? r : pal->stream_delete(uri, is_dir);
}

/* A call on two names of the mount (rename, link). */
static long two_names(struct mount *m, const char *old_rel, const char *new_rel,
                      long (*call)(const char *uri, const char *new_uri))
{
    char uri[PAL_MAX_URI], new_uri[PAL_MAX_URI];
    long r = make_uri(m, old_rel, uri);
    if (r == 0)
        r = make_uri(m, new_rel, new_uri);
    return r < 0 ? r : call(uri, new_uri);
}

/* Both directories must let the names change; a directory moving to
 * another parent also needs write on itself (its ".." changes). */
static long may_rename(struct mount *m, const char *old_rel, const char *new_rel)
{
    struct stat o, n;
    long r = host_stat(m, old_rel, &o, true);
    if (r == 0)
        r = may_change(m, old_rel, &o);
    if (r == 0)
        r = may_change(m, new_rel, host_stat(m, new_rel, &n, true) == 0 ? &n : NULL);
    const char *os = strrchr(old_rel, '/'), *ns = strrchr(new_rel, '/');
    size_t ol = os ? (size_t)(os - old_rel) : 0, nl = ns ? (size_t)(ns - new_rel) : 0;
    if (r == 0 && S_ISDIR(o.st_mode) && (ol != nl || memcmp(old_rel, new_rel, ol)))
        r = fs_permission(&o, W_OK);
    return r;
}

static long host_rename(struct mount *m, const char *old_rel, const char *new_rel)
{
    long r = fs_must_check() ? may_rename(m, old_rel, new_rel) : 0;
    return r < 0 ? r : two_names(m, old_rel, new_rel, pal->stream_rename);
}

static long host_readlink(struct mount *m, const char *rel, char *buf, size_t len)
{
    char uri[PAL_MAX_URI];
    long r = make_uri(m, rel, uri);
    return r < 0 ? r : pal->stream_readlink(uri, buf, len);
}

static long host_symlink(struct mount *m, const char *rel, const char *target)
{
    char uri[PAL_MAX_URI];
    long r = make_uri(m, rel, uri);
    if (r == 0 && fs_must_check())
        r = may_create(m, rel);
    if (r == 0 && (r = pal->stream_symlink(target, uri)) == 0 && foreign_ids())
        own_new(m, rel);
    return r;
}

static long host_link(struct mount *m, const char *old_rel, const char *new_rel)
{
    long r = fs_must_check() ? may_create(m, new_rel) : 0;
    return r < 0 ? r : two_names(m, old_rel, new_rel, pal->stream_link);
}

static long host_link_file(struct mount *m, struct file *f, const char *new_rel)
{
    char uri[PAL_MAX_URI];
    /* The host refuses (ENOENT) a file made with O_EXCL, as Linux does. */
    if (f->ops != &host_file_ops || f->mnt != m)
        return -EXDEV;
    long r = make_uri(m, new_rel, uri);
    if (r == 0 && fs_must_check())
        r = may_create(m, new_rel);
    return r < 0 ? r : pal->stream_link_file(host_handle(f), uri);
}

static long host_mkfifo(struct mount *m, const char *rel, int mode)
{
    char uri[PAL_MAX_URI];
    long r = make_uri(m, rel, uri);
    if (r == 0 && fs_must_check())
        r = may_create(m, rel);
    if (r == 0 && (r = pal->stream_mkfifo(uri, mode)) == 0 && foreign_ids())
        own_new(m, rel);
    return r;
}

const struct fs_type fs_host = {
    .name = "chroot",
    .open = host_open,
    .stat = host_stat,
    .mkdir = host_mkdir,
    .unlink = host_unlink,
    .rename = host_rename,
    .readlink = host_readlink,
    .symlink = host_symlink,
    .setattr = host_setattr,
    .link = host_link,
    .mkfifo = host_mkfifo,
    .link_file = host_link_file,
};
