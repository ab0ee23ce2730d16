/* statfs and fstatfs: the figures of the mount a file lives on
 * (fs/mountinfo.c). */
#include "fs/fs.h"
#include "fs/mountinfo.h"
#include "syscall/handlers.h"

static long put_statfs(struct statfs *ubuf, const struct statfs *sf)
{
    if (!user_range_ok(ubuf, sizeof(*ubuf), true))
        return -EFAULT;
    memcpy(ubuf, sf, sizeof(*sf));
    return 0;
}

long sys_statfs(const char *path, struct statfs *buf)
{
    /* The path is looked up as stat does, links followed: the mount that
     * answers is the one the file lives on. */
    struct lookup lkb, *lk = &lkb;
    long r = vfs_lookup_existing(path, false, lk);
    if (r < 0)
        return r;
    struct statfs sf;
    mount_statfs(lk->synthetic ? NULL : lk->m, &sf);
    return put_statfs(buf, &sf);
}

long sys_fstatfs(int fd, struct statfs *buf)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    struct statfs sf;
    if (f->mnt) {
        mount_statfs(f->mnt, &sf);
    } else {
        struct stat st;
        long r = file_stat(f, &st);
        if (r < 0 || (r = anon_statfs(st.st_mode, &sf)) < 0)
            return r;
    }
    return put_statfs(buf, &sf);
}
