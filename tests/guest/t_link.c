/* Hard links on a writable host mount and on tmpfs (same checks on each),
 * creat, and the empty path of the name calls.  EXDEV between mounts is not
 * checked: natively the test's directories are on one file system. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

static char a[4096], b[4096], d[4096], s[4096];

static void on(const char *dir)
{
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    snprintf(d, sizeof d, "%s/d", dir);
    snprintf(s, sizeof s, "%s/s", dir);
    int fd = (int)syscall(SYS_creat, a, 0644);
    CHECK("creat", fd >= 0);
    CHECK("creat-wronly", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY);
    CHECK("creat-write", write(fd, "hello", 5) == 5);
    close(fd);
    fd = (int)syscall(SYS_creat, a, 0644);
    struct stat st;
    CHECK("creat-truncates", fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0);
    CHECK("write-again", write(fd, "hello", 5) == 5);
    close(fd);

    CHECK("link", link(a, b) == 0);
    struct stat sa, sb;
    CHECK("same-inode", stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_ino == sb.st_ino);
    CHECK("nlink-2", sa.st_nlink == 2);
    CHECK("link-eexist", FAILS_WITH(link(a, b), EEXIST));
    CHECK("unlink-first", unlink(a) == 0);
    char buf[8] = "";
    fd = open(b, O_RDONLY);
    CHECK("content-by-second-name", fd >= 0 && read(fd, buf, sizeof buf) == 5 && !memcmp(buf, "hello", 5));
    close(fd);
    CHECK("nlink-1", stat(b, &sb) == 0 && sb.st_nlink == 1);
    CHECK("link-enoent", FAILS_WITH(link(a, d), ENOENT));
    CHECK("mkdir", mkdir(d, 0755) == 0);
    CHECK("link-dir-eperm", FAILS_WITH(link(d, a), EPERM));
    CHECK("symlink", symlink("b", s) == 0);
    CHECK("linkat-nofollow", linkat(AT_FDCWD, s, AT_FDCWD, a, 0) == 0);
    CHECK("linked-the-symlink", lstat(a, &st) == 0 && S_ISLNK(st.st_mode));
    CHECK("unlink-a", unlink(a) == 0);
    CHECK("linkat-follow", linkat(AT_FDCWD, s, AT_FDCWD, a, AT_SYMLINK_FOLLOW) == 0);
    CHECK("linked-the-target", lstat(a, &st) == 0 && S_ISREG(st.st_mode) && st.st_ino == sb.st_ino);
    CHECK("linkat-bad-flags", FAILS_WITH(linkat(AT_FDCWD, b, AT_FDCWD, d, 1), EINVAL));
    CHECK("link-empty", FAILS_WITH(link("", d), ENOENT));
    unlink(a);
    unlink(b);
    unlink(s);
    rmdir(d);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    check_prefix = "rw-";
    on(getenv("T_RW"));
    check_prefix = "tmpfs-";
    on(getenv("T_TMPFS"));
    check_prefix = "";
    char x[4096];
    snprintf(x, sizeof x, "%s/x", getenv("T_RW"));
    close(open(x, O_CREAT | O_WRONLY, 0644));
    unlink(x);
    CHECK("unlink-empty", FAILS_WITH(unlink(""), ENOENT));
    CHECK("rmdir-empty", FAILS_WITH(rmdir(""), ENOENT));
    CHECK("mkdir-empty", FAILS_WITH(mkdir("", 0755), ENOENT));
    CHECK("rename-empty", FAILS_WITH(rename("", x), ENOENT));
    CHECK("rename-to-empty", FAILS_WITH(rename(x, ""), ENOENT));
    CHECK("symlink-empty", FAILS_WITH(symlink("t", ""), ENOENT));
    CHECK("creat-empty", FAILS_WITH((int)syscall(SYS_creat, "", 0644), ENOENT));
    return check_exit_status();
}
