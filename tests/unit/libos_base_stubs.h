/* The library OS globals every host-side test of its code replaces the same
 * way: a silent log, strlcpy (the guest's klib has it; this host's glibc
 * does not), and one vCPU's per-CPU data behind GS (the library OS finds its
 * thread there; the host lets a process set its GS base).  It defines them,
 * so one file of a test includes it.  The process itself is the real one:
 * tests link libos/bookkeep/process.c. */
#ifndef PICOVM_TEST_LIBOS_BASE_STUBS_H
#define PICOVM_TEST_LIBOS_BASE_STUBS_H

#include <asm/prctl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../../libos/libos.h"
#include "percpu.h"

static struct percpu test_percpu = { .self = &test_percpu, .vcpu_id = 0 };

__attribute__((constructor)) static void test_percpu_init(void)
{
    syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)&test_percpu);
}

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
