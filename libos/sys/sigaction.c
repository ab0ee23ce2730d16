/* Signal system calls.  They change the state in signal/state.c; what is
 * pending and unblocked takes effect at the end of the call, on the way
 * back to the program (deliver.c), as on Linux. */
#include "libos.h"
#include "signal/signal.h"
#include "thread/thread.h"
#include "ktime.h"
#include "ipc/ipc.h"
#include "syscall/handlers.h"
#include <linux/signal.h>

/* The sa_flags bits x86-64 Linux keeps; the others are cleared so a program
 * can tell an unsupported flag from a supported one by reading it back. */
#define KNOWN_SA_FLAGS (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | \
                        SA_NODEFER | SA_RESETHAND | SA_EXPOSE_TAGBITS | SA_RESTORER)
/* The host bounds one sleep (to a day): long waits are taken in pieces. */
#define WAIT_PIECE_NS (3600 * NSEC_PER_SEC)

static bool valid_signal(int sig)
{
    return sig >= 0 && sig <= SIGNAL_MAX;
}

/* The program's stack pointer in the system call being served. */
static uint64_t user_sp(void)
{
    return current_syscall ? current_syscall->rsp : 0;
}

static long send_to_self(int sig, const siginfo_t *info)
{
    if (sig == 0)
        return 0;
    return signal_send(sig, info);
}

static long kill_self(int sig, int code)
{
    siginfo_t info;
    signal_info_from_self(&info, sig, code);
    return send_to_self(sig, &info);
}

long sys_rt_sigaction(int sig, const struct k_sigaction *act, struct k_sigaction *oact,
                      size_t sigsetsize)
{
    struct k_sigaction new_act, old_act;
    long ret = 0;

    if (sigsetsize != sizeof(uint64_t))
        return -EINVAL;
    if (act) {
        if (!user_range_ok(act, sizeof *act, false))
            return -EFAULT;
        memcpy(&new_act, act, sizeof new_act);
    }
    if (sig < 1 || sig > SIGNAL_MAX || (act && (sig == SIGKILL || sig == SIGSTOP)))
        return -EINVAL;

    old_act = sigstate.action[sig - 1];
    if (act) {
        new_act.flags &= KNOWN_SA_FLAGS;
        new_act.mask &= ~UNBLOCKABLE;
        sigstate.action[sig - 1] = new_act;
        /* POSIX: making a pending signal ignored discards it, blocked or not. */
        if (signal_ignored(sig)) {
            siginfo_t dropped;
            while (signal_dequeue(SIGNAL_BIT(sig), &dropped))
                ;
        }
    }
    /* As on Linux, a bad oact still leaves the new action installed. */
    if (oact) {
        if (user_range_ok(oact, sizeof *oact, true))
            memcpy(oact, &old_act, sizeof old_act);
        else
            ret = -EFAULT;
    }
    return ret;
}

long sys_rt_sigprocmask(int how, const uint64_t *set, uint64_t *oset, size_t sigsetsize)
{
    uint64_t old = sigthr.blocked, change;
    long ret = 0;

    if (sigsetsize != sizeof(uint64_t))
        return -EINVAL;
    if (set) {
        if (!user_range_ok(set, sizeof *set, false))
            return -EFAULT;
        memcpy(&change, set, sizeof change);
        change &= ~UNBLOCKABLE;
        switch (how) {
        case SIG_BLOCK:
            sigthr.blocked |= change;
            break;
        case SIG_UNBLOCK:
            sigthr.blocked &= ~change;
            break;
        case SIG_SETMASK:
            sigthr.blocked = change;
            break;
        default:
            return -EINVAL;
        }
    }
    if (oset) {
        if (user_range_ok(oset, sizeof *oset, true))
            memcpy(oset, &old, sizeof old);
        else
            ret = -EFAULT;
    }
    return ret;
}

long sys_sigaltstack(const stack_t *uss, stack_t *uoss)
{
    stack_t ss, old = sigthr.altstack;
    uint64_t sp = user_sp();

    if (uss) {
        if (!user_range_ok(uss, sizeof *uss, false))
            return -EFAULT;
        memcpy(&ss, uss, sizeof ss);
    }
    old.ss_flags = signal_altstack_flags(sp) | (int)(old.ss_flags & SS_FLAG_BITS);
    if (uss) {
        long r = signal_set_altstack(&ss, sp);
        if (r < 0)
            return r;
    }
    if (uoss) {
        if (!user_range_ok(uoss, sizeof *uoss, true))
            return -EFAULT;
        memcpy(uoss, &old, sizeof old);
    }
    return 0;
}

/* A process id names this process or another (whose threads we do not know). */
static bool is_self(long id)
{
    return id == proc.pid;
}

long sys_kill(int pid, int sig)
{
    bool self;

    if (pid > 0)
        self = is_self(pid);
    else if (pid == 0)
        self = true;        /* our process group, of which we are a member */
    else if (pid == -1)
        self = false;       /* everyone but init and the caller */
    else
        self = -(long)pid == proc.pgid;
    if (pid <= 0 || !self) {
        /* The other processes, by message (ipc/kill.c); then us. */
        long r = ipc_kill(pid, sig);
        if (!self || (r < 0 && r != -ESRCH))
            return r;
    }
    if (!valid_signal(sig))
        return -EINVAL;
    return kill_self(sig, SI_USER);
}

