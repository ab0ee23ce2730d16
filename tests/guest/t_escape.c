// PICOVM-ONLY
// EXPECT-EXIT: 0
// The mounts are the whole world: no "..", absolute path or symlink reaches a
// host file outside them, and a read-only mount takes no writes.  Before the
// run the harness creates in $T_RW (on the host):
//   escape-link -> /etc/passwd
//   escape-rel  -> ../../../../../../etc/passwd
//   escape-dir  -> /etc            (without it, the escape-dir checks prove nothing)
// and mounts nothing that contains /etc.  Nothing read through an escape is
// ever printed.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"

/* Denied the way picovm may deny it: not there in the guest's world, not
 * allowed by the monitor, or a link it refuses to follow. */
static int escape_errno(void)
{
    return errno == ENOENT || errno == EACCES || errno == ELOOP;
}

static int ro_errno(void)
{
    return errno == EROFS || errno == EACCES;
}

static int open_fails(const char *path, int flags, int (*why)(void))
{
    int fd = open(path, flags, 0644);
    if (fd >= 0) {
        close(fd);
        errno = 0;
        return 0;
    }
    return why();
}

static const char *in(const char *var, const char *rest)
{
    static char buf[4][PATH_MAX];
    static int next;
    next = (next + 1) % 4;
    return path_join(buf[next], env_dir(var), rest);
}

static void dotdot_and_absolute(void)
{
    struct stat st;
    CHECK("dotdot-from-ro", open_fails(in("T_RO", "../../../../etc/hostname"), O_RDONLY, escape_errno));
    CHECK("dotdot-deep-from-ro", open_fails(in("T_RO", "sub/../../../../../../../../../etc/passwd"), O_RDONLY,
                                            escape_errno));
    CHECK("dotdot-from-rw", open_fails(in("T_RW", "../../../../../../../etc/passwd"), O_RDONLY, escape_errno));
    CHECK("dotdot-from-tmpfs", open_fails(in("T_TMPFS", "../../../../../../../etc/passwd"), O_RDONLY, escape_errno));
    CHECK("absolute-etc-passwd", open_fails("/etc/passwd", O_RDONLY, escape_errno));
    CHECK("absolute-etc-hostname", open_fails("/etc/hostname", O_RDONLY, escape_errno));
    CHECK("stat-absolute-outside", stat("/etc/passwd", &st) == -1 && escape_errno());
    CHECK("chdir-ro", chdir(env_dir("T_RO")) == 0);
    CHECK("dotdot-relative-from-ro", open_fails("../../../../../../../etc/passwd", O_RDONLY, escape_errno));
    chdir("/");
    CHECK("relative-from-root", open_fails("etc/passwd", O_RDONLY, escape_errno));
}

static void symlinks_out(void)
{
    struct stat st;
    char buf[64];
    CHECK("symlink-absolute", open_fails(in("T_RW", "escape-link"), O_RDONLY, escape_errno));
    CHECK("symlink-relative", open_fails(in("T_RW", "escape-rel"), O_RDONLY, escape_errno));
    CHECK("symlink-dir", open_fails(in("T_RW", "escape-dir/passwd"), O_RDONLY, escape_errno));
    CHECK("symlink-write", open_fails(in("T_RW", "escape-link"), O_WRONLY | O_APPEND, escape_errno));
    CHECK("symlink-create-through", open_fails(in("T_RW", "escape-dir/picovm-was-here"), O_WRONLY | O_CREAT,
                                               escape_errno));
    CHECK("symlink-truncate", truncate(in("T_RW", "escape-link"), 0) == -1 && escape_errno());
    CHECK("stat-through-symlink", stat(in("T_RW", "escape-link"), &st) == -1 && escape_errno());
    CHECK("stat-through-symlink-dir", stat(in("T_RW", "escape-dir/passwd"), &st) == -1 && escape_errno());
    CHECK("lstat-symlink-itself", lstat(in("T_RW", "escape-link"), &st) == 0 && S_ISLNK(st.st_mode));
    ssize_t n = readlink(in("T_RW", "escape-link"), buf, sizeof buf);
    CHECK("readlink-symlink-itself", n == 11 && !memcmp(buf, "/etc/passwd", 11));
    int dfd = open(env_dir("T_RW"), O_RDONLY | O_DIRECTORY);
    int fd = openat(dfd, "escape-link", O_RDONLY);
    CHECK("openat-symlink", fd == -1 && escape_errno());
    if (fd >= 0)
        close(fd);
    fd = openat(dfd, "escape-dir", O_RDONLY | O_DIRECTORY);
    CHECK("open-symlink-dir", fd == -1 && escape_errno());
    if (fd >= 0)
        close(fd);
    close(dfd);
}

static void read_only_mount(void)
{
    struct stat st;
    char buf[32] = "";
    CHECK("ro-open-wronly", open_fails(in("T_RO", "hello.txt"), O_WRONLY, ro_errno));
    CHECK("ro-open-rdwr", open_fails(in("T_RO", "hello.txt"), O_RDWR, ro_errno));
    CHECK("ro-open-trunc", open_fails(in("T_RO", "hello.txt"), O_RDONLY | O_TRUNC, ro_errno));
    CHECK("ro-create", open_fails(in("T_RO", "new-file"), O_WRONLY | O_CREAT, ro_errno));
    CHECK("ro-mkdir", mkdir(in("T_RO", "new-dir"), 0755) == -1 && ro_errno());
    CHECK("ro-unlink", unlink(in("T_RO", "hello.txt")) == -1 && ro_errno());
    CHECK("ro-rmdir", rmdir(in("T_RO", "sub")) == -1 && (ro_errno() || errno == ENOTEMPTY));
    CHECK("ro-rename", rename(in("T_RO", "empty"), in("T_RO", "empty2")) == -1 && ro_errno());
    CHECK("ro-truncate", truncate(in("T_RO", "hello.txt"), 0) == -1 && ro_errno());
    CHECK("ro-chmod", chmod(in("T_RO", "hello.txt"), 0777) == -1 && (ro_errno() || errno == EPERM));
    int fd = open(in("T_RW", "moving"), O_WRONLY | O_CREAT, 0644);
    close(fd);
    CHECK("rw-to-ro-rename", fd >= 0 && rename(in("T_RW", "moving"), in("T_RO", "moving")) == -1 &&
                             (errno == EXDEV || ro_errno()));
    unlink(in("T_RW", "moving"));
    fd = open(in("T_RO", "hello.txt"), O_RDONLY);
    CHECK("ro-unchanged", fd >= 0 && read(fd, buf, sizeof buf) == 14 && !strcmp(buf, "hello, picovm\n") &&
                          fstat(fd, &st) == 0 && (st.st_mode & 0777) != 0777);
    CHECK("ro-fd-write-ebadf", FAILS_WITH(write(fd, "x", 1), EBADF));
    close(fd);
    CHECK("ro-nothing-created", stat(in("T_RO", "new-file"), &st) == -1 &&
                                stat(in("T_RO", "new-dir"), &st) == -1 && stat(in("T_RO", "moving"), &st) == -1);
}

int main(void)
{
    dotdot_and_absolute();
    symlinks_out();
    read_only_mount();
    return check_exit_status();
}
