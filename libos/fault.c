/* Faults of the program (or of the library OS) handed over by the CPL0 stubs.
 * Until signal delivery exists the default action applies: the picoprocess
 * dies by the signal Linux would raise, and the monitor reports where. */
#include "libos.h"
#include "layout.h"
#include "hypercall.h"
#include <asm/signal.h>

static int signal_of_vector(uint64_t v)
{
    switch (v) {
    case 0:  /* #DE */
    case 16: /* #MF */
    case 19: /* #XM */
        return SIGFPE;
    case 1:
    case 3:
        return SIGTRAP;
    case 6:
        return SIGILL;
    case 12: /* #SS */
    case 17: /* #AC */
        return SIGBUS;
    default:
        return SIGSEGV;
    }
}

static void on_fault(void *record)
{
    const struct fault_record *r = record;
    struct hc_crash crash = { .signo = signal_of_vector(r->vector), .vector = r->vector,
                              .error = r->error, .rip = r->rip, .addr = r->cr2 };
    log_debug("fault: vector %lu error 0x%lx rip 0x%lx cs 0x%lx rsp 0x%lx cr2 0x%lx", (unsigned long)r->vector, (unsigned long)r->error, (unsigned long)r->rip, (unsigned long)r->cs, (unsigned long)r->rsp, (unsigned long)r->cr2);
    if (r->rip >= GPA_IMAGE && r->rip < GPA_IMAGE_LIMIT)
        log_error("fault inside the library OS: vector %lu at rip 0x%lx (address 0x%lx)",
                  (unsigned long)r->vector, (unsigned long)r->rip, (unsigned long)r->cr2);
    libos_die_by_signal(crash.signo, &crash);
}

void fault_init(void) { pal->set_exception_handler(on_fault); }
