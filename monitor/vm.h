/* One picoprocess VM as the monitor holds it. */
#ifndef PICOVM_VM_H
#define PICOVM_VM_H

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include "layout.h"
#include "manifest.h"

struct vm {
    int kvm_fd, vm_fd, vcpu_fd;
    struct kvm_run *run;
    size_t run_size;
    uint8_t *ram;
    uint64_t ram_size;
    struct guest_image_header image;
    int doorbell_fd;          /* eventfd behind PORT_DOORBELL */
    int wakeup_fd;            /* eventfd that ends a blocked HC_POLL with -EINTR (vm_wakeup_fd) */
    bool host_is_pvm;
    uint64_t tsc_khz;
    const char *program;      /* entrypoint, for reports */
};

/* Builds the VM: memory, page tables, descriptor tables, guest image, one vCPU.
 * Returns 0 or -1 with a message in err. */
int vm_create(struct vm *vm, const struct pv_config *cfg, char *err, size_t errlen);
/* A new KVM VM and vCPU over vm->ram (boot, and the child side of a fork). */
int vm_attach(struct vm *vm, char *err, size_t errlen);
void vm_detach(struct vm *vm);
/* Writes the boot-info page: -1 with a message in err when it does not fit. */
int bootinfo_write(struct vm *vm, const struct pv_config *cfg, char *const argv[], char *err, size_t errlen);
/* Serves PAL calls until the guest exits; never returns. */
void hc_server_start(struct vm *vm);
/* Runs the vCPU; returns the exit status picovm should use when the guest dies without HC_EXIT. */
int vcpu_run(struct vm *vm);
/* Exits the monitor with the guest's status, reporting a crash first if there is one. */
__attribute__((noreturn)) void guest_exit(struct vm *vm, int status, uint64_t crash_gpa);

bool host_is_pvm(void);
uint64_t vm_guest_tsc(struct vm *vm);
extern const unsigned char guest_image_start[], guest_image_end[];

#endif
