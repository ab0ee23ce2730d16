/* fork, vfork and clone of a new process: the PAL snapshots the whole VM, and
 * the copy continues from this very system call with 0 as its result. */
#include "libos.h"
#include "syscall.h"
#include "signal.h"
#include <linux/sched.h>
#include <asm/signal.h>

/* Flags that still make a separate process (no shared memory or threads). */
#define PROCESS_FLAGS (CSIGNAL | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | \
                       CLONE_VFORK | CLONE_SETTLS)

static long fork_process(uint64_t flags, uint64_t child_stack, int *ptid, int *ctid, uint64_t tls)
{
    if ((flags & CLONE_PARENT_SETTID) && !user_range_ok(ptid, sizeof(*ptid), true))
        return -EFAULT;
    if ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) && !user_range_ok(ctid, sizeof(*ctid), true))
        return -EFAULT;
    long pid = pal->process_fork();
    if (pid < 0)
        return pid;
    if (pid > 0) {
        if (flags & CLONE_PARENT_SETTID)
            *ptid = (int)pid;
        return pid;
    }
    /* The child: who we are now is in our (private) copy of the boot info. */
    proc.ppid = proc.pid;
    proc.pid = (int)pal_bootinfo->pid;
    signal_fork_child();
    if (flags & CLONE_CHILD_SETTID)
        *ctid = proc.pid;
    if (flags & CLONE_SETTLS)
        pal->set_fs_base(tls);
    /* A new stack for the child (posix_spawn's CLONE_VM|CLONE_VFORK child
     * runs on one): it returns from the system call there. */
    if (child_stack)
        current_syscall->rsp = child_stack;
    return 0;
}

long sys_fork(void) { return fork_process(SIGCHLD, 0, NULL, NULL, 0); }

/* vfork's parent would be suspended until the child execs or exits; with a
 * copy of memory instead of a shared one, running on is indistinguishable
 * for programs that use vfork as POSIX allows (exec or _exit right away). */
long sys_vfork(void) { return fork_process(SIGCHLD, 0, NULL, NULL, 0); }

long sys_clone(uint64_t flags, uint64_t child_stack, int *ptid, int *ctid, uint64_t tls)
{
    /* posix_spawn asks for CLONE_VM | CLONE_VFORK: a copy serves as well. */
    if ((flags & (CLONE_VM | CLONE_VFORK)) == (CLONE_VM | CLONE_VFORK))
        flags &= ~CLONE_VM;
    if (flags & ~PROCESS_FLAGS) {
        log_warning("clone: flags 0x%lx (threads, namespaces) are not supported", (unsigned long)flags);
        return -ENOSYS;
    }
    return fork_process(flags, child_stack, ptid, ctid, tls);
}
