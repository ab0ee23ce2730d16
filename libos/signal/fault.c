/* CPU exceptions handed over by the PAL: a fault of the program becomes the
 * signal Linux would raise, with the siginfo Linux gives it, and goes to the
 * program's handler (signal_fault); without one, or for a fault inside the
 * library OS, the picoprocess dies by that signal and the monitor reports
 * where. */
#include "libos.h"
#include "signal/signal.h"
#include "mm/mm.h"

#define MXCSR_IE 0x01u
#define MXCSR_DE 0x02u
#define MXCSR_ZE 0x04u
#define MXCSR_OE 0x08u
#define MXCSR_UE 0x10u

/* The SIMD exception that is both raised and unmasked, as Linux reports it. */
static int simd_code(void)
{
    uint32_t mxcsr;
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    uint32_t raised = mxcsr & ~(mxcsr >> 7) & 0x3f;
    if (raised & MXCSR_IE)
        return FPE_FLTINV;
    if (raised & MXCSR_DE || raised & MXCSR_UE)
        return FPE_FLTUND;
    if (raised & MXCSR_ZE)
        return FPE_FLTDIV;
    if (raised & MXCSR_OE)
        return FPE_FLTOVF;
    return FPE_FLTRES;
}

static bool is_user_mapping(uint64_t addr)
{
    const struct vma *v = mm_find(addr);
    return v && v->kind == VMA_USER;
}

/* Linux's signal, si_code and si_addr for a CPU exception in user mode. */
static void fault_info(const struct pal_exception *r, siginfo_t *info)
{
    int sig = SIGSEGV, code = SI_KERNEL;
    uint64_t addr = 0;
    switch (r->vector) {
    case 0:   /* #DE */
        sig = SIGFPE, code = FPE_INTDIV, addr = r->ctx.rip;
        break;
    case 1:   /* #DB */
        sig = SIGTRAP, code = TRAP_TRACE, addr = r->ctx.rip;
        break;
    case 3:   /* #BP */
        sig = SIGTRAP;
        break;
    case 6:   /* #UD */
        sig = SIGILL, code = ILL_ILLOPN, addr = r->ctx.rip;
        break;
    case 11:  /* #NP */
    case 12:  /* #SS */
        sig = SIGBUS;
        break;
    case 14:  /* #PF: a mapping the access breaks, or none at all */
        code = is_user_mapping(r->addr) ? SEGV_ACCERR : SEGV_MAPERR, addr = r->addr;
        break;
    case 16:  /* #MF */
        sig = SIGFPE, code = FPE_FLTINV, addr = r->ctx.rip;
        break;
    case 17:  /* #AC */
        sig = SIGBUS, code = BUS_ADRALN;
        break;
    case 19:  /* #XM */
        sig = SIGFPE, code = simd_code(), addr = r->ctx.rip;
        break;
    default:  /* #GP and the rest */
        break;
    }
    *info = (siginfo_t){ 0 };
    info->si_signo = sig;
    info->si_code = code;
    info->si_addr = (void *)addr;
}

/* #PF error code: the access was a write. */
#define PF_WRITE 0x2

static void on_fault(struct pal_exception *e)
{
    /* A lazy page's first touch, by the program or by the library OS for it;
     * with no page left, the end Linux's OOM killer gives. */
    int paged = e->vector == 14 ? mm_fault(e->addr, e->error & PF_WRITE) : MM_FAULT_NOT_MINE;
    if (paged == MM_FAULT_DONE)
        return;
    if (paged == MM_FAULT_OOM) {
        struct pal_crash oom = { .signo = SIGKILL, .vector = e->vector, .error = e->error, .rip = e->ctx.rip,
                                 .addr = e->addr };
        libos_die_by_signal(SIGKILL, &oom);
    }
    siginfo_t info;
    fault_info(e, &info);
    if (paged == MM_FAULT_SIGBUS)
        info.si_signo = SIGBUS, info.si_code = BUS_ADRERR;
    if (paged == MM_FAULT_GUARD)
        info.si_code = SEGV_MAPERR;
    uint64_t rip = e->ctx.rip;
    struct pal_crash crash = { .signo = (unsigned)info.si_signo, .vector = e->vector,
                               .error = e->error, .rip = rip, .addr = e->addr };
    log_debug("fault: vector %lu error 0x%lx rip 0x%lx cs 0x%lx rsp 0x%lx cr2 0x%lx", (unsigned long)e->vector,
              (unsigned long)e->error, (unsigned long)rip, (unsigned long)e->cs, (unsigned long)e->ctx.rsp,
              (unsigned long)e->addr);
    if (rip >= pal_state->image_start && rip < pal_state->image_end) {
        log_error("fault inside the library OS: vector %lu at rip 0x%lx (address 0x%lx)",
                  (unsigned long)e->vector, (unsigned long)rip, (unsigned long)e->addr);
        libos_die_by_signal(info.si_signo, &crash);
    }
    struct sigframe_fault f = { .trapno = e->vector, .err = e->error, .cr2 = e->vector == 14 ? e->addr : 0 };
    signal_fault(&e->ctx, &info, &f, &crash);
}

void fault_init(void) { pal->set_exception_handler(on_fault); }
