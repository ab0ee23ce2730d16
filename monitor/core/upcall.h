/* Asynchronous events for the guest: host signals, the alarm's expiries,
 * ended children and vsock news, handed to the PAL's upcall entry. */
#ifndef PICOVM_MONITOR_UPCALL_H
#define PICOVM_MONITOR_UPCALL_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct vm;
struct vcpu;

/* On the thread that runs the picoprocess's first (or, after a fork, only)
 * vCPU, which takes the process's events: starts the alarm's thread. */
void upcall_start(struct vcpu *vcpu);
/* On the thread that runs vcpu, before it runs it (upcall_start does it for its own). */
void upcall_vcpu_thread(struct vcpu *vcpu);
/* HC_THREAD_KICK: an event `kicks` for vcpu's thread (async-signal-safe). */
void upcall_kick(struct vcpu *vcpu);
/* vCPU gone ended: if it took the process's events, the next one alive does. */
void upcall_retarget_from(struct vcpu *gone);
/* From any thread or signal handler (async-signal-safe): host signals (bit
 * n-1: signal n), alarm expiries and ended children for the program; the
 * guest is made to notice. */
void upcall_post(uint64_t host_signals, uint64_t alarms, uint64_t children);
/* From any thread or signal handler (async-signal-safe): the host has news
 * on a stream with a lease or O_ASYNC (pal/notify.c). */
void upcall_post_io(void);
/* The host thread that takes the process's events (and signals about them). */
pid_t upcall_thread(void);
/* From the vsock device thread: news on the streams. */
void upcall_post_streams(void);
/* From the vCPU loop when KVM_RUN returns EINTR: sends a vCPU stopped in the
 * program's code to the PAL's upcall entry. */
void upcall_deliver(struct vcpu *vcpu);
/* For PAL calls that wait in the monitor: sleeps until deadline
 * (CLOCK_MONOTONIC) -> 0, or -EINTR as soon as an event is posted. */
int upcall_sleep_until(struct vm *vm, const struct timespec *deadline);
/* The same while the host futex word holds val (HC_FUTEX): -> 0 when woken
 * (or spuriously, as any futex wait), -EAGAIN if it does not hold val,
 * -ETIMEDOUT at deadline (NULL: none), -EINTR as soon as an event is posted. */
int upcall_futex_wait(struct vm *vm, uint32_t *word, uint32_t val, const struct timespec *deadline);
/* Registers HC_SET_ALARM with the PAL server. */
void upcall_calls_setup(void);

#endif
