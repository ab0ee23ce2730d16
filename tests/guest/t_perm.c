/* File permissions as another user: a child of the root test drops to
 * nobody and meets Linux's rules on a host mount (T_RW) and a tmpfs
 * (T_TMPFS): search on every directory of a path, write and search on the
 * directory for a new or removed name, the sticky bit, the access an open
 * asks for, execve's, O_NOATIME for the owner only, chmod and chown by the
 * owner only, the new file's owner and set-group-ID directories, and
 * access(2) with the real ids.  Run as root (natively and under picovm
 * alike); as another user it checks nothing. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"

#define NOBODY 65534
#define GROUP 1234

static char base[PATH_MAX];

static const char *at(const char *name)
{
    static char buf[4][PATH_MAX];
    static int next;
    char *p = buf[next++ % 4];
    return path_join(p, base, name);
}

static void make_file(const char *name, mode_t mode)
{
    int fd = open(at(name), O_CREAT | O_WRONLY, mode);
    if (fd < 0 || fchmod(fd, mode) != 0) {
        printf("FAIL setup: %s (errno=%d)\n", name, errno);
        exit(1);
    }
    close(fd);
}

static void make_dir(const char *name, mode_t mode)
{
    if (mkdir(at(name), 0700) != 0 || chmod(at(name), mode) != 0) {
        printf("FAIL setup: %s (errno=%d)\n", name, errno);
        exit(1);
    }
}

/* As root: what nobody will meet. */
static void setup(void)
{
    if (chmod(base, 0777) != 0) {
        printf("FAIL setup: chmod base (errno=%d)\n", errno);
        exit(1);
    }
    make_dir("closed", 0700);
    make_file("closed/f", 0666);
    make_dir("closed/open", 0777);
    make_dir("ro", 0755);
    make_file("ro/f", 0666);
    make_dir("ro/sub", 0777);
    make_dir("sticky", 01777);
    make_file("sticky/root", 0666);
    make_file("private", 0600);
    make_file("public", 0644);
    make_file("owner-exec", 0744);
    make_dir("sgid", 0777);
    if (chown(at("sgid"), -1, GROUP) != 0 || chmod(at("sgid"), 02777) != 0)
        printf("FAIL setup: sgid (errno=%d)\n", errno);
    if (symlink("public", at("link")) != 0)
        printf("FAIL setup: symlink (errno=%d)\n", errno);
}

static int owned_by(const char *name, uid_t uid, gid_t gid)
{
    struct stat st;
    return lstat(at(name), &st) == 0 && st.st_uid == uid && st.st_gid == gid;
}

