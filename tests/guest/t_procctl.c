// prctl, arch_prctl, futex, sigaltstack, getcpu, and the error paths of the
// process, limit, clock and signal calls that t_info, t_time and t_signal do
// not reach: results and errno values must be the same natively and under
// picovm.  Raw system calls, so the C library's own checks hide nothing.
#define _GNU_SOURCE
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* musl's headers carry no <linux/...> or <asm/...>: the kernel's values. */
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_CPUID 0x1011
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#ifndef SA_EXPOSE_TAGBITS
#define SA_EXPOSE_TAGBITS 0x800
#endif
#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif

#define NO_SUCH_PID 0x3fffffff    /* above Linux's PID_MAX_LIMIT */
#define BAD ((void *)0x1000)      /* never mapped */

struct ksigaction { unsigned long handler, flags, restorer, mask; };
struct kstack { void *sp; int flags; size_t size; };

#define FAILS(call, err) FAILS_WITH((long)(call), err)

static void ids_and_limits(void)
{
    unsigned e, s;
    struct rlimit r, bad_order = { 10, 5 };
    char buf[16];
    CHECK("getpgid-self", syscall(SYS_getpgid, 0) == getpgrp() && syscall(SYS_getpgid, getpid()) == getpgrp());
    CHECK("getpgid-esrch", FAILS(syscall(SYS_getpgid, NO_SUCH_PID), ESRCH));
    CHECK("getsid-esrch", FAILS(syscall(SYS_getsid, NO_SUCH_PID), ESRCH));
    CHECK("getresuid-efault", FAILS(syscall(SYS_getresuid, NULL, &e, &s), EFAULT));
    CHECK("getgroups-einval", FAILS(syscall(SYS_getgroups, -1, NULL), EINVAL));
    CHECK("getrlimit-efault", FAILS(syscall(SYS_getrlimit, RLIMIT_NOFILE, BAD), EFAULT));
    CHECK("setrlimit-cur-above-max", FAILS(syscall(SYS_setrlimit, RLIMIT_NOFILE, &bad_order), EINVAL));
    CHECK("setrlimit-efault", FAILS(syscall(SYS_setrlimit, RLIMIT_NOFILE, BAD), EFAULT));
    CHECK("prlimit-esrch", FAILS(syscall(SYS_prlimit64, NO_SUCH_PID, RLIMIT_NOFILE, NULL, &r), ESRCH));
    CHECK("prlimit-efault-before-esrch", FAILS(syscall(SYS_prlimit64, NO_SUCH_PID, RLIMIT_NOFILE, BAD, &r), EFAULT));
    CHECK("getrandom-insecure-random", FAILS(syscall(SYS_getrandom, buf, sizeof buf, 6), EINVAL));
    CHECK("getrandom-insecure", syscall(SYS_getrandom, buf, sizeof buf, 4) == sizeof buf);
}

static void prctls(void)
{
    char name[16];
    int sig = -1;
    CHECK("set-name", prctl(PR_SET_NAME, "a-name-longer-than-fifteen", 0, 0, 0) == 0);
    CHECK("get-name", prctl(PR_GET_NAME, name, 0, 0, 0) == 0);
    check_str("get-name-truncated", name, "a-name-longer-t");
    CHECK("set-name-efault", FAILS(prctl(PR_SET_NAME, BAD, 0, 0, 0), EFAULT));
    CHECK("get-name-efault", FAILS(prctl(PR_GET_NAME, BAD, 0, 0, 0), EFAULT));
    CHECK("pdeathsig-einval", FAILS(prctl(PR_SET_PDEATHSIG, 65, 0, 0, 0), EINVAL));
    CHECK("pdeathsig", prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0) == 0 &&
                       prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0) == 0 && sig == SIGUSR1);
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    CHECK("pdeathsig-efault", FAILS(prctl(PR_GET_PDEATHSIG, BAD, 0, 0, 0), EFAULT));
    CHECK("dumpable", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1);
    CHECK("dumpable-einval", FAILS(prctl(PR_SET_DUMPABLE, 2, 0, 0, 0), EINVAL));
    CHECK("dumpable-off-on", prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 && prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0 &&
                             prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == 0);
    CHECK("no-new-privs-einval", FAILS(prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0), EINVAL));
    CHECK("no-new-privs", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
                          prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
    CHECK("prctl-unknown", FAILS(prctl(0x7fff, 0, 0, 0, 0), EINVAL));

    unsigned long fs = 0;
    CHECK("arch-get-fs", syscall(SYS_arch_prctl, ARCH_GET_FS, &fs) == 0 && fs != 0);
    CHECK("arch-get-fs-efault", FAILS(syscall(SYS_arch_prctl, ARCH_GET_FS, BAD), EFAULT));
    CHECK("arch-set-fs-eperm", FAILS(syscall(SYS_arch_prctl, ARCH_SET_FS, 1ul << 47), EPERM));
    CHECK("arch-set-fs-same", syscall(SYS_arch_prctl, ARCH_SET_FS, fs) == 0);
    CHECK("arch-get-cpuid", syscall(SYS_arch_prctl, ARCH_GET_CPUID, 0) == 1);
    CHECK("arch-unknown", FAILS(syscall(SYS_arch_prctl, 0x7fff, 0), EINVAL));
}

