/* flock(2): a host file's lock excludes a forked child's own open of it,
 * is shared with the child through the inherited descriptor, and goes with
 * the last close; two opens of a tmpfs file exclude each other in one
 * process; a pipe can be locked. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

/* Runs fn in a child; -> its exit code. */
static int in_child(int (*fn)(const char *), const char *path)
{
    pid_t p = fork();
    if (p == 0)
        _exit(fn(path));
    int st = 0;
    waitpid(p, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}

/* 0: a new open of path cannot be locked exclusively, nor shared; 1 otherwise. */
static int child_excluded(const char *path)
{
    int fd = open(path, O_RDONLY);
    int r = flock(fd, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK &&
            flock(fd, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK;
    return r ? 0 : 1;
}

static int child_shares(const char *path)
{
    int fd = open(path, O_RDONLY);
    return flock(fd, LOCK_SH | LOCK_NB) == 0 && flock(fd, LOCK_EX | LOCK_NB) == -1 ? 0 : 1;
}

static int child_free(const char *path)
{
    int fd = open(path, O_RDONLY);
    return flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : 1;
}

static void host_file(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/flockfile", getenv("T_RW"));
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("ex", flock(fd, LOCK_EX) == 0);
    CHECK("child-excluded", in_child(child_excluded, path) == 0);
    CHECK("to-shared", flock(fd, LOCK_SH) == 0);
    CHECK("child-shares", in_child(child_shares, path) == 0);
    CHECK("un", flock(fd, LOCK_UN) == 0);
    CHECK("child-free", in_child(child_free, path) == 0);
    /* Inherited: the child's descriptor is the same open file, its lock the same lock. */
    CHECK("ex-again", flock(fd, LOCK_EX) == 0);
    pid_t p = fork();
    if (p == 0)
        _exit(flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : 1);
    int st;
    waitpid(p, &st, 0);
    CHECK("inherited-same-lock", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    int fd2 = open(path, O_RDONLY);
    CHECK("own-second-open-excluded", FAILS_WITH(flock(fd2, LOCK_SH | LOCK_NB), EWOULDBLOCK));
    close(fd);
    CHECK("close-releases", flock(fd2, LOCK_EX | LOCK_NB) == 0);
    close(fd2);
    CHECK("bad-op", FAILS_WITH(flock(fd2 + 100, LOCK_EX), EBADF));
}

static void tmpfs_file(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/flockfile", getenv("T_TMPFS"));
    int a = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644), b = open(path, O_RDONLY);
    CHECK("tmpfs-sh", flock(a, LOCK_SH) == 0);
    CHECK("tmpfs-sh-both", flock(b, LOCK_SH | LOCK_NB) == 0);
    CHECK("tmpfs-ex-excluded", FAILS_WITH(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK));
    CHECK("tmpfs-un", flock(a, LOCK_UN) == 0);
    CHECK("tmpfs-upgrade", flock(b, LOCK_EX | LOCK_NB) == 0);
    CHECK("tmpfs-sh-excluded", FAILS_WITH(flock(a, LOCK_SH | LOCK_NB), EWOULDBLOCK));
    int c = dup(b);
    close(b);
    CHECK("tmpfs-dup-keeps", FAILS_WITH(flock(a, LOCK_SH | LOCK_NB), EWOULDBLOCK));
    close(c);
    CHECK("tmpfs-close-releases", flock(a, LOCK_EX | LOCK_NB) == 0);
    CHECK("einval", FAILS_WITH(flock(a, LOCK_NB), EINVAL));
    CHECK("einval-both", FAILS_WITH(flock(a, LOCK_SH | LOCK_EX), EINVAL));
    close(a);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    host_file();
    tmpfs_file();
    int p[2];
    CHECK("pipe", pipe(p) == 0);
    CHECK("pipe-ex", flock(p[0], LOCK_EX | LOCK_NB) == 0);
    CHECK("pipe-un", flock(p[0], LOCK_UN) == 0);
    return check_exit_status();
}
