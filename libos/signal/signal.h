/* Signals of this picoprocess: dispositions, mask, pending queue, alternate
 * stack (state.c), their system calls (sys/sigaction.c), delivery
 * on the way back to the program (deliver.c), signal frames
 * (frame.c, fpu.c) and the interval timer (itimer.c).
 * Signal numbers are Linux's, 1..SIGNAL_MAX; bit (n - 1) of a mask is signal n. */
#ifndef PICOVM_SIGNAL_H
#define PICOVM_SIGNAL_H

#include "libos.h"
#include "percpu.h"
#include "syscall/syscall.h"
#include <asm/signal.h>
#include <asm/siginfo.h>

#define SIGNAL_MAX 64
#define SIGNAL_BIT(n) (1ull << ((n) - 1))
#define UNBLOCKABLE (SIGNAL_BIT(SIGKILL) | SIGNAL_BIT(SIGSTOP))
#define STOP_SIGNALS (SIGNAL_BIT(SIGSTOP) | SIGNAL_BIT(SIGTSTP) | SIGNAL_BIT(SIGTTIN) | SIGNAL_BIT(SIGTTOU))
#define SIGNAL_RT_FIRST 32         /* from here on signals are queued, not merged */
#define SIGNAL_QUEUE_EXTRA 64      /* real-time signals queued beyond one of each */

/* What a system call a signal interrupted returns inside the library OS
 * (Linux's values); on the way back to the program it becomes -EINTR, or
 * the call starts over:
 *  ERESTARTSYS     over if no handler runs, or the handler has SA_RESTART;
 *  ERESTARTNOINTR  over, always;
 *  ERESTARTNOHAND  over only if no handler runs. */
#define ERESTARTSYS    512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514

/* The kernel ABI's struct sigaction on x86-64 (what rt_sigaction reads and writes). */
struct k_sigaction {
    uint64_t handler;     /* SIG_DFL, SIG_IGN or a function in the program */
    uint64_t flags;       /* SA_* */
    uint64_t restorer;    /* sa_restorer, used with SA_RESTORER */
    uint64_t mask;        /* blocked while the handler runs */
};
_Static_assert(sizeof(struct k_sigaction) == 32, "kernel sigaction is 32 bytes");

#define HANDLER_DFL 0ull
#define HANDLER_IGN 1ull

/* What a signal does when its disposition is SIG_DFL. */
enum signal_default {
    SIGDEF_TERM,      /* terminate */
    SIGDEF_CORE,      /* terminate "with a core dump" (none is written; the status is the same) */
    SIGDEF_IGNORE,
    SIGDEF_STOP,
    SIGDEF_CONT,
};

/* The signal state of the process: dispositions, signals sent to the
 * process (any thread that does not block one takes it), host events. */
struct sigstate {
    struct k_sigaction action[SIGNAL_MAX];
    uint64_t pending;                  /* signals with at least one instance queued */
    siginfo_t info[SIGNAL_MAX];        /* the oldest queued instance of each */
    struct {
        int sig;
        siginfo_t info;
    } extra[SIGNAL_QUEUE_EXTRA];       /* more real-time instances, oldest first */
    int nextra;
    /* Events the PAL handed over while the library OS itself ran (an upcall
     * with no program registers), taken by signal_take_async(): filled at
     * any point of the library OS, so only ever touched atomically. */
    uint64_t async_signals, async_alarms, async_io;
    /* A SIGCONT came (whether or not it is ignored): a stopped process goes on. */
    bool continued;
};
extern struct sigstate sigstate;

/* A thread's own: its mask, alternate stack, and signals sent to it alone
 * (tgkill, its faults; a second instance of one is merged). */
