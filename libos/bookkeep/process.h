/* This picoprocess: who it is (ids, working directory, program) and how it
 * ends.  Filled at start (main.c), changed by fork, exec, setpgid, chdir. */
#ifndef PICOVM_LIBOS_PROCESS_H
#define PICOVM_LIBOS_PROCESS_H

#include "pal.h"
#include "percpu.h"
#include <stdbool.h>

struct process {
    int pid, ppid, pgid, sid;
    unsigned int umask;
    int nice;              /* -20..19: getpriority/setpriority (sys/sched.c) */
    char cwd[4096];
    char exe[4096];        /* guest path of the running program, for /proc/self/exe */
};
extern struct process proc;

/* Its name (comm): prctl(PR_SET_NAME)'s, or its program's. */
#define PROC_COMM_LEN 16   /* Linux's TASK_COMM_LEN, the NUL included */
const char *proc_comm(void);
void proc_set_comm(const char *name, size_t len);   /* len < PROC_COMM_LEN */
/* A vfork child execs: its parent runs on (sys/fork.c). */
void proc_vfork_release(void);

/* The system call the process is serving (set by the dispatcher), for
 * reports of where a program died; fork and execve change where it returns. */
struct syscall_frame;
extern struct syscall_frame *syscall_frames[PAL_MAX_THREADS];
#define current_syscall (syscall_frames[this_cpu()->vcpu_id])

/* The child of a fork takes its prctl state from its parent's (sys/proc.c). */
void prctl_fork_child(void);

/* A resource's soft limit, RLIMIT_* (sys/info.c). */
uint64_t rlimit_soft(unsigned int resource);
/* A new program's address space is laid out at random: personality() has
 * not set ADDR_NO_RANDOMIZE (sys/personality.c). */
bool personality_randomize(void);

__attribute__((noreturn)) void libos_exit(int status);
/* Dies by signo; crash says where (NULL: a signal the program raised itself,
 * reported at the system call it was serving). */
__attribute__((noreturn)) void libos_die_by_signal(int signo, const struct pal_crash *crash);

#endif
