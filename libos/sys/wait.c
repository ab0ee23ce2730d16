/* wait4 and waitid: children that ended are reaped through the PAL, which
 * waits on the host for the child's monitor; waits by process group, and
 * for children that stopped or went on, go through the IPC layer, as only
 * the leader knows the children's groups and only the children their
 * stops. */
#include "libos.h"
#include "signal/signal.h"
#include "ipc/ipc.h"
#include "bookkeep/cputime.h"
#include "syscall/handlers.h"
#include <linux/wait.h>
#include <linux/resource.h>
#include <asm/siginfo.h>
#include <asm/signal.h>

#define WAIT_OPTIONS (WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE | __WNOTHREAD)

/* The rusage of a child just waited for: its CPU time and largest resident
 * set if it ended (a stopped or continued one's are in its own VM: 0);
 * reap: not WNOWAIT. */
static void child_rusage(long pid, int status, bool reap, struct rusage *ru)
{
    bool ended = (status & 0xff) != 0x7f && status != 0xffff;
    struct cpu_times t = { 0, 0 };
    uint64_t maxrss_kb = 0;
    if (ended)
        t = cputime_ended_child((int)pid, reap, &maxrss_kb);
    if (ru) {
        cputime_rusage(t, ru);
        ru->ru_maxrss = (long)maxrss_kb;
    }
}

long sys_wait4(int pid, int *wstatus, int options, struct rusage *ru)
{
    if (options & ~WAIT_OPTIONS)
        return -EINVAL;
    if ((wstatus && !user_range_ok(wstatus, sizeof(*wstatus), true)) ||
        (ru && !user_range_ok(ru, sizeof(*ru), true)))
        return -EFAULT;
    int status = 0;
    if (pid == INT32_MIN)
        return -ESRCH;   /* as Linux: -pid does not exist */
    /* pid: > 0 that child, -1 any, 0 our group, < -1 group -pid. */
    int pgid = pid == 0 ? proc.pgid : pid < -1 ? -pid : 0;
    long got = ipc_wait_child(pgid ? -1 : pid, pgid, (options & (WNOHANG | WUNTRACED | WCONTINUED)) | WEXITED,
                              &status);
    if (got == -EINTR)
        return -ERESTARTSYS;   /* a signal came: run its handler, then wait again if SA_RESTART */
    if (got > 0) {
        if (wstatus)
            *wstatus = status;
        child_rusage(got, status, true, ru);
    }
    return got;
}

/* waitid's siginfo for a wait status. */
static void fill_info(siginfo_t *info, long pid, int status)
{
    info->si_signo = SIGCHLD;
    info->si_pid = (int)pid;
    if (status == 0xffff) {
        info->si_code = CLD_CONTINUED;
        info->si_status = SIGCONT;
    } else if ((status & 0xff) == 0x7f) {
        info->si_code = CLD_STOPPED;
        info->si_status = (status >> 8) & 0xff;
    } else if ((status & 0x7f) == 0) {
        info->si_code = CLD_EXITED;
        info->si_status = (status >> 8) & 0xff;
    } else {
        info->si_code = status & 0x80 ? CLD_DUMPED : CLD_KILLED;
        info->si_status = status & 0x7f;
    }
}

long sys_waitid(int idtype, int id, siginfo_t *info, int options, struct rusage *ru)
{
    if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
        return -EINVAL;
    if (idtype != P_ALL && idtype != P_PID && idtype != P_PGID)
        return -EINVAL;
    if ((info && !user_range_ok(info, sizeof(*info), true)) || (ru && !user_range_ok(ru, sizeof(*ru), true)))
        return -EFAULT;
    int status = 0;
    if ((idtype == P_PID && id <= 0) || (idtype == P_PGID && id < 0))
        return -EINVAL;
    int pgid = idtype == P_PGID ? (id ? id : proc.pgid) : 0;
    long got = ipc_wait_child(idtype == P_PID ? id : -1, pgid,
                              options & (WNOHANG | WEXITED | WSTOPPED | WCONTINUED | WNOWAIT), &status);
    if (got < 0)
        return got == -EINTR ? -ERESTARTSYS : got;
    if (info) {
        memset(info, 0, sizeof(*info));
        if (got > 0)
            fill_info(info, got, status);
    }
    /* As Linux, ru is written only when a child was found. */
    if (got > 0)
        child_rusage(got, status, !(options & WNOWAIT), ru);
    return 0;
}