struct sigthread {
    uint64_t blocked;
    stack_t altstack;                  /* ss_flags as the program gave them (SS_DISABLE when none) */
    /* A mask to put back once the signals that a wait let through have been
     * delivered (sigsuspend, ppoll, pselect6): a handler frame saves it. */
    bool restore_pending;
    uint64_t restore_mask;
    uint64_t pending;
    siginfo_t info[SIGNAL_MAX];
};
extern struct sigthread sigthreads[PAL_MAX_THREADS];
/* The calling thread's (a thread is its vCPU). */
#define sigthr (sigthreads[this_cpu()->vcpu_id])
/* Signals the calling thread may take now. */
static inline uint64_t signal_deliverable(void) { return (sigstate.pending | sigthr.pending) & ~sigthr.blocked; }
/* sig for thread vcpu alone (tgkill): -> 0 (merged if one is pending). */
long signal_send_thread(int vcpu, int sig, const siginfo_t *info);
/* The threads (thread/thread.c): find one that takes a signal of sigs the
 * calling thread blocks, and make it look. */
void signal_set_router(void (*route)(uint64_t sigs));

/* SIGDEF_* for sig in 1..SIGNAL_MAX. */
int signal_default_action(int sig);
/* Ignored as Linux defines it: SIG_IGN, or SIG_DFL whose default does nothing. */
bool signal_ignored(int sig);
/* SIGCHLD's action asks for no SIGCHLD when children stop or go on. */
bool signal_nocldstop(void);
/* SIGCHLD's action asks for no zombies (SIG_IGN, or SA_NOCLDWAIT): children
 * that end are reaped on their own. */
bool signal_nocldwait(void);

/* Generation: sig (1..SIGNAL_MAX) for this process, with info (its
 * si_signo is set here).  Discarded if ignored and not blocked, merged with
 * a pending one below SIGNAL_RT_FIRST.  -> 0, or -EAGAIN for a real-time
 * signal when the queue is full. */
long signal_send(int sig, const siginfo_t *info);
/* info for sig sent by this process with code (SI_USER from kill, SI_TKILL). */
void signal_info_from_self(siginfo_t *info, int sig, int code);
/* Takes the next pending signal in mask (synchronous ones first, then the
 * lowest number) into info: -> its number, or 0 if none. */
int signal_dequeue(uint64_t mask, siginfo_t *info);

/* Events from the host (upcall.c): noted with atomic operations only, and
 * turned into signals by signal_take_async() where the library OS may act. */
void signal_note_async(uint64_t host_signals, uint64_t alarms);
void signal_take_async(void);
/* Host news on streams (pal_upcall.io), noted the same way: signal_take_async
 * then calls the taker (fs/async.c), which sends the signals they make. */
void signal_note_io(void);
void signal_set_io_taker(void (*take)(void));

/* For system calls that wait (poll, select, pipes, sleeps):
 * an unblocked signal is pending, so the wait ends with -EINTR; */
bool signal_pending(void);
/* ... or one of also is pending, blocked or not (the wait of a signalfd). */
bool signal_pending_or(uint64_t also);
/* After the program ended (the first process outliving it, ipc_linger): is a signal
 * pending that would end a process by default?  Masks and handlers no
 * longer count: there is no program left to run them. */
bool signal_pending_deadly(void);
/* ppoll and pselect6 wait with the caller's mask: installs blocked (as
 * rt_sigprocmask SIG_SETMASK does) and returns the mask it replaced.  While
 * a signal the current mask lets through is pending (the one that ended the
 * wait), the change waits until it was delivered, and its frame saves
 * blocked: the handler runs with the wait's mask, and the program's is back
 * after it, as on Linux. */
uint64_t signal_swap_mask(uint64_t blocked);
/* Job control (stop.c): the default action of a stop signal.  The
 * parent hears of it, the process waits (serving the other processes)
 * until a SIGCONT or a SIGKILL comes, and the parent hears of that too.
 * -> false if sig does not stop this process (see there). */
bool signal_stop(int sig);

/* /proc/self/status's signal lines (SigQ .. SigCgt), as snprintf (status.c). */
int signal_status_text(char *buf, size_t size);

/* sig sent to this process by itself (SIGPIPE on a broken pipe), as kill(getpid(), sig). */
long signal_raise(int sig);

