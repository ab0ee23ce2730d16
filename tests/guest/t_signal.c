// Signal dispositions and masks: what is recorded and reported back.  No
// signal is ever delivered to a handler here (that is tested elsewhere);
// the only signals raised are ignored ones.
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

/* The kernel's struct sigaction for rt_sigaction (not libc's). */
struct k_sigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
};
#define K_SA_RESTORER 0x04000000ul

static void handler(int sig)
{
    (void)sig;
}

static void info_handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)si;
    (void)uc;
}

static void restorer(void)
{
}

static void actions(void)
{
    struct sigaction sa = { 0 }, old;
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaddset(&sa.sa_mask, SIGTERM);
    CHECK("sigaction-set", sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK("sigaction-get", sigaction(SIGUSR1, NULL, &old) == 0);
    CHECK("sigaction-handler", old.sa_handler == handler);
    CHECK("sigaction-flags", (old.sa_flags & SA_RESTART) && !(old.sa_flags & SA_SIGINFO));
    CHECK("sigaction-mask", sigismember(&old.sa_mask, SIGUSR2) == 1 && sigismember(&old.sa_mask, SIGTERM) == 1 &&
                            sigismember(&old.sa_mask, SIGINT) == 0);

    struct sigaction si = { 0 };
    si.sa_sigaction = info_handler;
    si.sa_flags = SA_SIGINFO | SA_NODEFER;
    CHECK("sigaction-swap-returns-old", sigaction(SIGUSR1, &si, &old) == 0 && old.sa_handler == handler);
    CHECK("sigaction-siginfo", sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_sigaction == info_handler &&
                               (old.sa_flags & (SA_SIGINFO | SA_NODEFER)) == (SA_SIGINFO | SA_NODEFER));

    /* Raw rt_sigaction: every field comes back as given. */
    struct k_sigaction k = { handler, SA_RESTART | K_SA_RESTORER, restorer, 1ull << (SIGUSR2 - 1) }, kold;
    CHECK("rt-sigaction-set", syscall(SYS_rt_sigaction, SIGUSR1, &k, NULL, 8) == 0);
    CHECK("rt-sigaction-round-trip", syscall(SYS_rt_sigaction, SIGUSR1, NULL, &kold, 8) == 0 &&
                                     kold.handler == handler && kold.restorer == restorer &&
                                     kold.flags == (SA_RESTART | K_SA_RESTORER) &&
                                     kold.mask == 1ull << (SIGUSR2 - 1));
    CHECK("rt-sigaction-bad-size-einval", FAILS_WITH(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &kold, 4), EINVAL));
    CHECK("rt-sigaction-efault", FAILS_WITH(syscall(SYS_rt_sigaction, SIGUSR1, (void *)8, NULL, 8), EFAULT));

    sa.sa_handler = SIG_DFL;
    sa.sa_flags = 0;
    sigemptyset(&sa.sa_mask);
    CHECK("sigaction-default", sigaction(SIGUSR1, &sa, NULL) == 0 && sigaction(SIGUSR1, NULL, &old) == 0 &&
                               old.sa_handler == SIG_DFL);

    sa.sa_handler = SIG_IGN;
    CHECK("sigpipe-ignore", sigaction(SIGPIPE, &sa, NULL) == 0 && sigaction(SIGPIPE, NULL, &old) == 0 &&
                            old.sa_handler == SIG_IGN);
    CHECK("signal-returns-old", signal(SIGPIPE, SIG_DFL) == SIG_IGN && signal(SIGPIPE, SIG_IGN) == SIG_DFL);

    sa.sa_handler = handler;
    CHECK("sigaction-sigkill-einval", FAILS_WITH(sigaction(SIGKILL, &sa, NULL), EINVAL));
    CHECK("sigaction-sigstop-einval", FAILS_WITH(sigaction(SIGSTOP, &sa, NULL), EINVAL));
    CHECK("sigaction-sigkill-query", sigaction(SIGKILL, NULL, &old) == 0 && old.sa_handler == SIG_DFL);
    CHECK("sigaction-zero-einval", FAILS_WITH(syscall(SYS_rt_sigaction, 0, NULL, &kold, 8), EINVAL));
    CHECK("sigaction-65-einval", FAILS_WITH(syscall(SYS_rt_sigaction, 65, NULL, &kold, 8), EINVAL));
    CHECK("sigaction-rt-signal", syscall(SYS_rt_sigaction, 64, &k, NULL, 8) == 0);
}

