// Signal handlers in one process: siginfo for raise, kill and sigqueue,
// masks that hold a signal back and deliver it on unblock, SA_RESETHAND,
// SA_NODEFER, the order of several pending signals, real-time signals
// queued in order, sigaltstack with SA_ONSTACK, sigsuspend, sigpending,
// sigtimedwait, a handler that changes a global, longjmp and siglongjmp out
// of a handler, a handler that rewrites the interrupted context, and FPU,
// SSE and AVX registers that survive a handler which clobbers them.
#define _GNU_SOURCE
#include <cpuid.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t count, depth, max_depth;
static siginfo_t last_info;
static int order[8], norder;

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = fn;
    sa.sa_flags = flags | SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void block(int how, int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(how, &s, NULL);
}

static int is_blocked(int sig)
{
    sigset_t s;
    sigprocmask(SIG_BLOCK, NULL, &s);
    return sigismember(&s, sig) == 1;
}

static int is_pending(int sig)
{
    sigset_t s;
    sigpending(&s);
    return sigismember(&s, sig) == 1;
}

static void record(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    count++;
    last_info = *si;
    if (norder < 8)
        order[norder++] = sig;
}

static int values[4], nvalues;

static void record_value(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    if (nvalues < 4)
        values[nvalues++] = si->si_value.sival_int;
}

static void siginfo_checks(void)
{
    install(SIGUSR1, record, 0);
    count = 0;
    CHECK("raise-returns-0", raise(SIGUSR1) == 0);
    CHECK("handler-ran-before-raise-returned", count == 1);
    CHECK("si_signo", last_info.si_signo == SIGUSR1);
    CHECK("raise-si_code-tkill", last_info.si_code == SI_TKILL);
    CHECK("raise-si_pid", last_info.si_pid == getpid());
    CHECK("raise-si_uid", last_info.si_uid == getuid());
    CHECK("kill-self", kill(getpid(), SIGUSR1) == 0 && count == 2 && last_info.si_code == SI_USER &&
                       last_info.si_pid == getpid());
    union sigval v = { .sival_int = 42 };
    CHECK("sigqueue-self", sigqueue(getpid(), SIGUSR1, v) == 0 && count == 3 && last_info.si_code == SI_QUEUE &&
                           last_info.si_value.sival_int == 42);
}

static void mask_checks(void)
{
    install(SIGUSR1, record, 0);
    count = 0;
    block(SIG_BLOCK, SIGUSR1);
    raise(SIGUSR1);
    CHECK("blocked-not-delivered", count == 0);
    CHECK("sigpending-shows-it", is_pending(SIGUSR1));
    raise(SIGUSR1);
    block(SIG_UNBLOCK, SIGUSR1);
    CHECK("unblock-delivers-once", count == 1);
    CHECK("sigpending-empty", !is_pending(SIGUSR1));
    CHECK("mask-restored-after-handler", !is_blocked(SIGUSR1));

    /* Several at once: frames stack up, so the highest runs first. */
    install(SIGUSR2, record, 0);
    norder = 0;
    sigset_t both;
    sigemptyset(&both);
    sigaddset(&both, SIGUSR1);
    sigaddset(&both, SIGUSR2);
    sigprocmask(SIG_BLOCK, &both, NULL);
    raise(SIGUSR2);
    raise(SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &both, NULL);
    CHECK("two-pending-both-run", norder == 2);
    CHECK("two-pending-order", order[0] == SIGUSR2 && order[1] == SIGUSR1);

    /* Real-time signals queue, in order; standard ones merge. */
    int rt = SIGRTMIN + 1;
    block(SIG_BLOCK, rt);
    for (int i = 0; i < 3; i++)
        sigqueue(getpid(), rt, (union sigval){ .sival_int = i });
    nvalues = 0;
    install(rt, record_value, 0);
    block(SIG_UNBLOCK, rt);
    CHECK("rt-queued-three-in-order", nvalues == 3 && values[0] == 0 && values[1] == 1 && values[2] == 2);
}

