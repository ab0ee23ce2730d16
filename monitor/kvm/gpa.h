/* Guest memory and the VM's event fds, through an opaque struct vm: what PAL
 * handlers and devices need of a VM (host tests put a fake VM behind it). */
#ifndef PICOVM_MONITOR_GPA_H
#define PICOVM_MONITOR_GPA_H

#include <stdint.h>

struct vm;

/* Every guest-physical range goes through gpa_range(): NULL unless
 * [gpa, gpa+len) lies entirely inside guest RAM or entirely inside the
 * shared memory (never across both, never device registers).  Virtqueues,
 * the fixed areas of include/abi/layout.h, the frames behind a guest-virtual
 * range (kvm/guest_mem.h) and HC_VM_FREE are physical. */
void *gpa_range(struct vm *vm, uint64_t gpa, uint64_t len);
/* Gives the VM guest-physical memory up to end (in RAM or in the shared
 * memory), in memory slots twice as large as what it has -> where the VM's
 * memory of that kind ends now (>= end), or -errno (-EINVAL: end lies in
 * neither). */
int64_t vm_grow(struct vm *vm, uint64_t end);
/* The same, inside guest RAM only: where page tables must lie. */
void *gpa_ram(struct vm *vm, uint64_t gpa, uint64_t len);
/* An eventfd in every wait the monitor does for the guest: writing 1 to it
 * ends a blocked wait with -EINTR (a signal for the guest), or the next one
 * if none is in progress. */
int vm_wakeup_fd(struct vm *vm);
/* Readable when a device has put something in the guest's used rings since
 * the guest last slept (whoever wakes on it reads it to reset it). */
int vm_news_fd(struct vm *vm);

#endif
