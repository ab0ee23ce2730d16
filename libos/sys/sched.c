/* Scheduling: nice values, the CPUs a process may run on, and its policy.
 * Each picoprocess has one vCPU, so all of it is stored and reported as
 * Linux would, and none of it changes how the program runs.  Another
 * process's values live in its own VM: its existence is checked, and
 * defaults are reported for it. */
#include "libos.h"
#include "ipc/ipc.h"
#include "sys/cred.h"
#include "syscall/handlers.h"
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/sched/types.h>

#define NICE_MIN (-20)
#define NICE_MAX 19
#define RT_PRIO_MAX 99
/* Linux's cpumask_size() with one possible CPU: one long. */
#define CPUMASK_SIZE sizeof(unsigned long)

static struct {
    int policy;
    int rt_priority;
} sched = { SCHED_NORMAL, 0 };

static bool is_self(long pid) { return pid == 0 || pid == proc.pid; }

/* 0 for us, 1 for another process of the application, -ESRCH. */
static long lookup(long pid)
{
    if (pid < 0)
        return -EINVAL;
    return is_self(pid) ? 0 : ipc_pid_exists((int)pid) ? 1 : -ESRCH;
}

/* Whether `who` of `which` includes this process. */
static long prio_target(int which, int who)
{
    switch (which) {
    case PRIO_PROCESS:
        return is_self(who) ? 0 : ipc_pid_exists(who) ? 1 : -ESRCH;
    case PRIO_PGRP:
        return who == 0 || who == proc.pgid ? 0 : -ESRCH;
    case PRIO_USER:
        return who == 0 || (unsigned int)who == cred()->ruid ? 0 : -ESRCH;
    default:
        return -EINVAL;
    }
}

/* The system call answers 20 - nice, so as never to look like an error. */
long sys_getpriority(int which, int who)
{
    long t = prio_target(which, who);
    return t < 0 ? t : 20 - (t ? 0 : proc.nice);
}

long sys_setpriority(int which, int who, int niceval)
{
    long t = prio_target(which, who);
    if (t < 0)
        return t;
    int nice = MAX(NICE_MIN, MIN(NICE_MAX, niceval));
    if (t)
        return -EPERM;   /* its nice value is in its own VM */
    /* Lower than now needs CAP_SYS_NICE (euid 0) or a RLIMIT_NICE of at least 20 - nice. */
    if (nice < proc.nice && cred()->euid != 0 && rlimit_soft(RLIMIT_NICE) < (uint64_t)(20 - nice))
        return -EACCES;
    proc.nice = nice;
    return 0;
}

long sys_sched_getaffinity(int pid, unsigned int len, void *mask)
{
    unsigned long one_cpu = 1;
    /* Linux's order: the size must hold every CPU and be whole longs, then the pid. */
    if (len < 1 || len % sizeof(unsigned long))
        return -EINVAL;
    long t = lookup(pid);
    if (t < 0)
        return t == -EINVAL ? -ESRCH : t;
    if (!user_range_ok(mask, sizeof one_cpu, true))
        return -EFAULT;
    memcpy(mask, &one_cpu, sizeof one_cpu);
    return CPUMASK_SIZE;
}

/* Any mask that holds CPU 0 gives CPU 0; one without it is -EINVAL. */
long sys_sched_setaffinity(int pid, unsigned int len, const void *mask)
{
    unsigned long want = 0;
    size_t n = MIN((size_t)len, CPUMASK_SIZE);
    if (!user_range_ok(mask, n, false))
        return -EFAULT;
    memcpy(&want, mask, n);
    long t = lookup(pid);
    if (t < 0)
        return t == -EINVAL ? -ESRCH : t;
    return want & 1 ? 0 : -EINVAL;
}

/* sched_ext's policy (Linux 6.12), which the host's headers may lack. */
#define SCHED_EXT 7

static bool rt_policy(int policy) { return policy == SCHED_FIFO || policy == SCHED_RR; }

/* The policies without a static priority, as sched_get_priority_max/min know them. */
static bool fair_policy(int policy)
{
    return policy == SCHED_NORMAL || policy == SCHED_BATCH || policy == SCHED_IDLE ||
           policy == SCHED_DEADLINE || policy == SCHED_EXT;
}

long sys_sched_getscheduler(int pid)
{
    long t = lookup(pid);
    return t < 0 ? t : t ? SCHED_NORMAL : sched.policy;
}

long sys_sched_getparam(int pid, struct sched_param *param)
{
    long t = lookup(pid);
    if (!param || t == -EINVAL)
        return -EINVAL;
    if (t < 0)
        return t;
    struct sched_param p = { .sched_priority = t ? 0 : sched.rt_priority };
    if (!user_range_ok(param, sizeof p, true))
        return -EFAULT;
    memcpy(param, &p, sizeof p);
    return 0;
}

/* policy < 0: keep the current one (sched_setparam). */
static long set_sched(int pid, int policy, const struct sched_param *param)
{
    struct sched_param p;
    if (!param || pid < 0)
        return -EINVAL;
    if (!user_range_ok(param, sizeof p, false))
        return -EFAULT;
    memcpy(&p, param, sizeof p);
    long t = lookup(pid);
    if (t < 0)
        return t;
    if (policy < 0)
        policy = t ? SCHED_NORMAL : sched.policy;
    policy &= ~SCHED_RESET_ON_FORK;
    if (policy != SCHED_NORMAL && policy != SCHED_BATCH && policy != SCHED_IDLE && !rt_policy(policy))
        return -EINVAL;
    if (rt_policy(policy) ? p.sched_priority < 1 || p.sched_priority > RT_PRIO_MAX : p.sched_priority != 0)
        return -EINVAL;
    if (t)
        return -EPERM;
    /* A real-time priority above RLIMIT_RTPRIO needs CAP_SYS_NICE (euid 0). */
    if (rt_policy(policy) && cred()->euid != 0 && (uint64_t)p.sched_priority > rlimit_soft(RLIMIT_RTPRIO))
        return -EPERM;
    sched.policy = policy;
    sched.rt_priority = p.sched_priority;
    return 0;
}

long sys_sched_setscheduler(int pid, int policy, const struct sched_param *param)
{
    return policy < 0 ? -EINVAL : set_sched(pid, policy, param);
}

long sys_sched_setparam(int pid, const struct sched_param *param)
{
    return set_sched(pid, -1, param);
}

long sys_sched_get_priority_max(int policy)
{
    return rt_policy(policy) ? RT_PRIO_MAX : fair_policy(policy) ? 0 : -EINVAL;
}

long sys_sched_get_priority_min(int policy)
{
    return rt_policy(policy) ? 1 : fair_policy(policy) ? 0 : -EINVAL;
}
