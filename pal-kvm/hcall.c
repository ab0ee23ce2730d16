/* Making a PAL call: publish the request in this vCPU's slot of the call
 * page, wake the monitor's server thread only if it is asleep, then spin for
 * the answer.  A call that is still unanswered after WAIT_AFTER_US (a read of
 * the console, a sleep) parks the vCPU in the monitor instead of burning a
 * host core.  On the way out, events the monitor posted meanwhile (a signal)
 * go to the upcall handler (upcall.c). */
#include "hcall.h"
#include "pal_kvm.h"
#include "hypercall.h"
#include "layout.h"
#include "klib.h"
#include "percpu.h"
#include "bootinfo.h"
#include "pal.h"

#define WAIT_AFTER_US 100

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

long hcall(unsigned int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return hcall_parked(nr, a0, a1, a2, a3, false);
}

long hcall_parked(unsigned int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, bool park)
{
    struct hc_page *page = (struct hc_page *)GPA_CALLPAGE;
    struct hc_slot *s = &page->slot[this_cpu()->vcpu_id];
    s->nr = nr;
    s->args[0] = a0;
    s->args[1] = a1;
    s->args[2] = a2;
    s->args[3] = a3;
    __atomic_store_n(&s->state, HC_REQ, __ATOMIC_RELEASE);
    /* Pairs with the server's fence between clearing server_awake and its
     * last scan: either it sees our request or we see it asleep. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!__atomic_load_n(&page->server_awake, __ATOMIC_ACQUIRE))
        outb(PORT_DOORBELL, 0);
    uint64_t deadline = park ? 0 : rdtsc() + pal_bootinfo->tsc_khz * WAIT_AFTER_US / 1000;
    while (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != HC_DONE) {
        if (rdtsc() > deadline) {
            outb(PORT_WAIT, 0);
            deadline = ~0ull;
        }
        cpu_relax();
    }
    long ret = s->ret;
    __atomic_store_n(&s->state, HC_FREE, __ATOMIC_RELEASE);
    pal_upcall_after_call();
    return ret;
}
