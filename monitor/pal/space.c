/* PAL calls on the host file systems' space: HC_STATFS, the figures of the
 * file system under a mount (df, statfs), and HC_FALLOCATE, reserving the
 * blocks of a file.  The uri goes through policy.c as every guest name does,
 * so a guest learns of no file system outside its mounts. */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/statfs.h>
#include <unistd.h>
#include "calls.h"
#include "core/pal_server.h"
#include "config/policy.h"
#include "kvm/guest_mem.h"
#include "hypercall.h"

static int64_t hc_statfs(struct vm *vm, const uint64_t a[6])
{
    char uri[HC_MAX_URI];
    int err = copy_uri(vm, a[0], a[1], uri);
    if (err)
        return err;
    /* O_PATH: the figures need no permission on the directory itself. */
    int fd = policy_open(uri, O_PATH, 0);
    if (fd < 0)
        return fd;
    struct statfs sf;
    err = fstatfs(fd, &sf) ? -errno : 0;
    close(fd);
    if (err)
        return err;
    struct hc_statfs out = {
        .bsize = (unsigned long long)sf.f_bsize, .blocks = sf.f_blocks, .bfree = sf.f_bfree,
        .bavail = sf.f_bavail, .files = sf.f_files, .ffree = sf.f_ffree,
        .namelen = (unsigned long long)sf.f_namelen, .frsize = (unsigned long long)sf.f_frsize,
    };
    return gva_write(vm, a[2], &out, sizeof out);
}

static int64_t hc_fallocate(struct vm *vm, int fd, const uint64_t a[6])
{
    (void)vm;
    /* The modes that only reserve: no hole punched, no range moved. */
    if (a[1] != 0 && a[1] != FALLOC_FL_KEEP_SIZE)
        return -EOPNOTSUPP;
    if ((int64_t)a[2] < 0 || (int64_t)a[3] <= 0)
        return -EINVAL;
    while (fallocate(fd, (int)a[1], (off_t)a[2], (off_t)a[3]))
        if (errno != EINTR)
            return -errno;
    return 0;
}

void pal_space_setup(void)
{
    pal_register(HC_STATFS, hc_statfs);
    pal_register_fd(HC_FALLOCATE, hc_fallocate);
}
