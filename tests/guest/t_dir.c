// Directories and names: mkdir/rmdir/unlink/rename, getdents64, the working
// directory (through links too), "." and "..", access, readlink, and the umask on new files.
// The harness runs this program by its absolute path (argv[0]).
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"

static char dir[PATH_MAX];

static const char *at(const char *name)
{
    static char path[4][PATH_MAX];
    static int next;
    next = (next + 1) % 4;   /* a few live results, for rename(at(a), at(b)) */
    return path_join(path[next], dir, name);
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static int touch(const char *path, const char *content)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, content, strlen(content));
    close(fd);
    return n == (ssize_t)strlen(content) ? 0 : -1;
}

static int has_content(const char *path, const char *want)
{
    char buf[64] = "";
    int fd = open(path, O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n >= 0 && !strcmp(buf, want);
}

static void make_and_remove(void)
{
    CHECK("mkdir", mkdir(at("d"), 0755) == 0);
    CHECK("mkdir-eexist", FAILS_WITH(mkdir(at("d"), 0755), EEXIST));
    CHECK("mkdir-file-eexist", touch(at("file"), "x") == 0 && FAILS_WITH(mkdir(at("file"), 0755), EEXIST));
    CHECK("mkdir-enoent", FAILS_WITH(mkdir(at("missing/d"), 0755), ENOENT));
    CHECK("mkdir-enotdir", FAILS_WITH(mkdir(at("file/d"), 0755), ENOTDIR));
    CHECK("mkdirat", mkdirat(AT_FDCWD, at("d/inner"), 0755) == 0 && exists(at("d/inner")));
    CHECK("rmdir-enotempty", FAILS_WITH(rmdir(at("d")), ENOTEMPTY));
    CHECK("rmdir-inner", rmdir(at("d/inner")) == 0 && !exists(at("d/inner")));
    CHECK("rmdir-enoent", FAILS_WITH(rmdir(at("missing")), ENOENT));
    CHECK("rmdir-file-enotdir", FAILS_WITH(rmdir(at("file")), ENOTDIR));
    CHECK("rmdir-dot-einval", FAILS_WITH(rmdir(at("d/.")), EINVAL));
    CHECK("unlink", unlink(at("file")) == 0 && !exists(at("file")));
    CHECK("unlink-enoent", FAILS_WITH(unlink(at("file")), ENOENT));
    CHECK("unlink-dir-eisdir", FAILS_WITH(unlink(at("d")), EISDIR));
    CHECK("unlinkat-removedir", unlinkat(AT_FDCWD, at("d"), AT_REMOVEDIR) == 0 && !exists(at("d")));
    CHECK("unlink-open-file", touch(at("open"), "still here") == 0);
    int fd = open(at("open"), O_RDONLY);
    char buf[16] = "";
    CHECK("unlink-while-open", unlink(at("open")) == 0 && !exists(at("open")));
    CHECK("read-after-unlink", read(fd, buf, sizeof buf - 1) == 10 && !strcmp(buf, "still here"));
    close(fd);
}

static void renames(void)
{
    touch(at("a"), "A");
    touch(at("b"), "B");
    mkdir(at("sub"), 0755);
    CHECK("rename-overwrite", rename(at("a"), at("b")) == 0 && has_content(at("b"), "A") && !exists(at("a")));
    CHECK("rename-into-subdir", rename(at("b"), at("sub/b")) == 0 && has_content(at("sub/b"), "A"));
    CHECK("rename-enoent", FAILS_WITH(rename(at("a"), at("c")), ENOENT));
    CHECK("rename-same", rename(at("sub/b"), at("sub/b")) == 0 && has_content(at("sub/b"), "A"));
    CHECK("rename-dir", rename(at("sub"), at("sub2")) == 0 && has_content(at("sub2/b"), "A") && !exists(at("sub")));
    mkdir(at("full"), 0755);
    touch(at("full/x"), "x");
    CHECK("rename-onto-nonempty-dir", rename(at("sub2"), at("full")) == -1 &&
                                      (errno == ENOTEMPTY || errno == EEXIST));
    CHECK("rename-dir-onto-file-enotdir", touch(at("plain"), "p") == 0 &&
                                          FAILS_WITH(rename(at("sub2"), at("plain")), ENOTDIR));
    CHECK("rename-file-onto-dir-eisdir", FAILS_WITH(rename(at("plain"), at("full")), EISDIR));
    CHECK("rename-dir-into-itself-einval", FAILS_WITH(rename(at("sub2"), at("sub2/deeper")), EINVAL));
    CHECK("renameat", renameat(AT_FDCWD, at("plain"), AT_FDCWD, at("plain2")) == 0 &&
                      has_content(at("plain2"), "p"));
}

/* Sorted names (and a type letter) of every entry, read with raw getdents64
 * through a small buffer so the listing takes several calls. */
static const char *listing(const char *path)
{
    static char out[1024];
    char names[32][64];
    int n = 0;
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return "(open failed)";
    for (;;) {
        _Alignas(8) char buf[96];
        long len = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (len <= 0)
            break;
        for (long off = 0; off < len;) {
            unsigned short reclen;
            memcpy(&reclen, buf + off + 16, sizeof reclen);
            unsigned char type = (unsigned char)buf[off + 18];
            const char *name = buf + off + 19;
            if (n < 32)
                snprintf(names[n++], sizeof names[0], "%s%s", name,
                         type == 4 ? "/" : type == 10 ? "@" : type == 8 ? "" : "?");
            off += reclen;
        }
    }
    close(fd);
    qsort(names, (size_t)n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    out[0] = 0;
    for (int i = 0; i < n; i++) {
        strcat(out, i ? " " : "");
        strcat(out, names[i]);
    }
    return out;
}

static void fixture_listing(void)
{
    char path[PATH_MAX];
    check_str("getdents-fixture", listing(env_dir("T_RO")),
              "../ ./ big.bin empty hello.txt link-to-hello@ sub/");
    check_str("getdents-fixture-sub", listing(path_join(path, env_dir("T_RO"), "sub")),
              "../ ./ a.txt b.txt");
}

static void directory_listing(void)
{
    mkdir(at("list"), 0755);
    touch(at("list/zeta"), "");
    touch(at("list/alpha"), "");
    touch(at("list/a-rather-long-name-to-fill-the-buffer-early"), "");
    mkdir(at("list/sub"), 0755);
    check_str("getdents-rw", listing(at("list")),
              "../ ./ a-rather-long-name-to-fill-the-buffer-early alpha sub/ zeta");
    check_str("getdents-empty-dir", listing(at("list/sub")), "../ ./");

    _Alignas(8) char buf[512];
    int fd = open(at("list/zeta"), O_RDONLY);
    CHECK("getdents-file-enotdir", FAILS_WITH(syscall(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR));
    close(fd);
    CHECK("getdents-bad-fd-ebadf", FAILS_WITH(syscall(SYS_getdents64, 999, buf, sizeof buf), EBADF));
    fd = open(at("list"), O_RDONLY | O_DIRECTORY);
    CHECK("getdents-tiny-buffer-einval", FAILS_WITH(syscall(SYS_getdents64, fd, buf, 8), EINVAL));
    close(fd);
}

static int cwd_is(const char *want)
{
    char buf[PATH_MAX];
    return getcwd(buf, sizeof buf) && !strcmp(buf, want);
}

static void working_directory(void)
{
    char buf[4];
    mkdir(at("wd"), 0755);
    mkdir(at("wd/deeper"), 0755);
    CHECK("chdir-abs", chdir(dir) == 0 && cwd_is(dir));
    CHECK("chdir-rel", chdir("wd") == 0 && cwd_is(at("wd")));
    CHECK("chdir-rel-deeper", chdir("./deeper/") == 0 && cwd_is(at("wd/deeper")));
    CHECK("chdir-dotdot", chdir("..") == 0 && cwd_is(at("wd")));
    CHECK("chdir-dot", chdir(".") == 0 && cwd_is(at("wd")));
    CHECK("create-relative", touch("rel", "r") == 0 && has_content(at("wd/rel"), "r"));
    CHECK("open-dotdot-relative", has_content("../wd/./rel", "r"));
    int fd = open(at("wd/deeper"), O_RDONLY | O_DIRECTORY);
    CHECK("fchdir", fchdir(fd) == 0 && cwd_is(at("wd/deeper")));
    close(fd);
    CHECK("cwd-survives-close", cwd_is(at("wd/deeper")));
    CHECK("stat-relative-dotdot", has_content("../rel", "r"));
    fd = open(at("wd/rel"), O_RDONLY);
    CHECK("fchdir-file-enotdir", FAILS_WITH(fchdir(fd), ENOTDIR));
    close(fd);
    CHECK("fchdir-bad-fd-ebadf", FAILS_WITH(fchdir(999), EBADF));
    CHECK("chdir-file-enotdir", FAILS_WITH(chdir(at("wd/rel")), ENOTDIR));
    CHECK("chdir-enoent", FAILS_WITH(chdir("missing"), ENOENT));
    CHECK("chdir-failed-keeps-cwd", cwd_is(at("wd/deeper")));
    CHECK("getcwd-erange", getcwd(buf, sizeof buf) == NULL && errno == ERANGE);
    CHECK("chdir-root", chdir("/") == 0 && cwd_is("/"));
    CHECK("root-dotdot-is-root", chdir("..") == 0 && cwd_is("/"));
    CHECK("chdir-back", chdir(dir) == 0 && cwd_is(dir));
    /* The kernel keeps the directory, not the links that led to it. */
    CHECK("chdir-through-links", symlink("wd", at("wd-link")) == 0 && symlink("wd-link/deeper", at("deep-link")) == 0 &&
                                     chdir("deep-link") == 0 && cwd_is(at("wd/deeper")));
    CHECK("chdir-back-again", chdir(dir) == 0 && cwd_is(dir));
}

static void dots(void)
{
    struct stat a, b;
    touch(at("dotfile"), "d");
    mkdir(at("dd"), 0755);
    CHECK("path-dot-components", has_content(at("./dd/.././dotfile"), "d"));
    CHECK("path-double-slash", has_content(at("dd//..//dotfile"), "d"));
    /* Not checked: "file/.." and "missing/..", which Linux refuses; picovm
     * applies ".." to the text (libos/path.c), as Plan 9 and Gramine do. */
    CHECK("file-trailing-slash-enotdir", FAILS_WITH(open(at("dotfile/"), O_RDONLY), ENOTDIR));
    CHECK("root-dotdot-same-inode", stat("/", &a) == 0 && stat("/..", &b) == 0 &&
                                    a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    CHECK("dir-dot-same-inode", stat(dir, &a) == 0 && stat(at("dd/.."), &b) == 0 &&
                                a.st_ino == b.st_ino && a.st_dev == b.st_dev);
}

static void access_checks(void)
{
    char path[PATH_MAX];
    const char *ro = env_dir("T_RO");
    CHECK("access-f-ok", access(path_join(path, ro, "hello.txt"), F_OK) == 0);
    CHECK("access-r-ok", access(path_join(path, ro, "hello.txt"), R_OK) == 0);
    CHECK("access-dir-x-ok", access(ro, X_OK) == 0);
    CHECK("access-enoent", FAILS_WITH(access(path_join(path, ro, "missing"), F_OK), ENOENT));
    CHECK("access-enotdir", FAILS_WITH(access(path_join(path, ro, "hello.txt/x"), F_OK), ENOTDIR));
    CHECK("access-bad-mode-einval", FAILS_WITH(access(ro, 0100), EINVAL));
    int dfd = open(ro, O_RDONLY | O_DIRECTORY);
    CHECK("faccessat-dirfd", faccessat(dfd, "hello.txt", R_OK, 0) == 0);
    CHECK("faccessat-symlink", faccessat(dfd, "link-to-hello", R_OK, 0) == 0);
    CHECK("faccessat-enoent", FAILS_WITH(faccessat(dfd, "missing", F_OK, 0), ENOENT));
    CHECK("faccessat-fdcwd", faccessat(AT_FDCWD, path_join(path, ro, "sub/a.txt"), F_OK, 0) == 0);
    close(dfd);
}

static void readlinks(const char *argv0)
{
    char path[PATH_MAX], buf[PATH_MAX];
    const char *ro = env_dir("T_RO");
    ssize_t n = readlink(path_join(path, ro, "link-to-hello"), buf, sizeof buf);
    CHECK("readlink", n == 9 && !memcmp(buf, "hello.txt", 9));
    n = readlink(path, buf, 5);
    CHECK("readlink-truncates", n == 5 && !memcmp(buf, "hello", 5));
    int dfd = open(ro, O_RDONLY | O_DIRECTORY);
    n = readlinkat(dfd, "link-to-hello", buf, sizeof buf);
    CHECK("readlinkat", n == 9 && !memcmp(buf, "hello.txt", 9));
    close(dfd);
    CHECK("readlink-file-einval", FAILS_WITH(readlink(path_join(path, ro, "hello.txt"), buf, sizeof buf), EINVAL));
    CHECK("readlink-enoent", FAILS_WITH(readlink(path_join(path, ro, "missing"), buf, sizeof buf), ENOENT));
    /* A mounted directory itself (realpath asks each component). */
    CHECK("readlink-mount-root-einval", FAILS_WITH(readlink(ro, buf, sizeof buf), EINVAL));
    n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    CHECK("readlink-proc-self-exe", n > 0 && (buf[n] = 0, !strcmp(buf, argv0)));
}

static void umask_modes(void)
{
    struct stat st;
    mode_t old = umask(022);
    int fd = open(at("u022"), O_WRONLY | O_CREAT | O_EXCL, 0666);
    CHECK("umask-022-file", fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0644);
    close(fd);
    umask(077);
    fd = open(at("u077"), O_WRONLY | O_CREAT | O_EXCL, 0666);
    CHECK("umask-077-file", fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0600);
    close(fd);
    CHECK("umask-077-dir", mkdir(at("d077"), 0777) == 0 && stat(at("d077"), &st) == 0 &&
                           (st.st_mode & 0777) == 0700);
    umask(027);
    CHECK("umask-027-mode-arg", mkdir(at("d027"), 0750) == 0 && stat(at("d027"), &st) == 0 &&
                                (st.st_mode & 0777) == 0750);
    umask(old);
}

static void run_in(const char *var, const char *prefix)
{
    check_prefix = prefix;
    scratch_dir(dir, var, "t_dir.d");
    make_and_remove();
    renames();
    directory_listing();
    working_directory();
    dots();
    umask_modes();
    chdir("/");
    remove_tree(dir);
}

int main(int argc, char **argv)
{
    (void)argc;
    run_in("T_RW", "rw.");
    run_in("T_TMPFS", "tmpfs.");
    check_prefix = "";
    fixture_listing();
    access_checks();
    readlinks(argv[0]);
    return check_exit_status();
}
