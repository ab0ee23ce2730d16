/* One picoprocess VM as the monitor holds it: guest RAM, the KVM VM and one
 * struct vcpu per vCPU. */
#ifndef PICOVM_MONITOR_VM_H
#define PICOVM_MONITOR_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/kvm.h>
#include "layout.h"
#include "config/manifest.h"
#include "gpa.h"

struct vcpu_state;   /* vcpu_state.h */

struct vcpu {
    struct vm *vm;
    unsigned id;              /* index of its call slot, upcall area and per-CPU data */
    int fd;
    struct kvm_run *run;
    pid_t tid;                /* the host thread that runs it (kicked by upcalls); 0 before it runs */
    int doorbell_fd;          /* eventfd behind PORT_DOORBELL with this vCPU's id as data */
    int live;                 /* runs a thread of the guest (atomic); its slot is free once 0 */
    int ending;               /* its thread ended (HC_THREAD_EXIT): its loop stops (atomic) */
    unsigned server_gen;      /* its server thread serves while this is what it started with (atomic) */
    int server_running;       /* a server thread of it has not returned yet (atomic) */
    int thread_running;       /* a host thread is in (or on its way out of) its vcpu_run (atomic) */
    int in_guest;             /* inside KVM_RUN (atomic) */
    int parked;               /* asleep in the monitor until its call slot is answered (atomic) */
    struct vcpu_state *saved; /* its state as its last fork took it; allocated at its first fork */
};

struct vm {
    int kvm_fd, vm_fd;
    uint8_t *ram;
    uint64_t ram_size;
    uint64_t pool_start;      /* guest pages start here; the direct map's page directories lie below */
    uint64_t ram_ready;       /* bytes of RAM from GPA 0 in memory slots (vm_grow) */
    uint64_t shared_ready;    /* bytes of the shared memory from GPA_SHARED in memory slots */
    unsigned nslots;          /* memory slots of the KVM VM */
    uint8_t *shared;          /* the application's shared memory (GPA_SHARED), inherited over fork */
    uint64_t shared_size;
    struct guest_image_header image;
    int wakeup_fd;            /* vm_wakeup_fd() */
    int news_fd;              /* vm_news_fd() */
    bool host_is_pvm;
    uint64_t tsc_khz;
    size_t run_size;
    unsigned nvcpus;
    struct vcpu vcpu[GUEST_MAX_VCPUS];
    const char *program;      /* entrypoint, for reports */
    int pid;                  /* the application pid it runs */
};

/* Builds the VM: memory, guest image, page tables, descriptor tables, vCPU 0
 * in its initial state.  Returns 0 or -1 with a message in err. */
int vm_create(struct vm *vm, const struct pv_config *cfg, char *err, size_t errlen);
/* A new KVM VM over vm->ram with one vCPU, id (0 at boot; in the child of a
 * fork, the forking thread's). */
int vm_attach(struct vm *vm, unsigned id, char *err, size_t errlen);
/* One more vCPU, id (< GUEST_MAX_VCPUS, not live), with its doorbell; not running yet. */
int vm_add_vcpu(struct vm *vm, unsigned id, char *err, size_t errlen);
/* Lets go of the VM, not of guest memory: a forked monitor's inherited
 * descriptors belong to its parent's VM. */
void vm_detach(struct vm *vm);
bool host_is_pvm(void);
extern const unsigned char guest_image_start[], guest_image_end[];

/* x86 state (x86_state.c). */
void x86_build_page_tables(struct vm *vm);
void x86_build_descriptor_tables(struct vm *vm);
int x86_vcpu_init(struct vcpu *vcpu, const struct kvm_cpuid2 *cpuid, char *err, size_t errlen);
/* A thread's vCPU: the state of from (segments, FPU, MSRs), its own per-CPU
 * data and TSS, at rip and rsp with rdi = arg, rsi = its id. */
int x86_vcpu_clone(struct vcpu *vcpu, struct vcpu *from, uint64_t rip, uint64_t rsp, uint64_t arg);
/* Everything a fork must carry over; the guest's TSC too, so time does not jump. */
int vcpu_save(struct vcpu *vcpu, struct vcpu_state *s);
int vcpu_restore(struct vcpu *vcpu, const struct vcpu_state *s);
uint64_t vcpu_rip(struct vcpu *vcpu);   /* 0 if it cannot be read */
/* The guest's TSC, read through KVM so it carries the guest's offset. */
uint64_t vcpu_guest_tsc(struct vcpu *vcpu);

#endif
