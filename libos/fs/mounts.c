/* The mount table: the file systems the manifest mounts, with /dev and /proc,
 * set up at start (vfs_init), and which mount holds a path. */
#include "fs/fs.h"

struct mount vfs_mounts[MAX_MOUNTS];
int vfs_nmounts;

static long add_mount(const char *path, const struct fs_type *fs, const char *uri, bool writable, bool tmpfs)
{
    char abs[PATH_MAX_LEN];
    bool dir_only;
    long r = path[0] == '/' ? path_normalize(NULL, path, abs, sizeof(abs), &dir_only) : -EINVAL;
    for (int i = 0; r >= 0 && i < vfs_nmounts; i++)
        if (!strcmp(vfs_mounts[i].path, abs))
            r = -EEXIST;
    if (r >= 0 && vfs_nmounts == MAX_MOUNTS)
        r = -ENOMEM;
    if (r < 0) {
        log_error("cannot mount %s at %s (%ld)", fs->name, path, r);
        return r;
    }
    struct mount *m = &vfs_mounts[vfs_nmounts];
    if (!(m->path = kstrdup(abs)))
        return -ENOMEM;
    m->path_len = strlen(abs);
    m->fs = fs;
    m->writable = writable;
    m->tmpfs = tmpfs;
    if (uri) {
        /* "file:/dir/" + "/" + rel would double the slash; the root "file:/" keeps it. */
        size_t n = strlen(uri);
        if (n > 6 && uri[n - 1] == '/')
            n--;
        m->host_uri = kmalloc(n + 1);
        if (!m->host_uri)
            return -ENOMEM;
        memcpy(m->host_uri, uri, n);
        m->host_uri[n] = 0;
    }
    vfs_nmounts++;
    log_debug("mounted %s at %s%s%s%s", tmpfs ? "tmpfs" : fs->name, abs, uri ? " from " : "", uri ? uri : "",
              writable ? "" : " (read-only)");
    return 0;
}

static bool mounted_at(const char *path)
{
    for (int i = 0; i < vfs_nmounts; i++)
        if (!strcmp(vfs_mounts[i].path, path))
            return true;
    return false;
}

/* Linux mounts only on existing directories.  A mount point below a tmpfs
 * (a tmpfs root, say) is made there, so it is listed and has an owner like
 * any directory; below a host mount it is not (the host tree is not ours to
 * change) and mountdir.c stands in for it. */
static void make_mount_points(void)
{
    for (int i = 0; i < vfs_nmounts; i++) {
        const char *mp = vfs_mounts[i].path;
        /* Each directory on the way and the mount point itself, shortest
         * first, in the file system that holds the directory above it. */
        for (size_t len = 1; mp[len - 1]; len++) {
            if (mp[len] && mp[len] != '/')
                continue;
            char path[PATH_MAX_LEN], dir[PATH_MAX_LEN];
            memcpy(path, mp, len);
            path[len] = 0;
            strlcpy(dir, path, sizeof(dir));
            *path_parent_end(dir) = 0;
            const char *rel;
            struct mount *m = vfs_mount_of(dir, &rel);
            if (m && m->tmpfs)
                m->fs->mkdir(m, mount_rel(m, path), 0755);
        }
    }
}

long vfs_init(const struct pal_public_state *ps)
{
    long r;
    for (unsigned int i = 0; i < ps->nmounts; i++) {
        const struct pal_mount *pm = &ps->mounts[i];
        if (pm->type == PAL_MOUNT_HOST || pm->type == PAL_MOUNT_TMPFS)
            r = add_mount(pm->path, &fs_host, pm->uri, pm->writable, pm->type == PAL_MOUNT_TMPFS);
        else
            r = -EINVAL;
        if (r < 0)
            return r;
    }
    /* The manifest may mount its own /dev or /proc (a host directory, say).
     * The monitor adds the tmpfs mounts at /dev/shm and /tmp programs expect. */
    if (!mounted_at("/dev") && (r = add_mount("/dev", &fs_dev, NULL, true, false)) < 0)
        return r;
    if (!mounted_at("/proc") && (r = add_mount("/proc", &fs_proc, NULL, false, false)) < 0)
        return r;
    make_mount_points();

    char cwd[PATH_MAX_LEN];
    bool dir_only;
    if (path_normalize(NULL, proc.cwd[0] ? proc.cwd : "/", cwd, sizeof(cwd), &dir_only) < 0)
        strlcpy(cwd, "/", sizeof(cwd));
    strlcpy(proc.cwd, cwd, sizeof(proc.cwd));

    /* Descriptors 0-2 are the host's own standard streams, not /dev/tty:
     * redirections of picovm's streams carry over to the program. */
    for (int fd = 0; fd < 3; fd++) {
        struct file *f;
        if ((r = console_open(fd, fd, O_RDWR | O_LARGEFILE, &f)) < 0)
            return r;
        if ((r = fd_install_at(fd, f, false)) < 0)
            return r;
    }
    return 0;
}

struct mount *vfs_mount_of(const char *abs, const char **rel)
{
    struct mount *best = NULL;
    for (int i = 0; i < vfs_nmounts; i++) {
        struct mount *m = &vfs_mounts[i];
        if ((!best || m->path_len > best->path_len) && path_within(abs, m->path))
            best = m;
    }
    if (best)
        *rel = mount_rel(best, abs);
    return best;
}

const char *mount_rel(const struct mount *m, const char *abs)
{
    const char *r = abs + (m->path_len == 1 ? 0 : m->path_len);
    return *r == '/' ? r + 1 : r;
}
