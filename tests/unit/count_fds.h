/* The fds (and threads) this process has: taken before and after code under
 * test, the two counts catch a host fd (or a thread) it leaked. */
#ifndef PICOVM_TEST_COUNT_FDS_H
#define PICOVM_TEST_COUNT_FDS_H

#include <dirent.h>

/* Entries of a directory of /proc/self, "." and ".." included. */
static inline int count_entries(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    return n;
}

static inline int count_fds(void)
{
    return count_entries("/proc/self/fd");
}

static inline int count_threads(void)
{
    return count_entries("/proc/self/task");
}

#endif