static void resethand_handler(int sig, siginfo_t *si, void *uc)
{
    (void)si, (void)uc;
    struct sigaction now;
    sigaction(sig, NULL, &now);
    count += now.sa_handler == SIG_DFL;
}

static void nested_handler(int sig, siginfo_t *si, void *uc)
{
    (void)si, (void)uc;
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    count++;
    if (count == 1)
        raise(sig);
    depth--;
}

static void flag_checks(void)
{
    count = 0;
    install(SIGUSR1, resethand_handler, SA_RESETHAND);
    raise(SIGUSR1);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    CHECK("resethand-default-inside", count == 1);
    CHECK("resethand-default-after", now.sa_handler == SIG_DFL);

    count = depth = max_depth = 0;
    install(SIGUSR1, nested_handler, 0);
    raise(SIGUSR1);
    CHECK("deferred-runs-after", count == 2 && max_depth == 1);

    count = depth = max_depth = 0;
    install(SIGUSR1, nested_handler, SA_NODEFER);
    raise(SIGUSR1);
    CHECK("nodefer-nests", count == 2 && max_depth == 2);

    /* sa_mask is blocked while the handler runs, and not after. */
    struct sigaction sa = { 0 };
    sa.sa_sigaction = record;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &sa, NULL);
    install(SIGUSR2, record, 0);
    norder = 0;
    raise(SIGUSR1);
    CHECK("sa_mask-released", norder == 1 && !is_blocked(SIGUSR2) && !is_blocked(SIGUSR1));
}

static char altstack[65536] __attribute__((aligned(16)));
static volatile int on_alt, alt_flags;

static void alt_handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)si;
    char here;
    on_alt = &here > altstack && &here < altstack + sizeof altstack;
    stack_t now;
    sigaltstack(NULL, &now);
    alt_flags = now.ss_flags;
    ucontext_t *u = uc;
    alt_flags |= (u->uc_stack.ss_sp == altstack) << 8;
}

static void altstack_checks(void)
{
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 }, old;
    CHECK("sigaltstack-set", sigaltstack(&ss, NULL) == 0);
    install(SIGUSR1, alt_handler, SA_ONSTACK);
    on_alt = 0;
    raise(SIGUSR1);
    CHECK("onstack-handler-on-alt-stack", on_alt);
    CHECK("onstack-reports-ss_onstack", (alt_flags & 0xff) == SS_ONSTACK);
    CHECK("onstack-uc_stack", alt_flags >> 8);
    install(SIGUSR1, alt_handler, 0);
    raise(SIGUSR1);
    CHECK("no-onstack-normal-stack", !on_alt && (alt_flags & 0xff) == 0);
    ss.ss_flags = SS_DISABLE;
    CHECK("sigaltstack-disable", sigaltstack(&ss, &old) == 0 && old.ss_sp == altstack && old.ss_flags == 0);
}

static void wait_checks(void)
{
    install(SIGUSR1, record, 0);
    count = 0;
    block(SIG_BLOCK, SIGUSR1);
    raise(SIGUSR1);
    sigset_t none;
    sigemptyset(&none);
    errno = 0;
    CHECK("sigsuspend-eintr", sigsuspend(&none) == -1 && errno == EINTR);
    CHECK("sigsuspend-ran-handler", count == 1);
    CHECK("sigsuspend-mask-restored", is_blocked(SIGUSR1));
    block(SIG_UNBLOCK, SIGUSR1);

    count = 0;
    block(SIG_BLOCK, SIGUSR2);
    raise(SIGUSR2);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    siginfo_t info;
    struct timespec zero = { 0, 0 }, short_wait = { 0, 20 * 1000 * 1000 };
    CHECK("sigtimedwait-takes-pending", sigtimedwait(&set, &info, &zero) == SIGUSR2 && info.si_signo == SIGUSR2 &&
                                        info.si_code == SI_TKILL);
    CHECK("sigtimedwait-no-handler", count == 0 && !is_pending(SIGUSR2));
    CHECK("sigtimedwait-timeout", sigtimedwait(&set, &info, &short_wait) == -1 && errno == EAGAIN);
    CHECK("sigtimedwait-poll", sigtimedwait(&set, &info, &zero) == -1 && errno == EAGAIN);
    raise(SIGUSR2);
    CHECK("sigwaitinfo", sigwaitinfo(&set, &info) == SIGUSR2);
    int sig = 0;
    raise(SIGUSR2);
    CHECK("sigwait", sigwait(&set, &sig) == 0 && sig == SIGUSR2);
    block(SIG_UNBLOCK, SIGUSR2);
}

