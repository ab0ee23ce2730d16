// PICOVM-ONLY
// Read-only mounts and the mount tree, whose answers a native run (plain
// writable directories) cannot give: every change on the read-only fixture is
// EROFS as on a Linux read-only mount, mount points are busy, renames across
// mounts are EXDEV, and the directories above mount points are read-only.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"

static const char *ro(const char *name)
{
    static char path[2][PATH_MAX];
    static int next;
    next = !next;
    return path_join(path[next], env_dir("T_RO"), name);
}

static void read_only_mount(void)
{
    int fd;
    CHECK("open-wronly-erofs", FAILS_WITH(open(ro("hello.txt"), O_WRONLY), EROFS));
    CHECK("open-rdwr-erofs", FAILS_WITH(open(ro("hello.txt"), O_RDWR), EROFS));
    CHECK("open-trunc-erofs", FAILS_WITH(open(ro("hello.txt"), O_RDONLY | O_TRUNC), EROFS));
    CHECK("open-creat-new-erofs", FAILS_WITH(open(ro("new"), O_WRONLY | O_CREAT, 0644), EROFS));
    CHECK("open-creat-existing-rdonly", (fd = open(ro("hello.txt"), O_RDONLY | O_CREAT, 0644)) >= 0 && close(fd) == 0);
    CHECK("open-creat-excl-eexist", FAILS_WITH(open(ro("hello.txt"), O_RDONLY | O_CREAT | O_EXCL, 0644), EEXIST));
    CHECK("open-dir-wronly-eisdir", FAILS_WITH(open(ro("sub"), O_WRONLY), EISDIR));
    CHECK("open-link-wronly-erofs", FAILS_WITH(open(ro("link-to-hello"), O_WRONLY), EROFS));
    CHECK("open-missing-enoent", FAILS_WITH(open(ro("missing"), O_WRONLY), ENOENT));
    CHECK("mkdir-existing-eexist", FAILS_WITH(mkdir(ro("sub"), 0755), EEXIST));
    CHECK("mkdir-erofs", FAILS_WITH(mkdir(ro("newdir"), 0755), EROFS));
    CHECK("unlink-erofs", FAILS_WITH(unlink(ro("hello.txt")), EROFS));
    CHECK("rmdir-erofs", FAILS_WITH(rmdir(ro("sub")), EROFS));
    CHECK("rename-erofs", FAILS_WITH(rename(ro("hello.txt"), ro("moved")), EROFS));
    CHECK("access-w-erofs", FAILS_WITH(access(ro("hello.txt"), W_OK), EROFS));
    CHECK("access-r-ok", access(ro("hello.txt"), R_OK) == 0);
    CHECK("chmod-erofs", FAILS_WITH(chmod(ro("hello.txt"), 0600), EROFS));
    CHECK("chmod-missing-enoent", FAILS_WITH(chmod(ro("missing"), 0600), ENOENT));
    CHECK("utimensat-erofs", FAILS_WITH(utimensat(AT_FDCWD, ro("hello.txt"), NULL, 0), EROFS));
    CHECK("truncate-erofs", FAILS_WITH(truncate(ro("hello.txt"), 0), EROFS));
    fd = open(ro("hello.txt"), O_RDONLY);
    CHECK("fchmod-erofs", FAILS_WITH(fchmod(fd, 0600), EROFS));
    close(fd);
}

static void mount_tree(const char *prog)
{
    char a[PATH_MAX], b[PATH_MAX], above[PATH_MAX];
    const char *tmpfs = env_dir("T_TMPFS"), *rw = env_dir("T_RW");
    CHECK("rmdir-mount-point-ebusy", FAILS_WITH(rmdir(tmpfs), EBUSY));
    CHECK("rename-mount-point-ebusy", FAILS_WITH(rename(tmpfs, path_join(a, rw, "x")), EBUSY));
    int fd = open(path_join(a, tmpfs, "f"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    close(fd);
    CHECK("rename-across-mounts-exdev", fd >= 0 && FAILS_WITH(rename(a, path_join(b, rw, "f")), EXDEV));
    unlink(a);

    /* The directory holding the program's mount only exists because of it,
     * unless it lies in /tmp, a tmpfs picovm adds, where the directories of
     * mount points are real ones as on Linux: then "/" is the one above. */
    strcpy(above, prog);
    *strrchr(above, '/') = 0;
    *strrchr(above, '/') = 0;
    if (!above[0] || !strncmp(above, "/tmp/", 5))
        strcpy(above, "/");
    struct stat st;
    CHECK("above-mounts-dir", stat(above, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0555);
    CHECK("above-mounts-mkdir-erofs", FAILS_WITH(mkdir(path_join(a, above, "newdir"), 0755), EROFS));
    CHECK("above-mounts-creat-erofs", FAILS_WITH(open(path_join(a, above, "new"), O_WRONLY | O_CREAT, 0644), EROFS));
    CHECK("above-mounts-open-wronly-eisdir", FAILS_WITH(open(above, O_WRONLY), EISDIR));
    CHECK("above-mounts-mkdir-eexist", FAILS_WITH(mkdir(above, 0755), EEXIST));
    CHECK("above-mounts-access-w-erofs", FAILS_WITH(access(above, W_OK), EROFS));
    CHECK("above-mounts-missing-enoent", FAILS_WITH(stat(path_join(a, above, "missing"), &st), ENOENT));
    CHECK("outside-mounts-enoent", FAILS_WITH(stat("/no-such-top-level-dir/x", &st), ENOENT));
    CHECK("chdir-above-mounts", chdir(above) == 0 && getcwd(a, sizeof a) && !strcmp(a, above));
}

int main(int argc, char **argv)
{
    (void)argc;
    read_only_mount();
    mount_tree(argv[0]);
    return check_exit_status();
}
