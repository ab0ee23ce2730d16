/* The path operations of the VFS.
 *
 * Each operation looks the path up (lookup.c), hands the last component to the
 * owning file system, and gives Linux's answer for what no single file system
 * can judge: read-only mounts, mount points, paths outside every mount, and
 * the ".", ".." and "/" a program may name as the last component. */
#include "fs/fs.h"

long vfs_stat_lookup(struct lookup *lk, struct stat *st, bool nofollow)
{
    long r;
    if (lk->must_dir)
        nofollow = false;
    for (;;) {
        r = lk->m ? lk->m->fs->stat(lk->m, lk->rel, st, nofollow) : -ENOENT;
        if (r != VFS_FOLLOW)
            break;
        if ((r = lookup_follow(lk)) < 0)
            return r;
    }
    if (r == -ENOENT && mountdir_covers(lk->path)) {
        lk->synthetic = true;
        r = mountdir_stat(lk->path, st);
    }
    if (r == 0 && lk->must_dir && !S_ISDIR(st->st_mode))
        r = -ENOTDIR;
    return r;
}

long vfs_stat(int dirfd, const char *path, struct stat *st, bool nofollow)
{
    struct lookup lkb, *lk = &lkb;
    long r = lookup_path(dirfd, path, lk);
    if (r < 0)
        return r;
    return vfs_stat_lookup(lk, st, nofollow);
}

/* A path outside every mount: the directories above mount points exist and are
 * read-only, anything else there does not exist. */
static long outside_mounts(struct lookup *lk, long if_exists, bool creating)
{
    if (mountdir_covers(lk->path))
        return if_exists;
    if (creating) {
        /* A new name in a directory above mount points: the parent is read-only. */
        char *end = path_parent_end(lk->path);
        char saved = *end;
        *end = 0;
        bool parent_covered = mountdir_covers(lk->path);
        *end = saved;
        if (parent_covered)
            return -EROFS;
    }
    return -ENOENT;
}

/* Linux's answers for an open on a read-only mount, decided here because the
 * file system (and the host's policy) would only see a refused write.
 * 0: go on with *flags; else an error. */
static long ro_open_check(struct lookup *lk, int *flags)
{
    int f = *flags;
    bool creat = f & O_CREAT;
    if ((f & O_ACCMODE) == O_RDONLY && !(f & (O_CREAT | O_TRUNC)))
        return 0;
    struct stat st;
    long r = lk->m->fs->stat(lk->m, lk->rel, &st, mount_follows_links(lk->m) || (f & O_NOFOLLOW));
    if (r == -ENOENT)
        return creat ? -EROFS : -ENOENT;
    if (r < 0)
        return r;
    if (creat && (f & O_EXCL))
        return -EEXIST;
    if (S_ISLNK(st.st_mode))
        return (f & O_NOFOLLOW) ? -ELOOP : 0;   /* the file system follows it */
    if (S_ISDIR(st.st_mode) && ((f & O_ACCMODE) != O_RDONLY || creat))
        return -EISDIR;
    /* /proc is no file system the program can write, but a sysctl of mode
     * 0644 is root's to write (proc.c checks who). */
    if (S_ISREG(st.st_mode) && ((f & O_ACCMODE) != O_RDONLY || (f & O_TRUNC)))
        return lk->m->fs == &fs_proc && (st.st_mode & 0200) ? 0 : -EROFS;
    *flags = f & ~(O_CREAT | O_TRUNC);
    return 0;
}

/* O_TMPFILE: an unnamed file in the directory lk, on a host or tmpfs mount
 * (the host makes it); Linux's "/dir/#inode (deleted)" is its path. */
static long open_unnamed(struct lookup *lk, int flags, int mode, struct file **out)
{
    struct stat st;
    long r = vfs_stat_lookup(lk, &st, false);
    if (r < 0)
        return r;
    if (!S_ISDIR(st.st_mode))
        return -ENOTDIR;
    if (!lk->m || lk->synthetic || !lk->m->host_uri)
        return -EOPNOTSUPP;
    if (!lk->m->writable)
        return -EROFS;
    if ((r = lk->m->fs->open(lk->m, lk->rel, flags, mode, out)) < 0)
        return r;
    (*out)->unnamed = true;
    char name[PATH_MAX_LEN + 48];
    if (file_stat(*out, &st) == 0 &&
        snprintf(name, sizeof name, "%s/#%lu (deleted)", strcmp(lk->path, "/") ? lk->path : "",
                 (unsigned long)st.st_ino) < (int)sizeof name)
        (*out)->path = kstrdup(name);
    return 0;
}

