/* The guest's threads: one vCPU each, up to GUEST_MAX_VCPUS, each run by a
 * host thread of its own and served by a PAL server thread of its own, so
 * threads run in parallel on the host's CPUs and a thread that blocks in a
 * call blocks nobody else.  The library OS decides which vCPU a thread gets
 * (its own per-CPU data), and what runs there: HC_THREAD_START only starts
 * a vCPU at the guest's entry for new threads, with the caller's FPU state
 * and segments.  A vCPU whose thread ended is kept (KVM never takes one
 * back) for the next thread. */
#include <errno.h>
#include <pthread.h>
#include "threads.h"
#include "pal_server.h"
#include "upcall.h"
#include "vcpu_loop.h"
#include "kvm/vm.h"
#include "base/log.h"
#include "base/thread.h"
#include "hypercall.h"
#include "proc/proc.h"

static void *vcpu_thread_main(void *arg)
{
    struct vcpu *v = arg;
    upcall_vcpu_thread(v);
    int status = vcpu_run(v);
    /* A thread that faulted past the library OS ends the picoprocess. */
    if (status != VCPU_ENDED)
        monitor_exit(status);
    __atomic_store_n(&v->thread_running, 0, __ATOMIC_RELEASE);
    return NULL;
}

static int64_t start(struct vcpu *caller, uint64_t id, uint64_t rip, uint64_t rsp, uint64_t arg)
{
    struct vm *vm = caller->vm;
    char err[160];
    if (id >= GUEST_MAX_VCPUS)
        return -EINVAL;
    struct vcpu *v = &vm->vcpu[id];
    /* The host thread of its last guest thread may still be on its way out
     * of vcpu_run: one thread runs a vCPU. */
    if (__atomic_load_n(&v->live, __ATOMIC_ACQUIRE) || __atomic_load_n(&v->thread_running, __ATOMIC_ACQUIRE))
        return -EBUSY;
    if (vm_add_vcpu(vm, (unsigned)id, err, sizeof(err)) < 0) {
        mlog(LOG_WARNING, "no vCPU for a new thread: %s", err);
        return -EAGAIN;
    }
    if (x86_vcpu_clone(v, caller, rip, rsp, arg) < 0) {
        __atomic_store_n(&v->live, 0, __ATOMIC_RELEASE);
        return -EAGAIN;
    }
    pal_server_start(v, false);
    __atomic_store_n(&v->thread_running, 1, __ATOMIC_RELEASE);
    /* Its host thread takes the kicks (KICK_SIGNAL): it starts with no signal blocked. */
    if (thread_start(vcpu_thread_main, v, 256 << 10, NULL)) {
        __atomic_store_n(&v->thread_running, 0, __ATOMIC_RELEASE);
        pal_server_stop(v);
        __atomic_store_n(&v->live, 0, __ATOMIC_RELEASE);
        return -EAGAIN;
    }
    return pidns_new_tid();
}

static void thread_start_call(struct vcpu *vcpu, struct hc_slot *slot)
{
    pal_server_answer(slot, start(vcpu, slot->args[0], slot->args[1], slot->args[2], slot->args[3]));
}

static void thread_exit_call(struct vcpu *vcpu, struct hc_slot *slot)
{
    struct vm *vm = vcpu->vm;
    bool others = false;
    for (unsigned i = 0; i < vm->nvcpus; i++)
        others |= &vm->vcpu[i] != vcpu && __atomic_load_n(&vm->vcpu[i].live, __ATOMIC_ACQUIRE);
    if (!others) {
        /* The last thread's end is the process's: HC_EXIT says how it ended. */
        pal_server_answer(slot, -EBUSY);
        return;
    }
    __atomic_store_n(&vcpu->ending, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&vcpu->live, 0, __ATOMIC_RELEASE);
    pal_server_stop(vcpu);
    upcall_retarget_from(vcpu);
    pal_server_answer(slot, 0);
}

static int64_t hc_thread_kick(struct vm *vm, const uint64_t a[6])
{
    if (a[0] >= GUEST_MAX_VCPUS)
        return -EINVAL;
    struct vcpu *v = &vm->vcpu[a[0]];
    if (!__atomic_load_n(&v->live, __ATOMIC_ACQUIRE))
        return -ESRCH;
    upcall_kick(v);
    return 0;
}

void threads_calls_setup(void)
{
    pal_register_vcpu(HC_THREAD_START, thread_start_call);
    pal_register_vcpu(HC_THREAD_EXIT, thread_exit_call);
    pal_register(HC_THREAD_KICK, hc_thread_kick);
}
