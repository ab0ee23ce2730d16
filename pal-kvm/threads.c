/* Threads: a vCPU each.  A new vCPU starts at thread_entry on its own
 * library OS stack (the per-CPU data the monitor points its GS base at),
 * with upcalls on, and calls what the library OS asked for; the library
 * OS then resumes the program's registers there.  And the hooks that let
 * the library OS's lock go while a PAL call waits. */
#include "pal_kvm.h"
#include "layout.h"
#include "percpu.h"
#include <asm/errno.h>

_Static_assert(PAL_MAX_THREADS == GUEST_MAX_VCPUS, "a thread per vCPU");

extern struct percpu percpu_area[GUEST_MAX_VCPUS];

static struct {
    void (*fn)(void *arg);
    void *arg;
} start[GUEST_MAX_VCPUS];

static bool (*wait_leave)(void);
static void (*wait_enter)(void);

void kvm_set_wait_hooks(bool (*leave)(void), void (*enter)(void))
{
    wait_leave = leave;
    wait_enter = enter;
}

bool pal_wait_begin(void) { return wait_leave && wait_leave(); }

void pal_wait_end(bool left)
{
    if (left)
        wait_enter();
}

/* The new vCPU's first instruction (rsi: its id, as the monitor passes it). */
static __attribute__((noreturn, used)) void thread_entry(uint64_t unused, uint64_t id)
{
    (void)unused;
    pal_upcall_thread_init();
    start[id].fn(start[id].arg);
    kvm_process_exit(128 + 6, NULL, NULL);   /* fn never returns */
}

long kvm_thread_start(int vcpu, void (*fn)(void *arg), void *arg)
{
    if (vcpu < 0 || vcpu >= GUEST_MAX_VCPUS || vcpu == (int)this_cpu()->vcpu_id)
        return -EINVAL;
    start[vcpu].fn = fn;
    start[vcpu].arg = arg;
    /* As after a call: the entry finds rsp 8 below a 16-byte boundary. */
    uint64_t rsp = percpu_area[vcpu].kstack_top - 8;
    return hcall_parked(HC_THREAD_START, (uint64_t)vcpu, (uint64_t)thread_entry, rsp, 0, true);
}

long kvm_thread_exit(void) { return hcall_parked(HC_THREAD_EXIT, 0, 0, 0, 0, true); }

long kvm_thread_kick(int vcpu) { return hcall(HC_THREAD_KICK, (uint64_t)vcpu, 0, 0, 0); }
