// The VFS beyond plain files: /dev, /proc/self, the directories above mount
// points, attributes on tmpfs (chmod, chown, utimens), directory listings
// that shrink while they are read, sparse files, record locks, FIONREAD.
// The harness runs this program by its absolute path (argv[0]).
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "check.h"
#include "scratch.h"

static void dev_files(void)
{
    char buf[128];
    struct stat st;
    int fd = open("/dev/null", O_RDWR);
    CHECK("dev-null-open", fd >= 0);
    CHECK("dev-null-read-eof", read(fd, buf, sizeof buf) == 0);
    CHECK("dev-null-write", write(fd, buf, 10) == 10);
    CHECK("dev-null-chr-1-3", fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
                                  minor(st.st_rdev) == 3);
    close(fd);

    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 0xff, sizeof buf);
    int zeros = read(fd, buf, sizeof buf) == (ssize_t)sizeof buf;
    for (size_t i = 0; i < sizeof buf; i++)
        zeros &= buf[i] == 0;
    CHECK("dev-zero-read", zeros);
    close(fd);

    fd = open("/dev/urandom", O_RDONLY);
    memset(buf, 0, sizeof buf);
    int nonzero = 0;
    CHECK("dev-urandom-read", read(fd, buf, 64) == 64);
    for (int i = 0; i < 64; i++)
        nonzero |= buf[i];
    CHECK("dev-urandom-random", nonzero);
    close(fd);
    CHECK("dev-urandom-chr-1-9", stat("/dev/urandom", &st) == 0 && S_ISCHR(st.st_mode) &&
                                     major(st.st_rdev) == 1 && minor(st.st_rdev) == 9);
    CHECK("dev-enoent", FAILS_WITH(open("/dev/no-such-device", O_RDONLY), ENOENT));
    CHECK("dev-stdin-link", lstat("/dev/stdin", &st) == 0 && S_ISLNK(st.st_mode) &&
                                link_is("/dev/stdin", "/proc/self/fd/0"));
    CHECK("dev-fd-link", link_is("/dev/fd", "/proc/self/fd"));
    CHECK("dev-listing", listed("/dev", "null") && listed("/dev", "zero") && listed("/dev", "urandom"));
    fd = open("/dev/stderr", O_WRONLY);
    CHECK("dev-stderr-open", fd >= 0);
    close(fd);
}

