/* The PAL server: serves the guest's call slots (include/abi/hypercall.h)
 * through one table of calls, which main.c hands over at start. */
#ifndef PICOVM_MONITOR_PAL_SERVER_H
#define PICOVM_MONITOR_PAL_SERVER_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vcpu;
struct hc_slot;

/* A PAL call: args are guest-supplied and hostile. Returns >= 0 or -errno. */
typedef int64_t (*hc_handler)(struct vm *vm, const uint64_t args[6]);
/* A call the vCPU's own thread carries out, with the vCPU parked in the
 * monitor and its state still (exit, fork): it answers the slot itself, or
 * never returns. */
typedef void (*hc_vcpu_call)(struct vcpu *vcpu, struct hc_slot *slot);

struct pal_call {
    hc_handler fn;           /* served by the server thread */
    hc_vcpu_call on_vcpu;    /* or left to the vCPU thread */
};

/* Starts serving vm's call slots from table (HC_NR_CALLS entries), and the
 * upcall timer, from the thread that runs vCPU 0: at boot and in a forked
 * monitor.  Exits the monitor if it cannot. */
void pal_server_start(struct vm *vm, const struct pal_call *table);
/* In a forked monitor, on the thread that runs the forking vCPU: serves
 * the child's slots with the table its parent used. */
void pal_server_after_fork(struct vm *vm);
/* In a monitor just forked: any CPU the host gave us, not the one its
 * parent's vCPU thread is pinned to, so that parent and child can run side
 * by side (a pipeline, signals back and forth). */
void pal_server_unpin(void);
/* PORT_WAIT: the vCPU sleeps until its call is answered.  -> NULL then, or
 * the call its thread must carry out now (pal_call.on_vcpu). */
const struct pal_call *pal_server_wait(struct vcpu *vcpu, struct hc_slot **slot);
/* The vCPU has a PAL call out (a request not answered yet). */
bool pal_call_in_flight(struct vcpu *vcpu);
/* Answers a slot from the vCPU thread (for on_vcpu calls). */
void pal_server_answer(struct hc_slot *slot, int64_t ret);

#endif
