// UNIT-SOURCES: monitor/base/appdir.c
/* The application's private directories (monitor/base/appdir.c): what a
 * guest can leave in a tmpfs (directories nested deeper than PATH_MAX,
 * symbolic links out of it, directories it took every permission from)
 * goes, and nothing outside it; a killed application's directory goes at the
 * next start, a live one's does not. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/appdir.h"
#include "expect.h"

#define DEPTH 3000   /* "d/" 3000 times: past PATH_MAX */

static char base[] = "/tmp/picovm-test-appdir-XXXXXX";
static char outside[64];

static bool exists(const char *dir, const char *name)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", dir, name ? name : ".");
    return lstat(path, &st) == 0;
}

/* What a hostile guest could leave in its tmpfs. */
static void fill(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    EXPECT(fd >= 0, "open %s", dir);
    close(openat(fd, "file", O_WRONLY | O_CREAT, 0600));
    EXPECT_EQ(symlinkat(outside, fd, "link-out"), 0);
    EXPECT_EQ(mkdirat(fd, "locked", 0700), 0);
    int l = openat(fd, "locked", O_RDONLY | O_DIRECTORY);
    close(openat(l, "inside", O_WRONLY | O_CREAT, 0600));
    EXPECT_EQ(symlinkat(outside, l, "dir-link"), 0);
    close(l);
    EXPECT_EQ(fchmodat(fd, "locked", 0, 0), 0);
    for (int i = 0; i < DEPTH; i++) {
        EXPECT_EQ(mkdirat(fd, "d", 0700), 0);
        int next = openat(fd, "d", O_RDONLY | O_DIRECTORY);
        close(openat(next, "f", O_WRONLY | O_CREAT, 0600));
        close(fd);
        fd = next;
    }
    close(fd);
}

static void removes_everything_but_the_outside(void)
{
    char dir[128];
    EXPECT_EQ(appdir_create(base, dir, sizeof(dir)), 0);
    struct stat st;
    EXPECT(stat(dir, &st) == 0 && (st.st_mode & 07777) == 0700, "%s is not a 0700 directory", dir);
    fill(dir);
    appdir_remove_all();
    EXPECT(!exists(dir, NULL), "%s is left", dir);
    EXPECT(exists(outside, "keep"), "a link led the removal out");
}

/* An application killed whole left its directory unlocked. */
static void sweeps_only_the_dead(void)
{
    char dead[128], live[128], mine[128];
    snprintf(dead, sizeof(dead), "%s/picovm-AAAAAA", base);
    snprintf(live, sizeof(live), "%s/picovm-BBBBBB", base);
    EXPECT_EQ(mkdir(dead, 0700), 0);
    EXPECT_EQ(mkdir(live, 0700), 0);
    fill(dead);
    int held = open(live, O_RDONLY | O_DIRECTORY);
    EXPECT_EQ(flock(held, LOCK_SH), 0);
    struct timespec old[2] = { { .tv_sec = 1 }, { .tv_sec = 1 } };
    EXPECT_EQ(utimensat(AT_FDCWD, dead, old, 0), 0);
    EXPECT_EQ(utimensat(AT_FDCWD, live, old, 0), 0);
    EXPECT_EQ(appdir_create(base, mine, sizeof(mine)), 0);
    EXPECT(!exists(dead, NULL), "the dead application's directory is left");
    EXPECT(exists(live, NULL), "the live application's directory was removed");
    appdir_remove_all();
    close(held);
    rmdir(live);
}

int main(void)
{
    if (!mkdtemp(base))
        return 2;
    snprintf(outside, sizeof(outside), "%s/outside", base);
    mkdir(outside, 0700);
    char keep[96];
    snprintf(keep, sizeof(keep), "%s/keep", outside);
    close(open(keep, O_WRONLY | O_CREAT, 0600));
    static const struct unit_test tests[] = {
        { "removes_everything_but_the_outside", removes_everything_but_the_outside },
        { "sweeps_only_the_dead", sweeps_only_the_dead },
    };
    run_tests(tests, sizeof(tests) / sizeof(tests[0]));
    unlink(keep);
    rmdir(outside);
    EXPECT_EQ(rmdir(base), 0);
    return failures != 0;
}
