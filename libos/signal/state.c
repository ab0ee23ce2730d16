/* The signal state of this picoprocess, kept as Linux keeps it: the
 * dispositions, the mask, the queue of pending signals with their siginfo,
 * the alternate stack, and events from the host not yet turned into
 * signals.  Nothing here runs a handler: signals take effect on the way
 * back to the program (deliver.c). */
#include "signal/signal.h"
#include <linux/signal.h>

struct sigstate sigstate;
struct sigthread sigthreads[PAL_MAX_THREADS] = { [0 ... PAL_MAX_THREADS - 1] = { .altstack = { .ss_flags = SS_DISABLE } } };

static void (*router)(uint64_t sigs);

void signal_set_router(void (*route)(uint64_t sigs)) { router = route; }

#define SYNCHRONOUS (SIGNAL_BIT(SIGSEGV) | SIGNAL_BIT(SIGBUS) | SIGNAL_BIT(SIGILL) | SIGNAL_BIT(SIGTRAP) | \
                     SIGNAL_BIT(SIGFPE) | SIGNAL_BIT(SIGSYS))

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

/* (SIGCONT's "continue" does nothing to a process that is not stopped.) */
bool signal_ignored(int sig)
{
    uint64_t handler = sigstate.action[sig - 1].handler;
    int def = signal_default_action(sig);
    return handler == HANDLER_IGN ||
           (handler == HANDLER_DFL && (def == SIGDEF_IGNORE || def == SIGDEF_CONT));
}

bool signal_nocldstop(void) { return sigstate.action[SIGCHLD - 1].flags & SA_NOCLDSTOP; }

bool signal_nocldwait(void)
{
    return sigstate.action[SIGCHLD - 1].handler == HANDLER_IGN || (sigstate.action[SIGCHLD - 1].flags & SA_NOCLDWAIT);
}

static void discard(uint64_t set)
{
    sigstate.pending &= ~set;
    int kept = 0;
    for (int i = 0; i < sigstate.nextra; i++)
        if (!(set & SIGNAL_BIT(sigstate.extra[i].sig)))
            sigstate.extra[kept++] = sigstate.extra[i];
    sigstate.nextra = kept;
}

long signal_send(int sig, const siginfo_t *info)
{
    /* A stop signal cancels a pending SIGCONT and the reverse, as on Linux. */
    if (sig == SIGCONT) {
        discard(STOP_SIGNALS);
        sigstate.continued = true;
    }
    else if (SIGNAL_BIT(sig) & STOP_SIGNALS)
        discard(SIGNAL_BIT(SIGCONT));
    /* A blocked signal is kept even if it is ignored now: the disposition
     * may change before it is unblocked. */
    if (!(sigthr.blocked & SIGNAL_BIT(sig)) && signal_ignored(sig))
        return 0;
    if (sigstate.pending & SIGNAL_BIT(sig)) {
        if (sig < SIGNAL_RT_FIRST)
            return 0;
        if (sigstate.nextra == SIGNAL_QUEUE_EXTRA)
            return -EAGAIN;
        sigstate.extra[sigstate.nextra].sig = sig;
        sigstate.extra[sigstate.nextra].info = *info;
        sigstate.extra[sigstate.nextra++].info.si_signo = sig;
        return 0;
    }
    sigstate.info[sig - 1] = *info;
    sigstate.info[sig - 1].si_signo = sig;
    sigstate.pending |= SIGNAL_BIT(sig);
    /* Another thread takes what this one blocks. */
    if ((sigthr.blocked & SIGNAL_BIT(sig)) && router)
        router(SIGNAL_BIT(sig));
    return 0;
}

long signal_send_thread(int vcpu, int sig, const siginfo_t *info)
{
    struct sigthread *t = &sigthreads[vcpu];
    if (!(t->blocked & SIGNAL_BIT(sig)) && signal_ignored(sig))
        return 0;
    if (t->pending & SIGNAL_BIT(sig))
        return 0;
    t->info[sig - 1] = *info;
    t->info[sig - 1].si_signo = sig;
    t->pending |= SIGNAL_BIT(sig);
    if (vcpu != (int)this_cpu()->vcpu_id)
        pal->thread_kick(vcpu);
    return 0;
}

void signal_info_from_self(siginfo_t *info, int sig, int code)
{
    *info = (siginfo_t){ 0 };
    info->si_signo = sig;
    info->si_code = code;
    info->si_pid = proc.pid;
    info->si_uid = (unsigned int)pal_state->host_uid;
}

int signal_dequeue(uint64_t mask, siginfo_t *info)
{
    uint64_t mine = sigthr.pending & mask;
    if (mine) {
        if (mine & SYNCHRONOUS)
            mine &= SYNCHRONOUS;
        int sig = __builtin_ctzll(mine) + 1;
        *info = sigthr.info[sig - 1];
        sigthr.pending &= ~SIGNAL_BIT(sig);
        return sig;
    }
    uint64_t ready = sigstate.pending & mask;
    if (!ready)
        return 0;
    if (ready & SYNCHRONOUS)
        ready &= SYNCHRONOUS;
    int sig = __builtin_ctzll(ready) + 1;
    *info = sigstate.info[sig - 1];
    for (int i = 0; i < sigstate.nextra; i++) {
        if (sigstate.extra[i].sig != sig)
            continue;
        sigstate.info[sig - 1] = sigstate.extra[i].info;
        memmove(&sigstate.extra[i], &sigstate.extra[i + 1], (size_t)(sigstate.nextra - i - 1) * sizeof sigstate.extra[0]);
        sigstate.nextra--;
        return sig;
    }
    sigstate.pending &= ~SIGNAL_BIT(sig);
    return sig;
}

