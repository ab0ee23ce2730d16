// File I/O on a host-backed mount (T_RW) and on tmpfs (T_TMPFS): the same
// checks run in both, their names prefixed "rw." and "tmpfs.".
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"

static char dir[PATH_MAX];

static const char *at(const char *name)
{
    static char path[PATH_MAX];
    return path_join(path, dir, name);
}

static long long size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static int all_zero(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (buf[i])
            return 0;
    return 1;
}

static void open_flags(void)
{
    char buf[64];
    int fd = open(at("f"), O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK("open-creat-excl", fd >= 0);
    CHECK("open-excl-eexist", FAILS_WITH(open(at("f"), O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST));
    CHECK("write", write(fd, "hello world\n", 12) == 12);
    CHECK("write-zero", write(fd, "", 0) == 0);
    CHECK("close", close(fd) == 0);

    fd = open(at("f"), O_RDONLY);
    CHECK("open-rdonly", fd >= 0);
    CHECK("read", read(fd, buf, sizeof buf) == 12 && !memcmp(buf, "hello world\n", 12));
    CHECK("read-eof", read(fd, buf, sizeof buf) == 0);
    CHECK("write-rdonly-ebadf", FAILS_WITH(write(fd, "x", 1), EBADF));
    close(fd);

    fd = open(at("f"), O_WRONLY);
    CHECK("read-wronly-ebadf", FAILS_WITH(read(fd, buf, 1), EBADF));
    close(fd);

    fd = open(at("f"), O_WRONLY | O_APPEND);
    CHECK("append-lseek", lseek(fd, 0, SEEK_SET) == 0);
    CHECK("append-write", write(fd, "more\n", 5) == 5);
    CHECK("append-at-end", lseek(fd, 0, SEEK_CUR) == 17 && size_of(at("f")) == 17);
    close(fd);

    fd = open(at("f"), O_WRONLY | O_TRUNC);
    CHECK("open-trunc", fd >= 0 && size_of(at("f")) == 0);
    close(fd);

    fd = open(at("f"), O_WRONLY | O_CREAT, 0644);   /* no O_TRUNC: keeps the file */
    CHECK("open-creat-existing", fd >= 0 && write(fd, "abc", 3) == 3);
    close(fd);
    CHECK("open-creat-existing-size", size_of(at("f")) == 3);

    CHECK("open-enoent", FAILS_WITH(open(at("missing"), O_RDONLY), ENOENT));
    CHECK("open-enoent-dir", FAILS_WITH(open(at("missing/f"), O_RDWR | O_CREAT, 0644), ENOENT));
    CHECK("open-enotdir", FAILS_WITH(open(at("f/x"), O_RDONLY), ENOTDIR));
    CHECK("open-dir-wronly-eisdir", FAILS_WITH(open(dir, O_WRONLY), EISDIR));
    CHECK("open-directory-enotdir", FAILS_WITH(open(at("f"), O_RDONLY | O_DIRECTORY), ENOTDIR));
}

static void openat_dirfd(void)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK("open-directory", dfd >= 0);
    int fd = openat(dfd, "g", O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK("openat-creat", fd >= 0 && write(fd, "G", 1) == 1);
    close(fd);
    CHECK("openat-created-where", size_of(at("g")) == 1);
    fd = openat(AT_FDCWD, at("g"), O_RDONLY);
    CHECK("openat-fdcwd-abs", fd >= 0);
    close(fd);
    fd = openat(12345, at("g"), O_RDONLY);   /* an absolute path ignores dirfd */
    CHECK("openat-abs-ignores-dirfd", fd >= 0);
    close(fd);
    fd = open(at("g"), O_RDONLY);
    CHECK("openat-file-dirfd-enotdir", FAILS_WITH(openat(fd, "x", O_RDONLY), ENOTDIR));
    close(fd);
    CHECK("openat-bad-dirfd-ebadf", FAILS_WITH(openat(12345, "g", O_RDONLY), EBADF));
    CHECK("openat-enoent", FAILS_WITH(openat(dfd, "missing", O_RDONLY), ENOENT));
    close(dfd);
}

static void vectors_and_offsets(void)
{
    char a[4], b[16], buf[32];
    int fd = open(at("v"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    struct iovec out[3] = {
        { "one,", 4 }, { "", 0 }, { "two,three", 9 },
    };
    CHECK("writev", writev(fd, out, 3) == 13);
    struct iovec in[2] = { { a, sizeof a }, { b, sizeof b } };
    CHECK("lseek-set", lseek(fd, 0, SEEK_SET) == 0);
    CHECK("readv", readv(fd, in, 2) == 13 && !memcmp(a, "one,", 4) && !memcmp(b, "two,three", 9));

    CHECK("lseek-cur", lseek(fd, -5, SEEK_CUR) == 8);
    CHECK("read-after-lseek-cur", read(fd, buf, 5) == 5 && !memcmp(buf, "three", 5));
    CHECK("lseek-end", lseek(fd, -9, SEEK_END) == 4);
    CHECK("lseek-negative-einval", FAILS_WITH(lseek(fd, -1, SEEK_SET), EINVAL));
    CHECK("lseek-end-negative-einval", FAILS_WITH(lseek(fd, -100, SEEK_END), EINVAL));
    CHECK("lseek-bad-whence-einval", FAILS_WITH(lseek(fd, 0, 42), EINVAL));
    CHECK("lseek-offset-kept", lseek(fd, 0, SEEK_CUR) == 4);

    CHECK("pwrite", pwrite(fd, "TWO", 3, 4) == 3);
    CHECK("pread", pread(fd, buf, 9, 4) == 9 && !memcmp(buf, "TWO,three", 9));
    CHECK("pread-pwrite-keep-offset", lseek(fd, 0, SEEK_CUR) == 4);
    CHECK("pread-past-eof", pread(fd, buf, 8, 1000) == 0);
    CHECK("pread-negative-einval", FAILS_WITH(pread(fd, buf, 1, -1), EINVAL));

    /* Writing beyond the end leaves a hole that reads as zeros. */
    static char hole[100000];
    CHECK("lseek-beyond-end", lseek(fd, 100000, SEEK_SET) == 100000);
    CHECK("write-beyond-end", write(fd, "X", 1) == 1 && size_of(at("v")) == 100001);
    memset(hole, 1, sizeof hole);
    CHECK("hole-reads-zero", pread(fd, hole, sizeof hole - 13, 13) == sizeof hole - 13 &&
                             all_zero(hole, sizeof hole - 13));
    CHECK("hole-end", pread(fd, buf, 4, 99999) == 2 && buf[0] == 0 && buf[1] == 'X');
    close(fd);
}

/* A write and a read large enough that every layer has to split them. */
static void large_io(void)
{
    enum { N = 3 << 20 };
    char *w = malloc(N), *r = malloc(N);
    for (size_t i = 0; i < N; i++)
        w[i] = (char)(i * 7 + i / 4096);
    int fd = open(at("large"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("large-write", write(fd, w, N) == N);
    size_t got = 0;
    ssize_t n = 1;
    lseek(fd, 0, SEEK_SET);
    while (got < N && (n = read(fd, r + got, N - got)) > 0)
        got += (size_t)n;
    CHECK("large-read", got == N && !memcmp(w, r, N));
    close(fd);
    free(w);
    free(r);
}

static void truncation_and_sync(void)
{
    char buf[8192];
    int fd = open(at("t"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("trunc-setup", write(fd, "0123456789", 10) == 10);
    CHECK("ftruncate-shrink", ftruncate(fd, 5) == 0 && size_of(at("t")) == 5);
    CHECK("ftruncate-grow", ftruncate(fd, 8192) == 0 && size_of(at("t")) == 8192);
    CHECK("ftruncate-grow-zeros", pread(fd, buf, sizeof buf, 0) == 8192 &&
                                  !memcmp(buf, "01234", 5) && all_zero(buf + 5, 8187));
    CHECK("ftruncate-keeps-offset", lseek(fd, 0, SEEK_CUR) == 10);
    CHECK("ftruncate-negative-einval", FAILS_WITH(ftruncate(fd, -1), EINVAL));
    CHECK("fsync", fsync(fd) == 0);
    CHECK("fdatasync", fdatasync(fd) == 0);
    close(fd);
    CHECK("truncate", truncate(at("t"), 3) == 0 && size_of(at("t")) == 3);
    CHECK("truncate-enoent", FAILS_WITH(truncate(at("missing"), 0), ENOENT));
    CHECK("truncate-dir-eisdir", FAILS_WITH(truncate(dir, 0), EISDIR));
    fd = open(at("t"), O_RDONLY);
    CHECK("ftruncate-rdonly-einval", FAILS_WITH(ftruncate(fd, 0), EINVAL));
    close(fd);
}

/* SEEK_DATA and SEEK_HOLE find a file's real hole (where its file system
 * keeps holes: one without says "data up to the end"), and move the offset. */
static void data_and_holes(void)
{
    const off_t far = 1 << 20;
    int fd = open(at("h"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("holes-setup", pwrite(fd, "a", 1, 0) == 1 && pwrite(fd, "b", 1, far) == 1);
    off_t hole = lseek(fd, 0, SEEK_HOLE);
    CHECK("seek-hole-moves-offset", hole > 0 && lseek(fd, 0, SEEK_CUR) == hole);
    CHECK("seek-hole-found-or-none", hole == far + 1 || (hole < far && lseek(fd, hole, SEEK_DATA) == far));
    CHECK("seek-data-at-data", lseek(fd, far, SEEK_DATA) == far);
    CHECK("seek-data-at-end-enxio", FAILS_WITH(lseek(fd, far + 1, SEEK_DATA), ENXIO));
    CHECK("seek-hole-at-end-enxio", FAILS_WITH(lseek(fd, far + 1, SEEK_HOLE), ENXIO));
    CHECK("seek-bad-whence-einval", FAILS_WITH(lseek(fd, 0, 99), EINVAL));
    close(fd);
}

static void bad_descriptors(void)
{
    char buf[4];
    int fd = open(at("f"), O_RDONLY);
    CHECK("close-once", close(fd) == 0);
    CHECK("close-twice-ebadf", FAILS_WITH(close(fd), EBADF));
    CHECK("close-negative-ebadf", FAILS_WITH(close(-1), EBADF));
    CHECK("close-huge-ebadf", FAILS_WITH(close(1 << 20), EBADF));
    CHECK("read-bad-fd-ebadf", FAILS_WITH(read(999, buf, 1), EBADF));
    CHECK("fsync-bad-fd-ebadf", FAILS_WITH(fsync(999), EBADF));
    /* Raw calls: the kernel, not libc, must reject the bad pointer. */
    fd = open(at("f"), O_RDWR);
    CHECK("read-efault", FAILS_WITH(syscall(SYS_read, fd, (void *)8, 3), EFAULT));
    CHECK("write-efault", FAILS_WITH(syscall(SYS_write, fd, (void *)8, 3), EFAULT));
    CHECK("open-efault", FAILS_WITH(syscall(SYS_open, (void *)8, O_RDONLY), EFAULT));
    close(fd);
}

static void run_in(const char *var, const char *prefix)
{
    check_prefix = prefix;
    scratch_dir(dir, var, "t_fileio.d");
    open_flags();
    openat_dirfd();
    vectors_and_offsets();
    large_io();
    truncation_and_sync();
    data_and_holes();
    bad_descriptors();
    remove_tree(dir);
}

static void read_fixture(void)
{
    static unsigned char big[100001];
    char path[PATH_MAX];
    check_prefix = "ro.";
    int fd = open(path_join(path, env_dir("T_RO"), "big.bin"), O_RDONLY);
    size_t got = 0;
    ssize_t n = 1;
    while (got < sizeof big && (n = read(fd, big + got, 7777)) > 0)
        got += (size_t)n;
    int pattern = got == 100000;
    for (size_t i = 0; pattern && i < got; i++)
        pattern = big[i] == i % 251;
    CHECK("read-big-pattern", pattern);
    close(fd);
    fd = open(path_join(path, env_dir("T_RO"), "hello.txt"), O_RDONLY);
    char buf[32] = "";
    CHECK("read-hello", read(fd, buf, sizeof buf) == 14 && !strcmp(buf, "hello, picovm\n"));
    close(fd);
}

int main(void)
{
    run_in("T_RW", "rw.");
    run_in("T_TMPFS", "tmpfs.");
    read_fixture();
    return check_exit_status();
}
