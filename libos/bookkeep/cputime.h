/* The CPU time of this picoprocess, measured by the guest itself, and that
 * of its reaped children (cputime.c). */
#ifndef PICOVM_LIBOS_CPUTIME_H
#define PICOVM_LIBOS_CPUTIME_H

#include "pal.h"

struct cpu_times {
    uint64_t user_ns, sys_ns;
};

/* Stacks the accounting under whatever PAL table comes next (before ipc_init). */
void cputime_init(void);
/* The dispatcher's marks: the program entered a system call, or goes back to its code. */
void cputime_syscall_enter(void);
void cputime_syscall_exit(void);
/* Until now, the running part included. */
struct cpu_times cputime_self(void);
/* Children waited for (and their own waited-for children), as Linux's RUSAGE_CHILDREN. */
struct cpu_times cputime_children(void);
/* The time of child pid, which ended (with its own children's); reap: the
 * program waited for it, so that time joins cputime_children(). */
struct cpu_times cputime_ended_child(int pid, bool reap);
/* Linux's struct rusage for t: the times, the rest 0. */
struct rusage;
void cputime_rusage(struct cpu_times t, struct rusage *ru);

#endif
