/* The x86-64 Linux rt signal frame, built on the program's stack for a
 * handler and read back by rt_sigreturn, byte for byte as Linux lays it out
 * (glibc, musl and debuggers read uc_mcontext and the FPU state in it):
 *
 *   sp -> pretcode (sa_restorer, where the handler returns)
 *         struct ucontext (uc_mcontext = struct sigcontext, uc_sigmask)
 *         siginfo_t
 *         ... padding ...
 *   fp -> the XSAVE area, 64-byte aligned, then FP_XSTATE_MAGIC2
 *
 * below the interrupted stack pointer minus the 128-byte red zone, or at
 * the top of the alternate stack (SA_ONSTACK).  At the handler's first
 * instruction (rsp + 8) is 16-byte aligned, as after a call. */
#include "libos.h"
#include "signal/signal.h"
#include "syscall/handlers.h"
#include <asm/sigcontext.h>
#include <asm/ucontext.h>
#include <asm/unistd.h>
#include <linux/signal.h>

#define RED_ZONE 128
#define USER_VA_END 0x800000000000ull   /* past the last canonical user address */

/* Linux's __USER_CS and __USER_DS: what a program finds in its sigcontext. */
#define LINUX_USER_CS 0x33
#define LINUX_USER_DS 0x2b
#define RFLAGS_TF 0x100ull
#define RFLAGS_DF 0x400ull
#define RFLAGS_RF 0x10000ull
/* What rt_sigreturn takes from the frame's rflags (Linux's FIX_EFLAGS): the
 * arithmetic flags, DF, TF, AC, RF; never IF or IOPL. */
#define RFLAGS_FROM_FRAME 0x50dd5ull

struct rt_sigframe {
    uint64_t pretcode;
    struct ucontext uc;
    siginfo_t info;
};
_Static_assert(sizeof(struct rt_sigframe) == 440, "Linux's x86-64 rt_sigframe");
_Static_assert(sizeof(struct pal_context) == offsetof(struct sigcontext, cs), "registers lead a sigcontext");

bool sigframe_setup(struct pal_context *ctx, int sig, const siginfo_t *info, const struct k_sigaction *ka,
                    uint64_t saved_mask, const struct sigframe_fault *fault)
{
    const stack_t alt = sigthr.altstack;
    uint64_t sp = ctx->rsp - RED_ZONE;
    /* x86-64 has no vDSO trampoline: Linux refuses a handler without one. */
    if (!(ka->flags & SA_RESTORER))
        return false;
    bool on_alt = signal_on_altstack(ctx->rsp);
    if ((ka->flags & SA_ONSTACK) && signal_altstack_flags(sp) == 0) {
        sp = (uint64_t)alt.ss_sp + alt.ss_size;
        on_alt = true;
    }
    uint64_t fp = ALIGN_DOWN(sp - fpu_frame_size(), 64);
    uint64_t frame_at = ALIGN_DOWN(fp - sizeof(struct rt_sigframe), 16) - 8;
    /* Overflowing the alternate stack is fatal, never a write below it. */
    if (on_alt && !(frame_at > (uint64_t)alt.ss_sp && frame_at - (uint64_t)alt.ss_sp <= alt.ss_size))
        return false;
    if (frame_at > sp || !user_range_ok((void *)frame_at, fp + fpu_frame_size() - frame_at, true))
        return false;

    fpu_save(fp);
    struct rt_sigframe *frame = (struct rt_sigframe *)frame_at;
    struct rt_sigframe f = { .pretcode = ka->restorer, .info = *info };
    f.info.si_signo = sig;
    f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | (fpu_frame_size() > 512 ? UC_FP_XSTATE : 0);
    f.uc.uc_stack = alt;
    memcpy(&f.uc.uc_mcontext, ctx, sizeof *ctx);
    f.uc.uc_mcontext.cs = LINUX_USER_CS;
    f.uc.uc_mcontext.ss = LINUX_USER_DS;
    if (fault) {
        f.uc.uc_mcontext.trapno = fault->trapno;
        f.uc.uc_mcontext.err = fault->err;
        f.uc.uc_mcontext.cr2 = fault->cr2;
    }
    f.uc.uc_mcontext.oldmask = saved_mask;
    f.uc.uc_mcontext.fpstate = (struct _fpstate *)fp;
    f.uc.uc_sigmask = saved_mask;
    memcpy(frame, &f, sizeof f);
    if (alt.ss_flags & SS_AUTODISARM)
        sigthr.altstack = (stack_t){ .ss_flags = SS_DISABLE };

    /* The handler starts with a clean FPU state, as on Linux. */
    fpu_reset();
    ctx->rsp = frame_at;
    ctx->rip = ka->handler;
    ctx->rdi = (uint64_t)sig;
    ctx->rsi = (uint64_t)&frame->info;
    ctx->rdx = (uint64_t)&frame->uc;
    ctx->rax = 0;   /* for handlers declared without a prototype (varargs) */
    ctx->rflags &= ~(RFLAGS_DF | RFLAGS_RF | RFLAGS_TF);
    return true;
}

/* A frame Linux would not return through: the process dies of SIGSEGV. */
static __attribute__((noreturn)) void bad_frame(uint64_t at)
{
    log_debug("rt_sigreturn: bad signal frame at 0x%lx", (unsigned long)at);
    struct pal_crash crash = { .signo = SIGSEGV, .vector = ~0ull };
    libos_die_by_signal(SIGSEGV, &crash);
}

long sys_rt_sigreturn(void)
{
    struct syscall_frame *f = current_syscall;
    /* The handler's `ret` popped pretcode. */
    uint64_t at = f->rsp - sizeof(uint64_t);
    struct rt_sigframe frame;
    if (!user_range_ok((void *)at, sizeof frame, false))
        bad_frame(at);
    memcpy(&frame, (void *)at, sizeof frame);
    const struct sigcontext *sc = &frame.uc.uc_mcontext;
    struct pal_context ctx;
    memcpy(&ctx, sc, sizeof ctx);
    /* iretq faults on an address that is not canonical. */
    if (ctx.rip >= USER_VA_END || ctx.rsp >= USER_VA_END)
        bad_frame(at);
    ctx.rflags = (f->rflags & ~RFLAGS_FROM_FRAME) | (sc->eflags & RFLAGS_FROM_FRAME);
    if (!sc->fpstate)
        fpu_reset();
    else if (!fpu_restore((uint64_t)sc->fpstate))
        bad_frame(at);
    sigthr.blocked = frame.uc.uc_sigmask & ~UNBLOCKABLE;
    /* As Linux: the alternate stack the handler started with comes back,
     * unless that is not allowed now (errors are ignored). */
    signal_set_altstack(&frame.uc.uc_stack, ctx.rsp);
    /* The restorer's `syscall` is rewritten like any other site. */
    syscall_patch_site(f, __NR_rt_sigreturn);
    signal_deliver(&ctx);
    pal->resume(&ctx);
}
