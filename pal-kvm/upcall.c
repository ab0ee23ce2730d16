/* Asynchronous events from the monitor (host signals for the program, alarm
 * expiries), handed to the library OS's upcall handler.
 *
 * The monitor posts them in this vCPU's struct upcall_area (include/abi/layout.h)
 * and sets `pending`; the guest notices in one of three places:
 *  - the program was running its own code: the monitor saved its registers
 *    in the area and sent the vCPU to pal_upcall_entry (context.S), which
 *    lands in pal_upcall_dispatch below;
 *  - the library OS was running: at the end of the next PAL call (a PAL call
 *    that waits in the monitor ends early for it), with no registers;
 *  - before a program that faulted is resumed.
 * An event that arrives after the last of these checks, just before the
 * guest returns to the program, is caught by the monitor kicking the vCPU
 * again a little later (monitor/upcall.c). */
#include "pal_kvm.h"
#include "context_offsets.h"
#include "layout.h"
#include "percpu.h"
#include <stddef.h>

_Static_assert(offsetof(struct pal_context, r8) == CTX_R8 && offsetof(struct pal_context, r15) == CTX_R15 &&
               offsetof(struct pal_context, rdi) == CTX_RDI && offsetof(struct pal_context, rsi) == CTX_RSI &&
               offsetof(struct pal_context, rbp) == CTX_RBP && offsetof(struct pal_context, rbx) == CTX_RBX &&
               offsetof(struct pal_context, rdx) == CTX_RDX && offsetof(struct pal_context, rax) == CTX_RAX &&
               offsetof(struct pal_context, rcx) == CTX_RCX && offsetof(struct pal_context, rsp) == CTX_RSP &&
               offsetof(struct pal_context, rip) == CTX_RIP && offsetof(struct pal_context, rflags) == CTX_RFLAGS,
               "context_offsets.h follows struct pal_context");
_Static_assert(USER_CS == SEL_UCODE && USER_SS == SEL_UDATA, "context_offsets.h follows layout.h");
/* The fault record and the upcall area hold registers in pal_context order. */
_Static_assert(offsetof(struct fault_record, rflags) == offsetof(struct pal_context, rflags) &&
               offsetof(struct fault_record, r8) == 0, "fault record starts with a pal_context");
_Static_assert(sizeof(((struct upcall_area *)0)->regs) == sizeof(struct pal_context), "upcall area regs");
_Static_assert(sizeof(struct fault_record) == 256 && sizeof(struct upcall_area) == 256,
               "the records' sizes are shared with boot/ and the monitor");

void pal_upcall_entry(void);

static void (*handler)(void *context);
static bool in_after_call[GUEST_MAX_VCPUS];

static struct upcall_area *area(void)
{
    return &((struct upcall_area *)GPA_UPCALL)[this_cpu()->vcpu_id];
}

/* Hands over what is posted until nothing more is: pending is cleared
 * before the rest is taken, so an event posted meanwhile is seen again. */
static void take_events(struct pal_context *regs)
{
    struct upcall_area *a = area();
    while (__atomic_exchange_n(&a->pending, 0, __ATOMIC_ACQ_REL)) {
        struct pal_upcall u = {
            .host_signals = __atomic_exchange_n(&a->host_signals, 0, __ATOMIC_ACQ_REL),
            .alarms = __atomic_exchange_n(&a->alarms, 0, __ATOMIC_ACQ_REL),
            .children = __atomic_exchange_n(&a->children, 0, __ATOMIC_ACQ_REL),
            .streams = __atomic_exchange_n(&a->streams, 0, __ATOMIC_ACQ_REL),
            .io = __atomic_exchange_n(&a->io, 0, __ATOMIC_ACQ_REL),
            .kicks = __atomic_exchange_n(&a->kicks, 0, __ATOMIC_ACQ_REL),
            .regs = regs,
        };
        handler(&u);
    }
}

void pal_upcall_thread_init(void)
{
    struct upcall_area *a = area();
    a->stack = this_cpu()->kstack_top;
    /* Only from now on may the monitor interrupt the program. */
    __atomic_store_n(&a->entry, handler ? (uint64_t)pal_upcall_entry : 0, __ATOMIC_RELEASE);
}

void kvm_set_upcall_handler(void (*h)(void *context))
{
    handler = h;
    pal_upcall_thread_init();
}

void pal_upcall_after_call(void)
{
    /* The handler's own PAL calls (its log lines) do not come back here. */
    uint64_t me = this_cpu()->vcpu_id;
    if (!handler || in_after_call[me] || !__atomic_load_n(&area()->pending, __ATOMIC_ACQUIRE))
        return;
    in_after_call[me] = true;
    take_events(NULL);
    in_after_call[me] = false;
}

void pal_upcall_before_resume(struct pal_context *ctx)
{
    if (handler)
        take_events(ctx);
}

/* From pal_upcall_entry, on this vCPU's library OS stack, which is free:
 * the monitor only sends a vCPU here from the program's own code. */
void pal_upcall_dispatch(void)
{
    struct pal_context ctx;
    memcpy(&ctx, area()->regs, sizeof ctx);
    pal_upcall_before_resume(&ctx);
    pal_resume(&ctx);
}
