/* How this picoprocess ends (process.h), reported with the system call it
 * was serving when it raised its own death. */
#include "libos.h"
#include "mm/mm.h"
#include "syscall/syscall.h"

struct syscall_frame *current_syscall;

__attribute__((noreturn)) void libos_exit(int status)
{
    mm_exit();
    pal->process_exit(status & 0xff, NULL);
}

__attribute__((noreturn)) void libos_die_by_signal(int signo, const struct pal_crash *crash)
{
    /* A signal the program sent itself (abort()): report where it asked. */
    struct pal_crash c = { .signo = signo, .vector = ~0ull, .rip = current_syscall ? current_syscall->rip : 0 };
    mm_exit();
    pal->process_exit(128 + signo, crash ? crash : &c);
}
