/* Delivery: pending, unblocked signals take effect on the way back to the
 * program, wherever that way starts:
 *  - the end of every system call (signal_syscall_exit, from syscall_dispatch),
 *    where an interrupted call also returns -EINTR or starts over;
 *  - a CPU fault of the program (signal_fault, from fault.c);
 *  - an upcall: the host posted events (a signal from the host, an alarm)
 *    and the PAL either stopped the program in its own code to hand them
 *    over with its registers, or noticed them at the end of a PAL call.
 * A handler gets a frame on the program's registers (frame.c); the
 * default actions end the process, stop it (stop.c), or do nothing. */
#include "libos.h"
#include "signal/signal.h"

/* System-call restarting, decided by the first handler that runs. */
struct restart {
    bool active;       /* the call returned an ERESTART* code */
    uint64_t nr;       /* the call, which starts over with this number in rax */
};

/* The default action of sig: returns only if it does nothing. */
static void default_action(int sig, const siginfo_t *info)
{
    switch (signal_default_action(sig)) {
    case SIGDEF_IGNORE:
    case SIGDEF_CONT:
        return;
    case SIGDEF_STOP:
        signal_stop(sig);
        return;
    default:
        break;
    }
    /* A signal the program sent itself (abort()) is reported where it
     * asked; one from elsewhere (the host's ^C, an alarm) has no place. */
    if (info->si_code <= 0 && info->si_pid == proc.pid)
        libos_die_by_signal(sig, NULL);
    struct pal_crash crash = { .signo = (unsigned)sig, .vector = ~0ull };
    libos_die_by_signal(sig, &crash);
}

/* Linux kills a process whose handler frame does not fit (a stack
 * overflow, a bad alternate stack) with SIGSEGV. */
static __attribute__((noreturn)) void frame_failed(int sig, const struct pal_context *ctx)
{
    log_debug("no room for the frame of signal %d on the stack at 0x%lx", sig, (unsigned long)ctx->rsp);
    struct pal_crash crash = { .signo = SIGSEGV, .vector = ~0ull };
    libos_die_by_signal(SIGSEGV, &crash);
}

static void run_handler(struct pal_context *ctx, int sig, const siginfo_t *info, struct restart *rs,
                        const struct sigframe_fault *fault)
{
    struct k_sigaction *ka = &sigstate.action[sig - 1];
    if (rs && rs->active) {
        rs->active = false;
        uint64_t ret = ctx->rax;
        if (ret == (uint64_t)-ERESTARTNOINTR || (ret == (uint64_t)-ERESTARTSYS && (ka->flags & SA_RESTART))) {
            ctx->rax = rs->nr;
            ctx->rip -= 2;   /* back onto the `syscall` (a rewritten site keeps it there too) */
        } else {
            ctx->rax = (uint64_t)-EINTR;
        }
    }
    uint64_t saved = sigthr.restore_pending ? sigthr.restore_mask : sigthr.blocked;
    struct k_sigaction act = *ka;
    if (act.flags & SA_RESETHAND)
        ka->handler = HANDLER_DFL;
    if (!sigframe_setup(ctx, sig, info, &act, saved, fault))
        frame_failed(sig, ctx);
    sigthr.restore_pending = false;
    sigthr.blocked |= act.mask;
    if (!(act.flags & SA_NODEFER))
        sigthr.blocked |= SIGNAL_BIT(sig);
    sigthr.blocked &= ~UNBLOCKABLE;
}

/* Every pending, unblocked signal, in Linux's order (faults' signals, then
 * the lowest number): each handler's frame goes on top of the previous one,
 * so the last set up runs first, as on Linux.
 * Events the PAL hands over meanwhile (during a log line, say) are taken too. */
static void deliver(struct pal_context *ctx, struct restart *rs)
{
    for (;;) {
        signal_take_async();
        siginfo_t info;
        int sig = signal_dequeue(~sigthr.blocked, &info);
        if (!sig)
            return;
        uint64_t handler = sigstate.action[sig - 1].handler;
        if (handler == HANDLER_IGN)
            continue;
        if (handler == HANDLER_DFL)
            default_action(sig, &info);
        else
            run_handler(ctx, sig, &info, rs, NULL);
    }
}

void signal_deliver(struct pal_context *ctx)
{
    deliver(ctx, NULL);
}

void signal_syscall_exit_slow(struct syscall_frame *f, uint64_t nr)
{
    bool restart = signal_restart_code(f->rax);
    /* After `syscall`, rcx and r11 hold rip and rflags: so does the frame a
     * handler sees.  The way back restores only what a system call may
     * change (and rcx and r11 from rip and rflags). */
    struct pal_context ctx = {
        .r8 = f->r8, .r9 = f->r9, .r10 = f->r10, .r11 = f->rflags, .r12 = f->r12, .r13 = f->r13,
        .r14 = f->r14, .r15 = f->r15, .rdi = f->rdi, .rsi = f->rsi, .rbp = f->rbp, .rbx = f->rbx,
        .rdx = f->rdx, .rax = f->rax, .rcx = f->rip, .rsp = f->rsp, .rip = f->rip, .rflags = f->rflags,
    };
    struct restart rs = { .active = restart, .nr = nr };
    deliver(&ctx, &rs);
    if (rs.active) {
        /* No handler ran: the call starts over. */
        ctx.rax = nr;
        ctx.rip -= 2;
    }
    if (sigthr.restore_pending) {
        sigthr.blocked = sigthr.restore_mask;
        sigthr.restore_pending = false;
    }
    f->rip = ctx.rip;
    f->rsp = ctx.rsp;
    f->rflags = ctx.rflags;
    f->rax = ctx.rax;
    f->rdi = ctx.rdi;
    f->rsi = ctx.rsi;
    f->rdx = ctx.rdx;
}

void signal_fault(struct pal_context *ctx, const siginfo_t *info, const struct sigframe_fault *fault,
                  const struct pal_crash *crash)
{
    int sig = info->si_signo;
    uint64_t handler = sigstate.action[sig - 1].handler;
    /* Linux forces a fault's signal: blocked or ignored, it kills. */
    if (handler == HANDLER_DFL || handler == HANDLER_IGN || (sigthr.blocked & SIGNAL_BIT(sig)))
        libos_die_by_signal(sig, crash);
    run_handler(ctx, sig, info, NULL, fault);
    deliver(ctx, NULL);
}

void signal_init(void) { fpu_init(); }
