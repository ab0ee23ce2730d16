/* Fork by VM snapshot.
 *
 * The calling vCPU's thread serves HC_FORK while the vCPU is parked in the
 * monitor, so its state is stable: it saves the vCPU, then fork()s the whole
 * monitor.  Guest RAM is a private mapping, so the child monitor gets it
 * copy-on-write from the host kernel; it builds a new VM over it, puts the
 * saved vCPU state back (and the guest's TSC, so time does not jump), and
 * answers the call with 0 where the parent answers with the child's pid.
 * Host files the guest had open are inherited with shared offsets, as Linux
 * does. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include "proc.h"
#include "core/devices.h"
#include "core/pal_server.h"
#include "core/report.h"
#include "core/upcall.h"
#include "kvm/vm.h"
#include "kvm/vcpu_state.h"
#include "base/log.h"
#include "hypercall.h"

/* In the child monitor: a VM of its own over the inherited memory. */
static void become_child(struct vcpu *vcpu, const struct vcpu_state *s, int pid, int status_fd, pid_t parent)
{
    struct vm *vm = vcpu->vm;
    char err[256] = "";
    pal_server_unpin();
    launcher_detach();
    children_become_child(status_fd, parent);
    pidns_enter(pid);
    vm->pid = pid;
    vm_detach(vm);
    /* Only the forking thread goes on in the child, on the vCPU it had. */
    if (vm_attach(vm, vcpu->id, err, sizeof(err)) < 0 || vcpu_restore(vcpu, s) < 0) {
        report_crash(vm, "fork: cannot build the child's VM: %s", err);
        monitor_exit(70);
    }
    /* The parent's other threads (host and server) are not ours. */
    for (unsigned i = 0; i < GUEST_MAX_VCPUS; i++) {
        vm->vcpu[i].server_running = 0;
        if (&vm->vcpu[i] != vcpu)
            vm->vcpu[i].thread_running = 0;
    }
    struct bootinfo *bi = gpa_range(vm, GPA_BOOTINFO, sizeof(*bi));
    bi->ppid = bi->pid;
    bi->pid = pid;
    devices_after_fork(vm, pid);
}

/* The pid of the child in the parent, 0 in the child, or -errno. */
static int64_t fork_monitor(struct vcpu *vcpu)
{
    /* On the heap, not the stack: a vCPU's XSAVE area alone is 4 KB or more. */
    if (!vcpu->saved && !(vcpu->saved = calloc(1, sizeof(*vcpu->saved))))
        return -EAGAIN;
    int pid = pidns_alloc();
    if (pid < 0)
        return pid;
    int status_pipe[2];
    if (vcpu_save(vcpu, vcpu->saved) < 0) {
        mlog(LOG_ERROR, "fork: cannot save the vCPU state: %m");
        pidns_release();
        return -EAGAIN;
    }
    if (pipe2(status_pipe, O_CLOEXEC) < 0) {
        pidns_release();
        return -EAGAIN;
    }
    pid_t self = getpid();
    devices_prepare_fork(vcpu->vm, pid);
    pid_t host = fork();
    if (host == 0) {
        close(status_pipe[0]);
        become_child(vcpu, vcpu->saved, pid, status_pipe[1], self);
        return 0;
    }
    close(status_pipe[1]);
    if (host < 0 || children_add(pid, host, status_pipe[0]) < 0) {
        if (host > 0)
            kill(host, SIGKILL);
        close(status_pipe[0]);
        pidns_release();
        return -EAGAIN;
    }
    return pid;
}

void proc_fork(struct vcpu *vcpu, struct hc_slot *slot)
{
    int64_t ret = fork_monitor(vcpu);
    /* The child's server starts after its slot is answered: it would
     * otherwise see the call its parent is still carrying out. */
    pal_server_answer(slot, ret);
    if (ret == 0) {
        pal_server_start(vcpu, true);
        upcall_start(vcpu);
    }
}