static volatile int global_value;

static void set_global(int sig, siginfo_t *si, void *uc)
{
    (void)si, (void)uc;
    global_value = sig * 100;
}

static sigjmp_buf sjb;
static jmp_buf jb;

static void jump_sig(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)si, (void)uc;
    siglongjmp(sjb, 7);
}

static void jump_plain(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)si, (void)uc;
    longjmp(jb, 9);
}

static void jump_checks(void)
{
    install(SIGUSR1, set_global, 0);
    raise(SIGUSR1);
    CHECK("handler-modifies-global", global_value == SIGUSR1 * 100);

    install(SIGUSR1, jump_sig, 0);
    int r = sigsetjmp(sjb, 1);
    if (r == 0) {
        raise(SIGUSR1);
        CHECK("siglongjmp-never-here", 0);
    }
    CHECK("siglongjmp-out", r == 7);
    CHECK("siglongjmp-restores-mask", !is_blocked(SIGUSR1));

    install(SIGUSR1, jump_plain, 0);
    r = setjmp(jb);
    if (r == 0) {
        raise(SIGUSR1);
        CHECK("longjmp-never-here", 0);
    }
    /* musl's longjmp leaves the handler's mask in place. */
    CHECK("longjmp-out", r == 9);
    CHECK("longjmp-keeps-mask", is_blocked(SIGUSR1));
    block(SIG_UNBLOCK, SIGUSR1);
}

/* The handler sees the interrupted registers and may change them. */
static void change_r12(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)si;
    ucontext_t *u = uc;
    if (u->uc_mcontext.gregs[REG_R12] == 0x1122334455667788)
        u->uc_mcontext.gregs[REG_R12] = 0x55;
}

static void context_checks(void)
{
    install(SIGUSR1, change_r12, 0);
    long nr = SYS_tkill, tid = syscall(SYS_gettid), out;
    __asm__ volatile("movabs $0x1122334455667788, %%r12\n"
                     "syscall\n"
                     "mov %%r12, %%rdx\n"
                     : "+a"(nr), "=d"(out)
                     : "D"(tid), "S"((long)SIGUSR1)
                     : "rcx", "r11", "r12", "memory");
    CHECK("context-change-returns", nr == 0 && out == 0x55);
}

/* Every vector register gets a known value, a handler that clobbers them
 * runs (at the end of the tkill system call), and the values must be back. */
static int has_avx2(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) || !(c & bit_AVX))
        return 0;
    unsigned lo, hi;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6 || !__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    return (b & bit_AVX2) != 0;
}

static volatile unsigned handler_mxcsr;

__attribute__((target("avx2"))) static void clobber_ymm(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)si, (void)uc;
    unsigned m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    handler_mxcsr = m;
    __asm__ volatile("vpcmpeqd %%ymm0, %%ymm0, %%ymm0\n"
                     "vmovdqa %%ymm0, %%ymm1\n vmovdqa %%ymm0, %%ymm2\n vmovdqa %%ymm0, %%ymm7\n"
                     "vmovdqa %%ymm0, %%ymm8\n vmovdqa %%ymm0, %%ymm15\n"
                     ::: "xmm0", "xmm1", "xmm2", "xmm7", "xmm8", "xmm15");
}

