/* The vCPU loop.  PAL calls do not pass through here (see hc_server.c):
 * exits are a parked vCPU waiting for a slow call (or carrying out an exit or
 * a fork), a vCPU waiting for vsock news, the vsock device's register
 * accesses while the driver sets it up, a kick for an upcall, a fatal fault
 * the guest could not handle itself, or something that should never happen. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>
#include "vm.h"
#include "monitor.h"
#include "bootinfo.h"

void hc_wait_slot(struct vm *vm, int vcpu);

static int in_guest;   /* the vCPU thread is inside KVM_RUN */

bool vcpu_in_guest(void) { return __atomic_load_n(&in_guest, __ATOMIC_SEQ_CST); }

static uint64_t guest_rip(struct vm *vm)
{
    struct kvm_regs r;
    return ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) < 0 ? 0 : r.rip;
}

static int fatal_fault(struct vm *vm)
{
    const struct fault_record *f = gpa_range(vm, GPA_FAULT, sizeof(*f));
    report_crash(vm, "the guest faulted while handling a fault: vector %llu at rip 0x%llx (address 0x%llx), "
                     "then vector %llu at rip 0x%llx",
                 f->vector, f->rip, f->cr2, f->second_vector, f->second_rip);
    return 128 + 11;
}

int vcpu_run(struct vm *vm)
{
    for (;;) {
        /* Read each time: a fork (served inside hc_wait_slot) gives the child a new vCPU. */
        struct kvm_run *run = vm->run;
        __atomic_store_n(&in_guest, 1, __ATOMIC_SEQ_CST);
        int r = ioctl(vm->vcpu_fd, KVM_RUN, 0);
        __atomic_store_n(&in_guest, 0, __ATOMIC_SEQ_CST);
        if (r < 0) {
            /* A kick for an event for the guest (upcall.c), or any host signal. */
            if (errno == EINTR || errno == EAGAIN) {
                upcall_deliver(vm);
                continue;
            }
            report_crash(vm, "KVM_RUN failed: %s", strerror(errno));
            return 70;
        }
        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            if (run->io.port == PORT_WAIT)
                hc_wait_slot(vm, 0);
            else if (run->io.port == PORT_FATAL)
                return fatal_fault(vm);
            else if (run->io.port == PORT_VSOCK_WAIT)
                vsock_wait_exit(vm);
            else if (run->io.port == PORT_DOORBELL) {
                /* Only when KVM_IOEVENTFD was unavailable. */
                uint64_t one = 1;
                if (write(vm->doorbell_fd, &one, sizeof(one)) < 0)
                    mlog(LOG_DEBUG, "doorbell: %m");
            } else
                mlog(LOG_DEBUG, "guest touched I/O port 0x%x at rip 0x%llx: ignored", run->io.port,
                     (unsigned long long)guest_rip(vm));
            break;
        case KVM_EXIT_MMIO:
            if (!vsock_mmio_exit(vm))
                mlog(LOG_DEBUG, "guest MMIO at 0x%llx: ignored", (unsigned long long)run->mmio.phys_addr);
            break;
        case KVM_EXIT_HLT:
            report_crash(vm, "the guest halted at rip 0x%llx", (unsigned long long)guest_rip(vm));
            return 128 + 11;
        case KVM_EXIT_SHUTDOWN:
            report_crash(vm, "the guest triple-faulted (rip 0x%llx)", (unsigned long long)guest_rip(vm));
            return 128 + 11;
        case KVM_EXIT_FAIL_ENTRY:
            report_crash(vm, "KVM could not enter the guest (reason 0x%llx)",
                         (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
            return 70;
        case KVM_EXIT_INTERNAL_ERROR:
            report_crash(vm, "KVM internal error %u at rip 0x%llx", run->internal.suberror,
                         (unsigned long long)guest_rip(vm));
            return 70;
        default:
            report_crash(vm, "unexpected exit reason %u at rip 0x%llx", run->exit_reason,
                         (unsigned long long)guest_rip(vm));
            return 70;
        }
    }
}
