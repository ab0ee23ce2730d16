/* What host-side tests of monitor code put in place of a KVM VM: a struct vm
 * that is guest RAM and a shared memory at GPA_SHARED (a MAP_SHARED memfd, as
 * the monitor's), bounds-checked by gpa_range() and gpa_ram() as kvm/gpa.h
 * states them, page tables at GPA_PML4 for kvm/guest_mem.c to walk, and the
 * two eventfds HC_POLL waits on besides its handles.  It defines the
 * functions kvm/gpa.h declares for a VM, and stands in for the exit and fork
 * calls, which need a running vCPU, so one file of a test includes it. */
#ifndef PICOVM_TEST_FAKE_VM_H
#define PICOVM_TEST_FAKE_VM_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kvm/gpa.h"
#include "proc/proc.h"
#include "layout.h"
#include "x86.h"

#define FAKE_SHARED_SIZE (2ull << 20)

struct vm {
    uint8_t *ram;
    uint64_t size;
    uint8_t *shared;      /* at GPA_SHARED; NULL: none */
    uint64_t shared_size;
    int wakeup, news;     /* vm_wakeup_fd(), vm_news_fd(); -1: none */
    uint64_t tables;      /* page tables are taken from the top of RAM down, the next one below this */
};

void *gpa_ram(struct vm *v, uint64_t gpa, uint64_t len)
{
    if (len > v->size || gpa > v->size - len)
        return NULL;
    return v->ram + gpa;
}

void *gpa_range(struct vm *v, uint64_t gpa, uint64_t len)
{
    void *p = gpa_ram(v, gpa, len);
    if (p || gpa < GPA_SHARED)
        return p;
    uint64_t off = gpa - GPA_SHARED;
    if (len > v->shared_size || off > v->shared_size - len)
        return NULL;
    return v->shared + off;
}

/* All of a fake VM's memory is there from the start. */
int64_t vm_grow(struct vm *v, uint64_t end)
{
    if (end <= v->size)
        return (int64_t)v->size;
    if (v->shared && end > GPA_SHARED && end - GPA_SHARED <= v->shared_size)
        return (int64_t)(GPA_SHARED + v->shared_size);
    return -EINVAL;
}

int vm_wakeup_fd(struct vm *v)
{
    return v->wakeup;
}

int vm_news_fd(struct vm *v)
{
    return v->news;
}

/* No vCPU runs here: the calls a vCPU's thread carries out itself never
 * come, and no thread gets a vCPU (HC_THREAD_* are not served: -ENOSYS). */
void threads_calls_setup(void) {}

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

/* The entry of va's walk at level (4: PML4 ... 1: page table), making the
 * tables above it as needed.  Not for a va inside a huge page. */
static inline uint64_t *fake_vm_entry(struct vm *v, uint64_t va, int level)
{
    uint64_t table = GPA_PML4;
    for (int l = 4;; l--) {
        uint64_t *e = (uint64_t *)(v->ram + table) + ((va >> (12 + 9 * (l - 1))) & 511);
        if (l == level)
            return e;
        if (!(*e & PTE_P)) {
            v->tables -= GUEST_PAGE_SIZE;
            memset(v->ram + v->tables, 0, GUEST_PAGE_SIZE);
            *e = v->tables | PTE_P | PTE_RW | PTE_US;
        }
        table = *e & PTE_ADDR;
    }
}

/* Maps va to the frame pa with a page of level (1: 4 KB, 2: 2 MB, 3: 1 GB);
 * flags: PTE_RW or 0 for read-only. */
static inline void fake_vm_map_page(struct vm *v, uint64_t va, uint64_t pa, int level, uint64_t flags)
{
    *fake_vm_entry(v, va, level) = pa | flags | PTE_P | PTE_US | (level > 1 ? PTE_PS : 0);
}

/* Page tables anew: RAM mapped VA == PA in 2 MB pages, nothing else. */
static inline void fake_vm_tables(struct vm *v)
{
    memset(v->ram + GPA_PML4, 0, GUEST_PAGE_SIZE);
    v->tables = v->size;
    for (uint64_t a = 0; a < v->size; a += GUEST_HUGE_SIZE)
        fake_vm_map_page(v, a, a, 2, PTE_RW);
}

/* size bytes of zeroed RAM (a multiple of 2 MB), a private anonymous mapping
 * as the monitor's is (HC_VM_FREE drops pages of it with madvise), the
 * shared memory, the page tables of fake_vm_tables, and no eventfds; -> 0,
 * or -1. */
static inline int fake_vm_map(struct vm *v, uint64_t size)
{
    void *ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int fd = memfd_create("fake-vm-shared", MFD_CLOEXEC);
    if (ram == MAP_FAILED || fd < 0 || ftruncate(fd, FAKE_SHARED_SIZE))
        return -1;
    void *shared = mmap(NULL, FAKE_SHARED_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (shared == MAP_FAILED)
        return -1;
    *v = (struct vm){ .ram = ram, .size = size, .shared = shared, .shared_size = FAKE_SHARED_SIZE,
                      .wakeup = -1, .news = -1 };
    fake_vm_tables(v);
    return 0;
}

#endif
