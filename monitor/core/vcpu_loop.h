/* The vCPU loop. */
#ifndef PICOVM_MONITOR_VCPU_LOOP_H
#define PICOVM_MONITOR_VCPU_LOOP_H

struct vcpu;

/* Runs the vCPU until the guest dies without an exit call; returns the
 * status picovm should use then (an exit call ends the monitor itself). */
int vcpu_run(struct vcpu *vcpu);

#endif