/* A signal for one thread of ours; SIGKILL and SIGSTOP act on the process. */
static long kill_thread(int tid, int sig)
{
    int vcpu = thread_vcpu_of(tid);
    if (vcpu < 0)
        return -ESRCH;
    if (!valid_signal(sig))
        return -EINVAL;
    if (sig == 0)
        return 0;
    if (sig == SIGKILL || sig == SIGSTOP)
        return kill_self(sig, SI_TKILL);
    siginfo_t info;
    signal_info_from_self(&info, sig, SI_TKILL);
    return signal_send_thread(vcpu, sig, &info);
}

long sys_tkill(int tid, int sig)
{
    if (tid <= 0)
        return -EINVAL;
    return kill_thread(tid, sig);
}

long sys_tgkill(int tgid, int tid, int sig)
{
    if (tgid <= 0 || tid <= 0)
        return -EINVAL;
    if (!is_self(tgid))
        return -ESRCH;
    return kill_thread(tid, sig);
}

/* rt_sigqueueinfo and rt_tgsigqueueinfo: the program writes the siginfo,
 * but may claim to be the kernel or tkill only towards itself.  As on Linux
 * the claim and the signal number are checked before the target is looked
 * for.  Another process (forward > 0) gets the signal by IPC, which carries
 * no siginfo yet: it sees SI_USER from us, without the value. */
static long queue_info(bool self, int forward, int sig, const siginfo_t *uinfo)
{
    siginfo_t info;
    if (!user_range_ok(uinfo, sizeof info, false))
        return -EFAULT;
    memcpy(&info, uinfo, sizeof info);
    if (!self && (info.si_code >= 0 || info.si_code == SI_TKILL))
        return -EPERM;
    if (!valid_signal(sig))
        return -EINVAL;
    if (!self)
        return forward > 0 ? ipc_kill(forward, sig) : -ESRCH;
    info.si_signo = sig;
    return send_to_self(sig, &info);
}

long sys_rt_sigqueueinfo(int pid, int sig, const siginfo_t *uinfo)
{
    return queue_info(is_self(pid), pid, sig, uinfo);
}

long sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, const siginfo_t *uinfo)
{
    if (tgid <= 0 || tid <= 0)
        return -EINVAL;
    return queue_info(is_self(tgid) && thread_vcpu_of(tid) >= 0, 0, sig, uinfo);
}

long sys_rt_sigpending(uint64_t *uset, size_t sigsetsize)
{
    if (sigsetsize > sizeof(uint64_t))
        return -EINVAL;
    signal_take_async();
    uint64_t set = (sigstate.pending | sigthr.pending) & sigthr.blocked;
    if (!user_range_ok(uset, sigsetsize, true))
        return -EFAULT;
    memcpy(uset, &set, sigsetsize);
    return 0;
}

long sys_pause(void)
{
    sleep_until_ns(CLOCK_MONOTONIC, UINT64_MAX);
    return -ERESTARTNOHAND;
}

long sys_rt_sigsuspend(const uint64_t *umask, size_t sigsetsize)
{
    uint64_t mask;
    if (sigsetsize != sizeof(uint64_t))
        return -EINVAL;
    if (!user_range_ok(umask, sizeof mask, false))
        return -EFAULT;
    memcpy(&mask, umask, sizeof mask);
    /* The handler runs with mask; its frame saves the program's own. */
    sigthr.restore_mask = sigthr.restore_pending ? sigthr.restore_mask : sigthr.blocked;
    sigthr.restore_pending = true;
    sigthr.blocked = mask & ~UNBLOCKABLE;
    sleep_until_ns(CLOCK_MONOTONIC, UINT64_MAX);
    return -ERESTARTNOHAND;
}

long sys_rt_sigtimedwait(const uint64_t *uset, siginfo_t *uinfo, const void *uts, size_t sigsetsize)
{
    uint64_t set, deadline = UINT64_MAX;
    if (sigsetsize != sizeof(uint64_t))
        return -EINVAL;
    if (!user_range_ok(uset, sizeof set, false))
        return -EFAULT;
    memcpy(&set, uset, sizeof set);
    set &= ~UNBLOCKABLE;
    if (uts) {
        uint64_t ns;
        long r = user_timespec_ns(uts, &ns);
        if (r < 0)
            return r;
        deadline = ns_add_sat(pal->time_monotonic_ns(), ns);
    }
    for (;;) {
        signal_take_async();
        siginfo_t info;
        int sig = signal_dequeue(set, &info);
        if (sig) {
            /* Taken even when it cannot be written out, as on Linux. */
            if (uinfo) {
                if (!user_range_ok(uinfo, sizeof info, true))
                    return -EFAULT;
                memcpy(uinfo, &info, sizeof info);
            }
            return sig;
        }
        if (signal_deliverable())
            return -EINTR;
        uint64_t now = pal->time_monotonic_ns();
        if (now >= deadline)
            return -EAGAIN;
        /* Ends early (-EINTR) when the host posts an event, which may be one we wait for. */
        long r = pal->sleep_ns(MIN(deadline - now, WAIT_PIECE_NS));
        if (r < 0 && r != -EINTR)
            return r;
    }
}
