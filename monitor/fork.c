/* Fork by VM snapshot.
 *
 * The vCPU thread serves HC_FORK while the guest is parked in the monitor,
 * so its state is stable: it saves the vCPU, then fork()s the whole monitor.
 * Guest RAM is a private mapping, so the child monitor gets it copy-on-write
 * from the host kernel; it builds a new VM over it, puts the saved vCPU state
 * back (and the guest's TSC, so time does not jump), and answers the call
 * with 0 where the parent answers with the child's pid.  Host files the
 * guest had open are inherited with shared offsets, as Linux does. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>
#include "vm.h"
#include "monitor.h"
#include "hypercall.h"

#define MSR_IA32_TSC 0x10

static const uint32_t saved_msrs[] = { 0xc0000081 /* STAR */, 0xc0000082 /* LSTAR */,
                                       0xc0000084 /* SFMASK */, 0xc0000102 /* KERNEL_GS_BASE */ };
#define NMSRS (sizeof(saved_msrs) / sizeof(saved_msrs[0]))

struct vcpu_snapshot {
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    struct kvm_xcrs xcrs;
    struct kvm_xsave xsave;
    struct {
        struct kvm_msrs h;
        struct kvm_msr_entry e[NMSRS];
    } msrs;
};

static int take(struct vm *vm, struct vcpu_snapshot *s)
{
    s->msrs.h.nmsrs = NMSRS;
    for (size_t i = 0; i < NMSRS; i++)
        s->msrs.e[i].index = saved_msrs[i];
    if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &s->regs) < 0 || ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s->sregs) < 0 ||
        ioctl(vm->vcpu_fd, KVM_GET_XSAVE, &s->xsave) < 0 ||
        ioctl(vm->vcpu_fd, KVM_GET_MSRS, &s->msrs) != (int)NMSRS)
        return -1;
    /* XCRs exist only where the guest sets them (VMX/SVM). */
    if (vm->host_is_pvm || ioctl(vm->vcpu_fd, KVM_GET_XCRS, &s->xcrs) < 0)
        s->xcrs.nr_xcrs = 0;
    return 0;
}

static int put_back(struct vm *vm, struct vcpu_snapshot *s, uint64_t tsc)
{
    struct {
        struct kvm_msrs h;
        struct kvm_msr_entry e;
    } t = { .h.nmsrs = 1, .e = { .index = MSR_IA32_TSC, .data = tsc } };
    if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &s->sregs) < 0 ||
        (s->xcrs.nr_xcrs && ioctl(vm->vcpu_fd, KVM_SET_XCRS, &s->xcrs) < 0) ||
        ioctl(vm->vcpu_fd, KVM_SET_XSAVE, &s->xsave) < 0 ||
        ioctl(vm->vcpu_fd, KVM_SET_MSRS, &s->msrs) != (int)NMSRS ||
        ioctl(vm->vcpu_fd, KVM_SET_REGS, &s->regs) < 0)
        return -1;
    ioctl(vm->vcpu_fd, KVM_SET_MSRS, &t);   /* best effort: the clock is read from the TSC */
    return 0;
}

/* In the child monitor: a VM of its own over the inherited memory. */
static void become_child(struct vm *vm, struct vcpu_snapshot *s, uint64_t tsc, int pid, int status_fd,
                         pid_t parent)
{
    char err[256];
    hc_server_unpin();
    launcher_detach();
    children_become_child(status_fd, parent);
    vm_detach(vm);
    if (vm_attach(vm, err, sizeof(err)) < 0 || put_back(vm, s, tsc) < 0) {
        report_crash(vm, "fork: cannot build the child's VM: %s", err);
        monitor_exit(70);
    }
    struct bootinfo *bi = gpa_range(vm, GPA_BOOTINFO, sizeof(*bi));
    bi->ppid = bi->pid;
    bi->pid = pid;
    vsock_after_fork(vm, pid + 2);
    hc_server_start(vm);
}

void proc_fork(struct vm *vm, struct hc_slot *slot)
{
    static struct vcpu_snapshot snap;
    int64_t ret;
    int pid = pidns_alloc();
    if (pid < 0) {
        ret = pid;
        goto out;
    }
    uint64_t tsc = vm_guest_tsc(vm);
    if (take(vm, &snap) < 0) {
        mlog(LOG_ERROR, "fork: cannot save the vCPU state: %m");
        ret = -EAGAIN;
        pidns_release();
        goto out;
    }
    int status_pipe[2];
    if (pipe2(status_pipe, O_CLOEXEC) < 0) {
        ret = -EAGAIN;
        pidns_release();
        goto out;
    }
    pid_t self = getpid();
    pid_t host = fork();
    if (host == 0) {
        close(status_pipe[0]);
        become_child(vm, &snap, tsc, pid, status_pipe[1], self);
        ret = 0;
    } else {
        close(status_pipe[1]);
        if (host < 0 || children_add(pid, host, status_pipe[0]) < 0) {
            if (host > 0)
                kill(host, SIGKILL);
            close(status_pipe[0]);
            pidns_release();
            ret = -EAGAIN;
        } else {
            ret = pid;
        }
    }
out:
    slot->ret = ret;
    __atomic_store_n(&slot->state, HC_DONE, __ATOMIC_RELEASE);
}