static void scheduling(void)
{
    unsigned long mask[16] = { 0 };
    unsigned cpu = ~0u, node = ~0u;
    CHECK("affinity-len-odd", FAILS(syscall(SYS_sched_getaffinity, 0, 12, mask), EINVAL));
    CHECK("affinity-esrch", FAILS(syscall(SYS_sched_getaffinity, NO_SUCH_PID, sizeof mask, mask), ESRCH));
    CHECK("affinity-efault", FAILS(syscall(SYS_sched_getaffinity, 0, sizeof mask, BAD), EFAULT));
    CHECK("getcpu", syscall(SYS_getcpu, &cpu, &node, NULL) == 0 && cpu != ~0u && node != ~0u);
    CHECK("getcpu-efault", FAILS(syscall(SYS_getcpu, BAD, NULL, NULL), EFAULT));

    static uint32_t word = 5;
    struct timespec ms = { 0, 1000000 }, bad_ns = { 0, 1000000000 };
    int p = FUTEX_PRIVATE_FLAG;
    CHECK("futex-wake", syscall(SYS_futex, &word, FUTEX_WAKE | p, 1, NULL, NULL, 0) == 0);
    CHECK("futex-wake-unaligned", FAILS(syscall(SYS_futex, (char *)&word + 1, FUTEX_WAKE | p, 1, NULL, NULL, 0), EINVAL));
    CHECK("futex-wake-bitset0", FAILS(syscall(SYS_futex, &word, FUTEX_WAKE_BITSET | p, 1, NULL, NULL, 0), EINVAL));
    CHECK("futex-wake-clockrt", FAILS(syscall(SYS_futex, &word, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0), ENOSYS));
    CHECK("futex-wait-eagain", FAILS(syscall(SYS_futex, &word, FUTEX_WAIT | p, 4, NULL, NULL, 0), EAGAIN));
    CHECK("futex-wait-efault", FAILS(syscall(SYS_futex, BAD, FUTEX_WAIT | p, 4, NULL, NULL, 0), EFAULT));
    CHECK("futex-wait-timeout", FAILS(syscall(SYS_futex, &word, FUTEX_WAIT | p, 5, &ms, NULL, 0), ETIMEDOUT));
    CHECK("futex-wait-bad-timeout", FAILS(syscall(SYS_futex, &word, FUTEX_WAIT | p, 4, &bad_ns, NULL, 0), EINVAL));
    CHECK("futex-wait-bitset0", FAILS(syscall(SYS_futex, &word, FUTEX_WAIT_BITSET | p, 5, &ms, NULL, 0), EINVAL));
    CHECK("futex-wait-bitset-past", FAILS(syscall(SYS_futex, &word, FUTEX_WAIT_BITSET | p, 5, &ms, NULL, ~0u), ETIMEDOUT));
}

