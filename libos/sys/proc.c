/* Process and thread identity, exit, the thread-setup calls of C library
 * start-up, prctl, arch_prctl, scheduling queries and futex.
 *
 * The picoprocess is single-threaded for now: its only thread's id is the
 * process id.  Ids come from `proc`: the first process is pid 2, child of
 * the init (ipc/init.c), or pid 1 with picovm.init = false. */
#include "libos.h"
#include "thread/thread.h"
#include "ktime.h"
#include "fs/fdtable.h"
#include "ipc/ipc.h"
#include "mm/mm.h"
#include "sys/cred.h"
#include "syscall/handlers.h"
#include <linux/futex.h>
#include <linux/prctl.h>
#include <asm/prctl.h>

/* First address above the user half of a 4-level x86-64 address space (Linux's TASK_SIZE_MAX). */
#define TASK_SIZE_MAX ((1ull << 47) - 4096)



/* Linux's timer slack of the first process. */
#define TIMER_SLACK_DEFAULT_NS 50000ul

/* State Linux keeps per process that only prctl reads and writes. */
static struct {
    int pdeath_signal;
    int dumpable;
    bool no_new_privs;
    bool thp_disabled;   /* there are no huge pages: holds whatever it says */
    unsigned long timer_slack_ns;   /* host timers do not use it: stored only */
    unsigned long timer_slack_default_ns;   /* what PR_SET_TIMERSLACK 0 brings back */
} pctl = { .dumpable = 1, .timer_slack_ns = TIMER_SLACK_DEFAULT_NS, .timer_slack_default_ns = TIMER_SLACK_DEFAULT_NS };

void prctl_fork_child(void)
{
    /* As Linux's fork: the child's default slack is its parent's current one. */
    pctl.timer_slack_default_ns = pctl.timer_slack_ns;
}

static bool is_self(long pid)
{
    return pid == 0 || pid == proc.pid;
}

long sys_getpid(void) { return proc.pid; }
long sys_getppid(void) { return proc.ppid; }
long sys_gettid(void) { return cur_thread()->tid; }
long sys_getpgrp(void) { return proc.pgid; }

long sys_getpgid(int pid)
{
    return is_self(pid) ? proc.pgid : ipc_getpgid(pid);
}

long sys_getsid(int pid)
{
    return is_self(pid) ? proc.sid : ipc_getsid(pid);
}

long sys_exit_group(int status)
{
    /* The first process outlives its program while others live (ipc_linger),
     * its descriptors closed first, so the others see its pipes end. */
    if (proc.pid == pal_state->first_pid && !pal_state->end_with_first) {
        fd_close_all();
        ipc_linger();
    }
    libos_exit(status & 0xff);
}

/* exit ends the calling thread; the last one's ends the process. */
long sys_exit(int status)
{
    thread_exit(status);
}

long sys_set_tid_address(int *tidptr)
{
    cur_thread()->clear_child_tid = tidptr;
    return cur_thread()->tid;
}

long sys_set_robust_list(void *head, size_t len)
{
    /* The kernel's struct robust_list_head: list, futex_offset, list_op_pending. */
    if (len != 24)
        return -EINVAL;
    cur_thread()->robust_list = head;
    return 0;
}

static long put_user_int(void *p, int v)
{
    if (!user_range_ok(p, sizeof v, true))
        return -EFAULT;
    memcpy(p, &v, sizeof v);
    return 0;
}

long sys_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4,
               unsigned long arg5)
{
    switch (option) {
    case PR_SET_NAME: {
        /* Up to 15 bytes or the NUL; -EFAULT only if a fault comes first. */
        const char *s = (const char *)arg2;
        long ret = user_string_ok(s, PROC_COMM_LEN - 1);
        if (ret == -EFAULT)
            return ret;
        proc_set_comm(s, strnlen(s, PROC_COMM_LEN - 1));
        ipc_renamed();
        return 0;
    }
    case PR_GET_NAME: {
        char buf[PROC_COMM_LEN] = { 0 };
        strlcpy(buf, proc_comm(), sizeof buf);
        if (!user_range_ok((void *)arg2, sizeof buf, true))
            return -EFAULT;
        memcpy((void *)arg2, buf, sizeof buf);
        return 0;
    }
    case PR_SET_PDEATHSIG:
        /* Recorded; the multi-process work sends it when the parent exits. */
        if (arg2 > 64)
            return -EINVAL;
        pctl.pdeath_signal = (int)arg2;
        return 0;
    case PR_GET_PDEATHSIG:
        return put_user_int((void *)arg2, pctl.pdeath_signal);
    case PR_GET_DUMPABLE:
        return pctl.dumpable;
    case PR_SET_DUMPABLE:
        /* 0 and 1 only (2, "root-readable", is for the kernel's own use). */
        if (arg2 > 1)
            return -EINVAL;
        pctl.dumpable = (int)arg2;
        return 0;
    case PR_SET_NO_NEW_PRIVS:
        /* Holds trivially: nothing in a picoprocess can gain privileges. */
        if (arg2 != 1 || arg3 || arg4 || arg5)
            return -EINVAL;
        pctl.no_new_privs = true;
        return 0;
    case PR_GET_NO_NEW_PRIVS:
        if (arg2 || arg3 || arg4 || arg5)
            return -EINVAL;
        return pctl.no_new_privs;
    case PR_SET_TIMERSLACK:
        pctl.timer_slack_ns = arg2 ? arg2 : pctl.timer_slack_default_ns;
        return 0;
    case PR_GET_TIMERSLACK:
        return (long)pctl.timer_slack_ns;
    case PR_SET_THP_DISABLE:
        if (arg3 || arg4 || arg5)
            return -EINVAL;
        pctl.thp_disabled = arg2 != 0;
        return 0;
    case PR_GET_THP_DISABLE:
        if (arg2 || arg3 || arg4 || arg5)
            return -EINVAL;
        return pctl.thp_disabled;
    case PR_CAPBSET_READ:
    case PR_CAPBSET_DROP:
    case PR_CAP_AMBIENT:
    case PR_GET_SECUREBITS:
    case PR_SET_SECUREBITS:
        return cred_cap_prctl(option, arg2, arg3, arg4, arg5);
    /* PR_SET_CHILD_SUBREAPER stays -EINVAL: orphans go to the leader (ipc/life.c),
     * and having them go to a subreaper is work of the IPC layer not done yet. */
    default:
        return -EINVAL;
    }
}