static void clobber_xmm(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)si, (void)uc;
    unsigned m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    handler_mxcsr = m;
    __asm__ volatile("pcmpeqd %%xmm0, %%xmm0\n movdqa %%xmm0, %%xmm1\n movdqa %%xmm0, %%xmm15\n"
                     ::: "xmm0", "xmm1", "xmm15");
}

__attribute__((target("avx2"))) static int ymm_round_trip(long tid)
{
    static uint8_t in[4][32] __attribute__((aligned(32))), out[4][32] __attribute__((aligned(32)));
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 32; j++)
            in[i][j] = (uint8_t)(i * 32 + j + 1);
    long ret;
    __asm__ volatile("vmovdqa 0(%[in]), %%ymm1\n vmovdqa 32(%[in]), %%ymm2\n"
                     "vmovdqa 64(%[in]), %%ymm8\n vmovdqa 96(%[in]), %%ymm15\n"
                     "syscall\n"
                     "vmovdqa %%ymm1, 0(%[out])\n vmovdqa %%ymm2, 32(%[out])\n"
                     "vmovdqa %%ymm8, 64(%[out])\n vmovdqa %%ymm15, 96(%[out])\n"
                     : "=a"(ret)
                     : "a"((long)SYS_tkill), "D"(tid), "S"((long)SIGUSR1), [in] "r"(in), [out] "r"(out)
                     : "rcx", "r11", "memory", "xmm1", "xmm2", "xmm8", "xmm15");
    return ret == 0 && memcmp(in, out, sizeof in) == 0;
}

static int xmm_round_trip(long tid)
{
    static uint8_t in[3][16] __attribute__((aligned(16))), out[3][16] __attribute__((aligned(16)));
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 16; j++)
            in[i][j] = (uint8_t)(i * 16 + j + 3);
    long ret;
    __asm__ volatile("movdqa 0(%[in]), %%xmm1\n movdqa 16(%[in]), %%xmm8\n movdqa 32(%[in]), %%xmm15\n"
                     "syscall\n"
                     "movdqa %%xmm1, 0(%[out])\n movdqa %%xmm8, 16(%[out])\n movdqa %%xmm15, 32(%[out])\n"
                     : "=a"(ret)
                     : "a"((long)SYS_tkill), "D"(tid), "S"((long)SIGUSR1), [in] "r"(in), [out] "r"(out)
                     : "rcx", "r11", "memory", "xmm1", "xmm8", "xmm15");
    return ret == 0 && memcmp(in, out, sizeof in) == 0;
}

static void fpu_checks(void)
{
    long tid = syscall(SYS_gettid);
    int avx2 = has_avx2();
    install(SIGUSR1, avx2 ? clobber_ymm : clobber_xmm, 0);
    /* Round toward zero, and all exceptions masked: the handler starts with the default. */
    unsigned mine = 0x7f80, back;
    __asm__ volatile("ldmxcsr %0" : : "m"(mine));
    int ok = avx2 ? ymm_round_trip(tid) : xmm_round_trip(tid);
    __asm__ volatile("stmxcsr %0" : "=m"(back));
    unsigned dflt = 0x1f80;
    __asm__ volatile("ldmxcsr %0" : : "m"(dflt));
    CHECK("vector-registers-survive-handler", ok);
    CHECK("mxcsr-survives-handler", back == mine);
    CHECK("handler-starts-with-default-mxcsr", handler_mxcsr == 0x1f80);
    /* x87 too: a long double computed across a handler. */
    install(SIGUSR1, record, 0);
    volatile long double x = 1.0L / 3.0L;
    long double y = x * 3.0L;
    raise(SIGUSR1);
    CHECK("x87-survives-handler", y * 2.0L == 2.0L);
}

int main(void)
{
    siginfo_checks();
    mask_checks();
    flag_checks();
    altstack_checks();
    wait_checks();
    jump_checks();
    context_checks();
    fpu_checks();
    return check_exit_status();
}
