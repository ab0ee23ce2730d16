/* What host-side tests of monitor code put in place of a KVM VM: a struct vm
 * that is only guest RAM, bounds-checked by gpa_range() as kvm/gpa.h states
 * it, and the two eventfds HC_POLL waits on besides its handles.  It defines
 * the functions kvm/gpa.h declares for a VM, and stands in for the exit and
 * fork calls, which need a running vCPU, so one file of a test includes it. */
#ifndef PICOVM_TEST_FAKE_VM_H
#define PICOVM_TEST_FAKE_VM_H

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "kvm/gpa.h"
#include "proc/proc.h"

struct vm {
    uint8_t *ram;
    uint64_t size;
    int wakeup, news;   /* vm_wakeup_fd(), vm_news_fd(); -1: none */
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

int vm_news_fd(struct vm *v)
{
    return v->news;
}

/* No vCPU runs here: the calls a vCPU's thread carries out itself never come. */
void proc_fork(struct vcpu *vcpu, struct hc_slot *slot)
{
    (void)vcpu, (void)slot;
    abort();
}

void proc_exit(struct vcpu *vcpu, struct hc_slot *slot)
{
    (void)vcpu, (void)slot;
    abort();
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
