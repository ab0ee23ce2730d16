/* The vCPU loop.  PAL calls do not pass through here (see pal_server.c):
 * exits are a vCPU parked on a slow call, or on a call its own thread carries
 * out (exit, fork); a vCPU waiting for device news; a device's register
 * accesses while its driver sets it up; a kick for an upcall; a fatal fault
 * the guest could not handle itself; or something that should never happen. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "vcpu_loop.h"
#include "devices.h"
#include "pal_server.h"
#include "upcall.h"
#include "kvm/vm.h"
#include "base/log.h"
#include "base/waiting.h"
#include "report.h"

/* A vCPU waiting for news looks again after this long even if no one woke it. */
#define NEWS_WAIT_MAX_MS 200

static int fatal_fault(struct vcpu *vcpu)
{
    const struct fault_record *f = gpa_range(vcpu->vm, GPA_FAULT + vcpu->id * sizeof(*f), sizeof(*f));
    report_crash(vcpu->vm, "the guest faulted while handling a fault: vector %llu at rip 0x%llx (address 0x%llx), "
                           "then vector %llu at rip 0x%llx",
                 f->vector, f->rip, f->cr2, f->second_vector, f->second_rip);
    return 128 + 11;
}

static void drain(int fd)
{
    uint64_t v;
    if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
        mlog(LOG_DEBUG, "eventfd: %m");
}

/* PORT_VSOCK_WAIT (`inb`): sleeps until a device put something in a used
 * ring, the guest has an event (a signal), or a while passed. */
static void wait_for_news(struct vcpu *vcpu)
{
    struct kvm_run *run = vcpu->run;
    if (run->io.direction != KVM_EXIT_IO_IN)
        return;
    uint32_t result = VSOCK_WAIT_TIMEOUT;
    struct pollfd p[2] = { { .fd = vm_news_fd(vcpu->vm), .events = POLLIN },
                           { .fd = vm_wakeup_fd(vcpu->vm), .events = POLLIN } };
    waiting_begin();
    int ready = poll(p, 2, NEWS_WAIT_MAX_MS);
    waiting_end();
    if (ready > 0) {
        /* News first: the guest then makes progress before it takes the signal. */
        if (p[0].revents & POLLIN) {
            drain(p[0].fd);
            result = VSOCK_WAIT_NEWS;
        } else if (p[1].revents & POLLIN) {
            drain(p[1].fd);
            result = VSOCK_WAIT_INTR;
        }
    }
    unsigned size = run->io.size <= sizeof(result) ? run->io.size : sizeof(result);
    memcpy((uint8_t *)run + run->io.data_offset, &result, size);
}

/* An access to memory the VM does not have in a slot yet: shared memory
 * another picoprocess's guest took (its own VM grew), reached through a
 * mapping inherited or shared.  The slot is added, and this one access is
 * carried out on the monitor's mapping, since KVM has decoded it already.
 * -> false for an address that is no memory. */
static bool late_memory(struct vcpu *vcpu)
{
    struct kvm_run *run = vcpu->run;
    uint64_t gpa = run->mmio.phys_addr;
    uint32_t len = run->mmio.len <= sizeof(run->mmio.data) ? run->mmio.len : sizeof(run->mmio.data);
    uint8_t *host = gpa_range(vcpu->vm, gpa, len);
    if (!host || vm_grow(vcpu->vm, gpa + len) < 0)
        return false;
    if (run->mmio.is_write)
        memcpy(host, run->mmio.data, len);
    else
        memcpy(run->mmio.data, host, len);
    return true;
}

static void io_exit(struct vcpu *vcpu)
{
    struct kvm_run *run = vcpu->run;
    struct hc_slot *slot;
    const struct pal_call *call;
    switch (run->io.port) {
    case PORT_WAIT:
        if ((call = pal_server_wait(vcpu, &slot)))
            call->on_vcpu(vcpu, slot);
        break;
    case PORT_VSOCK_WAIT:
        wait_for_news(vcpu);
        break;
    case PORT_DOORBELL: {
        /* Only when KVM_IOEVENTFD was unavailable. */
        uint64_t one = 1;
        if (write(vcpu->doorbell_fd, &one, sizeof(one)) < 0)
            mlog(LOG_DEBUG, "doorbell: %m");
        break;
    }
    default:
        mlog(LOG_DEBUG, "guest touched I/O port 0x%x at rip 0x%llx: ignored", run->io.port,
             (unsigned long long)vcpu_rip(vcpu));
    }
}

int vcpu_run(struct vcpu *vcpu)
{
    vcpu->tid = (pid_t)syscall(SYS_gettid);
    for (;;) {
        /* Read each time: a fork (carried out in io_exit) gives the child a new vCPU. */
        struct kvm_run *run = vcpu->run;
        __atomic_store_n(&vcpu->in_guest, 1, __ATOMIC_SEQ_CST);
        int r = ioctl(vcpu->fd, KVM_RUN, 0);
        __atomic_store_n(&vcpu->in_guest, 0, __ATOMIC_SEQ_CST);
        if (r < 0) {
            /* A kick for an event for the guest (upcall.c), or any host signal. */
            if (errno == EINTR || errno == EAGAIN) {
                upcall_deliver(vcpu);
                continue;
            }
            report_crash(vcpu->vm, "KVM_RUN failed: %s", strerror(errno));
            return 70;
        }
        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            if (run->io.port == PORT_FATAL)
                return fatal_fault(vcpu);
            io_exit(vcpu);
            if (__atomic_load_n(&vcpu->ending, __ATOMIC_ACQUIRE))
                return VCPU_ENDED;
            break;
        case KVM_EXIT_MMIO:
            if (!late_memory(vcpu) && !devices_mmio(vcpu))
                mlog(LOG_DEBUG, "guest MMIO at 0x%llx: ignored", (unsigned long long)run->mmio.phys_addr);
            break;
        case KVM_EXIT_HLT:
            report_crash(vcpu->vm, "the guest halted at rip 0x%llx", (unsigned long long)vcpu_rip(vcpu));
            return 128 + 11;
        case KVM_EXIT_SHUTDOWN:
            report_crash(vcpu->vm, "the guest triple-faulted (rip 0x%llx)", (unsigned long long)vcpu_rip(vcpu));
            return 128 + 11;
        case KVM_EXIT_FAIL_ENTRY:
            report_crash(vcpu->vm, "KVM could not enter the guest (reason 0x%llx)",
                         (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
            return 70;
        case KVM_EXIT_INTERNAL_ERROR:
            report_crash(vcpu->vm, "KVM internal error %u at rip 0x%llx", run->internal.suberror,
                         (unsigned long long)vcpu_rip(vcpu));
            return 70;
        default:
            report_crash(vcpu->vm, "unexpected exit reason %u at rip 0x%llx", run->exit_reason,
                         (unsigned long long)vcpu_rip(vcpu));
            return 70;
        }
    }
}
