/* Scheduling as a process sees it: nice values (getpriority and
 * setpriority with Linux's rules for lowering them), the CPU affinity mask,
 * the policy and its priority ranges, and prctl's timer slack. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static void nice_values(void)
{
    errno = 0;
    CHECK("getpriority", getpriority(PRIO_PROCESS, 0) == 0 && errno == 0);
    CHECK("getpriority-einval", FAILS_WITH(getpriority(7, 0), EINVAL));
    CHECK("setpriority", setpriority(PRIO_PROCESS, 0, 5) == 0 && getpriority(PRIO_PROCESS, 0) == 5);
    CHECK("nice", nice(2) == 7);
    CHECK("setpriority-clamped", setpriority(PRIO_PROCESS, getpid(), 40) == 0 &&
                                 getpriority(PRIO_PROCESS, 0) == 19);
    /* A child inherits it; without privilege it may not lower it. */
    pid_t pid = fork();
    if (pid == 0) {
        if (getpriority(PRIO_PROCESS, 0) != 19)
            _exit(1);
        if (getuid() == 0 && (setuid(1000) || setpriority(PRIO_PROCESS, 0, 10) != -1 || errno != EACCES))
            _exit(2);
        _exit(0);
    }
    int st;
    CHECK("nice-inherited", waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    if (getuid() == 0)
        CHECK("setpriority-root-lowers", setpriority(PRIO_PROCESS, 0, -5) == 0 &&
                                         getpriority(PRIO_PROCESS, 0) == -5);
    CHECK("setpriority-back", setpriority(PRIO_PROCESS, 0, 0) == 0 || getuid() != 0);
}

static void affinity(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CHECK("getaffinity", sched_getaffinity(0, sizeof set, &set) == 0 && CPU_ISSET(0, &set));
    CPU_SET(0, &set);
    CHECK("setaffinity-cpu0", sched_setaffinity(0, sizeof set, &set) == 0);
    CPU_ZERO(&set);
    CHECK("setaffinity-empty", FAILS_WITH(sched_setaffinity(0, sizeof set, &set), EINVAL));
    CHECK("affinity-kept", sched_getaffinity(0, sizeof set, &set) == 0 && CPU_ISSET(0, &set));
}

/* musl leaves these to the kernel's raw calls (its wrappers say ENOSYS). */
#define sched_getscheduler(pid) syscall(SYS_sched_getscheduler, pid)
#define sched_getparam(pid, p) syscall(SYS_sched_getparam, pid, p)
#define sched_setscheduler(pid, pol, p) syscall(SYS_sched_setscheduler, pid, pol, p)
#define sched_setparam(pid, p) syscall(SYS_sched_setparam, pid, p)

static void policy(void)
{
    struct sched_param p = { 0 };
    CHECK("getscheduler", sched_getscheduler(0) == SCHED_OTHER);
    CHECK("getparam", sched_getparam(0, &p) == 0 && p.sched_priority == 0);
    CHECK("priority-range-fifo", sched_get_priority_min(SCHED_FIFO) == 1 && sched_get_priority_max(SCHED_FIFO) == 99);
    CHECK("priority-range-other", sched_get_priority_min(SCHED_OTHER) == 0 && sched_get_priority_max(SCHED_OTHER) == 0);
    CHECK("priority-range-einval", FAILS_WITH(sched_get_priority_max(77), EINVAL));
    p.sched_priority = 5;
    CHECK("setscheduler-other-prio", FAILS_WITH(sched_setscheduler(0, SCHED_OTHER, &p), EINVAL));
    p.sched_priority = 0;
    CHECK("setscheduler-batch", sched_setscheduler(0, SCHED_BATCH, &p) == 0 && sched_getscheduler(0) == SCHED_BATCH);
    CHECK("setscheduler-other", sched_setscheduler(0, SCHED_OTHER, &p) == 0 && sched_getscheduler(0) == SCHED_OTHER);
    CHECK("setparam", sched_setparam(0, &p) == 0);
}

static void timer_slack(void)
{
    CHECK("timerslack-default", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0) == 50000);
    CHECK("timerslack-set", prctl(PR_SET_TIMERSLACK, 200000, 0, 0, 0) == 0 &&
                            prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0) == 200000);
    CHECK("timerslack-reset", prctl(PR_SET_TIMERSLACK, 0, 0, 0, 0) == 0 &&
                              prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0) == 50000);
}

int main(void)
{
    nice_values();
    affinity();
    policy();
    timer_slack();
    return check_exit_status();
}
