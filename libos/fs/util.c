/* Helpers shared by the file systems that live in guest memory: credentials
 * and permission checks, synthetic attributes, directory records. */
#include "fs/fs.h"
#include "sys/cred.h"

/* The identity file accesses are checked against: the file-system ids (sys/cred.c). */
unsigned int fs_uid(void)
{
    return cred()->fsuid;
}

unsigned int fs_gid(void)
{
    return cred()->fsgid;
}

bool fs_must_check(void)
{
    unsigned int uid = fs_uid();
    return uid != 0 && (uid != pal_state->host_uid || fs_gid() != pal_state->host_gid);
}

long fs_permission(const struct stat *st, int want)
{
    unsigned int mode = st->st_mode;
    want &= R_OK | W_OK | X_OK;
    if (fs_uid() == 0) {
        /* Root may read and write anything, and execute what anyone may. */
        if ((want & X_OK) && !S_ISDIR(mode) && !(mode & 0111))
            return -EACCES;
        return 0;
    }
    unsigned int bits;
    if (st->st_uid == fs_uid())
        bits = (mode >> 6) & 7;
    else if (cred_in_group(st->st_gid))
        bits = (mode >> 3) & 7;
    else
        bits = mode & 7;
    return (want & ~bits) ? -EACCES : 0;
}

bool fs_owner(const struct stat *st)
{
    return fs_uid() == 0 || fs_uid() == st->st_uid;
}

long fs_may_change(const struct stat *dir, const struct stat *victim)
{
    long r = fs_permission(dir, W_OK | X_OK);
    if (r < 0)
        return r;
    /* Sticky directories (/tmp): only the owners of the name or the directory may remove it. */
    if (victim && (dir->st_mode & S_ISVTX) && !fs_owner(victim) && fs_uid() != dir->st_uid)
        return -EPERM;
    return 0;
}

long fs_may_open(const struct stat *st, int flags)
{
    if (flags & O_PATH)
        return 0;
    int acc = flags & O_ACCMODE;
    int want = (acc == O_RDONLY ? R_OK : acc == O_WRONLY ? W_OK : R_OK | W_OK) | ((flags & O_TRUNC) ? W_OK : 0);
    long r = fs_permission(st, want);
    /* Not touching the access time is the owner's choice only (Linux's may_open). */
    if (r == 0 && (flags & O_NOATIME) && !fs_owner(st))
        r = -EPERM;
    return r;
}

long fs_may_setattr(const struct stat *st, const struct vfs_attr *a)
{
    bool owner = fs_owner(st), root = fs_uid() == 0;
    if ((a->valid & ATTR_MODE) && !owner)
        return -EPERM;
    if ((a->valid & ATTR_UID) && !root && a->uid != st->st_uid)
        return -EPERM;
    if ((a->valid & ATTR_GID) && !root && (!owner || (a->gid != st->st_gid && !cred_in_group(a->gid))))
        return -EPERM;
    /* Times: the owner's to set; "now" also anyone's who may write. */
    if ((a->valid & (ATTR_ATIME | ATTR_MTIME)) && !owner) {
        if (!(a->valid & ATTR_TOUCH) || fs_permission(st, W_OK) < 0)
            return (a->valid & ATTR_TOUCH) ? -EACCES : -EPERM;
    }
    return 0;
}

unsigned int fs_chmod_mode(const struct stat *st, unsigned int mode)
{
    if (fs_uid() != 0 && !cred_in_group(st->st_gid))
        mode &= ~(unsigned int)S_ISGID;
    return mode & 07777;
}

/* FNV-1a: stable inode numbers for synthetic files, from their names. */
uint64_t fs_hash(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return h | 1;
}

void fs_synth_stat(struct stat *st, unsigned int mode, uint64_t ino, uint64_t dev, uint64_t rdev)
{
    memset(st, 0, sizeof(*st));
    st->st_mode = mode;
    st->st_ino = ino;
    st->st_dev = dev;
    st->st_rdev = rdev;
    st->st_nlink = S_ISDIR(mode) ? 2 : 1;
    st->st_blksize = 4096;
    /* Synthetic files exist since the picoprocess booted. */
    uint64_t t = pal_state->boot_realtime_ns;
    st->st_atime = st->st_mtime = st->st_ctime = t / 1000000000;
    st->st_atime_nsec = st->st_mtime_nsec = st->st_ctime_nsec = t % 1000000000;
}

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

bool dirent_put(void *buf, size_t len, size_t *used, uint64_t ino, uint64_t next_pos,
                unsigned char type, const char *name, size_t namelen)
{
    size_t reclen = ALIGN_UP(offsetof(struct linux_dirent64, d_name) + namelen + 1, 8);
    if (reclen > len - *used)
        return false;
    struct linux_dirent64 *d = (struct linux_dirent64 *)((char *)buf + *used);
    d->d_ino = ino;
    d->d_off = (int64_t)next_pos;
    d->d_reclen = (unsigned short)reclen;
    d->d_type = type;
    memcpy(d->d_name, name, namelen);
    memset(d->d_name + namelen, 0, reclen - offsetof(struct linux_dirent64, d_name) - namelen);
    *used += reclen;
    return true;
}

long fs_dir_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
    (void)f, (void)buf, (void)len, (void)pos;
    return -EISDIR;
}