static void proc_files(const char *dir)
{
    char path[PATH_MAX], link[64], pid[32], buf[16] = "";
    snprintf(pid, sizeof pid, "%d", getpid());
    CHECK("proc-self", link_is("/proc/self", pid));

    int fd = open(path_join(path, dir, "f"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("proc-setup", fd >= 0 && write(fd, "0123456789", 10) == 10);
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    CHECK("proc-fd-readlink", link_is(link, path));
    snprintf(pid, sizeof pid, "%d", fd);
    CHECK("proc-fd-listed", listed("/proc/self/fd", pid));
    /* Opening the link opens the file again, at offset 0. */
    int fd2 = open(link, O_RDONLY);
    CHECK("proc-fd-reopen", fd2 >= 0 && read(fd2, buf, 4) == 4 && !memcmp(buf, "0123", 4));
    close(fd2);
    struct stat a, b;
    CHECK("proc-fd-stat-follows", stat(link, &a) == 0 && fstat(fd, &b) == 0 && a.st_ino == b.st_ino);
    close(fd);
    CHECK("proc-fd-closed-enoent", FAILS_WITH(readlink(link, path, sizeof path), ENOENT));

    char cwd[PATH_MAX];
    CHECK("proc-cwd", getcwd(cwd, sizeof cwd) && chdir(dir) == 0 && link_is("/proc/self/cwd", dir) &&
                          chdir(cwd) == 0);
}

/* "/a/b/c" -> "a" */
static const char *first_component(const char *path, char out[PATH_MAX])
{
    const char *end = strchr(path + 1, '/');
    size_t n = end ? (size_t)(end - path - 1) : strlen(path + 1);
    memcpy(out, path + 1, n);
    out[n] = 0;
    return out;
}

static void mount_tree(const char *exe)
{
    char c[PATH_MAX], cwd[PATH_MAX], here[PATH_MAX];
    CHECK("root-lists-rw", listed("/", first_component(env_dir("T_RW"), c)));
    CHECK("root-lists-tmpfs", listed("/", first_component(env_dir("T_TMPFS"), c)));
    CHECK("root-lists-exe", listed("/", first_component(exe, c)));
    CHECK("root-lists-dev-proc", listed("/", "dev") && listed("/", "proc"));
    CHECK("chdir-root-getcwd", getcwd(cwd, sizeof cwd) && chdir("/") == 0 && getcwd(here, sizeof here) &&
                                   !strcmp(here, "/") && chdir(cwd) == 0);
    struct stat st;
    strcpy(c, env_dir("T_TMPFS"));
    *strrchr(c, '/') = 0;
    CHECK("parent-of-mount-is-dir", stat(c, &st) == 0 && S_ISDIR(st.st_mode));
}

static void attributes(const char *dir)
{
    char path[PATH_MAX], sub[PATH_MAX];
    struct stat st;
    int fd = open(path_join(path, dir, "attr"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("chmod", chmod(path, 0600) == 0 && stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
    CHECK("fchmod", fchmod(fd, 0640) == 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0640);
    CHECK("chmod-dir", mkdir(path_join(sub, dir, "d"), 0755) == 0 && chmod(sub, 0700) == 0 &&
                           stat(sub, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0700);
    CHECK("chmod-enoent", FAILS_WITH(chmod(path_join(sub, dir, "none"), 0600), ENOENT));
    CHECK("chown-self", chown(path, getuid(), getgid()) == 0 && fchown(fd, -1, -1) == 0);

    struct timespec ts[2] = { { 1000000000, 123 }, { 1500000000, 456 } };
    CHECK("utimensat", utimensat(AT_FDCWD, path, ts, 0) == 0 && stat(path, &st) == 0 &&
                           st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 123 &&
                           st.st_mtim.tv_sec == 1500000000 && st.st_mtim.tv_nsec == 456);
    struct timespec omit[2] = { { 0, UTIME_OMIT }, { 1600000000, 0 } };
    CHECK("utimensat-omit", utimensat(AT_FDCWD, path, omit, 0) == 0 && stat(path, &st) == 0 &&
                                st.st_atim.tv_sec == 1000000000 && st.st_mtim.tv_sec == 1600000000);
    struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
    CHECK("utimensat-bad-nsec-einval", FAILS_WITH(utimensat(AT_FDCWD, path, bad, 0), EINVAL));
    time_t before = time(NULL);
    CHECK("futimens-now", futimens(fd, NULL) == 0 && fstat(fd, &st) == 0 && st.st_mtim.tv_sec >= before);
    struct timeval tv[2] = { { 1200000000, 5 }, { 1300000000, 7 } };
    CHECK("utimes", utimes(path, tv) == 0 && stat(path, &st) == 0 && st.st_atim.tv_sec == 1200000000 &&
                        st.st_mtim.tv_nsec == 7000);
    struct utimbuf ub = { 1100000000, 1100000001 };
    CHECK("utime", utime(path, &ub) == 0 && stat(path, &st) == 0 && st.st_mtim.tv_sec == 1100000001);
    CHECK("utimensat-enoent", FAILS_WITH(utimensat(AT_FDCWD, sub, NULL, 0), ENOENT));
    close(fd);
}

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Names removed while the directory is read must not make the reader skip others. */
static void shrinking_listing(const char *dir)
{
    char d[PATH_MAX], path[PATH_MAX];
    path_join(d, dir, "many");
    mkdir(d, 0755);
    for (int i = 0; i < 50; i++) {
        char name[16];
        snprintf(name, sizeof name, "f%02d", i);
        close(open(path_join(path, d, name), O_WRONLY | O_CREAT, 0644));
    }
    int fd = open(d, O_RDONLY | O_DIRECTORY);
    int removed = 0;
    for (;;) {
        char buf[100] __attribute__((aligned(8)));
        long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *e = (struct linux_dirent64 *)(buf + off);
            if (e->d_name[0] == 'f' && unlinkat(fd, e->d_name, 0) == 0)
                removed++;
            off += e->d_reclen;
        }
    }
    close(fd);
    CHECK("unlink-while-listing", removed == 50 && rmdir(d) == 0);
}

static void sparse(const char *dir)
{
    char path[PATH_MAX], buf[4096];
    struct stat st;
    int fd = open(path_join(path, dir, "sparse"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("sparse-truncate-1g", ftruncate(fd, 1l << 30) == 0 && fstat(fd, &st) == 0 && st.st_size == 1l << 30);
    memset(buf, 0xff, sizeof buf);
    int zeros = pread(fd, buf, sizeof buf, 1l << 29) == (ssize_t)sizeof buf;
    for (size_t i = 0; i < sizeof buf; i++)
        zeros &= buf[i] == 0;
    CHECK("sparse-reads-zero", zeros);
    CHECK("sparse-write-middle", pwrite(fd, "x", 1, (1l << 29) + 5) == 1 && pread(fd, buf, 8, 1l << 29) == 8 &&
                                     !memcmp(buf, "\0\0\0\0\0x\0\0", 8));
    CHECK("sparse-few-blocks", fstat(fd, &st) == 0 && st.st_blocks <= 64);
    CHECK("sparse-shrink", ftruncate(fd, 3) == 0 && fstat(fd, &st) == 0 && st.st_size == 3);
    CHECK("sparse-regrow-zero", ftruncate(fd, (1l << 29) + 8) == 0 && pread(fd, buf, 8, 1l << 29) == 8 &&
                                    !memcmp(buf, "\0\0\0\0\0\0\0\0", 8));
    close(fd);
    unlink(path);
}

static void locks_and_ioctls(const char *dir)
{
    char path[PATH_MAX], buf[4];
    int fd = open(path_join(path, dir, "locked"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("lock-setup", write(fd, "0123456789", 10) == 10 && lseek(fd, 3, SEEK_SET) == 3);
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
    CHECK("setlk-wrlck", fcntl(fd, F_SETLK, &fl) == 0);
    fl.l_type = F_WRLCK;
    CHECK("getlk-own-lock-unlck", fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type == F_UNLCK);
    fl.l_type = F_UNLCK;
    CHECK("getlk-unlck-einval", FAILS_WITH(fcntl(fd, F_GETLK, &fl), EINVAL));
    CHECK("setlk-unlock", fcntl(fd, F_SETLK, &fl) == 0);
    fl.l_type = 99;
    CHECK("setlk-bad-type-einval", FAILS_WITH(fcntl(fd, F_SETLK, &fl), EINVAL));
    int n = -1;
    CHECK("fionread", read(fd, buf, 3) == 3 && ioctl(fd, FIONREAD, &n) == 0 && n == 4);
    int ro = open(path, O_RDONLY);
    fl.l_type = F_WRLCK;
    CHECK("setlk-wrlck-rdonly-ebadf", FAILS_WITH(fcntl(ro, F_SETLK, &fl), EBADF));
    fl.l_type = F_RDLCK;
    CHECK("setlkw-rdlck-rdonly", fcntl(ro, F_SETLKW, &fl) == 0);
    close(ro);
    close(fd);

    CHECK("open-creat-directory-einval",
          FAILS_WITH(open(path_join(path, dir, "cd"), O_RDONLY | O_CREAT | O_DIRECTORY, 0644), EINVAL));
    CHECK("open-creat-slash-eisdir", FAILS_WITH(open(path_join(path, dir, "new/"), O_WRONLY | O_CREAT, 0644), EISDIR));
    CHECK("mkdir-trailing-slash", mkdir(path_join(path, dir, "nd/"), 0755) == 0 && rmdir(path) == 0);
    CHECK("unlink-dot-eisdir", FAILS_WITH(unlink(path_join(path, dir, ".")), EISDIR));
    CHECK("rmdir-dotdot-enotempty", FAILS_WITH(rmdir(path_join(path, dir, "..")), ENOTEMPTY));
}

int main(int argc, char **argv)
{
    (void)argc;
    char rw[PATH_MAX], tmp[PATH_MAX];
    scratch_dir(rw, "T_RW", "t_vfs");
    scratch_dir(tmp, "T_TMPFS", "t_vfs");
    dev_files();
    proc_files(tmp);
    mount_tree(argv[0]);
    check_prefix = "tmpfs:";
    attributes(tmp);
    shrinking_listing(tmp);
    sparse(tmp);
    locks_and_ioctls(tmp);
    check_prefix = "rw:";
    shrinking_listing(rw);
    locks_and_ioctls(rw);
    check_prefix = "";
    remove_tree(rw);
    remove_tree(tmp);
    return check_exit_status();
}