static void as_nobody(void)
{
    struct stat st;
    char buf[16];
    CHECK("search-access", FAILS_WITH(access(at("closed/f"), F_OK), EACCES));
    CHECK("search-stat", FAILS_WITH(stat(at("closed/f"), &st), EACCES));
    CHECK("search-open", FAILS_WITH(open(at("closed/f"), O_RDONLY), EACCES));
    CHECK("search-chdir", FAILS_WITH(chdir(at("closed")), EACCES));
    CHECK("search-readlink", FAILS_WITH(readlink(at("closed/f"), buf, sizeof buf), EACCES));
    CHECK("stat-dir-itself", stat(at("closed"), &st) == 0);
    CHECK("sgid-dir-mode", stat(at("sgid"), &st) == 0 && (st.st_mode & 07777) == 02777);

    CHECK("open-private", FAILS_WITH(open(at("private"), O_RDONLY), EACCES));
    int fd = open(at("public"), O_RDONLY);
    CHECK("open-public-read", fd >= 0);
    close(fd);
    CHECK("open-public-write", FAILS_WITH(open(at("public"), O_WRONLY), EACCES));
    CHECK("open-public-trunc", FAILS_WITH(open(at("public"), O_RDONLY | O_TRUNC), EACCES));
    CHECK("open-noatime", FAILS_WITH(open(at("public"), O_RDONLY | O_NOATIME), EPERM));
    CHECK("open-via-link", FAILS_WITH(open(at("link"), O_WRONLY), EACCES));
    CHECK("opendir-closed", FAILS_WITH(open(at("closed"), O_RDONLY | O_DIRECTORY), EACCES));
    CHECK("access-public-w", FAILS_WITH(access(at("public"), W_OK), EACCES));
    CHECK("access-public-r", access(at("public"), R_OK) == 0);
    CHECK("exec-owner-only", FAILS_WITH(execl(at("owner-exec"), "owner-exec", (char *)NULL), EACCES));

    CHECK("ro-creat", FAILS_WITH(creat(at("ro/new"), 0644), EACCES));
    CHECK("ro-mkdir", FAILS_WITH(mkdir(at("ro/new"), 0755), EACCES));
    CHECK("ro-mkdir-taken", FAILS_WITH(mkdir(at("ro/f"), 0755), EEXIST));
    CHECK("ro-symlink", FAILS_WITH(symlink("x", at("ro/new")), EACCES));
    CHECK("ro-link", FAILS_WITH(link(at("ro/f"), at("ro/new")), EACCES));
    CHECK("ro-unlink", FAILS_WITH(unlink(at("ro/f")), EACCES));
    CHECK("ro-rmdir", FAILS_WITH(rmdir(at("ro/sub")), EACCES));
    CHECK("ro-rename-from", FAILS_WITH(rename(at("ro/f"), at("moved")), EACCES));
    CHECK("ro-rename-to", FAILS_WITH(rename(at("public"), at("ro/new")), EACCES));
    CHECK("ro-open-existing", (fd = open(at("ro/f"), O_RDWR)) >= 0);
    close(fd);

    CHECK("sticky-unlink-other", FAILS_WITH(unlink(at("sticky/root")), EPERM));
    CHECK("sticky-rename-other", FAILS_WITH(rename(at("sticky/root"), at("sticky/x")), EPERM));
    CHECK("sticky-creat-own", (fd = creat(at("sticky/mine"), 0600)) >= 0);
    close(fd);
    CHECK("sticky-unlink-own", unlink(at("sticky/mine")) == 0);

    CHECK("chmod-other", FAILS_WITH(chmod(at("public"), 0666), EPERM));
    CHECK("chown-other", FAILS_WITH(chown(at("public"), NOBODY, -1), EPERM));
    CHECK("utimes-other", FAILS_WITH(utimensat(AT_FDCWD, at("public"), NULL, 0), EACCES));

    CHECK("creat-own", (fd = open(at("mine"), O_CREAT | O_WRONLY, 0600)) >= 0);
    close(fd);
    CHECK("creat-own-owner", owned_by("mine", NOBODY, NOBODY));
    CHECK("creat-own-reopen", (fd = open(at("mine"), O_RDWR)) >= 0);
    close(fd);
    CHECK("chmod-own", chmod(at("mine"), 0640) == 0);
    CHECK("chown-own-to-root", FAILS_WITH(chown(at("mine"), 0, -1), EPERM));
    CHECK("chown-own-to-root-group", FAILS_WITH(chown(at("mine"), -1, 0), EPERM));
    CHECK("mkdir-own", mkdir(at("mydir"), 0700) == 0 && owned_by("mydir", NOBODY, NOBODY));
    CHECK("mkdir-own-inside", mkdir(at("mydir/sub"), 0700) == 0);
    CHECK("symlink-own", symlink("mine", at("mylink")) == 0 && owned_by("mylink", NOBODY, NOBODY));
    CHECK("sgid-creat", (fd = creat(at("sgid/f"), 0644)) >= 0 && owned_by("sgid/f", NOBODY, GROUP));
    close(fd);
    CHECK("sgid-mkdir", mkdir(at("sgid/d"), 0755) == 0 && owned_by("sgid/d", NOBODY, GROUP) &&
                            stat(at("sgid/d"), &st) == 0 && (st.st_mode & 07777) == 02755);
    CHECK("sgid-symlink", symlink("f", at("sgid/l")) == 0 && owned_by("sgid/l", NOBODY, GROUP));
    CHECK("sgid-chmod-not-member", chmod(at("sgid/f"), 02644) == 0 && stat(at("sgid/f"), &st) == 0 &&
                                       (st.st_mode & 07777) == 0644);
    CHECK("rename-own", rename(at("mine"), at("mine2")) == 0);
    CHECK("unlink-own", unlink(at("mine2")) == 0);
}

/* access(2) checks with the real ids, faccessat(AT_EACCESS) with the effective ones. */
static void real_nobody(void)
{
    CHECK("access-real", FAILS_WITH(access(at("private"), R_OK), EACCES));
    CHECK("access-effective", faccessat(AT_FDCWD, at("private"), R_OK, AT_EACCESS) == 0);
    CHECK("open-effective", open(at("private"), O_RDONLY) >= 0);
}

/* A walk starts at the cwd or dirfd: the directories above them are not searched. */
static void below_closed(void)
{
    int fd;
    CHECK("cwd-below-closed-creat", (fd = creat("made", 0644)) >= 0);
    close(fd);
    CHECK("cwd-below-closed-stat", access("made", F_OK) == 0);
    CHECK("cwd-below-closed-dotdot", FAILS_WITH(access("../f", F_OK), EACCES));
    CHECK("cwd-below-closed-absolute", FAILS_WITH(access(at("closed/open/made"), F_OK), EACCES));
}

static void in_child(void (*checks)(void), uid_t ruid, uid_t euid)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (checks == below_closed && chdir(at("closed/open")) != 0)
            printf("FAIL setup: chdir (errno=%d)\n", errno);
        if (setgid(NOBODY) != 0 || setreuid(ruid, euid) != 0) {
            printf("FAIL setup: dropping to nobody (errno=%d)\n", errno);
            _exit(1);
        }
        checks();
        fflush(stdout);
        _exit(check_failures != 0);
    }
    int status;
    CHECK("child", pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status));
}

static void on(const char *var, const char *prefix)
{
    check_prefix = prefix;
    scratch_dir(base, var, "perm");
    setup();
    in_child(as_nobody, NOBODY, NOBODY);
    in_child(real_nobody, NOBODY, 0);
    in_child(below_closed, NOBODY, NOBODY);
    remove_tree(base);
}

int main(void)
{
    if (geteuid() != 0) {
        printf("ok not-root\n");
        return 0;
    }
    on("T_RW", "host-");
    on("T_TMPFS", "tmpfs-");
    return check_failures != 0;
}
