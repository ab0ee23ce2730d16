/* O_TMPFILE on a writable host mount and on tmpfs (same checks on each): an
 * unnamed file no directory lists, named later by linkat through
 * /proc/self/fd (LTP's open14 and what glibc's tmpfile() does first), and
 * the flags Linux refuses. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"

static char dir[PATH_MAX];

static const char *at(const char *name)
{
    static char path[PATH_MAX];
    return path_join(path, dir, name);
}

static int entries(const char *d)
{
    int n = 0;
    DIR *dp = opendir(d);
    struct dirent *e;
    while (dp && (e = readdir(dp)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (dp)
        closedir(dp);
    return dp ? n : -1;
}

static int fd_link(int fd, char *path, size_t size)
{
    return snprintf(path, size, "/proc/self/fd/%d", fd);
}

static void unnamed(void)
{
    char self[64], target[PATH_MAX], want[PATH_MAX + 4], buf[8];
    int fd = open(dir, O_TMPFILE | O_RDWR, 0640);
    CHECK("open", fd >= 0);
    CHECK("write", write(fd, "hello", 5) == 5);
    struct stat st;
    CHECK("fstat-regular-size", fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 5 && st.st_nlink == 0);
    CHECK("no-name-in-dir", entries(dir) == 0);
    CHECK("getfl-has-tmpfile", (fcntl(fd, F_GETFL) & O_TMPFILE) == O_TMPFILE);
    fd_link(fd, self, sizeof self);
    ssize_t n = readlink(self, target, sizeof target - 1);
    target[n > 0 ? n : 0] = 0;
    snprintf(want, sizeof want, "%s/#", dir);
    CHECK("fd-link-deleted", !strncmp(target, want, strlen(want)) && n > 10 && !strcmp(target + n - 10, " (deleted)"));
    /* Shared with a child, as any open file. */
    pid_t pid = fork();
    if (pid == 0)
        _exit(write(fd, " world", 6) == 6 ? 0 : 1);
    int status;
    CHECK("child-writes", waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK("linkat-names-it", linkat(AT_FDCWD, self, AT_FDCWD, at("named"), AT_SYMLINK_FOLLOW) == 0);
    mode_t mask = umask(0);
    umask(mask);
    CHECK("named-mode", stat(at("named"), &st) == 0 && (st.st_mode & 07777) == (0640 & ~mask) && st.st_nlink == 1);
    int rd = open(at("named"), O_RDONLY);
    CHECK("named-content", rd >= 0 && read(rd, buf, sizeof buf) == 8 && !memcmp(buf, "hello wo", 8));
    close(rd);
    CHECK("linkat-exists-eexist",
          FAILS_WITH(linkat(AT_FDCWD, self, AT_FDCWD, at("named"), AT_SYMLINK_FOLLOW), EEXIST));
    CHECK("linkat-again-second-name", linkat(AT_FDCWD, self, AT_FDCWD, at("again"), AT_SYMLINK_FOLLOW) == 0 &&
                                          fstat(fd, &st) == 0 && st.st_nlink == 2);
    /* Without CAP_DAC_READ_SEARCH, AT_EMPTY_PATH is ENOENT. */
    long r = linkat(fd, "", AT_FDCWD, at("empty-path"), AT_EMPTY_PATH);
    CHECK("linkat-empty-path", geteuid() == 0 ? r == 0 : r == -1 && errno == ENOENT);
    close(fd);
    unlink(at("named"));
    unlink(at("again"));
    unlink(at("empty-path"));
}

static void exclusive(void)
{
    char self[64];
    int fd = open(dir, O_TMPFILE | O_WRONLY | O_EXCL, 0600);
    CHECK("excl-open", fd >= 0);
    fd_link(fd, self, sizeof self);
    CHECK("excl-never-named", FAILS_WITH(linkat(AT_FDCWD, self, AT_FDCWD, at("x"), AT_SYMLINK_FOLLOW), ENOENT));
    close(fd);
    CHECK("excl-dir-still-empty", entries(dir) == 0);
}

static void refused(void)
{
    CHECK("rdonly-einval", FAILS_WITH(open(dir, O_TMPFILE | O_RDONLY, 0600), EINVAL));
    CHECK("creat-einval", FAILS_WITH(open(dir, O_TMPFILE | O_CREAT | O_RDWR, 0600), EINVAL));
    CHECK("missing-enoent", FAILS_WITH(open(at("missing"), O_TMPFILE | O_RDWR, 0600), ENOENT));
    int fd = open(at("file"), O_CREAT | O_WRONLY, 0600);
    close(fd);
    CHECK("file-enotdir", FAILS_WITH(open(at("file"), O_TMPFILE | O_RDWR, 0600), ENOTDIR));
    unlink(at("file"));
}

static void run_in(const char *var, const char *prefix)
{
    check_prefix = prefix;
    scratch_dir(dir, var, "t_tmpfile.d");
    unnamed();
    exclusive();
    refused();
    remove_tree(dir);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    run_in("T_RW", "rw.");
    run_in("T_TMPFS", "tmpfs.");
    return check_exit_status();
}