static int blocked(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, sig) == 1;
}

static void masks(void)
{
    sigset_t set, old;
    /* The mask is inherited across exec: start from a known one. */
    sigemptyset(&set);
    CHECK("sigprocmask-empty", sigprocmask(SIG_SETMASK, &set, NULL) == 0 && sigprocmask(SIG_SETMASK, NULL, &old) == 0 &&
                               !sigismember(&old, SIGUSR1) && !sigismember(&old, SIGUSR2));
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    CHECK("sigprocmask-block", sigprocmask(SIG_BLOCK, &set, NULL) == 0 && blocked(SIGUSR1) && blocked(SIGUSR2));
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK("sigprocmask-unblock", sigprocmask(SIG_UNBLOCK, &set, &old) == 0 && !blocked(SIGUSR1) &&
                                 blocked(SIGUSR2));
    CHECK("sigprocmask-old-returned", sigismember(&old, SIGUSR1) == 1 && sigismember(&old, SIGUSR2) == 1);
    CHECK("sigprocmask-setmask", sigprocmask(SIG_SETMASK, &set, NULL) == 0 && blocked(SIGUSR1) &&
                                 !blocked(SIGUSR2));

    /* SIGKILL and SIGSTOP cannot be blocked: asking is not an error. */
    sigaddset(&set, SIGKILL);
    sigaddset(&set, SIGSTOP);
    CHECK("sigprocmask-kill-stop-dropped", sigprocmask(SIG_BLOCK, &set, NULL) == 0 && !blocked(SIGKILL) &&
                                           !blocked(SIGSTOP) && blocked(SIGUSR1));

    uint64_t raw = 0, raw_old = 0;
    CHECK("rt-sigprocmask-raw-query", syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &raw_old, 8) == 0 &&
                                      raw_old == 1ull << (SIGUSR1 - 1));
    raw = 1ull << (SIGTERM - 1);
    CHECK("rt-sigprocmask-raw-setmask", syscall(SYS_rt_sigprocmask, SIG_SETMASK, &raw, &raw_old, 8) == 0 &&
                                        raw_old == 1ull << (SIGUSR1 - 1) && blocked(SIGTERM) && !blocked(SIGUSR1));
    CHECK("rt-sigprocmask-bad-how-einval", FAILS_WITH(syscall(SYS_rt_sigprocmask, 7, &raw, NULL, 8), EINVAL));
    CHECK("rt-sigprocmask-bad-size-einval", FAILS_WITH(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &raw, NULL, 4),
                                                       EINVAL));
    CHECK("rt-sigprocmask-efault", FAILS_WITH(syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)8, NULL, 8), EFAULT));
    sigemptyset(&set);
    CHECK("sigprocmask-clear", sigprocmask(SIG_SETMASK, &set, NULL) == 0 && !blocked(SIGTERM));
}

static void ignored_signals(void)
{
    signal(SIGUSR2, SIG_IGN);
    CHECK("raise-ignored", raise(SIGUSR2) == 0);
    CHECK("kill-self-ignored", kill(getpid(), SIGUSR2) == 0);
    CHECK("tgkill-self-ignored", syscall(SYS_tgkill, getpid(), gettid(), SIGUSR2) == 0);
    CHECK("kill-signal-zero", kill(getpid(), 0) == 0);
    CHECK("kill-bad-signal-einval", FAILS_WITH(kill(getpid(), 1000), EINVAL));
}

int main(void)
{
    actions();
    masks();
    ignored_signals();
    return check_exit_status();
}