void signal_note_async(uint64_t host_signals, uint64_t alarms)
{
    if (host_signals)
        __atomic_fetch_or(&sigstate.async_signals, host_signals, __ATOMIC_RELAXED);
    if (alarms)
        __atomic_fetch_add(&sigstate.async_alarms, alarms, __ATOMIC_RELAXED);
}

static void (*io_taker)(void);

void signal_set_io_taker(void (*take)(void)) { io_taker = take; }

void signal_note_io(void) { __atomic_store_n(&sigstate.async_io, 1, __ATOMIC_RELAXED); }

void signal_take_async(void)
{
    /* The taker's own PAL calls and kills come back here: news they bring
     * waits for its next round. */
    static bool taking;
    if (!taking && io_taker && __atomic_exchange_n(&sigstate.async_io, 0, __ATOMIC_RELAXED)) {
        taking = true;
        io_taker();
        taking = false;
    }
    uint64_t sigs = __atomic_exchange_n(&sigstate.async_signals, 0, __ATOMIC_RELAXED);
    uint64_t alarms = __atomic_exchange_n(&sigstate.async_alarms, 0, __ATOMIC_RELAXED);
    /* From the host: the terminal's ^C, or a process outside the
     * application, which has no pid here (as outside a pid namespace).
     * The first process's are the application's (monitor/launcher.c): they
     * go to its foreground process group, the first process's, as a
     * terminal's would. */
    for (int sig = 1; sigs; sig++, sigs >>= 1) {
        if (!(sigs & 1) || sig == SIGKILL || sig == SIGSTOP)
            continue;
        if (proc.pid == pal_state->first_pid && signal_peers && signal_peers->kill_group)
            signal_peers->kill_group(proc.pgid, sig);
        siginfo_t info = { .si_signo = sig, .si_code = SI_KERNEL };
        signal_send(sig, &info);
    }
    if (alarms)
        itimer_expired(alarms);
}

bool signal_pending_deadly(void)
{
    signal_take_async();
    uint64_t p = sigstate.pending | sigthr.pending;
    for (int sig = 1; p; sig++, p >>= 1)
        if ((p & 1) && (signal_default_action(sig) == SIGDEF_TERM || signal_default_action(sig) == SIGDEF_CORE))
            return true;
    return false;
}

bool signal_pending(void)
{
    return signal_pending_or(0);
}

bool signal_pending_or(uint64_t also)
{
    signal_take_async();
    return ((sigstate.pending | sigthr.pending) & (~sigthr.blocked | also)) != 0;
}

uint64_t signal_swap_mask(uint64_t blocked)
{
    uint64_t old = sigthr.restore_pending ? sigthr.restore_mask : sigthr.blocked;
    blocked &= ~UNBLOCKABLE;
    if (signal_deliverable()) {
        sigthr.restore_pending = true;
        sigthr.restore_mask = blocked;
    } else {
        sigthr.restore_pending = false;
        sigthr.blocked = blocked;
    }
    return old;
}

long signal_raise(int sig)
{
    siginfo_t info;
    signal_info_from_self(&info, sig, SI_USER);
    return signal_send(sig, &info);
}

/* Linux's test: sp is inside (ss_sp, ss_sp + ss_size].  With SS_AUTODISARM
 * the program is never considered on it, so a handler always gets a fresh
 * alternate stack. */
bool signal_on_altstack(uint64_t sp)
{
    const stack_t *a = &sigthr.altstack;
    if (a->ss_flags & SS_AUTODISARM)
        return false;
    return sp > (uint64_t)a->ss_sp && sp - (uint64_t)a->ss_sp <= a->ss_size;
}

int signal_altstack_flags(uint64_t sp)
{
    if (!sigthr.altstack.ss_size)
        return SS_DISABLE;
    return signal_on_altstack(sp) ? SS_ONSTACK : 0;
}

long signal_set_altstack(const stack_t *ss, uint64_t sp)
{
    stack_t *cur = &sigthr.altstack;
    unsigned int mode = (unsigned int)ss->ss_flags & ~SS_FLAG_BITS;
    if (signal_on_altstack(sp))
        return -EPERM;
    if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
        return -EINVAL;
    if (ss->ss_sp == cur->ss_sp && ss->ss_size == cur->ss_size && ss->ss_flags == cur->ss_flags)
        return 0;
    stack_t next = *ss;
    if (mode == SS_DISABLE) {
        next.ss_sp = NULL;
        next.ss_size = 0;
    } else if (next.ss_size < MINSIGSTKSZ) {
        return -ENOMEM;
    }
    *cur = next;
    return 0;
}

void signal_fork_child(void)
{
    discard(~0ull);
    sigthr.pending = 0;
    __atomic_store_n(&sigstate.async_signals, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&sigstate.async_alarms, 0, __ATOMIC_RELAXED);
    itimer_forget();
}

void signal_exec(void)
{
    /* Handlers are the old program's code; ignoring survives (nohup). */
    for (int i = 0; i < SIGNAL_MAX; i++) {
        struct k_sigaction *a = &sigstate.action[i];
        *a = (struct k_sigaction){ .handler = a->handler == HANDLER_IGN ? HANDLER_IGN : HANDLER_DFL };
    }
    sigthr.altstack = (stack_t){ .ss_flags = SS_DISABLE };
}

const struct signal_peers *signal_peers;

void signal_set_peers(const struct signal_peers *peers) { signal_peers = peers; }
