// ARGS: main
/* tmpfs is one file system for every process of the application, as on
 * Linux: a program exec'd by a child reads what its parent wrote in /tmp, a
 * child finds a file made after it was forked, a parent sees its child's
 * rename, flock excludes across processes, an inherited offset is shared,
 * and an object of shm_open is found by an exec'd program.  /dev/shm says it
 * is a tmpfs: statfs, /proc/mounts and Linux's mode 1777. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define TMPFS_MAGIC 0x01021994
#define FROM_PARENT "written by the parent\n"

extern char **environ;

static int wait_child(pid_t p)
{
    int st = 0;
    waitpid(p, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}

static int has(const char *path, const char *want)
{
    char buf[256] = "";
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
        close(fd);
    return n == (ssize_t)strlen(want) && !memcmp(buf, want, (size_t)n);
}

static int put(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
    if (fd >= 0)
        close(fd);
    return ok;
}

/* Runs this program again as "ROLE ARG" in a child: its exit status. */
static int run_again(const char *self, const char *role, const char *arg)
{
    pid_t p = fork();
    if (p == 0) {
        char *args[] = { (char *)self, (char *)role, (char *)arg, NULL };
        execve(self, args, environ);
        _exit(98);
    }
    return wait_child(p);
}

static int read_shm(const char *name)
{
    int fd = shm_open(name, O_RDONLY, 0);
    if (fd < 0)
        return 1;
    const char *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    return p != MAP_FAILED && !strcmp(p, FROM_PARENT) ? 0 : 2;
}

static void between_processes(const char *self)
{
    char f[64], late[64], renamed[64], lock[64];
    snprintf(f, sizeof f, "/tmp/t_tmpfs-%d", getpid());
    snprintf(late, sizeof late, "/tmp/t_tmpfs-late-%d", getpid());
    snprintf(renamed, sizeof renamed, "/tmp/t_tmpfs-renamed-%d", getpid());
    snprintf(lock, sizeof lock, "/dev/shm/t_tmpfs-lock-%d", getpid());

    CHECK("write-tmp", put(f, FROM_PARENT));
    CHECK("exec-reads-tmp", run_again(self, "read-file", f) == 0);

    int go[2];
    CHECK("pipe", pipe(go) == 0);
    pid_t p = fork();
    if (p == 0) {
        char c;
        _exit(read(go[0], &c, 1) == 1 && has(late, "made after the fork\n") ? 0 : 1);
    }
    CHECK("write-after-fork", put(late, "made after the fork\n"));
    CHECK("go", write(go[1], "x", 1) == 1);
    CHECK("child-sees-file-made-after-fork", wait_child(p) == 0);
    close(go[0]);
    close(go[1]);

    p = fork();
    if (p == 0)
        _exit(put(late, "the child's\n") && rename(late, renamed) == 0 ? 0 : 1);
    CHECK("child-renames", wait_child(p) == 0);
    CHECK("parent-sees-rename", has(renamed, "the child's\n") && access(late, F_OK) == -1);

    int fd = open(lock, O_RDWR | O_CREAT, 0600);
    CHECK("flock", fd >= 0 && flock(fd, LOCK_EX) == 0);
    p = fork();
    if (p == 0) {
        int mine = open(lock, O_RDWR);
        _exit(mine >= 0 && FAILS_WITH(flock(mine, LOCK_EX | LOCK_NB), EWOULDBLOCK) ? 0 : 1);
    }
    CHECK("flock-excludes-other-process", wait_child(p) == 0);
    close(fd);

    fd = open(f, O_RDONLY);
    p = fork();
    if (p == 0) {
        char c;
        _exit(read(fd, &c, 1) == 1 ? 0 : 1);
    }
    CHECK("offset-shared-over-fork", wait_child(p) == 0 && lseek(fd, 0, SEEK_CUR) == 1);
    close(fd);

    CHECK("cleanup", unlink(f) == 0 && unlink(renamed) == 0 && unlink(lock) == 0);
}

static void shm_between_programs(const char *self)
{
    char name[64];
    snprintf(name, sizeof name, "/t_tmpfs-%d", getpid());
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    CHECK("shm-open", fd >= 0 && ftruncate(fd, 4096) == 0);
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK("shm-map", p != MAP_FAILED);
    if (p != MAP_FAILED)
        strcpy(p, FROM_PARENT);
    CHECK("shm-found-by-exec", run_again(self, "read-shm", name) == 0);
    CHECK("shm-unlink", shm_unlink(name) == 0);
    close(fd);
}

static void looks_like_tmpfs(void)
{
    struct statfs sf;
    CHECK("statfs-type", statfs("/dev/shm", &sf) == 0 && sf.f_type == TMPFS_MAGIC);
    struct stat st, tmp;
    CHECK("mode-1777", stat("/dev/shm", &st) == 0 && (st.st_mode & 07777) == 01777);
    CHECK("own-device", stat("/tmp", &tmp) == 0 && tmp.st_dev != st.st_dev);
    char buf[8192] = "";
    int fd = open("/proc/mounts", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    CHECK("proc-mounts", n > 0 && strstr(buf, " /dev/shm tmpfs rw,"));
    if (fd >= 0)
        close(fd);
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "read-file"))
        return has(argv[2], FROM_PARENT) ? 0 : 1;
    if (argc == 3 && !strcmp(argv[1], "read-shm"))
        return read_shm(argv[2]);
    setvbuf(stdout, NULL, _IONBF, 0);
    between_processes(argv[0]);
    shm_between_programs(argv[0]);
    looks_like_tmpfs();
    return check_failures != 0;
}
