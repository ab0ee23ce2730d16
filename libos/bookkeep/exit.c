/* How this picoprocess ends (process.h), reported with the system call it
 * was serving when it raised its own death. */
#include "libos.h"
#include "mm/mm.h"
#include "syscall/syscall.h"
#include "bookkeep/cputime.h"
#include <linux/resource.h>
#include <asm/signal.h>

/* What the parent's wait and getrusage(RUSAGE_CHILDREN) will count: our
 * time and our children's, the larger of our resident sets. */
static struct pal_usage usage(void)
{
    struct cpu_times self = cputime_self(), kids = cputime_children();
    return (struct pal_usage){ self.user_ns + kids.user_ns, self.sys_ns + kids.sys_ns,
                               MAX(mm_maxrss_kb(), cputime_children_maxrss()) };
}

/* Signals whose default action dumps core (signal(7)'s "Core"). */
static bool dumps_core(int signo)
{
    switch (signo) {
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
    case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
        return true;
    default:
        return false;
    }
}

struct syscall_frame *syscall_frames[PAL_MAX_THREADS];

__attribute__((noreturn)) void libos_exit(int status)
{
    struct pal_usage u = usage();
    mm_exit();
    pal->process_exit(status & 0xff, NULL, &u);
}

__attribute__((noreturn)) void libos_die_by_signal(int signo, const struct pal_crash *crash)
{
    /* A signal the program sent itself (abort()): report where it asked. */
    struct pal_crash c = { .signo = signo, .vector = ~0ull, .rip = current_syscall ? current_syscall->rip : 0 };
    if (crash)
        c = *crash;
    /* Linux dumps core, and says so in the wait status, when RLIMIT_CORE
     * allows a file; picovm writes none (the guest has no file to give it)
     * but the parent sees the status Linux's would. */
    c.core = dumps_core(signo) && rlimit_soft(RLIMIT_CORE) > 0;
    struct pal_usage u = usage();
    mm_exit();
    pal->process_exit(128 + signo, &c, &u);
}