/* The alternate stack, seen from the stack pointer sp. */
bool signal_on_altstack(uint64_t sp);
int signal_altstack_flags(uint64_t sp);                  /* what sigaltstack reports in ss_flags */
long signal_set_altstack(const stack_t *ss, uint64_t sp);  /* sigaltstack's checks: 0, -EPERM, -EINVAL, -ENOMEM */

/* Delivery (deliver.c).  signal_init registers the PAL handlers. */
void signal_init(void);

/* What the signal room needs from the processes around this one.  ipc/,
 * which delivers the other processes' signals into this room, gives them at
 * its start: the signal room itself knows no other process.  Until then (and
 * in a process alone) a host signal stays with the first process, every process group
 * counts as orphaned, and nobody hears of a stop. */
struct signal_peers {
    /* the first process: a signal from the host for the application's foreground group */
    long (*kill_group)(int pgid, int sig);
    /* job control: no parent of ours is alive in another group of our session */
    bool (*group_orphaned)(void);
    /* job control: we stopped by sig, or went on (by a SIGCONT, or not); the parent is told */
    void (*stopped)(int sig);
    void (*continued)(bool by_sigcont);
};
void signal_set_peers(const struct signal_peers *peers);
extern const struct signal_peers *signal_peers;
/* CPU exceptions of the program become its signals (fault.c). */
void fault_init(void);
/* Hook at the end of every system call (syscall_dispatch): pending signals
 * take effect, and an interrupted call returns -EINTR or starts over.  The
 * test for work is inline: it runs on every system call. */
void signal_syscall_exit_slow(struct syscall_frame *f, uint64_t nr);
static inline bool signal_restart_code(uint64_t ret)
{
    return ret >= (uint64_t)-ERESTARTNOHAND && ret <= (uint64_t)-ERESTARTSYS;
}
static inline void signal_syscall_exit(struct syscall_frame *f, uint64_t nr)
{
    if (__builtin_expect(signal_restart_code(f->rax) || signal_deliverable() ||
                         sigthr.restore_pending ||
                         __atomic_load_n(&sigstate.async_signals, __ATOMIC_RELAXED) ||
                         __atomic_load_n(&sigstate.async_alarms, __ATOMIC_RELAXED), 0))
        signal_syscall_exit_slow(f, nr);
}
/* Pending, unblocked signals take effect on ctx (handlers get frames on it). */
void signal_deliver(struct pal_context *ctx);
/* A CPU fault of the program: its handler runs (and the faulting
 * instruction again after it, unless it fixes the cause or jumps away), or
 * the process dies with crash as its report. */
struct sigframe_fault {
    uint64_t trapno, err, cr2;
};
void signal_fault(struct pal_context *ctx, const siginfo_t *info, const struct sigframe_fault *fault,
                  const struct pal_crash *crash);

/* Frames (frame.c): a Linux rt signal frame for sig on ctx's stack (or
 * the alternate one) with saved_mask as uc_sigmask; ctx then enters the
 * handler.  false if there is no room for it (the process must die). */
bool sigframe_setup(struct pal_context *ctx, int sig, const siginfo_t *info, const struct k_sigaction *ka,
                    uint64_t saved_mask, const struct sigframe_fault *fault);

/* The FPU, SSE and AVX state in signal frames, laid out as Linux does (fpu.c). */
void fpu_init(void);
uint64_t fpu_frame_size(void);
void fpu_save(uint64_t fp);                /* fp: 64-byte aligned, fpu_frame_size() writable bytes */
bool fpu_restore(uint64_t fp);             /* false: not a state Linux would load */
void fpu_reset(void);                      /* the initial state, as a handler starts with */

/* ITIMER_REAL (itimer.c): the PAL's alarm expired n times; a forked child
 * has no timer (the monitor's alarm is not forked either). */
void itimer_expired(uint64_t n);
void itimer_forget(void);
/* RLIMIT_CPU changed to soft_s and hard_s seconds (RLIM64_INFINITY: none). */
void itimer_cpu_limit(uint64_t soft_s, uint64_t hard_s);

/* Process life: a forked child starts with no pending signals and no
 * timer; a new program (execve) gets default handlers and no alternate stack. */
void signal_fork_child(void);
void signal_exec(void);

#endif