static void clocks(void)
{
    struct timespec t, ten_us = { 0, 10000 }, rem = { 7, 7 };
    CHECK("clock-tai", syscall(SYS_clock_gettime, 11, &t) == 0 && syscall(SYS_clock_getres, 11, &t) == 0);
    CHECK("clock-getres-efault", FAILS(syscall(SYS_clock_getres, CLOCK_MONOTONIC, BAD), EFAULT));
    CHECK("nanosleep-rem-untouched", syscall(SYS_nanosleep, &ten_us, &rem) == 0 && rem.tv_sec == 7 && rem.tv_nsec == 7);
    CHECK("nanosleep-efault", FAILS(syscall(SYS_nanosleep, NULL, NULL), EFAULT));
    CHECK("clock-nanosleep-raw", FAILS(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC_RAW, 0, &ten_us, NULL), EOPNOTSUPP));
    CHECK("clock-nanosleep-coarse", FAILS(syscall(SYS_clock_nanosleep, CLOCK_REALTIME_COARSE, 0, &ten_us, NULL), EOPNOTSUPP));
    CHECK("clock-nanosleep-thread", FAILS(syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &ten_us, NULL), EOPNOTSUPP));
    CHECK("clock-nanosleep-efault", FAILS(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, NULL, NULL), EFAULT));
    CHECK("gettimeofday-efault", FAILS(syscall(SYS_gettimeofday, BAD, NULL), EFAULT));
    CHECK("time-efault", FAILS(syscall(SYS_time, BAD), EFAULT));
}

