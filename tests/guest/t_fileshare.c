/* Open file descriptions inherited over fork share their offset, as on
 * Linux (LTP fork07, fork08): on a host file a child's reads and writes move
 * the parent's position.  A tmpfs file's offset is shared the same way
 * (t_tmpfs_shared). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static int wait_child(pid_t p)
{
    int st = 0;
    waitpid(p, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/shared", getenv("T_RW"));
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("write", write(fd, "abcdefghij", 10) == 10);
    CHECK("rewind", lseek(fd, 0, SEEK_SET) == 0);
    pid_t p = fork();
    if (p == 0) {
        char c;
        _exit(read(fd, &c, 1) == 1 && c == 'a' ? 0 : 1);
    }
    CHECK("child-read", wait_child(p) == 0);
    CHECK("parent-sees-child-offset", lseek(fd, 0, SEEK_CUR) == 1);
    char c = 0;
    CHECK("parent-reads-next", read(fd, &c, 1) == 1 && c == 'b');
    /* Three children read in turn: each gets the next byte (fork07). */
    for (int i = 0; i < 3; i++) {
        p = fork();
        if (p == 0)
            _exit(read(fd, &c, 1) == 1 ? c : 1);
        CHECK("children-read-in-turn", wait_child(p) == 'c' + i);
    }
    p = fork();
    if (p == 0)
        _exit(lseek(fd, 2, SEEK_SET) == 2 ? 0 : 1);
    CHECK("child-seek", wait_child(p) == 0 && lseek(fd, 0, SEEK_CUR) == 2);
    p = fork();
    if (p == 0)
        _exit(write(fd, "XY", 2) == 2 ? 0 : 1);
    CHECK("child-write", wait_child(p) == 0 && lseek(fd, 0, SEEK_CUR) == 4);
    char buf[16] = "";
    CHECK("content", pread(fd, buf, 10, 0) == 10 && !memcmp(buf, "abXYefghij", 10));
    CHECK("pread-keeps-offset", lseek(fd, 0, SEEK_CUR) == 4);
    close(fd);

    /* O_APPEND writes of parent and child land after each other. */
    fd = open(path, O_WRONLY | O_APPEND);
    p = fork();
    if (p == 0)
        _exit(write(fd, "12", 2) == 2 ? 0 : 1);
    CHECK("append-child", wait_child(p) == 0);
    CHECK("append-parent", write(fd, "34", 2) == 2 && lseek(fd, 0, SEEK_CUR) == 14);
    close(fd);
    fd = open(path, O_RDONLY);
    CHECK("appended", read(fd, buf, 16) == 14 && !memcmp(buf, "abXYefghij1234", 14));
    close(fd);

    /* A directory stream's position too. */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/d", getenv("T_RW"));
    mkdir(dir, 0755);
    fd = open(dir, O_RDONLY | O_DIRECTORY);
    DIR *d = fdopendir(fd);
    long start = telldir(d);
    int n = 0;
    while (readdir(d))
        n++;
    CHECK("dir-entries", n == 2);
    rewinddir(d);
    CHECK("rewinddir", telldir(d) == start && readdir(d) != NULL);
    closedir(d);
    return check_exit_status();
}
