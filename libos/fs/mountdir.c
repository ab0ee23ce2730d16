/* Directories that exist only because a mount point lies beneath them: "/"
 * when the manifest mounts just "/bin" and "/tmp", or "/usr" for a mount at
 * "/usr/lib" over a host root without that directory.  They are read-only and
 * list the next component of each mount point below them, so getcwd, chdir
 * and ls work across the mount tree. */
#include "fs/fs.h"

bool mountdir_covers(const char *abs)
{
    for (int i = 0; i < vfs_nmounts; i++)
        if (strcmp(vfs_mounts[i].path, abs) && path_within(vfs_mounts[i].path, abs))
            return true;
    return false;
}

long mountdir_stat(const char *abs, struct stat *st)
{
    fs_synth_stat(st, S_IFDIR | 0555, fs_hash(abs, strlen(abs)), DEV_MOUNTDIR, 0);
    return 0;
}

/* The component after dir in mount point i, or NULL if the mount is not below dir. */
static const char *child_of(const char *dir, int i, size_t *len)
{
    const char *mp = vfs_mounts[i].path;
    if (!strcmp(mp, dir) || !path_within(mp, dir))
        return NULL;
    const char *name = mp + (dir[1] ? strlen(dir) : 0) + 1;
    const char *end = strchr(name, '/');
    *len = end ? (size_t)(end - name) : strlen(name);
    return name;
}

/* Positions: 0 ".", 1 "..", 2 + i the child from mount i (if no earlier mount gave it). */
static long mountdir_getdents64(struct file *f, void *buf, size_t len)
{
    size_t used = 0;
    const char *dir = f->path;
    while (f->pos < 2 + (uint64_t)vfs_nmounts) {
        uint64_t pos = f->pos;
        const char *name = pos == 0 ? "." : "..";
        size_t n = pos == 0 ? 1 : 2;
        uint64_t ino = fs_hash(dir, strlen(dir));
        if (pos >= 2) {
            int i = (int)pos - 2;
            if (!(name = child_of(dir, i, &n))) {
                f->pos++;
                continue;
            }
            bool seen = false;
            for (int j = 0; j < i && !seen; j++) {
                size_t m;
                const char *other = child_of(dir, j, &m);
                seen = other && m == n && !memcmp(other, name, n);
            }
            if (seen) {
                f->pos++;
                continue;
            }
            ino = fs_hash(vfs_mounts[i].path, (size_t)(name + n - vfs_mounts[i].path));
        }
        if (!dirent_put(buf, len, &used, ino, pos + 1, DT_DIR, name, n))
            return dirent_result(used);
        f->pos++;
    }
    return (long)used;
}

static long mountdir_file_stat(struct file *f, struct stat *st)
{
    return mountdir_stat(f->path, st);
}

static const struct file_ops mountdir_ops = {
    .read = fs_dir_read,
    .stat = mountdir_file_stat,
    .getdents64 = mountdir_getdents64,
};

long mountdir_open(const char *abs, int flags, struct file **out)
{
    if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
        return -EEXIST;
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT))
        return -EISDIR;
    return file_open(&mountdir_ops, flags, NULL, abs, NULL, out);
}
