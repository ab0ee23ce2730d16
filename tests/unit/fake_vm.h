/* What host-side tests of monitor code put in place of a KVM VM: a struct vm
 * that is only guest RAM, bounds-checked by gpa_range() as monitor.h states
 * it, and the two eventfds HC_POLL waits on besides its handles.  It defines
 * the functions monitor.h declares for a VM, so one file of a test includes it. */
#ifndef PICOVM_TEST_FAKE_VM_H
#define PICOVM_TEST_FAKE_VM_H

#include <stdint.h>
#include <sys/mman.h>
#include "monitor.h"

struct vm {
    uint8_t *ram;
    uint64_t size;
    int wakeup, news;   /* vm_wakeup_fd(), vsock_event_fd(); -1: none */
};

void *gpa_range(struct vm *v, uint64_t gpa, uint64_t len)
{
    if (len > v->size || gpa > v->size - len)
        return NULL;
    return v->ram + gpa;
}

int vm_wakeup_fd(struct vm *v)
{
    return v->wakeup;
}

int vsock_event_fd(struct vm *v)
{
    return v->news;
}

/* No vCPU runs here: upcalls never need to interrupt one. */
bool vcpu_in_guest(void) { return false; }

bool hc_call_in_flight(struct vm *v)
{
    (void)v;
    return false;
}

/* size bytes of zeroed RAM, a private anonymous mapping as the monitor's is
 * (HC_VM_FREE drops pages of it with madvise), and no eventfds; -> 0, or -1. */
static inline int fake_vm_map(struct vm *v, uint64_t size)
{
    void *ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ram == MAP_FAILED)
        return -1;
    *v = (struct vm){ .ram = ram, .size = size, .wakeup = -1, .news = -1 };
    return 0;
}

#endif
