/* The PAL server: serves the guest's call slots (include/abi/hypercall.h)
 * through one table of calls, which each room fills at setup with the calls
 * it serves, and owns the handles those calls name host fds by. */
#ifndef PICOVM_MONITOR_PAL_SERVER_H
#define PICOVM_MONITOR_PAL_SERVER_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vcpu;
struct hc_slot;

/* A PAL call: args are guest-supplied and hostile. Returns >= 0 or -errno. */
typedef int64_t (*hc_handler)(struct vm *vm, const uint64_t args[6]);
/* A call on a handle (args[0]): fd is its host fd, which the server holds
 * a reference on for the call; a handle that is not open is -EBADF. */
typedef int64_t (*hc_fd_handler)(struct vm *vm, int fd, const uint64_t args[6]);
/* A call the vCPU's own thread carries out, with the vCPU parked in the
 * monitor and its state still (exit, fork): it answers the slot itself, or
 * never returns. */
typedef void (*hc_vcpu_call)(struct vcpu *vcpu, struct hc_slot *slot);

struct pal_call {
    hc_handler fn;
    hc_fd_handler on_fd;
    hc_vcpu_call on_vcpu;
};

void pal_register(unsigned nr, hc_handler fn);
void pal_register_fd(unsigned nr, hc_fd_handler fn);
void pal_register_vcpu(unsigned nr, hc_vcpu_call fn);
/* Serves call nr as the server thread does (-ENOSYS if no room serves it). */
int64_t pal_call(struct vm *vm, unsigned nr, const uint64_t args[6]);

/* Starts serving vcpu's call slot: at boot, in a forked monitor, for a new
 * thread's vCPU.  pin: from the thread that runs the picoprocess's only vCPU,
 * which it pins to a CPU, the server to the others.  Exits the monitor if it
 * cannot. */
void pal_server_start(struct vcpu *vcpu, bool pin);
/* Its vCPU ended: the server thread goes too. */
void pal_server_stop(struct vcpu *vcpu);
/* The vCPU whose call the calling thread serves, NULL on a thread that serves none. */
struct vcpu *pal_serving_vcpu(void);
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

/* Handles.  0..2 are the monitor's stdio (freeing them frees the slot, never
 * the monitor's own fds).  A user of a handle's fd outside a call holds a
 * reference: handle_get() -> host fd or -EBADF, then exactly one
 * handle_put(handle). */
int handle_alloc(int host_fd);                 /* -> handle or -EMFILE (caller still owns host_fd then) */
int handle_get(int64_t handle);
void handle_put(int64_t handle);
int handle_free(int64_t handle);               /* closes the host fd (once unused); -EBADF if not open */
void handles_close_all(void);

#endif
