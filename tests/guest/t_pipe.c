// Pipes in one process: pipe and pipe2 flags, data through, end of file,
// non-blocking reads and writes on an empty and a full pipe (64 KiB, the
// default capacity), PIPE_BUF atomicity, EPIPE with SIGPIPE ignored,
// FIONREAD, fstat, lseek, dup and packet mode (O_DIRECT).
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"

#define CAPACITY 65536

static char buf[CAPACITY + 4096];

static int cloexec(int fd)
{
    return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
}

static void close2(int p[2])
{
    close(p[0]);
    close(p[1]);
}

static void creation(void)
{
    int p[2];
    CHECK("pipe", pipe(p) == 0 && p[0] >= 0 && p[1] == p[0] + 1);
    CHECK("pipe-read-end-flags", fcntl(p[0], F_GETFL) == O_RDONLY);
    CHECK("pipe-write-end-flags", fcntl(p[1], F_GETFL) == O_WRONLY);
    CHECK("pipe-no-cloexec", !cloexec(p[0]) && !cloexec(p[1]));
    close2(p);
    CHECK("pipe2-cloexec", pipe2(p, O_CLOEXEC) == 0 && cloexec(p[0]) && cloexec(p[1]));
    close2(p);
    CHECK("pipe2-nonblock", pipe2(p, O_NONBLOCK) == 0 && fcntl(p[0], F_GETFL) == (O_RDONLY | O_NONBLOCK) &&
                                fcntl(p[1], F_GETFL) == (O_WRONLY | O_NONBLOCK));
    close2(p);
    CHECK("pipe2-direct", pipe2(p, O_DIRECT) == 0 && fcntl(p[1], F_GETFL) == (O_WRONLY | O_DIRECT));
    close2(p);
    CHECK("pipe2-bad-flags-einval", FAILS_WITH(pipe2(p, O_APPEND), EINVAL));
    CHECK("pipe2-rdwr-einval", FAILS_WITH(pipe2(p, O_RDWR), EINVAL));
    CHECK("pipe-bad-pointer-efault", FAILS_WITH(syscall(SYS_pipe, (int *)8), EFAULT));
    CHECK("pipe2-bad-pointer-efault", FAILS_WITH(syscall(SYS_pipe2, (int *)8, 0), EFAULT));
}