long vfs_open(int dirfd, const char *path, int flags, int mode, struct file **out)
{
    struct lookup lkb, *lk = &lkb;
    long r = lookup_path(dirfd, path, lk);
    if (r < 0)
        return r;
    if (lk->must_dir) {
        if (flags & O_CREAT)
            return -EISDIR;
        flags |= O_DIRECTORY;
    }
    for (;;) {
        if (flags & __O_TMPFILE) {
            r = open_unnamed(lk, flags, mode, out);
            break;
        }
        if (!lk->m) {
            r = (flags & O_CREAT) ? outside_mounts(lk, -ENOENT, true) : -ENOENT;
            break;
        }
        int fl = flags;
        r = lk->m->writable ? 0 : ro_open_check(lk, &fl);
        if (r == 0)
            r = lk->m->fs->open(lk->m, lk->rel, fl, mode, out);
        if (r != VFS_FOLLOW)
            break;
        if ((r = lookup_follow(lk)) < 0)
            break;
    }
    if (r == -ENOENT && mountdir_covers(lk->path))
        r = mountdir_open(lk->path, flags, out);
    if (r == 0 && !(*out)->path && !((*out)->path = kstrdup(lk->path))) {
        file_put(*out);
        r = -ENOMEM;
    }
    return r;
}

/* Does the last component exist (without following it)? */
static bool exists(struct lookup *lk)
{
    struct stat st;
    return vfs_stat_lookup(lk, &st, true) == 0;
}

/* mkdir and symlink: the checks before a new name is made. */
static long create_check(struct lookup *lk, const char *path, bool has_op)
{
    if (path_last_kind(path) != PATH_LAST_NAME)
        return -EEXIST;
    if (!lk->m)
        return outside_mounts(lk, -EEXIST, true);
    if (!lk->rel[0] || mountdir_covers(lk->path))
        return -EEXIST;
    if (!lk->m->writable || !has_op)
        return exists(lk) ? -EEXIST : !lk->m->writable ? -EROFS : -EPERM;
    return 0;
}

long vfs_mkdir(int dirfd, const char *path, int mode)
{
    struct lookup lkb, *lk = &lkb;
    long r = lookup_path(dirfd, path, lk);
    if (r < 0)
        return r;
    r = create_check(lk, path, lk->m && lk->m->fs->mkdir);
    if (r == 0)
        r = lk->m->fs->mkdir(lk->m, lk->rel, mode);
    return r;
}

/* symlink and mknod: as create_check, and a new name that is no directory
 * cannot end in '/'. */
static long create_check_nondir(struct lookup *lk, const char *path, bool has_op)
{
    long r = create_check(lk, path, has_op);
    if (r == 0 && lk->must_dir)
        r = exists(lk) ? -EEXIST : -ENOENT;
    return r;
}

long vfs_symlink(const char *target, int dirfd, const char *path)
{
    if (!target[0])
        return -ENOENT;
    struct lookup lkb, *lk = &lkb;
    long r = lookup_path(dirfd, path, lk);
    if (r < 0)
        return r;
    r = create_check_nondir(lk, path, lk->m && lk->m->fs->symlink);
    if (r == 0)
        r = lk->m->fs->symlink(lk->m, lk->rel, target);
    return r;
}

/* A file system without FIFOs answers -EPERM, as Linux's does. */
long vfs_mkfifo(int dirfd, const char *path, int mode)
{
    struct lookup lkb, *lk = &lkb;
    long r = lookup_path(dirfd, path, lk);
    if (r < 0)
        return r;
    r = create_check_nondir(lk, path, lk->m && lk->m->fs->mkfifo);
    if (r == 0)
        r = lk->m->fs->mkfifo(lk->m, lk->rel, mode);
    return r;
}

