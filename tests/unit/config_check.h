/* Checks shared by the TOML parser's and the manifest's unit tests: a failed
 * check prints the test's name and what was wrong, done() prints "ok NAME"
 * when none of a test's checks failed.  It defines the counters, so one file
 * of a test includes it. */
#ifndef PICOVM_TEST_CONFIG_CHECK_H
#define PICOVM_TEST_CONFIG_CHECK_H
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootinfo.h"
#include "config/manifest.h"
#include "config/toml.h"

static int failures, passes, failed_tests;

__attribute__((format(printf, 3, 4)))
static inline bool check(const char *name, bool cond, const char *fmt, ...)
{
    if (cond)
        return true;
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL %s: ", name);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    failures++;
    return false;
}

static inline void done(const char *name, int failures_before)
{
    if (failures == failures_before) {
        printf("ok %s\n", name);
        passes++;
    } else {
        failed_tests++;
    }
}

/* Each case: TOML text and the exact error it must produce. */
struct err_case {
    const char *text, *err;
};

static inline int report(void)
{
    printf("%d passed, %d failed\n", passes, failed_tests);
    return failures ? 1 : 0;
}

#endif
