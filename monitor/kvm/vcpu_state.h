/* A vCPU's state as a fork carries it to the child (vcpu_save/vcpu_restore).
 * Apart from vm.h: KVM's variable-sized structs in the middle of it are a GNU
 * extension, which only the files that hold one need to accept. */
#ifndef PICOVM_MONITOR_VCPU_STATE_H
#define PICOVM_MONITOR_VCPU_STATE_H

#include <stdint.h>
#include <linux/kvm.h>

struct vcpu_state {
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    struct kvm_xcrs xcrs;
    struct kvm_xsave xsave;
    struct {
        struct kvm_msrs h;
        struct kvm_msr_entry e[8];
    } msrs;
    uint64_t tsc;
};

#endif
