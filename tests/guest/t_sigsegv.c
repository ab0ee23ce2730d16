// CPU faults caught by handlers: SIGSEGV for a NULL store (siglongjmp out)
// and for a store to a PROT_NONE page (the handler fixes the page and the
// store runs again), SIGFPE for an integer division by zero, SIGILL for
// ud2 (the handler steps over it by rewriting rip), SIGTRAP for int3; the
// siginfo and the registers each handler sees; a fault while its signal is
// blocked still kills (checked in a child).
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "check.h"

static sigjmp_buf back;
static volatile siginfo_t seen;
static volatile uint64_t seen_rip, seen_trapno, seen_err;
static volatile int faults;
static char *page;

static void install(int sig, void (*fn)(int, siginfo_t *, void *))
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void note(siginfo_t *si, void *uc)
{
    ucontext_t *u = uc;
    seen = *si;
    seen_rip = (uint64_t)u->uc_mcontext.gregs[REG_RIP];
    seen_trapno = (uint64_t)u->uc_mcontext.gregs[REG_TRAPNO];
    seen_err = (uint64_t)u->uc_mcontext.gregs[REG_ERR];
    faults++;
}

static void jump_out(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    note(si, uc);
    siglongjmp(back, 1);
}

static void unprotect(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    note(si, uc);
    mprotect(page, 4096, PROT_READ | PROT_WRITE);
}

/* ud2 is two bytes long: go on after it. */
static void skip_ud2(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    note(si, uc);
    ((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP] += 2;
}

static void null_store(void)
{
    install(SIGSEGV, jump_out);
    faults = 0;
    if (sigsetjmp(back, 1) == 0) {
        volatile int *volatile p = NULL;
        *p = 1;
        CHECK("null-store-never-here", 0);
    }
    CHECK("null-store-caught", faults == 1);
    CHECK("null-store-signo", seen.si_signo == SIGSEGV);
    CHECK("null-store-maperr", seen.si_code == SEGV_MAPERR);
    CHECK("null-store-addr", seen.si_addr == NULL);
    CHECK("null-store-trapno", seen_trapno == 14);
    CHECK("null-store-err-write-user", (seen_err & 6) == 6);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK("null-store-mask-back", !sigismember(&now, SIGSEGV));
}

static void protected_store(void)
{
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    page[100] = 5;
    mprotect(page, 4096, PROT_NONE);
    install(SIGSEGV, unprotect);
    faults = 0;
    ((volatile char *)page)[100] = 7;
    CHECK("prot-none-caught-once", faults == 1);
    CHECK("prot-none-accerr", seen.si_code == SEGV_ACCERR);
    CHECK("prot-none-addr", seen.si_addr == page + 100);
    CHECK("prot-none-store-ran-again", page[100] == 7);
    munmap(page, 4096);
}

static void divide_by_zero(void)
{
    install(SIGFPE, jump_out);
    faults = 0;
    if (sigsetjmp(back, 1) == 0) {
        volatile int zero = 0, x = 42;
        x = x / zero;
        CHECK("div-never-here", 0);
    }
    CHECK("div-caught", faults == 1);
    CHECK("div-signo", seen.si_signo == SIGFPE);
    CHECK("div-intdiv", seen.si_code == FPE_INTDIV);
    CHECK("div-addr-is-rip", (uint64_t)seen.si_addr == seen_rip);
    CHECK("div-trapno", seen_trapno == 0);
}

static void invalid_opcode(void)
{
    install(SIGILL, skip_ud2);
    faults = 0;
    uint64_t at;
    __asm__ volatile("lea 1f(%%rip), %0\n"
                     "1: ud2\n"
                     : "=r"(at));
    CHECK("ud2-caught-and-skipped", faults == 1);
    CHECK("ud2-signo", seen.si_signo == SIGILL);
    CHECK("ud2-illopn", seen.si_code == ILL_ILLOPN);
    CHECK("ud2-addr", (uint64_t)seen.si_addr == at && seen_rip == at);
    CHECK("ud2-trapno", seen_trapno == 6);
}

static void breakpoint(void)
{
    install(SIGTRAP, jump_out);
    faults = 0;
    static volatile uint64_t after;
    if (sigsetjmp(back, 1) == 0) {
        /* Stored before the trap: the handler jumps away before an asm output would be. */
        __asm__ volatile("lea 1f(%%rip), %%rax\n"
                         "mov %%rax, %0\n"
                         "int3\n"
                         "1:\n"
                         : "=m"(after) : : "rax", "memory");
        CHECK("int3-never-here", 0);
    }
    CHECK("int3-caught", faults == 1 && seen.si_signo == SIGTRAP && seen.si_code == SI_KERNEL);
    CHECK("int3-rip-after", seen_rip == after);
}

/* Linux forces a fault's signal: blocked, it still kills. */
static void blocked_fault_kills(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        install(SIGSEGV, jump_out);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGSEGV);
        sigprocmask(SIG_BLOCK, &s, NULL);
        volatile int *volatile p = NULL;
        *p = 1;
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK("blocked-segv-kills", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    null_store();
    protected_store();
    divide_by_zero();
    invalid_opcode();
    breakpoint();
    blocked_fault_kills();
    return check_exit_status();
}
