/* Checks for a host-side unit test made of named test functions: a failed
 * EXPECT prints the test's name, the line and what was wrong, and counts;
 * run_test() prints "ok NAME" when none of a test's checks failed.  It
 * defines the counters, so one file of a test includes it. */
#ifndef PICOVM_TEST_EXPECT_H
#define PICOVM_TEST_EXPECT_H

#include <stdio.h>

static const char *cur;   /* the test running */
static int failures;      /* failed checks so far; the test exits non-zero if any */

#define EXPECT(cond, ...)                                       \
    do {                                                        \
        if (!(cond)) {                                          \
            printf("FAIL %s: line %d: ", cur, __LINE__);        \
            printf(__VA_ARGS__);                                \
            printf("\n");                                       \
            failures++;                                         \
        }                                                       \
    } while (0)
#define EXPECT_EQ(got, want)                                                            \
    do {                                                                                \
        long long g_ = (long long)(got), w_ = (long long)(want);                        \
        EXPECT(g_ == w_, "%s = %lld, want %lld", #got, g_, w_);                         \
    } while (0)

struct unit_test {
    const char *name;
    void (*fn)(void);
};

static inline void run_test(const char *name, void (*fn)(void))
{
    int before = failures;
    cur = name;
    fn();
    if (failures == before)
        printf("ok %s\n", name);
}

static inline void run_tests(const struct unit_test *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        run_test(t[i].name, t[i].fn);
}

#endif
