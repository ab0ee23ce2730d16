/* How the mount table looks from the program: statfs's figures and the text
 * of /proc/mounts and /proc/self/mountinfo, one description per kind of mount.
 *
 * A host mount is a directory the monitor serves, as a FUSE server serves
 * one: it says "fuse.picovm" with FUSE_SUPER_MAGIC, the host's file system
 * behind it being unknown to the guest.  Its block and inode counts, block
 * size and name length are the host file system's, which the monitor asks
 * for the mount's directory (stream_statfs), so df shows them.  Its source
 * is "picovm", not the host path, which the program is not told anywhere
 * else either.  A tmpfs is a host directory too, but one of the
 * application's own: it says what it is, tmpfs, with the counts of the host
 * file system that holds it (where its files really go).  /dev lives in
 * the pool and reports its size and free pages. */
#include "fs/fs.h"
#include "fs/mountinfo.h"
#include "fs/text.h"
#include "mm/mm.h"
#include <linux/magic.h>

/* Linux's statfs f_flags (include/linux/statfs.h, not in the uapi headers). */
enum { ST_RDONLY = 0x1, ST_NOSUID = 0x2, ST_NODEV = 0x4, ST_NOEXEC = 0x8, ST_VALID = 0x20, ST_RELATIME = 0x1000 };

/* tmpfs's block is a page, as on Linux. */
enum { BLOCK = 4096 };

struct mount_kind {
    const char *type, *source;
    long magic;
    long flags;            /* ST_* of the kind; ST_RDONLY comes from the mount */
    bool in_pool;          /* its files take pages of the pool, whose size it reports */
};

static struct mount_kind kind_of(const struct mount *m)
{
    if (m->fs == &fs_proc)
        return (struct mount_kind){ "proc", "proc", PROC_SUPER_MAGIC, ST_NOSUID | ST_NODEV | ST_NOEXEC, false };
    if (m->fs == &fs_dev)
        return (struct mount_kind){ "devtmpfs", "devtmpfs", TMPFS_MAGIC, ST_NOSUID, true };
    if (m->tmpfs)
        return (struct mount_kind){ "tmpfs", "tmpfs", TMPFS_MAGIC, ST_NOSUID | ST_NODEV, false };
    /* Set-id bits of host files never change who the program is. */
    return (struct mount_kind){ "fuse.picovm", "picovm", FUSE_SUPER_MAGIC, ST_NOSUID | ST_NODEV, false };
}

static long mount_flags(const struct mount *m)
{
    return ST_VALID | ST_RELATIME | kind_of(m).flags | (m->writable ? 0 : ST_RDONLY);
}

static uint64_t root_dev(struct mount *m, long *blksize)
{
    struct stat st;
    if (m->fs->stat(m, "", &st, false) < 0)
        return 0;
    if (blksize)
        *blksize = st.st_blksize;
    return st.st_dev;
}

void mount_statfs(struct mount *m, struct statfs *sf)
{
    memset(sf, 0, sizeof(*sf));
    sf->f_bsize = BLOCK;
    sf->f_namelen = 255;
    if (!m) {
        /* The directories above mount points: nothing can be made there. */
        sf->f_type = TMPFS_MAGIC;
        sf->f_flags = ST_VALID | ST_RDONLY;
        sf->f_frsize = sf->f_bsize;
        return;
    }
    struct mount_kind k = kind_of(m);
    uint64_t dev = root_dev(m, m->host_uri && !m->tmpfs ? &sf->f_bsize : NULL);
    sf->f_type = k.magic;
    sf->f_frsize = sf->f_bsize;
    sf->f_flags = mount_flags(m);
    sf->f_fsid.val[0] = (int)(uint32_t)dev;
    sf->f_fsid.val[1] = (int)(uint32_t)(dev >> 32);
    if (k.in_pool) {
        /* Inodes are not limited (Linux's nr_inodes=0 also gives 0 here). */
        sf->f_blocks = (long)(pal_state->ram_size / BLOCK);
        sf->f_bfree = sf->f_bavail = (long)MIN(mm_free_bytes() / BLOCK, pal_state->ram_size / BLOCK);
    }
    struct pal_statfs hs;
    if (m->host_uri && pal->stream_statfs(m->host_uri, &hs) == 0) {
        sf->f_bsize = (long)hs.bsize;
        sf->f_frsize = (long)hs.frsize;
        sf->f_blocks = (long)hs.blocks;
        sf->f_bfree = (long)hs.bfree;
        sf->f_bavail = (long)hs.bavail;
        sf->f_files = (long)hs.files;
        sf->f_ffree = (long)hs.ffree;
        sf->f_namelen = (long)hs.namelen;
    }
}

long anon_statfs(unsigned int mode, struct statfs *sf)
{
    memset(sf, 0, sizeof(*sf));
    if (S_ISFIFO(mode))
        sf->f_type = PIPEFS_MAGIC;
    else if (S_ISSOCK(mode))
        sf->f_type = SOCKFS_MAGIC;
    else
        return -ENOSYS;
    sf->f_bsize = sf->f_frsize = BLOCK;
    sf->f_namelen = 255;
    sf->f_flags = ST_VALID;
    return 0;
}

/* The options field, "rw,nosuid,..." as Linux orders them. */
static void put_options(struct text *t, long flags)
{
    text_printf(t, "%s%s%s%s%s", flags & ST_RDONLY ? "ro" : "rw", flags & ST_NOSUID ? ",nosuid" : "",
                flags & ST_NODEV ? ",nodev" : "", flags & ST_NOEXEC ? ",noexec" : "",
                flags & ST_RELATIME ? ",relatime" : "");
}

/* Linux escapes blank, tab, newline and backslash in paths as octal. */
static void put_path(struct text *t, const char *p)
{
    for (; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\\')
            text_printf(t, "\\%03o", (unsigned char)*p);
        else
            text_printf(t, "%c", *p);
    }
}

/* Ids as Linux numbers them from a small base; the namespace's root mount's
 * parent lies outside it, as in a container. */
enum { MOUNT_ID_BASE = 20, OUTSIDE_ID = 1 };

static int parent_id(int i)
{
    const struct mount *m = &vfs_mounts[i];
    int best = -1;
    for (int j = 0; j < vfs_nmounts; j++) {
        const struct mount *p = &vfs_mounts[j];
        if (j != i && p->path_len < m->path_len && path_within(m->path, p->path) &&
            (best < 0 || p->path_len > vfs_mounts[best].path_len))
            best = j;
    }
    return best < 0 ? OUTSIDE_ID : MOUNT_ID_BASE + best;
}

long mounts_text(bool mountinfo, char **out, size_t *len)
{
    struct text t = { 0 };
    for (int i = 0; i < vfs_nmounts; i++) {
        struct mount *m = &vfs_mounts[i];
        struct mount_kind k = kind_of(m);
        long flags = mount_flags(m);
        if (mountinfo) {
            uint64_t dev = root_dev(m, NULL);
            text_printf(&t, "%d %d %u:%u / ", MOUNT_ID_BASE + i, parent_id(i), dev_major(dev), dev_minor(dev));
            put_path(&t, m->path);
            text_printf(&t, " ");
            put_options(&t, flags);
            text_printf(&t, " - %s %s %s\n", k.type, k.source, flags & ST_RDONLY ? "ro" : "rw");
        } else {
            text_printf(&t, "%s ", k.source);
            put_path(&t, m->path);
            text_printf(&t, " %s ", k.type);
            put_options(&t, flags);
            text_printf(&t, " 0 0\n");
        }
    }
    return text_done(&t, out, len);
}