/* The two names of a link or a rename, looked up in that order. */
static long lookup_pair(int olddirfd, const char *oldpath, struct lookup *o, int newdirfd, const char *newpath,
                        struct lookup *n)
{
    long r = lookup_path(olddirfd, oldpath, o);
    return r < 0 ? r : lookup_path(newdirfd, newpath, n);
}

long vfs_link_file(struct file *f, int newdirfd, const char *newpath)
{
    if (!f->unnamed)
        return f->path ? vfs_link(AT_FDCWD, f->path, newdirfd, newpath, false) : -ENOENT;
    struct lookup nb, *n = &nb;
    long r = lookup_path(newdirfd, newpath, n);
    if (r == 0)
        r = create_check(n, newpath, n->m && n->m->fs->link_file);
    if (r == 0 && n->must_dir)
        r = -ENOENT;
    return r < 0 ? r : n->m->fs->link_file(n->m, f, n->rel);
}

/* Linux's order: the old name must exist, the new one must not (EEXIST,
 * EROFS), both on one mount (EXDEV), and the old one is no directory (EPERM). */
long vfs_link(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, bool follow)
{
    struct lookup ob, nb, *o = &ob, *n = &nb;
    long r = lookup_pair(olddirfd, oldpath, o, newdirfd, newpath, n);
    if (r < 0)
        return r;
    struct stat st;
    /* The file systems never follow: a host link could lead anywhere on the host.
     * A magic link (/proc/self/fd/N) leads to the open file itself. */
    while ((r = vfs_stat_lookup(o, &st, true)) == 0 && follow && S_ISLNK(st.st_mode)) {
        struct file *f = o->m && o->m->fs->fd_link ? o->m->fs->fd_link(o->m, o->rel) : NULL;
        if (f)
            return vfs_link_file(f, newdirfd, newpath);
        if ((r = lookup_follow(o)) < 0)
            return r;
    }
    if (r < 0)
        return r;
    if ((r = create_check(n, newpath, n->m && n->m->fs->link)) < 0)
        return r;
    if (n->must_dir)
        return -ENOENT;
    if (o->m != n->m || o->synthetic)
        return o->synthetic ? -EPERM : -EXDEV;
    if (S_ISDIR(st.st_mode))
        return -EPERM;
    return n->m->fs->link(n->m, o->rel, n->rel);
}

long vfs_unlink(int dirfd, const char *path, bool is_dir)
{
    /* "" names nothing, before its last component (none) is judged like "/". */
    if (!path[0])
        return -ENOENT;
    enum path_last last = path_last_kind(path);
    if (last != PATH_LAST_NAME) {
        if (!is_dir)
            return -EISDIR;
        return last == PATH_LAST_DOT ? -EINVAL : last == PATH_LAST_DOTDOT ? -ENOTEMPTY : -EBUSY;
    }
    struct lookup lkb, *lk = &lkb;
    long r = lookup_path(dirfd, path, lk);
    if (r < 0)
        return r;
    struct stat st;
    if (!lk->m)
        r = outside_mounts(lk, is_dir ? -EBUSY : -EISDIR, false);
    else if (!lk->rel[0])
        r = is_dir ? -EBUSY : -EISDIR;
    else if (mountdir_covers(lk->path))
        r = is_dir ? -ENOTEMPTY : -EISDIR;
    else if (!lk->m->writable)
        r = -EROFS;
    else if (lk->must_dir && !is_dir)
        r = (r = vfs_stat_lookup(lk, &st, true)) < 0 ? r : S_ISDIR(st.st_mode) ? -EISDIR : -ENOTDIR;
    else if (!lk->m->fs->unlink)
        r = -EPERM;
    else
        r = lk->m->fs->unlink(lk->m, lk->rel, is_dir);
    return r;
}

/* The rename checks of one side; 0 if the file system may be asked. */
static long rename_side(struct lookup *lk, const char *path)
{
    if (path_last_kind(path) != PATH_LAST_NAME)
        return -EBUSY;
    if (!lk->m)
        return outside_mounts(lk, -EBUSY, false);
    if (!lk->rel[0] || mountdir_covers(lk->path))
        return -EBUSY;
    return 0;
}

