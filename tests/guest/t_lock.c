/* fcntl record locks between processes on a writable host file: a child
 * sees the parent's write lock in F_GETLK and cannot take a conflicting one;
 * after the parent unlocks, it can.  F_GETLK on a free region changes only
 * l_type.  Closing any descriptor of the file (a dup, another open) drops
 * the process's locks on it, as on Linux. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static int try_lock(int fd, short type)
{
    struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
    return fcntl(fd, F_SETLK, &fl);
}

/* Can a child take a write lock on the first ten bytes of path? */
static int child_can_lock(const char *path)
{
    pid_t p = fork();
    if (p == 0) {
        int cfd = open(path, O_RDWR);
        _exit(try_lock(cfd, F_WRLCK) == 0 ? 0 : 1);
    }
    int st;
    waitpid(p, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void close_releases(const char *path, int fd)
{
    CHECK("relock", try_lock(fd, F_WRLCK) == 0);
    int dupfd = dup(fd);
    CHECK("held-across-dup", !child_can_lock(path));
    close(dupfd);
    CHECK("close-of-dup-releases", child_can_lock(path));
    CHECK("relock-again", try_lock(fd, F_WRLCK) == 0);
    int other = open(path, O_RDONLY);
    CHECK("held-after-second-open", !child_can_lock(path));
    close(other);
    CHECK("close-of-other-open-releases", child_can_lock(path));
}

static void getlk_free_region(int fd)
{
    struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_CUR, .l_start = 3, .l_len = 7, .l_pid = 4242 };
    CHECK("getlk-free", fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type == F_UNLCK);
    CHECK("getlk-free-leaves-the-rest",
          fl.l_whence == SEEK_CUR && fl.l_start == 3 && fl.l_len == 7 && fl.l_pid == 4242);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char path[4096];
    snprintf(path, sizeof(path), "%s/lockfile", getenv("T_RW"));
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("open", fd >= 0);
    CHECK("parent-write-lock", try_lock(fd, F_WRLCK) == 0);
    pid_t p = fork();
    if (p == 0) {
        int cfd = open(path, O_RDWR);
        struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1 };
        int seen = fcntl(cfd, F_GETLK, &fl) == 0 && fl.l_type == F_WRLCK && fl.l_start == 0 && fl.l_len == 10;
        int holder = fl.l_pid == getppid();
        int refused = try_lock(cfd, F_RDLCK) == -1 && (errno == EAGAIN || errno == EACCES);
        _exit((seen ? 0 : 1) | (refused ? 0 : 2) | (holder ? 0 : 4));
    }
    int st;
    waitpid(p, &st, 0);
    CHECK("child-sees-and-is-refused", WIFEXITED(st) && (WEXITSTATUS(st) & 3) == 0);
    CHECK("child-sees-the-holder-pid", WIFEXITED(st) && (WEXITSTATUS(st) & 4) == 0);
    CHECK("parent-unlock", try_lock(fd, F_UNLCK) == 0);
    p = fork();
    if (p == 0) {
        int cfd = open(path, O_RDWR);
        _exit(try_lock(cfd, F_WRLCK) == 0 ? 0 : 1);
    }
    waitpid(p, &st, 0);
    CHECK("child-locks-after-unlock", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    struct flock bad = { .l_type = F_WRLCK, .l_whence = 99 };
    CHECK("bad-whence-einval", fcntl(fd, F_SETLK, &bad) == -1 && errno == EINVAL);
    lseek(fd, 5, SEEK_SET);
    getlk_free_region(fd);
    close_releases(path, fd);
    unlink(path);
    return check_exit_status();
}
