// UNIT-SOURCES: libos/fs/path.c
/* Lexical path normalisation of the library OS (libos/path.c), on the host. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../../libos/fs/path.h"

static int failures;

static void check_norm(const char *base, const char *path, long want_ret, const char *want, bool want_dir)
{
    char out[PATH_MAX_LEN];
    bool dir = !want_dir;
    long r = path_normalize(base, path, out, sizeof(out), &dir);
    if (r != want_ret || (r >= 0 && (strcmp(out, want) || dir != want_dir || (size_t)r != strlen(out)))) {
        printf("FAIL normalize(%s, %s) = %ld '%s' dir=%d, want %ld '%s' dir=%d\n", base ? base : "NULL",
               path, r, r >= 0 ? out : "", dir, want_ret, want, want_dir);
        failures++;
    }
}

static void check_ok(const char *base, const char *path, const char *want, bool want_dir)
{
    check_norm(base, path, (long)strlen(want), want, want_dir);
}

static void check_last(const char *path, enum path_last want)
{
    if (path_last_kind(path) != want) {
        printf("FAIL path_last_kind(%s) = %d, want %d\n", path, path_last_kind(path), want);
        failures++;
    }
}

static void check_within(const char *abs, const char *dir, bool want)
{
    if (path_within(abs, dir) != want) {
        printf("FAIL path_within(%s, %s) != %d\n", abs, dir, want);
        failures++;
    }
}

int main(void)
{
    check_ok(NULL, "/", "/", true);
    check_ok(NULL, "///", "/", true);
    check_ok(NULL, "/a//b///c", "/a/b/c", false);
    check_ok(NULL, "/a/./b/.", "/a/b", true);
    check_ok(NULL, "/a/b/..", "/a", true);
    check_ok(NULL, "/a/b/../../..", "/", true);
    check_ok(NULL, "/../../x", "/x", false);
    check_ok(NULL, "/a/b/", "/a/b", true);
    check_ok(NULL, "/..a/.b/...", "/..a/.b/...", false);
    check_ok("/home/u", "x/y", "/home/u/x/y", false);
    check_ok("/home/u", "../v", "/home/v", false);
    check_ok("/home/u", "../../../..", "/", true);
    check_ok("/home/u", ".", "/home/u", true);
    check_ok("/home/u", "/abs", "/abs", false);
    check_ok("/", "rel", "/rel", false);
    check_ok(NULL, "rel", "/rel", false);
    check_norm("/", "", -ENOENT, "", false);

    /* Component limit: 255 bytes is fine, 256 is not, even if ".." would remove it. */
    char name[300], path[PATH_MAX_LEN + 100], want[310];
    memset(name, 'n', 255);
    name[255] = 0;
    snprintf(path, sizeof(path), "/%s", name);
    snprintf(want, sizeof(want), "/%s", name);
    check_ok(NULL, path, want, false);
    memset(name, 'n', 256);
    name[256] = 0;
    snprintf(path, sizeof(path), "/%s/..", name);
    check_norm(NULL, path, -ENAMETOOLONG, "", false);

    /* Whole-path limit: 4095 bytes plus the NUL fit, 4096 do not. */
    size_t n = 0;
    while (n + 2 <= PATH_MAX_LEN - 1) {
        path[n++] = '/';
        path[n++] = 'a';
    }
    path[n] = 0;                                   /* 4094 bytes */
    check_ok(NULL, path, path, false);
    strcat(path, "/b");                            /* 4096 bytes */
    check_norm(NULL, path, -ENAMETOOLONG, "", false);
    path[n] = 0;
    strcat(path, "b");                             /* 4095 bytes */
    check_ok(NULL, path, path, false);
    /* A long detour that comes back is fine: only the result must fit. */
    snprintf(path, sizeof(path), "/x/%s/../y", name + 1);
    check_ok(NULL, path, "/x/y", false);

    /* In place: the base is the output buffer itself. */
    char buf[PATH_MAX_LEN] = "/a/b";
    bool dir;
    long r = path_normalize(buf, "../c/./d/", buf, sizeof(buf), &dir);
    if (r != 6 || strcmp(buf, "/a/c/d") || !dir) {
        printf("FAIL in-place normalize = %ld '%s'\n", r, buf);
        failures++;
    }
    strcpy(buf, "/");
    r = path_normalize(buf, "x", buf, sizeof(buf), &dir);
    if (r != 2 || strcmp(buf, "/x") || dir) {
        printf("FAIL in-place normalize from / = %ld '%s'\n", r, buf);
        failures++;
    }

    check_last("/", PATH_LAST_ROOT);
    check_last("//", PATH_LAST_ROOT);
    check_last("a", PATH_LAST_NAME);
    check_last("/a/b/", PATH_LAST_NAME);
    check_last("/a/.", PATH_LAST_DOT);
    check_last("./", PATH_LAST_DOT);
    check_last("a/..//", PATH_LAST_DOTDOT);
    check_last("..", PATH_LAST_DOTDOT);
    check_last("/a/...", PATH_LAST_NAME);

    check_within("/bin", "/", true);
    check_within("/", "/", true);
    check_within("/bin", "/bin", true);
    check_within("/bin/ls", "/bin", true);
    check_within("/binx", "/bin", false);
    check_within("/bi", "/bin", false);
    check_within("/", "/bin", false);

    if (failures) {
        printf("%d failure(s)\n", failures);
        return 1;
    }
    printf("test_vfs_path: ok\n");
    return 0;
}
