/* mknod of regular files on a host mount and on tmpfs, and of a FIFO with
 * set-id bits in a set-group-ID directory (mknod05).  Device nodes are not
 * checked: natively this may run as root, which may make them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

/* A FIFO keeps the set-id bits it is made or changed with (it is never
 * executed), and a set-group-ID directory gives it its group. */
static void sgid_dir_fifo(const char *dir)
{
    char sub[4096], fifo[4096 + 8];
    snprintf(sub, sizeof sub, "%s/sgid", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo", sub);
    umask(0);
    struct stat d, st;
    CHECK("sgid-dir", mkdir(sub, 0777) == 0 && chmod(sub, S_ISGID | 0777) == 0 && stat(sub, &d) == 0 &&
                          (d.st_mode & S_ISGID));
    CHECK("sgid-fifo", mknod(fifo, S_IFIFO | S_ISGID | 0777, 0) == 0 && stat(fifo, &st) == 0 &&
                           S_ISFIFO(st.st_mode) && (st.st_mode & 07777) == (S_ISGID | 0777) && st.st_gid == d.st_gid);
    CHECK("suid-fifo-chmod", chmod(fifo, S_ISUID | S_ISGID | 0700) == 0 && stat(fifo, &st) == 0 &&
                                 (st.st_mode & 07777) == (S_ISUID | S_ISGID | 0700));
    unlink(fifo);
    rmdir(sub);
    umask(022);
}

static void on(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/node", dir);
    umask(022);
    CHECK("mknod-reg", mknod(path, S_IFREG | 0666, 0) == 0);
    struct stat st;
    CHECK("is-reg", stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0644 && st.st_size == 0);
    CHECK("eexist", FAILS_WITH(mknod(path, S_IFREG | 0644, 0), EEXIST));
    CHECK("unlink", unlink(path) == 0);
    CHECK("mknod-type-0", mknod(path, 0600, 0) == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode));
    unlink(path);
    CHECK("mknod-dir-eperm", FAILS_WITH(mknod(path, S_IFDIR | 0755, 0), EPERM));
    CHECK("mknod-bad-type", FAILS_WITH(mknod(path, 0170000 | 0644, 0), EINVAL));
    CHECK("mknodat", mknodat(AT_FDCWD, path, S_IFREG | 0644, 0) == 0 && unlink(path) == 0);
    sgid_dir_fifo(dir);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    check_prefix = "rw-";
    on(getenv("T_RW"));
    check_prefix = "tmpfs-";
    on(getenv("T_TMPFS"));
    return check_exit_status();
}
