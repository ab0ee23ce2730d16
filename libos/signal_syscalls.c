/* Signal system calls.  Dispositions, the mask and the alternate stack are
 * kept as Linux keeps them, and a signal this process sends itself does what
 * it can do today: nothing when ignored, kill the process when its default
 * action is fatal, wait in the pending set while blocked.  Running a
 * program's handler needs signal frames (the multi-process and signals work)
 * and is refused with -ENOSYS until then, never faked. */
#include "libos.h"
#include "signal.h"
#include <linux/signal.h>

#define HANDLER_DFL 0ull
#define HANDLER_IGN 1ull

/* The sa_flags bits x86-64 Linux keeps; the others are cleared so a program
 * can tell an unsupported flag from a supported one by reading it back. */
#define KNOWN_SA_FLAGS (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | \
                        SA_NODEFER | SA_RESETHAND | SA_EXPOSE_TAGBITS | SA_RESTORER)
#define UNBLOCKABLE (SIGNAL_BIT(SIGKILL) | SIGNAL_BIT(SIGSTOP))

static struct {
    struct k_sigaction action[SIGNAL_MAX];
    uint64_t blocked;
    uint64_t pending;   /* one bit per signal: real-time signals are not queued yet */
    stack_t altstack;
} sigstate;

int signal_default_action(int sig)
{
    switch (sig) {
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS:
    case SIGFPE: case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
        return SIGDEF_CORE;
    case SIGCHLD: case SIGURG: case SIGWINCH:
        return SIGDEF_IGNORE;
    case SIGCONT:
        return SIGDEF_CONT;
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
        return SIGDEF_STOP;
    default:   /* the rest, real-time signals included */
        return SIGDEF_TERM;
    }
}

static bool valid_signal(int sig)
{
    return sig >= 0 && sig <= SIGNAL_MAX;
}

/* Ignored as Linux defines it: SIG_IGN, or SIG_DFL whose default does nothing
 * (SIGCONT's "continue" does nothing to a process that is not stopped). */
static bool ignored(int sig)
{
    uint64_t handler = sigstate.action[sig - 1].handler;
    int def = signal_default_action(sig);
    return handler == HANDLER_IGN ||
           (handler == HANDLER_DFL && (def == SIGDEF_IGNORE || def == SIGDEF_CONT));
}

/* An unblocked signal takes effect: 0 once it is consumed, -ENOSYS while it
 * needs something not implemented yet; a fatal one does not return. */
static long take_effect(int sig)
{
    static bool handler_warned;

    if (ignored(sig))
        return 0;
    if (sigstate.action[sig - 1].handler != HANDLER_DFL) {
        if (!handler_warned) {
            handler_warned = true;
            log_warning("signal %d has a handler: running signal handlers is not supported yet", sig);
        }
        return -ENOSYS;
    }
    if (signal_default_action(sig) == SIGDEF_STOP) {
        /* Our process group is orphaned (its leader's parent is outside it),
         * and Linux discards terminal stop signals sent to an orphaned group.
         * SIGSTOP itself would stop us with nothing able to continue us. */
        if (sig != SIGSTOP)
            return 0;
        log_warning("SIGSTOP to itself: stopping a process is not supported");
        return -ENOSYS;
    }
    libos_die_by_signal(sig, NULL);
}

/* Pending signals that are no longer blocked take effect, lowest number first.
 * One waiting for a handler stays pending. */
static void deliver_pending(void)
{
    uint64_t ready = sigstate.pending & ~sigstate.blocked;
    for (int sig = 1; ready; sig++, ready >>= 1)
        if ((ready & 1) && take_effect(sig) == 0)
            sigstate.pending &= ~SIGNAL_BIT(sig);
}

static long send_to_self(int sig)
{
    if (sig == 0)
        return 0;
    /* A blocked signal is kept even if it is ignored now: the disposition
     * may change before it is unblocked (Linux does the same). */
    if (sigstate.blocked & SIGNAL_BIT(sig)) {
        sigstate.pending |= SIGNAL_BIT(sig);
        return 0;
    }
    return take_effect(sig);
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
        if (ignored(sig))
            sigstate.pending &= ~SIGNAL_BIT(sig);
    }
    /* As on Linux, a bad oact still leaves the new action installed. */
    if (oact) {
        if (user_range_ok(oact, sizeof *oact, true))
            memcpy(oact, &old_act, sizeof old_act);
        else
            ret = -EFAULT;
    }
    if (act)
        deliver_pending();
    return ret;
}

long sys_rt_sigprocmask(int how, const uint64_t *set, uint64_t *oset, size_t sigsetsize)
{
    uint64_t old = sigstate.blocked, change;
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
            sigstate.blocked |= change;
            break;
        case SIG_UNBLOCK:
            sigstate.blocked &= ~change;
            break;
        case SIG_SETMASK:
            sigstate.blocked = change;
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
    deliver_pending();
    return ret;
}

long sys_sigaltstack(const stack_t *uss, stack_t *uoss)
{
    stack_t ss, old = sigstate.altstack;

    if (uss) {
        if (!user_range_ok(uss, sizeof *uss, false))
            return -EFAULT;
        memcpy(&ss, uss, sizeof ss);
    }
    /* Handlers never run yet, so the program is never on its alternate stack
     * (where Linux would report SS_ONSTACK and refuse changes with -EPERM). */
    old.ss_flags = (old.ss_size ? 0 : SS_DISABLE) | (int)(old.ss_flags & SS_FLAG_BITS);

    if (uss) {
        unsigned int mode = (unsigned int)ss.ss_flags & ~SS_FLAG_BITS;
        const stack_t *cur = &sigstate.altstack;
        if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
            return -EINVAL;
        if (ss.ss_sp != cur->ss_sp || ss.ss_size != cur->ss_size || ss.ss_flags != cur->ss_flags) {
            if (mode == SS_DISABLE) {
                ss.ss_sp = NULL;
                ss.ss_size = 0;
            } else if (ss.ss_size < MINSIGSTKSZ) {
                return -ENOMEM;
            }
            sigstate.altstack = ss;
        }
    }
    if (uoss) {
        if (!user_range_ok(uoss, sizeof *uoss, true))
            return -EFAULT;
        memcpy(uoss, &old, sizeof old);
    }
    return 0;
}

/* Single-threaded, one process: a thread id names this process or nothing. */
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
        self = true;        /* our process group, of which we are the only member */
    else if (pid == -1)
        self = false;       /* everyone but init and the caller: nobody else exists yet */
    else
        self = -(long)pid == proc.pgid;
    if (!self)
        return -ESRCH;
    if (!valid_signal(sig))
        return -EINVAL;
    return send_to_self(sig);
}

long sys_tkill(int tid, int sig)
{
    if (tid <= 0)
        return -EINVAL;
    if (!is_self(tid))
        return -ESRCH;
    if (!valid_signal(sig))
        return -EINVAL;
    return send_to_self(sig);
}

long sys_tgkill(int tgid, int tid, int sig)
{
    if (tgid <= 0 || tid <= 0)
        return -EINVAL;
    if (!is_self(tgid) || !is_self(tid))
        return -ESRCH;
    if (!valid_signal(sig))
        return -EINVAL;
    return send_to_self(sig);
}
