/* From a path the program gives to a mount and a path relative to it.
 *
 * The path is made absolute and normalised (path.c), then every directory
 * component that lives in a guest file system (/dev, /proc) or a tmpfs is
 * checked for a symbolic link, which is spliced in and the walk started over.
 * Components in chroot mounts are left to the host, which resolves links
 * itself and keeps them inside the mount.  The last component is followed or
 * not by the operation (lookup_follow), as Linux does. */
#include "fs/fs.h"

#define MAX_LINKS 40   /* Linux's MAXSYMLINKS */

long fd_dir(int fd, struct stat *st, const char **path)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    long r = file_stat(f, st);
    if (r < 0)
        return r;
    if (!S_ISDIR(st->st_mode) || !f->path || f->path[0] != '/')
        return -ENOTDIR;
    *path = f->path;
    return 0;
}

/* What a relative path starts from (NULL for an absolute one). */
static long path_base(int dirfd, const char *path, const char **base)
{
    *base = NULL;
    if (!path[0])
        return -ENOENT;
    if (path[0] == '/')
        return 0;
    if (dirfd == AT_FDCWD) {
        *base = proc.cwd;
        return 0;
    }
    struct stat st;
    return fd_dir(dirfd, &st, base);
}

long vfs_abspath(int dirfd, const char *path, char *out, size_t outlen)
{
    const char *base;
    long r = path_base(dirfd, path, &base);
    if (r < 0)
        return r;
    bool dir_only;
    return path_normalize(base, path, out, outlen, &dir_only);
}

/* lk->path holds the path of a link up to its end; rest is what followed it
 * (a string that may lie inside lk->path, after the link's terminating NUL). */
static long splice_link(struct lookup *lk, struct mount *m, const char *rel, const char *rest)
{
    if (++lk->links > MAX_LINKS)
        return -ELOOP;
    lk->walk_from = 0;   /* the link's target is searched from "/", more than Linux at worst */
    char t[PATH_MAX_LEN];
    long n = m->fs->readlink(m, rel, t, PATH_MAX_LEN - 1);
    if (n < 0)
        return n;
    if (n == 0)
        return -ENOENT;
    size_t restlen = strlen(rest);
    if (restlen) {
        if ((size_t)n + 1 + restlen + 1 > PATH_MAX_LEN)
            return -ENAMETOOLONG;
        t[n++] = '/';
        memcpy(t + n, rest, restlen);
        n += (long)restlen;
    }
    t[n] = 0;
    /* A relative target is resolved against the directory holding the link. */
    *path_parent_end(lk->path) = 0;
    bool dir_only;
    long r = path_normalize(t[0] == '/' ? NULL : lk->path, t, lk->path, PATH_MAX_LEN, &dir_only);
    if (r < 0)
        return r;
    lk->must_dir = dir_only || (!restlen && lk->must_dir);
    return 0;
}

/* May the caller search the directory abs?  0 yes (or the host checks
 * these ids itself: fs_must_check), -EACCES no, 1 when abs is missing or no
 * directory (the walk ends there). */
static long may_search(const char *abs)
{
    const char *rel;
    struct mount *m = vfs_mount_of(abs, &rel);
    if (m && m->host_uri && !fs_must_check())
        return 0;
    struct stat st;
    long r = m ? m->fs->stat(m, rel, &st, false) : -ENOENT;
    if (r == -ENOENT && mountdir_covers(abs))
        r = mountdir_stat(abs, &st);
    if (r != 0 || !S_ISDIR(st.st_mode))
        return 1;
    return fs_permission(&st, X_OK);
}

/* Linux's walk needs search permission on every directory it passes, from
 * where it starts (a relative path's cwd or dirfd, not their parents), on
 * every file system.  Root has it everywhere, and on host directories the
 * host checks its own user (fs_must_check), so neither pays a PAL call.  A
 * missing or non-directory component ends the check: the operation reports it. */
static long search_parents(struct lookup *lk)
{
    if (fs_uid() == 0)
        return 0;
    char *p = lk->path;
    for (char *slash = strchr(p, '/'); slash && slash[1]; slash = strchr(slash + 1, '/')) {
        char *end = slash == p ? slash + 1 : slash;   /* "/" itself, then each directory */
        if ((size_t)(end - p) < lk->walk_from)
            continue;
        char saved = *end;
        *end = 0;
        long r = may_search(p);
        *end = saved;
        if (r != 0)
            return r < 0 ? r : 0;
    }
    return 0;
}

/* Follows links in the directory components of lk->path, those the
 * library OS follows itself; with every, all links, the last component's
 * too, wherever they are (the path the kernel keeps as a cwd). */
static long resolve(struct lookup *lk, bool every)
{
    size_t i = 1;
    for (;;) {
        char *slash = strchr(lk->path + i, '/');
        if (!slash && !every)
            break;
        if (slash)
            *slash = 0;
        const char *rel;
        struct mount *m = vfs_mount_of(lk->path, &rel);
        struct stat st;
        long r = 0;
        if (m && (mount_follows_links(m) || (every && m->fs->readlink))) {
            r = m->fs->stat(m, rel, &st, true);
            if (r == 0 && S_ISLNK(st.st_mode)) {
                r = splice_link(lk, m, rel, slash ? slash + 1 : "");
                if (r < 0)
                    return r;
                i = 1;
                continue;
            }
        }
        if (!slash)
            break;
        *slash = '/';
        /* A missing or non-directory parent: the operation itself reports it. */
        if (r != 0 || (m && mount_follows_links(m) && !S_ISDIR(st.st_mode)))
            break;
        i = (size_t)(slash + 1 - lk->path);
    }
    lk->m = vfs_mount_of(lk->path, &lk->rel);
    return search_parents(lk);
}

/* How much of path is the base a relative path started from: all of base
 * when path is still beneath it (no ".." left it), else nothing. */
static size_t walk_start(const char *path, const char *base)
{
    size_t n = strlen(base);
    if (n == 1)
        return 1;
    return !strncmp(path, base, n) && (path[n] == '/' || !path[n]) ? n : 0;
}

long lookup_path(int dirfd, const char *path, struct lookup *lk)
{
    const char *base;
    long r = path_base(dirfd, path, &base);
    if (r < 0)
        return r;
    lk->links = 0;
    lk->synthetic = false;
    r = path_normalize(base, path, lk->path, PATH_MAX_LEN, &lk->must_dir);
    if (r < 0)
        return r;
    lk->walk_from = base ? walk_start(lk->path, base) : 0;
    return resolve(lk, false);
}

long lookup_follow(struct lookup *lk)
{
    if (!lk->m || !lk->m->fs->readlink)
        return -EINVAL;
    long r = splice_link(lk, lk->m, lk->rel, "");
    return r < 0 ? r : resolve(lk, false);
}

long lookup_canonical(struct lookup *lk)
{
    return resolve(lk, true);
}
