/* The fds this process has open: taken before and after code under test, the
 * two counts catch a host fd it leaked. */
#ifndef PICOVM_TEST_COUNT_FDS_H
#define PICOVM_TEST_COUNT_FDS_H

#include <dirent.h>

static inline int count_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    return n;
}

#endif
