// Symbolic links and attributes (mode, owner, times) on a writable host
// mount (T_RW): what `tar -x` and `touch` need of a host directory.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "check.h"
#include "scratch.h"

static char dir[PATH_MAX];

static const char *at(const char *name)
{
    static char path[2][PATH_MAX];
    static int next;
    next = !next;
    return path_join(path[next], dir, name);
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

static void symlinks(void)
{
    struct stat st;
    char buf[16] = "";
    int fd = open(at("f"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK("create", fd >= 0 && write(fd, "data\n", 5) == 5 && close(fd) == 0);
    CHECK("symlink", symlink("f", at("l")) == 0);
    CHECK("readlink", link_is(at("l"), "f"));
    CHECK("lstat-link", lstat(at("l"), &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 1);
    CHECK("stat-through-link", stat(at("l"), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 5);
    fd = open(at("l"), O_RDONLY);
    CHECK("open-through-link", fd >= 0 && read(fd, buf, sizeof buf) == 5 && !memcmp(buf, "data\n", 5));
    close(fd);
    CHECK("symlink-eexist", FAILS_WITH(symlink("other", at("l")), EEXIST));
    CHECK("symlink-over-file-eexist", FAILS_WITH(symlink("other", at("f")), EEXIST));
    CHECK("symlink-dangling", symlink("missing", at("dangling")) == 0 && lstat(at("dangling"), &st) == 0 &&
                                  FAILS_WITH(stat(at("dangling"), &st), ENOENT));
    CHECK("symlink-missing-dir-enoent", FAILS_WITH(symlink("f", at("nodir/l")), ENOENT));
    CHECK("symlink-empty-target-enoent", FAILS_WITH(symlink("", at("empty")), ENOENT));

    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK("mkdir-sub", mkdir(at("sub"), 0755) == 0);
    CHECK("symlinkat", symlinkat("../f", dfd, "sub/up") == 0);
    CHECK("readlinkat", readlinkat(dfd, "sub/up", buf, sizeof buf) == 4 && !memcmp(buf, "../f", 4));
    CHECK("stat-through-relative-up", stat(at("sub/up"), &st) == 0 && S_ISREG(st.st_mode));
    CHECK("symlink-to-dir", symlinkat("sub", dfd, "dirlink") == 0 && stat(at("dirlink/up"), &st) == 0 &&
                                S_ISREG(st.st_mode));
    close(dfd);
    CHECK("unlink-link-keeps-target", unlink(at("l")) == 0 && lstat(at("l"), &st) == -1 &&
                                          stat(at("f"), &st) == 0);
    CHECK("symlink-again", symlink("f", at("l")) == 0);
}

static void modes(void)
{
    struct stat st;
    CHECK("chmod", chmod(at("f"), 0600) == 0 && mode_of(at("f")) == 0600);
    CHECK("chmod-through-link", chmod(at("l"), 0640) == 0 && mode_of(at("f")) == 0640 &&
                                    lstat(at("l"), &st) == 0 && S_ISLNK(st.st_mode));
    int fd = open(at("f"), O_RDONLY);
    CHECK("fchmod", fchmod(fd, 0604) == 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0604);
    CHECK("fchmodat", fchmodat(AT_FDCWD, at("f"), 0644, 0) == 0 && mode_of(at("f")) == 0644);
    CHECK("chmod-dir", chmod(at("sub"), 0700) == 0 && stat(at("sub"), &st) == 0 && S_ISDIR(st.st_mode) &&
                           (st.st_mode & 07777) == 0700);
    CHECK("chmod-enoent", FAILS_WITH(chmod(at("none"), 0600), ENOENT));
    CHECK("chmod-dangling-enoent", FAILS_WITH(chmod(at("dangling"), 0600), ENOENT));
    CHECK("chown-self", chown(at("f"), getuid(), getgid()) == 0 && stat(at("f"), &st) == 0 &&
                            st.st_uid == getuid() && st.st_gid == getgid());
    CHECK("lchown-self", lchown(at("l"), getuid(), getgid()) == 0);
    CHECK("fchown-nothing", fchown(fd, -1, -1) == 0);
    CHECK("fchownat-nofollow", fchownat(AT_FDCWD, at("dangling"), getuid(), -1, AT_SYMLINK_NOFOLLOW) == 0);
    CHECK("chown-enoent", FAILS_WITH(chown(at("none"), getuid(), getgid()), ENOENT));
    close(fd);
}

static int times_are(const struct stat *st, time_t a, long an, time_t m, long mn)
{
    return st->st_atim.tv_sec == a && st->st_atim.tv_nsec == an && st->st_mtim.tv_sec == m &&
           st->st_mtim.tv_nsec == mn;
}

static void times(void)
{
    struct stat st;
    struct timespec ts[2] = { { 1000000000, 123 }, { 1500000000, 456 } };
    CHECK("utimensat", utimensat(AT_FDCWD, at("f"), ts, 0) == 0 && stat(at("f"), &st) == 0 &&
                           times_are(&st, 1000000000, 123, 1500000000, 456));
    struct timespec omit[2] = { { 0, UTIME_OMIT }, { 1600000000, 0 } };
    CHECK("utimensat-omit", utimensat(AT_FDCWD, at("f"), omit, 0) == 0 && stat(at("f"), &st) == 0 &&
                                times_are(&st, 1000000000, 123, 1600000000, 0));
    struct timespec link_ts[2] = { { 1100000000, 0 }, { 1100000000, 0 } };
    CHECK("utimensat-nofollow", utimensat(AT_FDCWD, at("l"), link_ts, AT_SYMLINK_NOFOLLOW) == 0 &&
                                    lstat(at("l"), &st) == 0 && st.st_mtim.tv_sec == 1100000000 &&
                                    stat(at("f"), &st) == 0 && st.st_mtim.tv_sec == 1600000000);
    struct timespec via[2] = { { 1200000000, 0 }, { 1250000000, 0 } };
    CHECK("utimensat-through-link", utimensat(AT_FDCWD, at("l"), via, 0) == 0 && stat(at("f"), &st) == 0 &&
                                        st.st_mtim.tv_sec == 1250000000);
    struct timeval tv[2] = { { 1200000000, 5 }, { 1300000000, 7 } };
    CHECK("utimes", utimes(at("f"), tv) == 0 && stat(at("f"), &st) == 0 &&
                        times_are(&st, 1200000000, 5000, 1300000000, 7000));
    struct utimbuf ub = { 1100000000, 1100000001 };
    CHECK("utime", utime(at("f"), &ub) == 0 && stat(at("f"), &st) == 0 &&
                       times_are(&st, 1100000000, 0, 1100000001, 0));
    int fd = open(at("f"), O_RDONLY);
    struct timespec fts[2] = { { 1400000000, 9 }, { 1400000001, 10 } };
    CHECK("futimens", futimens(fd, fts) == 0 && fstat(fd, &st) == 0 &&
                          times_are(&st, 1400000000, 9, 1400000001, 10));
    CHECK("utimensat-dir", utimensat(AT_FDCWD, at("sub"), ts, 0) == 0 && stat(at("sub"), &st) == 0 &&
                               times_are(&st, 1000000000, 123, 1500000000, 456));

    /* touch: both times to now.  The guest's clock and the host's may differ a little. */
    time_t before = time(NULL);
    CHECK("touch", utimensat(AT_FDCWD, at("f"), NULL, 0) == 0 && stat(at("f"), &st) == 0 &&
                       st.st_mtim.tv_sec >= before - 2 && st.st_mtim.tv_sec <= time(NULL) + 2 &&
                       st.st_atim.tv_sec >= before - 2);
    CHECK("futimens-now", futimens(fd, NULL) == 0 && fstat(fd, &st) == 0 && st.st_mtim.tv_sec >= before - 2);
    close(fd);
    CHECK("utimensat-enoent", FAILS_WITH(utimensat(AT_FDCWD, at("none"), NULL, 0), ENOENT));
}

int main(void)
{
    scratch_dir(dir, "T_RW", "hostattr");
    symlinks();
    modes();
    times();
    remove_tree(dir);
    return check_exit_status();
}