static void data(void)
{
    int p[2];
    if (pipe(p)) {
        CHECK("pipe", 0);
        return;
    }
    CHECK("write", write(p[1], "hello", 5) == 5);
    CHECK("read-partial", read(p[0], buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0);
    CHECK("write-zero", write(p[1], buf, 0) == 0);
    CHECK("read-zero", read(p[0], buf, 0) == 0);
    CHECK("read-write-end-ebadf", FAILS_WITH(read(p[1], buf, 1), EBADF));
    CHECK("write-read-end-ebadf", FAILS_WITH(write(p[0], "x", 1), EBADF));
    struct iovec iov[2] = { { "ab", 2 }, { "cde", 3 } };
    CHECK("writev", writev(p[1], iov, 2) == 5);
    char a[2], b[10];
    struct iovec riov[2] = { { a, 2 }, { b, sizeof b } };
    CHECK("readv", readv(p[0], riov, 2) == 5 && memcmp(a, "ab", 2) == 0 && memcmp(b, "cde", 3) == 0);
    int n = -1;
    CHECK("fionread-empty", ioctl(p[0], FIONREAD, &n) == 0 && n == 0);
    write(p[1], "12345678", 8);
    CHECK("fionread", ioctl(p[0], FIONREAD, &n) == 0 && n == 8);
    CHECK("fionread-write-end", ioctl(p[1], FIONREAD, &n) == 0 && n == 8);
    CHECK("tcgets-enotty", FAILS_WITH(ioctl(p[0], TCGETS, buf), ENOTTY));
    struct stat s0, s1;
    CHECK("fstat-fifo", fstat(p[0], &s0) == 0 && S_ISFIFO(s0.st_mode) && s0.st_size == 0);
    CHECK("fstat-same-pipe", fstat(p[1], &s1) == 0 && S_ISFIFO(s1.st_mode) && s1.st_ino == s0.st_ino);
    CHECK("lseek-espipe", FAILS_WITH(lseek(p[0], 0, SEEK_CUR), ESPIPE));
    CHECK("lseek-write-end-espipe", FAILS_WITH(lseek(p[1], 0, SEEK_SET), ESPIPE));
    CHECK("pread-espipe", FAILS_WITH(pread(p[0], buf, 1, 0), ESPIPE));
    CHECK("pwrite-espipe", FAILS_WITH(pwrite(p[1], buf, 1, 0), ESPIPE));
    char link[64], want[64];
    snprintf(want, sizeof want, "pipe:[%lu]", (unsigned long)s0.st_ino);
    snprintf(buf, sizeof buf, "/proc/self/fd/%d", p[0]);
    ssize_t len = readlink(buf, link, sizeof link - 1);
    CHECK("proc-fd-link", len > 0 && (link[len] = 0, strcmp(link, want) == 0));
    /* The bytes written before the last writer closed are read, then end of file. */
    int w2 = dup(p[1]);
    CHECK("dup-write-end", w2 >= 0 && close(p[1]) == 0 && write(w2, "xy", 2) == 2);
    CHECK("read-through-dup", read(p[0], buf, sizeof buf) == 10 && memcmp(buf, "12345678xy", 10) == 0);
    write(w2, "z", 1);
    CHECK("close-last-writer", close(w2) == 0);
    CHECK("read-rest-after-close", read(p[0], buf, sizeof buf) == 1 && buf[0] == 'z');
    CHECK("eof", read(p[0], buf, sizeof buf) == 0);
    CHECK("eof-again", read(p[0], buf, sizeof buf) == 0);
    close(p[0]);
}

/* Fills the pipe in PIPE_BUF pieces: -> bytes written. */
static long fill(int fd)
{
    long total = 0;
    ssize_t n;
    memset(buf, 'f', PIPE_BUF);
    while ((n = write(fd, buf, PIPE_BUF)) > 0)
        total += n;
    return n < 0 && errno == EAGAIN ? total : -1;
}

static void nonblocking(void)
{
    int p[2];
    if (pipe2(p, O_NONBLOCK)) {
        CHECK("pipe2", 0);
        return;
    }
    CHECK("read-empty-eagain", FAILS_WITH(read(p[0], buf, 1), EAGAIN));
    CHECK("fill-64k", fill(p[1]) == CAPACITY);
    CHECK("write-full-eagain", FAILS_WITH(write(p[1], "x", 1), EAGAIN));
    CHECK("fionread-full", ioctl(p[0], FIONREAD, &(int){ 0 }) == 0);
    /* One byte short of a free page: a write of PIPE_BUF bytes goes in whole or not at all. */
    CHECK("read-almost-a-page", read(p[0], buf, PIPE_BUF - 1) == PIPE_BUF - 1);
    CHECK("pipe-buf-write-atomic-eagain", FAILS_WITH(write(p[1], buf, PIPE_BUF), EAGAIN));
    CHECK("read-one-more", read(p[0], buf, 1) == 1);
    CHECK("pipe-buf-write-fits", write(p[1], buf, PIPE_BUF) == PIPE_BUF);
    CHECK("full-again-eagain", FAILS_WITH(write(p[1], buf, 1), EAGAIN));
    /* A big write takes what room there is. */
    CHECK("read-a-page", read(p[0], buf, PIPE_BUF) == PIPE_BUF);
    CHECK("big-write-partial", write(p[1], buf, 3 * PIPE_BUF) == PIPE_BUF);
    long got = 0;
    ssize_t n;
    while ((n = read(p[0], buf, sizeof buf)) > 0)
        got += n;
    CHECK("drain", got == CAPACITY && n == -1 && errno == EAGAIN);
    /* O_NONBLOCK belongs to the open file: F_SETFL turns it off and on. */
    CHECK("setfl-blocking", fcntl(p[0], F_SETFL, 0) == 0 && fcntl(p[0], F_GETFL) == O_RDONLY);
    write(p[1], "q", 1);
    CHECK("blocking-read-with-data", read(p[0], buf, 10) == 1);
    CHECK("setfl-nonblock", fcntl(p[0], F_SETFL, O_NONBLOCK) == 0 && FAILS_WITH(read(p[0], buf, 1), EAGAIN));
    int on = 0;
    CHECK("fionbio-off", ioctl(p[1], FIONBIO, &on) == 0 && fcntl(p[1], F_GETFL) == O_WRONLY);
    close2(p);
}

static void broken(void)
{
    int p[2];
    if (pipe(p)) {
        CHECK("pipe", 0);
        return;
    }
    signal(SIGPIPE, SIG_IGN);
    close(p[0]);
    CHECK("write-no-reader-epipe", FAILS_WITH(write(p[1], "x", 1), EPIPE));
    CHECK("write-zero-no-reader", write(p[1], "x", 0) == 0);
    close(p[1]);
    /* Data left behind when the reader goes is lost; the writer sees EPIPE. */
    if (pipe2(p, O_NONBLOCK) == 0) {
        write(p[1], "abc", 3);
        close(p[0]);
        CHECK("epipe-with-data", FAILS_WITH(write(p[1], "x", 1), EPIPE));
        close(p[1]);
    }
    signal(SIGPIPE, SIG_DFL);
}

static void packets(void)
{
    int p[2];
    if (pipe2(p, O_DIRECT)) {
        CHECK("pipe2-direct", 0);
        return;
    }
    write(p[1], "ab", 2);
    write(p[1], "cde", 3);
    CHECK("packet-1", read(p[0], buf, sizeof buf) == 2 && memcmp(buf, "ab", 2) == 0);
    CHECK("packet-2", read(p[0], buf, sizeof buf) == 3 && memcmp(buf, "cde", 3) == 0);
    close2(p);
}

int main(void)
{
    creation();
    data();
    nonblocking();
    broken();
    packets();
    return check_exit_status();
}
