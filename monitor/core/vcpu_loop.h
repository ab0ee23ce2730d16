/* The vCPU loop. */
#ifndef PICOVM_MONITOR_VCPU_LOOP_H
#define PICOVM_MONITOR_VCPU_LOOP_H

struct vcpu;

/* What vcpu_run returns when its thread ended (HC_THREAD_EXIT) and others go on. */
#define VCPU_ENDED (-1)

/* Runs the vCPU until the guest dies without an exit call; returns the
 * status picovm should use then (an exit call ends the monitor itself), or
 * VCPU_ENDED. */
int vcpu_run(struct vcpu *vcpu);

#endif