long vfs_rename(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
    struct lookup ob, nb, *o = &ob, *n = &nb;
    long r = lookup_pair(olddirfd, oldpath, o, newdirfd, newpath, n);
    if (r < 0)
        return r;
    if ((r = rename_side(o, oldpath)) == 0 && (r = rename_side(n, newpath)) == -ENOENT)
        r = -EXDEV;   /* a new name outside every mount is on no file system of ours */
    struct stat st;
    if (r == 0 && o->m != n->m)
        r = -EXDEV;
    else if (r == 0 && !o->m->writable)
        r = -EROFS;
    else if (r == 0 && (o->must_dir || n->must_dir) && (r = vfs_stat_lookup(o, &st, true)) == 0 &&
             !S_ISDIR(st.st_mode))
        r = -ENOTDIR;
    if (r == 0)
        r = o->m->fs->rename ? o->m->fs->rename(o->m, o->rel, n->rel) : -EPERM;
    return r;
}

long vfs_readlink(int dirfd, const char *path, char *buf, size_t len)
{
    struct lookup lkb, *lk = &lkb;
    long r = lookup_path(dirfd, path, lk);
    if (r < 0)
        return r;
    struct stat st;
    /* A mount's root is the directory the manifest names, never a link. */
    if (lk->must_dir || !lk->m || !lk->rel[0] || !lk->m->fs->readlink)
        r = (r = vfs_stat_lookup(lk, &st, true)) < 0 ? r : -EINVAL;
    else
        r = lk->m->fs->readlink(lk->m, lk->rel, buf, len);
    return r;
}

long vfs_setattr(int dirfd, const char *path, const struct vfs_attr *a, bool nofollow)
{
    struct lookup lkb, *lk = &lkb;
    long r = lookup_path(dirfd, path, lk);
    if (r < 0)
        return r;
    struct stat st;
    for (;;) {
        if (!lk->m || !lk->m->writable || !lk->m->fs->setattr) {
            /* The file must exist before the mount's answer counts. */
            if ((r = vfs_stat_lookup(lk, &st, nofollow)) == 0)
                r = (!lk->m || lk->synthetic || !lk->m->writable) ? -EROFS : -EPERM;
            break;
        }
        r = lk->m->fs->setattr(lk->m, lk->rel, a, nofollow && !lk->must_dir);
        if (r == -ENOENT && mountdir_covers(lk->path))
            r = -EROFS;
        if (r != VFS_FOLLOW)
            break;
        if ((r = lookup_follow(lk)) < 0)
            break;
    }
    return r;
}

long vfs_access(int dirfd, const char *path, int mode, int flags)
{
    struct lookup lkb, *lk = &lkb;
    long r = lookup_path(dirfd, path, lk);
    if (r < 0)
        return r;
    struct stat st;
    r = vfs_stat_lookup(lk, &st, flags & AT_SYMLINK_NOFOLLOW);
    bool ro = !lk->m || lk->synthetic || !lk->m->writable;
    if (r == 0 && (mode & W_OK) && ro && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode)))
        r = -EROFS;
    if (r == 0)
        r = fs_permission(&st, mode);
    return r;
}

long vfs_chdir(int dirfd, const char *path)
{
    struct lookup lkb, *lk = &lkb;
    long r = lookup_path(dirfd, path, lk);
    if (r < 0)
        return r;
    struct stat st;
    r = vfs_stat_lookup(lk, &st, false);
    if (r == 0 && !S_ISDIR(st.st_mode))
        r = -ENOTDIR;
    if (r == 0)
        r = fs_permission(&st, X_OK);
    /* getcwd gives back the directory's own path, not the links to it. */
    if (r == 0)
        r = lookup_canonical(lk);
    if (r == 0)
        strlcpy(proc.cwd, lk->path, sizeof(proc.cwd));
    return r;
}

long vfs_lookup_existing(const char *path, bool nofollow, struct lookup *lk)
{
    struct stat st;
    long r = user_path_ok(path);
    if (r == 0)
        r = lookup_path(AT_FDCWD, path, lk);
    return r < 0 ? r : vfs_stat_lookup(lk, &st, nofollow);
}