long sys_arch_prctl(int code, unsigned long addr)
{
    switch (code) {
    case ARCH_SET_FS:
        if (addr >= TASK_SIZE_MAX)
            return -EPERM;
        pal->set_fs_base(addr);
        cur_thread()->fs_base = addr;
        return 0;
    case ARCH_GET_FS:
        if (!user_range_ok((void *)addr, sizeof cur_thread()->fs_base, true))
            return -EFAULT;
        memcpy((void *)addr, &cur_thread()->fs_base, sizeof cur_thread()->fs_base);
        return 0;
    /* GS belongs to the guest (per-vCPU data); programs on Linux hardly use it. */
    case ARCH_SET_GS:
    case ARCH_GET_GS:
        return -EINVAL;
    /* As Linux on a CPU without CPUID faulting: CPUID is on and stays on. */
    case ARCH_GET_CPUID:
        return 1;
    case ARCH_SET_CPUID:
        return -ENODEV;
    default:
        return -EINVAL;
    }
}

/* The only thread has the only vCPU to itself: there is nothing to yield to. */
long sys_sched_yield(void)
{
    return 0;
}

long sys_getcpu(unsigned int *cpu, unsigned int *node, void *cache)
{
    long err = 0;
    (void)cache;   /* unused by Linux since 2.6.24 */
    if (cpu)
        err |= put_user_int(cpu, 0);
    if (node)
        err |= put_user_int(node, 0);
    return err ? -EFAULT : 0;
}

/* A futex another thread or process may wake: any, once the program has
 * threads; else a shared one (no FUTEX_PRIVATE_FLAG) in memory this process
 * shares with others.  Its waits and wakes are the host's (pal->futex_*),
 * where the other threads' and processes' meet them; a bitset is not kept
 * there, so a waiter may wake early, which every futex user must bear
 * anyway. */
static bool futex_is_shared(const uint32_t *uaddr, int op)
{
    if (nthreads > 1)
        return true;
    const struct vma *v = mm_find((uint64_t)uaddr);
    return !(op & FUTEX_PRIVATE_FLAG) && v && v->shm;
}

/* deadline: NULL to wait without a timeout. */
static long futex_wait(uint32_t *uaddr, int op, uint32_t val, const uint64_t *deadline, int clock,
                       uint32_t bitset)
{
    uint32_t cur;
    if (!bitset)
        return -EINVAL;
    if ((uintptr_t)uaddr % sizeof(uint32_t))
        return -EINVAL;
    if (!user_range_ok(uaddr, sizeof cur, false))
        return -EFAULT;
    if (futex_is_shared(uaddr, op)) {
        int64_t timeout = -1;
        if (deadline) {
            uint64_t now;
            clock_read_ns(clock, &now);
            timeout = *deadline > now ? (int64_t)MIN(*deadline - now, (uint64_t)INT64_MAX) : 0;
        }
        return ipc_futex_wait(uaddr, val, timeout);
    }
    cur = __atomic_load_n(uaddr, __ATOMIC_SEQ_CST);
    if (cur != val)
        return -EAGAIN;
    if (!deadline) {
        /* Only another thread, another process sharing the word, or a signal
         * handler could change it or wake us, and none exists yet: waiting
         * would hang the picoprocess forever.  Fail loudly instead. */
        log_error("futex wait at %p (value %u) without a timeout: nothing could ever wake it",
                  (void *)uaddr, val);
        return -EDEADLK;
    }
    long ret = sleep_until_ns(clock, *deadline);
    return ret < 0 ? ret : -ETIMEDOUT;
}

