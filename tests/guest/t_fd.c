// The descriptor table: dup/dup2/dup3, fcntl, shared file offsets and flags,
// and ioctls on things that are not terminals.  The harness gives /dev/null
// or a pipe as stdin, never a terminal.
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"

static int cloexec(int fd)
{
    return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
}

static void dups(const char *hello)
{
    int a = open(hello, O_RDONLY), b = open(hello, O_RDONLY), c = open(hello, O_RDONLY);
    CHECK("open-three", a >= 0 && b > a && c > b);
    /* b was the lowest free descriptor when it was opened: it is again once closed. */
    CHECK("dup-lowest-free", close(b) == 0 && dup(a) == b);
    CHECK("dup-no-cloexec", !cloexec(b));
    CHECK("dup-bad-fd-ebadf", FAILS_WITH(dup(999), EBADF));
    CHECK("dup2-same-fd", dup2(a, a) == a);
    CHECK("dup2-same-bad-fd-ebadf", FAILS_WITH(dup2(999, 999), EBADF));
    CHECK("dup2-bad-fd-ebadf", FAILS_WITH(dup2(999, 50), EBADF));
    close(60);
    CHECK("dup2-free-target", dup2(a, 60) == 60 && !cloexec(60));
    CHECK("dup2-replaces-open-target", dup2(c, 60) == 60 && close(60) == 0);
    CHECK("dup2-target-too-big-ebadf", FAILS_WITH(dup2(a, 1 << 20), EBADF));
    /* Raw dup3: musl's dup3() without O_CLOEXEC is dup2() and checks old == new itself. */
    CHECK("dup3-cloexec", syscall(SYS_dup3, a, 61, O_CLOEXEC) == 61 && cloexec(61));
    CHECK("dup3-plain", syscall(SYS_dup3, a, 62, 0) == 62 && !cloexec(62));
    CHECK("dup3-same-fd-einval", FAILS_WITH(syscall(SYS_dup3, a, a, 0), EINVAL));
    CHECK("dup3-bad-flags-einval", FAILS_WITH(syscall(SYS_dup3, a, 63, O_APPEND), EINVAL));
    int e = dup(61);
    CHECK("dup-of-cloexec-is-not", e >= 0 && !cloexec(e));
    close(e);
    close(61);
    close(62);

    CHECK("f-setfd-getfd", fcntl(c, F_SETFD, FD_CLOEXEC) == 0 && cloexec(c));
    CHECK("cloexec-per-descriptor", dup2(c, 64) == 64 && !cloexec(64));
    CHECK("f-setfd-clear", fcntl(c, F_SETFD, 0) == 0 && !cloexec(c));
    close(64);

    for (int fd = 100; fd <= 103; fd++)
        close(fd);
    CHECK("dup2-to-100", dup2(a, 100) == 100);
    CHECK("f-dupfd-min", fcntl(a, F_DUPFD, 100) == 101 && !cloexec(101));
    CHECK("f-dupfd-cloexec-min", fcntl(a, F_DUPFD_CLOEXEC, 100) == 102 && cloexec(102));
    CHECK("f-dupfd-fills-hole", close(101) == 0 && fcntl(a, F_DUPFD, 100) == 101);
    CHECK("f-dupfd-negative-einval", FAILS_WITH(fcntl(a, F_DUPFD, -1), EINVAL));
    struct rlimit rl;
    CHECK("f-dupfd-over-limit-einval", getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
                                       FAILS_WITH(fcntl(a, F_DUPFD, (int)rl.rlim_cur), EINVAL));
    for (int fd = 100; fd <= 102; fd++)
        close(fd);
    CHECK("fcntl-bad-fd-ebadf", FAILS_WITH(fcntl(999, F_GETFD), EBADF));
    CHECK("fcntl-bad-cmd-einval", FAILS_WITH(fcntl(a, 9999), EINVAL));
    close(a);
    close(b);
    close(c);
}

