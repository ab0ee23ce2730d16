/* The library OS globals every host-side test of its code replaces the same
 * way: a silent log, and strlcpy (the guest's klib has it; this host's glibc
 * does not).  It defines them, so one file of a test includes it.  The
 * process itself is the real one: tests link libos/bookkeep/process.c. */
#ifndef PICOVM_TEST_LIBOS_BASE_STUBS_H
#define PICOVM_TEST_LIBOS_BASE_STUBS_H

#include <string.h>
#include "../../libos/libos.h"

int log_level;
void log_printf(int level, const char *fmt, ...) { (void)level, (void)fmt; }
size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(dst, src, c);
        dst[c] = 0;
    }
    return n;
}

#endif
