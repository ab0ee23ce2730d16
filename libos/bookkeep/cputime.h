/* The CPU time of this picoprocess, measured by the guest itself, and that
 * of its reaped children, with their largest resident set (cputime.c). */
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
/* The time of child pid, which ended (with its own children's), and in
 * *maxrss_kb its largest resident set (its descendants' included); reap:
 * the program waited for it, so they join cputime_children() and
 * cputime_children_maxrss(). */
struct cpu_times cputime_ended_child(int pid, bool reap, uint64_t *maxrss_kb);
/* Child pid was reaped on its own (SIGCHLD ignored): its time and resident
 * set are not the children's, as on Linux. */
void cputime_drop_child(int pid);
/* The largest resident set, in KB, of any child waited for or of its own
 * waited-for descendants (RUSAGE_CHILDREN's ru_maxrss, as Linux's cmaxrss). */
uint64_t cputime_children_maxrss(void);
/* Linux's struct rusage for t: the times, the rest 0. */
struct rusage;
void cputime_rusage(struct cpu_times t, struct rusage *ru);

#endif
