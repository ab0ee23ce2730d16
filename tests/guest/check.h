/* One output line per check, so a run under picovm can be compared with a
 * native run line by line: "ok NAME" or "FAIL NAME: what (errno=E)".
 * Print nothing that differs between runs (no pids, times, addresses, paths). */
#ifndef PICOVM_TEST_CHECK_H
#define PICOVM_TEST_CHECK_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int check_failures;
static const char *check_prefix = "";   /* for a group of checks run twice (e.g. per mount) */

static inline void check_report(const char *name, int ok, const char *what, int err)
{
    if (ok) {
        printf("ok %s%s\n", check_prefix, name);
        return;
    }
    printf("FAIL %s%s: %s (errno=%d)\n", check_prefix, name, what, err);
    check_failures++;
}

/* errno is read after cond, so cond may contain the call it checks. */
#define CHECK(name, cond) do { \
        int check_ok_ = !!(cond); \
        check_report((name), check_ok_, #cond, errno); \
    } while (0)

/* For calls returning -1 and setting errno on failure. */
#define FAILS_WITH(expr, err) ((expr) == -1 && errno == (err))

/* Is path a symbolic link whose target is want? */
static inline int link_is(const char *path, const char *want)
{
    char buf[PATH_MAX];
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    if (n < 0)
        return 0;
    buf[n] = 0;
    return strcmp(buf, want) == 0;
}

/* Compares strings that are deterministic, and shows both when they differ. */
static inline void check_str(const char *name, const char *got, const char *want)
{
    if (got && strcmp(got, want) == 0) {
        check_report(name, 1, "", 0);
        return;
    }
    printf("FAIL %s%s: got \"%s\", want \"%s\"\n", check_prefix, name, got ? got : "(null)", want);
    check_failures++;
}

static inline int check_exit_status(void)
{
    return check_failures ? 1 : 0;
}

#endif