static long futex_wake(uint32_t *uaddr, int op, uint32_t count, uint32_t bitset)
{
    if (!bitset)
        return -EINVAL;
    if ((uintptr_t)uaddr % sizeof(uint32_t))
        return -EINVAL;
    /* A private futex is only hashed by address; a shared one must be mapped. */
    if (op & FUTEX_PRIVATE_FLAG ? (uintptr_t)uaddr >= TASK_SIZE_MAX
                                : !user_range_ok(uaddr, sizeof(uint32_t), false))
        return -EFAULT;
    if (futex_is_shared(uaddr, op))
        return pal->futex_wake(uaddr, (int)MIN(count, (uint32_t)INT32_MAX));
    return 0;   /* nobody in this process is ever waiting */
}

/* FUTEX_WAKE_OP's operation on *uaddr2 when no thread or process can be
 * waiting: only the write is left to do. */
static void wake_op_alone(uint32_t *uaddr2, uint32_t val3)
{
    uint32_t op = (val3 >> 28) & 7, arg = (val3 >> 12) & 0xfff;
    if ((val3 >> 28) & FUTEX_OP_OPARG_SHIFT)
        arg = 1u << (arg & 31);
    switch (op) {
    case FUTEX_OP_SET: __atomic_exchange_n(uaddr2, arg, __ATOMIC_SEQ_CST); break;
    case FUTEX_OP_ADD: __atomic_fetch_add(uaddr2, arg, __ATOMIC_SEQ_CST); break;
    case FUTEX_OP_OR: __atomic_fetch_or(uaddr2, arg, __ATOMIC_SEQ_CST); break;
    case FUTEX_OP_ANDN: __atomic_fetch_and(uaddr2, ~arg, __ATOMIC_SEQ_CST); break;
    case FUTEX_OP_XOR: __atomic_fetch_xor(uaddr2, arg, __ATOMIC_SEQ_CST); break;
    default: break;
    }
}

/* REQUEUE, CMP_REQUEUE and WAKE_OP: the host's, where waiters may be. */
static long futex_two(int cmd, uint32_t *uaddr, int op, uint32_t val, uint32_t val2, uint32_t *uaddr2,
                      uint32_t val3)
{
    if ((uintptr_t)uaddr % sizeof(uint32_t) || (uintptr_t)uaddr2 % sizeof(uint32_t) || (int)val < 0 ||
        (int)val2 < 0)
        return -EINVAL;
    if (cmd == FUTEX_WAKE_OP && (val3 >> 28) % 8 > FUTEX_OP_XOR)
        return -ENOSYS;
    if (!user_range_ok(uaddr, sizeof(uint32_t), false) ||
        !user_range_ok(uaddr2, sizeof(uint32_t), cmd == FUTEX_WAKE_OP))
        return -EFAULT;
    if (futex_is_shared(uaddr, op) || futex_is_shared(uaddr2, op))
        return pal->futex_requeue(cmd, uaddr, (int)val, (int)val2, uaddr2, val3);
    if (cmd == FUTEX_CMP_REQUEUE && __atomic_load_n(uaddr, __ATOMIC_SEQ_CST) != val3)
        return -EAGAIN;
    if (cmd == FUTEX_WAKE_OP)
        wake_op_alone(uaddr2, val3);
    return 0;
}

static bool futex_has_timeout(int cmd)
{
    return cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_LOCK_PI ||
           cmd == FUTEX_LOCK_PI2 || cmd == FUTEX_WAIT_REQUEUE_PI;
}

long sys_futex(uint32_t *uaddr, int op, uint32_t val, const void *utime, uint32_t *uaddr2,
               uint32_t val3)
{
    static bool warned;
    int cmd = op & FUTEX_CMD_MASK;
    int clock = op & FUTEX_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC;
    uint64_t deadline;

    /* Linux reads the timeout before anything else.  FUTEX_WAIT's is
     * relative to CLOCK_MONOTONIC, the others' absolute on their clock. */
    if (utime && futex_has_timeout(cmd)) {
        long ret = user_timespec_ns(utime, &deadline);
        if (ret < 0)
            return ret;
        if (cmd == FUTEX_WAIT) {
            uint64_t now;
            clock_read_ns(CLOCK_MONOTONIC, &now);
            deadline = ns_add_sat(now, deadline);
        }
    }
    if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT_REQUEUE_PI &&
        cmd != FUTEX_LOCK_PI2)
        return -ENOSYS;
    switch (cmd) {
    case FUTEX_WAIT:
        return futex_wait(uaddr, op, val, utime ? &deadline : NULL, clock, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAIT_BITSET:
        return futex_wait(uaddr, op, val, utime ? &deadline : NULL, clock, val3);
    case FUTEX_WAKE:
        return futex_wake(uaddr, op, val, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAKE_BITSET:
        return futex_wake(uaddr, op, val, val3);
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_WAKE_OP:
        /* utime is an integer here: nr_requeue or nr_wake2. */
        return futex_two(cmd, uaddr, op, val, (uint32_t)(uintptr_t)utime, uaddr2, val3);
    default:
        if (!warned) {
            warned = true;
            log_warning("futex operation %d is not supported", cmd);
        }
        return -ENOSYS;
    }
}
