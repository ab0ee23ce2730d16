/* Signals of this picoprocess: dispositions, mask, pending set, alternate stack.
 * Signal numbers are Linux's, 1..SIGNAL_MAX; bit (n - 1) of a mask is signal n. */
#ifndef PICOVM_SIGNAL_H
#define PICOVM_SIGNAL_H

#include "libos.h"
#include <asm/signal.h>

#define SIGNAL_MAX 64
#define SIGNAL_BIT(n) (1ull << ((n) - 1))

/* The kernel ABI's struct sigaction on x86-64 (what rt_sigaction reads and writes). */
struct k_sigaction {
    uint64_t handler;     /* SIG_DFL, SIG_IGN or a function in the program */
    uint64_t flags;       /* SA_* */
    uint64_t restorer;    /* sa_restorer, used with SA_RESTORER */
    uint64_t mask;        /* blocked while the handler runs */
};
_Static_assert(sizeof(struct k_sigaction) == 32, "kernel sigaction is 32 bytes");

/* What a signal does when its disposition is SIG_DFL. */
enum signal_default {
    SIGDEF_TERM,      /* terminate */
    SIGDEF_CORE,      /* terminate "with a core dump" (none is written; the status is the same) */
    SIGDEF_IGNORE,
    SIGDEF_STOP,
    SIGDEF_CONT,
};

/* SIGDEF_* for sig in 1..SIGNAL_MAX. */
int signal_default_action(int sig);

#endif
