/* fork, vfork and clone of a new process: the PAL snapshots the whole VM, and
 * the copy continues from this very system call with 0 as its result.
 *
 * vfork (CLONE_VFORK) suspends the parent until the child execs or ends, as
 * Linux does: the child holds the write end of a pipe its parent reads,
 * and closes it at execve; its end closes it too.  Memory is copied, not
 * shared, which programs that use vfork as POSIX allows cannot tell. */
#include "libos.h"
#include "thread/thread.h"
#include "mm/mm.h"
#include "syscall/syscall.h"
#include "signal/signal.h"
#include "syscall/handlers.h"
#include <asm/poll.h>
#include <linux/fcntl.h>
#include <linux/sched.h>
#include <asm/signal.h>

/* Flags that still make a separate process (no shared memory or threads). */
#define PROCESS_FLAGS (CSIGNAL | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | \
                       CLONE_VFORK | CLONE_SETTLS)

/* In a vfork child until it execs: the write end its parent waits on. */
static long vfork_parent = -1;

void proc_vfork_release(void)
{
    if (vfork_parent >= 0)
        pal->stream_close(vfork_parent);
    vfork_parent = -1;
}

/* The vfork parent's wait: EOF once the child let go (signals wait too).
 * It waits through stream_poll, where this process goes on answering the
 * others (the child itself may be asking, if we are the leader). */
static void wait_for_release(long h)
{
    for (;;) {
        struct pal_poll p = { .handle = h, .events = POLLIN };
        long r = pal->stream_poll(&p, 1, -1);
        char c;
        if (r < 0 && r != -EINTR)
            break;
        if (r > 0 && pal->stream_read(h, &c, 1, -1) != -EINTR)
            break;
    }
    pal->stream_close(h);
}

static long fork_process(uint64_t flags, uint64_t child_stack, int *ptid, int *ctid, uint64_t tls)
{
    if ((flags & CLONE_PARENT_SETTID) && !user_range_ok(ptid, sizeof(*ptid), true))
        return -EFAULT;
    if ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) && !user_range_ok(ctid, sizeof(*ctid), true))
        return -EFAULT;
    long release[2] = { -1, -1 };
    if ((flags & CLONE_VFORK) && pal->stream_pipe(release, O_CLOEXEC) < 0)
        release[0] = release[1] = -1;   /* then the parent runs on at once, as it did */
    mm_before_fork();
    long pid = pal->process_fork();
    if (pid != 0 && release[1] >= 0)
        pal->stream_close(release[1]);
    if (pid < 0) {
        mm_fork_failed();
        if (release[0] >= 0)
            pal->stream_close(release[0]);
        return pid;
    }
    if (pid > 0) {
        if (flags & CLONE_PARENT_SETTID)
            *ptid = (int)pid;
        if (release[0] >= 0)
            wait_for_release(release[0]);
        return pid;
    }
    mm_fork_child();
    /* Our parent's vfork is not our child's to hold. */
    proc_vfork_release();
    if (release[0] >= 0)
        pal->stream_close(release[0]);
    vfork_parent = release[1];
    /* The child: who we are now is in our (private) copy of the boot info. */
    proc.ppid = proc.pid;
    proc.pid = (int)pal_state->pid;
    thread_fork_child();
    signal_fork_child();
    prctl_fork_child();
    if (flags & CLONE_CHILD_SETTID)
        *ctid = proc.pid;
    if (flags & CLONE_SETTLS) {
        pal->set_fs_base(tls);
        cur_thread()->fs_base = tls;
    }
    /* A new stack for the child (posix_spawn's CLONE_VM|CLONE_VFORK child
     * runs on one): it returns from the system call there. */
    if (child_stack)
        current_syscall->rsp = child_stack;
    return 0;
}

long sys_fork(void) { return fork_process(SIGCHLD, 0, NULL, NULL, 0); }

long sys_vfork(void) { return fork_process(SIGCHLD | CLONE_VFORK, 0, NULL, NULL, 0); }

/* clone3: clone's arguments in a struct clone_args (Linux 5.3), whose
 * stack is the lowest address of the new stack and its size. */
long sys_clone3(const void *uargs, size_t size)
{
    struct clone_args a = { 0 };
    if (size < CLONE_ARGS_SIZE_VER0 || size > 4096)
        return -EINVAL;
    if (!user_range_ok(uargs, size, false))
        return -EFAULT;
    memcpy(&a, uargs, MIN(size, sizeof a));
    /* Fields past what we know must be zero, as Linux checks. */
    for (size_t i = sizeof a; i < size; i++)
        if (((const char *)uargs)[i])
            return -E2BIG;
    if (a.exit_signal > 64 || (a.flags & CSIGNAL) || a.set_tid || a.set_tid_size || a.cgroup ||
        (a.flags & (CLONE_PIDFD | CLONE_INTO_CGROUP)))
        return -EINVAL;
    if ((a.stack == 0) != (a.stack_size == 0))
        return -EINVAL;
    uint64_t stack = a.stack ? a.stack + a.stack_size : 0;
    return sys_clone(a.flags | a.exit_signal, stack, (int *)a.parent_tid, (int *)a.child_tid, a.tls);
}

long sys_clone(uint64_t flags, uint64_t child_stack, int *ptid, int *ctid, uint64_t tls)
{
    if (flags & CLONE_THREAD)
        return thread_clone(flags & ~(uint64_t)CSIGNAL, child_stack, ptid, ctid, tls);
    /* posix_spawn asks for CLONE_VM | CLONE_VFORK: a copy serves as well
     * (the parent still waits for the exec). */
    if ((flags & (CLONE_VM | CLONE_VFORK)) == (CLONE_VM | CLONE_VFORK))
        flags &= ~CLONE_VM;
    if (flags & ~PROCESS_FLAGS) {
        log_warning("clone: flags 0x%lx (threads, namespaces) are not supported", (unsigned long)flags);
        return -ENOSYS;
    }
    return fork_process(flags, child_stack, ptid, ctid, tls);
}