static void shared_offsets(const char *hello)
{
    char buf[16] = "";
    int a = open(hello, O_RDONLY);
    int b = dup(a);
    CHECK("shared-offset-read", read(a, buf, 5) == 5 && lseek(b, 0, SEEK_CUR) == 5);
    CHECK("shared-offset-other-way", read(b, buf, 2) == 2 && !memcmp(buf, ", ", 2) && lseek(a, 0, SEEK_CUR) == 7);
    CHECK("shared-offset-lseek", lseek(b, 0, SEEK_SET) == 0 && read(a, buf, 5) == 5 && !memcmp(buf, "hello", 5));
    int c = open(hello, O_RDONLY);
    CHECK("separate-open-own-offset", lseek(c, 0, SEEK_CUR) == 0);
    CHECK("close-one-keeps-other", close(a) == 0 && read(b, buf, 9) == 9 && !memcmp(buf, ", picovm\n", 9));
    close(b);
    close(c);
}

static void file_flags(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    int fl = fcntl(fd, F_GETFL);
    CHECK("getfl-accmode", fl >= 0 && (fl & O_ACCMODE) == O_WRONLY);
    CHECK("getfl-append", (fl & O_APPEND) != 0);
    CHECK("getfl-no-creat", (fl & O_CREAT) == 0);
    CHECK("setfl-nonblock", fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK));
    int d = dup(fd);
    CHECK("flags-shared-by-dup", (fcntl(d, F_GETFL) & (O_NONBLOCK | O_APPEND)) == (O_NONBLOCK | O_APPEND));
    CHECK("setfl-clear-append", fcntl(d, F_SETFL, O_NONBLOCK) == 0 && !(fcntl(fd, F_GETFL) & O_APPEND));
    CHECK("setfl-keeps-accmode", fcntl(fd, F_SETFL, O_RDWR) == 0 && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY);
    CHECK("no-append-writes-at-offset", write(fd, "abc", 3) == 3 && lseek(fd, 0, SEEK_SET) == 0 &&
                                        write(fd, "X", 1) == 1 && lseek(fd, 0, SEEK_END) == 3);
    CHECK("setfl-append-again", fcntl(fd, F_SETFL, O_APPEND) == 0 && lseek(fd, 0, SEEK_SET) == 0 &&
                                write(fd, "Y", 1) == 1 && lseek(fd, 0, SEEK_CUR) == 4);
    close(d);
    close(fd);
    fd = open(path, O_RDONLY);
    char buf[8] = "";
    CHECK("append-content", read(fd, buf, sizeof buf) == 4 && !strcmp(buf, "XbcY"));
    close(fd);
    fd = open(path, O_RDWR | O_CLOEXEC);
    CHECK("open-cloexec", cloexec(fd) && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    close(fd);
}

static void not_ttys(const char *hello)
{
    struct termios t;
    struct winsize ws;
    int fd = open(hello, O_RDONLY);
    CHECK("tcgets-file-enotty", FAILS_WITH(ioctl(fd, TCGETS, &t), ENOTTY));
    CHECK("tiocgwinsz-file-enotty", FAILS_WITH(ioctl(fd, TIOCGWINSZ, &ws), ENOTTY));
    CHECK("isatty-file", !isatty(fd) && errno == ENOTTY);
    CHECK("ioctl-bad-fd-ebadf", FAILS_WITH(ioctl(999, TCGETS, &t), EBADF));
    close(fd);
    CHECK("tiocgwinsz-stdin-enotty", FAILS_WITH(ioctl(0, TIOCGWINSZ, &ws), ENOTTY));
    CHECK("isatty-stdin", !isatty(0));
}

int main(void)
{
    char hello[PATH_MAX], dir[PATH_MAX], path[PATH_MAX];
    path_join(hello, env_dir("T_RO"), "hello.txt");
    scratch_dir(dir, "T_RW", "t_fd.d");
    dups(hello);
    shared_offsets(hello);
    file_flags(path_join(path, dir, "f"));
    not_ttys(hello);
    remove_tree(dir);
    return check_exit_status();
}