static void signals(void)
{
    struct ksigaction ign = { (unsigned long)SIG_IGN, ~0ul, 0, ~0ul }, dfl = { 0 }, old;
    const unsigned long kept_flags = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART |
                                     SA_NODEFER | SA_RESETHAND | SA_EXPOSE_TAGBITS | SA_RESTORER;
    const unsigned long kill_stop = 1ul << (SIGKILL - 1) | 1ul << (SIGSTOP - 1);
    CHECK("sigaction-unknown-flags-dropped", syscall(SYS_rt_sigaction, SIGUSR2, &ign, NULL, 8) == 0 &&
                                             syscall(SYS_rt_sigaction, SIGUSR2, &dfl, &old, 8) == 0 &&
                                             old.flags == kept_flags && old.mask == ~kill_stop);
    CHECK("sigaction-bad-oact-still-sets", FAILS(syscall(SYS_rt_sigaction, SIGUSR2, &ign, BAD, 8), EFAULT) &&
                                           syscall(SYS_rt_sigaction, SIGUSR2, NULL, &old, 8) == 0 &&
                                           old.handler == (unsigned long)SIG_IGN);
    unsigned long all = ~0ul, mask;
    CHECK("sigprocmask-how-ignored-without-set", syscall(SYS_rt_sigprocmask, 3, NULL, &mask, 8) == 0);
    CHECK("sigprocmask-bad-how-bad-set", FAILS(syscall(SYS_rt_sigprocmask, 3, BAD, NULL, 8), EFAULT));
    CHECK("sigprocmask-bad-oset", FAILS(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, BAD, 8), EFAULT) &&
                                  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &(unsigned long){ 0 }, &mask, 8) == 0 &&
                                  mask == ~kill_stop);

    static char stack[16384];
    struct kstack ss = { stack, 0, 100 }, got;
    CHECK("sigaltstack-initial", syscall(SYS_sigaltstack, NULL, &got) == 0 && got.flags == SS_DISABLE);
    CHECK("sigaltstack-enomem", FAILS(syscall(SYS_sigaltstack, &ss, NULL), ENOMEM));
    ss.flags = 5;
    ss.size = sizeof stack;
    CHECK("sigaltstack-einval", FAILS(syscall(SYS_sigaltstack, &ss, NULL), EINVAL));
    ss.flags = 0;
    CHECK("sigaltstack-set", syscall(SYS_sigaltstack, &ss, NULL) == 0 &&
                             syscall(SYS_sigaltstack, NULL, &got) == 0 &&
                             got.sp == stack && got.size == sizeof stack && got.flags == 0);
    ss.flags = SS_DISABLE;
    CHECK("sigaltstack-disable", syscall(SYS_sigaltstack, &ss, &got) == 0 && got.sp == stack &&
                                 syscall(SYS_sigaltstack, NULL, &got) == 0 && got.flags == SS_DISABLE &&
                                 got.size == 0);
    CHECK("sigaltstack-efault", FAILS(syscall(SYS_sigaltstack, BAD, NULL), EFAULT) &&
                                FAILS(syscall(SYS_sigaltstack, NULL, BAD), EFAULT));

    pid_t me = getpid();
    CHECK("kill-esrch", FAILS(syscall(SYS_kill, NO_SUCH_PID, 0), ESRCH));
    CHECK("kill-esrch-before-einval", FAILS(syscall(SYS_kill, NO_SUCH_PID, 65), ESRCH));
    /* kill(-1) is a broadcast, not group 1 (ours when we are the first process). */
    CHECK("kill-own-group", syscall(SYS_kill, 0, 0) == 0 &&
                            (getpgrp() == 1 || syscall(SYS_kill, -getpgrp(), 0) == 0));
    CHECK("kill-group-einval", FAILS(syscall(SYS_kill, 0, 65), EINVAL));
    CHECK("kill-int-min", FAILS(syscall(SYS_kill, INT_MIN, 0), ESRCH));
    CHECK("tkill-einval", FAILS(syscall(SYS_tkill, 0, 0), EINVAL));
    CHECK("tkill-esrch", FAILS(syscall(SYS_tkill, NO_SUCH_PID, 0), ESRCH));
    CHECK("tkill-self", syscall(SYS_tkill, me, 0) == 0);
    CHECK("tgkill-einval", FAILS(syscall(SYS_tgkill, me, -1, 0), EINVAL));
    CHECK("tgkill-esrch", FAILS(syscall(SYS_tgkill, me, NO_SUCH_PID, 0), ESRCH) &&
                          FAILS(syscall(SYS_tgkill, NO_SUCH_PID, me, 0), ESRCH));
    CHECK("kill-default-ignored", syscall(SYS_kill, me, SIGCHLD) == 0 && syscall(SYS_kill, me, SIGWINCH) == 0 &&
                                  syscall(SYS_kill, me, SIGURG) == 0 && syscall(SYS_kill, me, SIGCONT) == 0);

    /* A blocked fatal signal waits; making it ignored discards it, so
     * unblocking it afterwards does nothing. */
    unsigned long term = 1ul << (SIGTERM - 1);
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, &term, NULL, 8);
    CHECK("kill-blocked", syscall(SYS_kill, me, SIGTERM) == 0);
    dfl.handler = (unsigned long)SIG_IGN;
    syscall(SYS_rt_sigaction, SIGTERM, &dfl, NULL, 8);
    dfl.handler = (unsigned long)SIG_DFL;
    syscall(SYS_rt_sigaction, SIGTERM, &dfl, NULL, 8);
    syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &term, NULL, 8);
    CHECK("pending-discarded-by-ignore", 1);
}

/* A child's default timer slack (what PR_SET_TIMERSLACK 0 brings back) is
 * its parent's current slack at the fork. */
static void timer_slack(void)
{
    long mine = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
    CHECK("timerslack-set", prctl(PR_SET_TIMERSLACK, 70000, 0, 0, 0) == 0 &&
                            prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0) == 70000);
    pid_t p = fork();
    if (p == 0) {
        int inherited = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0) == 70000;
        prctl(PR_SET_TIMERSLACK, 90000, 0, 0, 0);
        prctl(PR_SET_TIMERSLACK, 0, 0, 0, 0);
        _exit(inherited && prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0) == 70000 ? 0 : 1);
    }
    int st;
    CHECK("timerslack-child-default-is-parents", waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    prctl(PR_SET_TIMERSLACK, 0, 0, 0, 0);
    CHECK("timerslack-own-default-kept", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0) == mine);
}

int main(void)
{
    ids_and_limits();
    prctls();
    timer_slack();
    scheduling();
    clocks();
    signals();
    return check_exit_status();
}
