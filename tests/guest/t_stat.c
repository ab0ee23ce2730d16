// stat, fstat, lstat, newfstatat and statx on the fixture (T_RO) and on
// files the test creates in T_RW and T_TMPFS.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"

/* Linux's struct statx and its flags; musl 1.2.3 has no statx(). */
struct statx_time {
    int64_t tv_sec;
    uint32_t tv_nsec, pad;
};
struct linux_statx {
    uint32_t mask, blksize;
    uint64_t attributes;
    uint32_t nlink, uid, gid;
    uint16_t mode, pad1;
    uint64_t ino, size, blocks, attributes_mask;
    struct statx_time atime, btime, ctime, mtime;
    uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
    uint64_t spare[14];
};
#ifndef STATX_TYPE /* glibc's <sys/stat.h> has them */
#define STATX_TYPE        0x1u
#define STATX_MODE        0x2u
#define STATX_NLINK       0x4u
#define STATX_SIZE        0x200u
#define STATX_BASIC_STATS 0x7ffu
#endif

static long sys_statx(int dirfd, const char *path, int flags, unsigned mask, struct linux_statx *sx)
{
    memset(sx, 0, sizeof *sx);
    return syscall(SYS_statx, dirfd, path, flags, mask, sx);
}

static const char *ro_path(const char *name)
{
    static char path[PATH_MAX];
    return path_join(path, env_dir("T_RO"), name);
}

static void fixture_stat(void)
{
    struct stat st, st2;
    CHECK("stat-reg", stat(ro_path("hello.txt"), &st) == 0 && S_ISREG(st.st_mode));
    CHECK("stat-size", st.st_size == 14);
    CHECK("stat-nlink", st.st_nlink >= 1);
    CHECK("stat-blksize", st.st_blksize > 0);
    CHECK("stat-mode-readable", (st.st_mode & 0444) != 0);
    CHECK("stat-big-size", stat(ro_path("big.bin"), &st) == 0 && st.st_size == 100000);
    CHECK("stat-empty-size", stat(ro_path("empty"), &st) == 0 && st.st_size == 0 && S_ISREG(st.st_mode));
    CHECK("stat-dir", stat(ro_path("sub"), &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink >= 1);
    CHECK("stat-root-of-mount", stat(env_dir("T_RO"), &st) == 0 && S_ISDIR(st.st_mode));
    CHECK("stat-follows-link", stat(ro_path("link-to-hello"), &st) == 0 && S_ISREG(st.st_mode) &&
                               st.st_size == 14);
    CHECK("stat-link-same-inode", stat(ro_path("hello.txt"), &st2) == 0 &&
                                  st.st_ino == st2.st_ino && st.st_dev == st2.st_dev);
    CHECK("lstat-link", lstat(ro_path("link-to-hello"), &st) == 0 && S_ISLNK(st.st_mode) &&
                        st.st_size == 9);
    CHECK("lstat-reg", lstat(ro_path("hello.txt"), &st) == 0 && S_ISREG(st.st_mode));
    CHECK("stat-enoent", FAILS_WITH(stat(ro_path("missing"), &st), ENOENT));
    CHECK("lstat-enoent", FAILS_WITH(lstat(ro_path("missing"), &st), ENOENT));
    CHECK("stat-enotdir", FAILS_WITH(stat(ro_path("hello.txt/x"), &st), ENOTDIR));
    CHECK("stat-empty-path-enoent", FAILS_WITH(stat("", &st), ENOENT));
    CHECK("stat-efault", FAILS_WITH(syscall(SYS_stat, ro_path("hello.txt"), (void *)8), EFAULT));

    int fd = open(ro_path("big.bin"), O_RDONLY);
    CHECK("fstat", fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 100000);
    CHECK("fstat-same-inode", stat(ro_path("big.bin"), &st2) == 0 && st.st_ino == st2.st_ino &&
                              st.st_dev == st2.st_dev);
    close(fd);
    fd = open(env_dir("T_RO"), O_RDONLY | O_DIRECTORY);
    CHECK("fstat-dir", fstat(fd, &st) == 0 && S_ISDIR(st.st_mode));
    CHECK("fstat-bad-fd-ebadf", FAILS_WITH(fstat(999, &st), EBADF));

    /* dirfd-relative, with and without following the last symlink */
    CHECK("newfstatat-nofollow", syscall(SYS_newfstatat, fd, "link-to-hello", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                                 S_ISLNK(st.st_mode));
    CHECK("newfstatat-follow", syscall(SYS_newfstatat, fd, "link-to-hello", &st, 0) == 0 &&
                               S_ISREG(st.st_mode) && st.st_size == 14);
    CHECK("newfstatat-subdir", syscall(SYS_newfstatat, fd, "sub/b.txt", &st, 0) == 0 && st.st_size == 4);
    CHECK("newfstatat-empty-path", syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH) == 0 &&
                                   S_ISDIR(st.st_mode));
    CHECK("newfstatat-fdcwd", syscall(SYS_newfstatat, AT_FDCWD, ro_path("empty"), &st, 0) == 0 &&
                              st.st_size == 0);
    CHECK("newfstatat-enoent", FAILS_WITH(syscall(SYS_newfstatat, fd, "missing", &st, 0), ENOENT));
    CHECK("newfstatat-bad-flags-einval", FAILS_WITH(syscall(SYS_newfstatat, fd, "empty", &st, 0x1), EINVAL));

    struct linux_statx sx;
    CHECK("statx", sys_statx(fd, "big.bin", 0, STATX_BASIC_STATS, &sx) == 0 &&
                   (sx.mask & (STATX_TYPE | STATX_SIZE)) == (STATX_TYPE | STATX_SIZE) &&
                   S_ISREG(sx.mode) && sx.size == 100000 && sx.nlink >= 1);
    CHECK("statx-nofollow", sys_statx(fd, "link-to-hello", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) == 0 &&
                            S_ISLNK(sx.mode) && sx.size == 9);
    CHECK("statx-follow", sys_statx(fd, "link-to-hello", 0, STATX_BASIC_STATS, &sx) == 0 &&
                          S_ISREG(sx.mode) && sx.size == 14);
    CHECK("statx-empty-path", sys_statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx) == 0 &&
                              S_ISDIR(sx.mode));
    CHECK("statx-matches-stat", stat(ro_path("hello.txt"), &st) == 0 &&
                                sys_statx(AT_FDCWD, ro_path("hello.txt"), 0, STATX_BASIC_STATS, &sx) == 0 &&
                                sx.ino == st.st_ino && sx.size == (uint64_t)st.st_size &&
                                sx.mode == st.st_mode && sx.nlink == st.st_nlink);
    CHECK("statx-enoent", FAILS_WITH(sys_statx(fd, "missing", 0, STATX_BASIC_STATS, &sx), ENOENT));
    CHECK("statx-enotdir", FAILS_WITH(sys_statx(fd, "hello.txt/x", 0, STATX_BASIC_STATS, &sx), ENOTDIR));
    CHECK("statx-bad-flags-einval", FAILS_WITH(sys_statx(fd, "empty", 0x1, STATX_BASIC_STATS, &sx), EINVAL));
    close(fd);
}

