/* The PAL server: a monitor thread that serves the guest's call slots.
 *
 * While work keeps coming it spins on the call page (a call then costs a
 * shared-memory round trip, ~0.1 us here instead of a ~26 us exit); after
 * SPIN_NS without a request it clears server_awake and sleeps on the
 * doorbell eventfd, which the guest rings without an exit (ioeventfd). */
#include <errno.h>
#include <sched.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "vm.h"
#include "monitor.h"
#include "hypercall.h"
#include "bootinfo.h"

#define SPIN_NS 1000000

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* vCPUs sleeping in hc_wait_slot: only those need a futex wake (a system
 * call the server skips on every other answer). */
static int parked[GUEST_MAX_VCPUS];

static struct hc_page *call_page(struct vm *vm) { return (struct hc_page *)(vm->ram + GPA_CALLPAGE); }

static void serve(struct vm *vm, struct hc_slot *s, int vcpu)
{
    unsigned int expected = HC_REQ;
    if (!__atomic_compare_exchange_n(&s->state, &expected, HC_BUSY, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return;
    /* One copy of the request: the guest may keep scribbling on the slot. */
    uint32_t nr = __atomic_load_n(&s->nr, __ATOMIC_RELAXED);
    uint64_t args[6];
    for (int i = 0; i < 6; i++)
        args[i] = __atomic_load_n(&s->args[i], __ATOMIC_RELAXED);
    int64_t ret;
    /* An exit or a fork is left to the vCPU thread (see hc_wait_slot): it is
     * parked in the monitor by then, so the process can die without having to
     * kick a vCPU out of guest mode (a scheduler tick on PVM), and a fork
     * sees a vCPU whose state is not moving. */
    if (nr == HC_EXIT || nr == HC_FORK) {
        syscall(SYS_futex, &s->state, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
        return;
    }
    if (nr < HC_NR_CALLS && hc_handlers[nr])
        ret = hc_handlers[nr](vm, args);
    else
        ret = -ENOSYS;
    s->ret = ret;
    __atomic_store_n(&s->state, HC_DONE, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&parked[vcpu], __ATOMIC_SEQ_CST))
        syscall(SYS_futex, &s->state, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static bool serve_all(struct vm *vm)
{
    struct hc_page *p = call_page(vm);
    bool any = false;
    for (int i = 0; i < GUEST_MAX_VCPUS; i++)
        if (__atomic_load_n(&p->slot[i].state, __ATOMIC_ACQUIRE) == HC_REQ) {
            serve(vm, &p->slot[i], i);
            any = true;
        }
    return any;
}

bool hc_call_in_flight(struct vm *vm)
{
    unsigned int st = __atomic_load_n(&call_page(vm)->slot[0].state, __ATOMIC_ACQUIRE);
    return st == HC_REQ || st == HC_BUSY;
}

static void *server_main(void *arg)
{
    struct vm *vm = arg;
    struct hc_page *p = call_page(vm);
    for (;;) {
        __atomic_store_n(&p->server_awake, 1, __ATOMIC_SEQ_CST);
        uint64_t idle_since = now_ns();
        for (;;) {
            if (serve_all(vm))
                idle_since = now_ns();
            else if (now_ns() - idle_since > SPIN_NS)
                break;
            __builtin_ia32_pause();
        }
        __atomic_store_n(&p->server_awake, 0, __ATOMIC_SEQ_CST);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (serve_all(vm))
            continue;
        uint64_t v;
        if (read(vm->doorbell_fd, &v, sizeof(v)) < 0 && errno != EINTR) {
            mlog(LOG_ERROR, "doorbell: %m");
            exit(70);
        }
    }
    return NULL;
}

/* The server and the vCPU each spin while the other works: on one CPU they
 * would take turns by time slice (milliseconds per call), so when the host
 * lets us use two CPUs, the server takes one the vCPU thread is not on. */
/* The CPUs the host gave us, read before our own pinning narrowed them
 * (a forked monitor inherits its parent's vCPU thread's pin). */
static cpu_set_t allowed;
static bool known;

void hc_server_unpin(void)
{
    if (known)
        sched_setaffinity(0, sizeof(allowed), &allowed);
}

static const cpu_set_t *place_threads(void)
{
    static cpu_set_t server;
    cpu_set_t vcpu;
    if (!known)
        known = !sched_getaffinity(0, sizeof(allowed), &allowed);
    int here = sched_getcpu();
    if (!known || here < 0 || CPU_COUNT(&allowed) < 2)
        return NULL;
    CPU_ZERO(&vcpu);
    CPU_SET(here, &vcpu);
    server = allowed;
    CPU_CLR(here, &server);
    return pthread_setaffinity_np(pthread_self(), sizeof(vcpu), &vcpu) ? NULL : &server;
}

void hc_server_start(struct vm *vm)
{
    if (thread_start(server_main, vm, 256 << 10, place_threads())) {
        mlog(LOG_ERROR, "cannot start the PAL server thread");
        exit(70);
    }
    upcall_start(vm);
}

/* A vCPU parked by PORT_WAIT sleeps until its slot is answered, or carries
 * out the exit it asked for. */
void hc_wait_slot(struct vm *vm, int vcpu)
{
    struct hc_slot *s = &call_page(vm)->slot[vcpu];
    uint64_t one = 1;
    /* In case the guest raced the server going to sleep without ringing. */
    if (write(vm->doorbell_fd, &one, sizeof(one)) < 0)
        mlog(LOG_DEBUG, "doorbell write: %m");
    struct timespec tmo = { 0, 100 * 1000 * 1000 };
    __atomic_store_n(&parked[vcpu], 1, __ATOMIC_SEQ_CST);
    for (;;) {
        unsigned int st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
        if (st != HC_REQ && st != HC_BUSY) {
            __atomic_store_n(&parked[vcpu], 0, __ATOMIC_SEQ_CST);
            return;
        }
        if (st == HC_BUSY && s->nr == HC_EXIT)
            guest_exit(vm, (int)s->args[0], s->args[1]);
        if (st == HC_BUSY && s->nr == HC_FORK) {
            proc_fork(vm, s);
            continue;
        }
        syscall(SYS_futex, &s->state, FUTEX_WAIT_PRIVATE, st, &tmo, NULL, 0);
    }
}