/* Files created here: sizes and times follow what the program did. */
static void created_stat(const char *var, const char *prefix)
{
    char dir[PATH_MAX], path[PATH_MAX];
    struct stat st;
    check_prefix = prefix;
    scratch_dir(dir, var, "t_stat.d");
    time_t before = time(NULL);
    int fd = open(path_join(path, dir, "f"), O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK("new-file-empty", fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0 &&
                            st.st_nlink == 1);
    CHECK("size-after-write", write(fd, "12345", 5) == 5 && fstat(fd, &st) == 0 && st.st_size == 5);
    CHECK("size-by-path", stat(path, &st) == 0 && st.st_size == 5);
    CHECK("mtime-now", st.st_mtime >= before - 5 && st.st_mtime <= time(NULL) + 5);
    CHECK("size-after-ftruncate", ftruncate(fd, 70000) == 0 && fstat(fd, &st) == 0 && st.st_size == 70000);
    close(fd);
    CHECK("new-dir", mkdir(path_join(path, dir, "d"), 0755) == 0 && stat(path, &st) == 0 &&
                     S_ISDIR(st.st_mode) && st.st_nlink >= 1);
    CHECK("new-dir-mode", (st.st_mode & 0777) == 0755);
    remove_tree(dir);
}

int main(void)
{
    umask(022);
    fixture_stat();
    created_stat("T_RW", "rw.");
    created_stat("T_TMPFS", "tmpfs.");
    return check_exit_status();
}
