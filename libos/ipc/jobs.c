/* Job control between processes: a child that stops or goes on tells its
 * parent (CHILD_STATE), which keeps the latest change of each child for
 * wait4's WUNTRACED and WCONTINUED (waitid's WSTOPPED, WCONTINUED) and gets
 * SIGCHLD with CLD_STOPPED or CLD_CONTINUED, unless its SIGCHLD action has
 * SA_NOCLDSTOP.  A change is reported once, as on Linux. */
#include "ipc/wire.h"
#include "signal/signal.h"
#include <linux/wait.h>

#define MAX_CHANGES 64

static struct {
    int pid, status;
} changes[MAX_CHANGES];
static int nchanges;

void ipc_tell_parent_job(int code, int sig)
{
    struct ipc_child_state m = { code, sig };
    /* An init stood in for does not wait for its children's stops. */
    bool parent_runs = proc.ppid > 0 && !(proc.ppid == IPC_INIT && ipc_init_stood_in());
    if (ipc.up && parent_runs)
        ipc_notify(proc.ppid, IPC_CHILD_STATE, &m, sizeof(m), true);
}

long ipc_on_child_state(int from, const void *body, uint32_t len, struct ipc_answer *ans)
{
    (void)len, (void)ans;
    struct ipc_child_state m;
    memcpy(&m, body, sizeof(m));
    if (!ipc_is_child(from, 0) || (m.code != CLD_STOPPED && m.code != CLD_CONTINUED) || m.sig < 1 ||
        m.sig > SIGNAL_MAX)
        return -EINVAL;
    int status = m.code == CLD_STOPPED ? WAIT_STOPPED(m.sig) : WAIT_CONTINUED;
    int i = 0;
    while (i < nchanges && changes[i].pid != from)
        i++;
    if (i == nchanges) {
        if (nchanges == MAX_CHANGES)
            return -ENOMEM;
        nchanges++;
    }
    changes[i].pid = from;
    changes[i].status = status;
    if (signal_nocldstop())
        return 0;
    siginfo_t info = { 0 };
    info.si_signo = SIGCHLD;
    info.si_code = m.code;
    info.si_pid = from;
    info.si_uid = (unsigned int)pal_state->host_uid;
    info.si_status = m.sig;
    return signal_send(SIGCHLD, &info);
}

long ipc_job_take(long pid, int pgid, int options, int *status)
{
    for (int i = 0; i < nchanges; i++) {
        bool stopped = changes[i].status != WAIT_CONTINUED;
        if (!(options & (stopped ? WUNTRACED : WCONTINUED)))
            continue;
        if (pgid > 0 ? ipc_getpgid(changes[i].pid) != pgid : pid != -1 && changes[i].pid != pid)
            continue;
        long got = changes[i].pid;
        *status = changes[i].status;
        if (!(options & WNOWAIT))
            changes[i] = changes[--nchanges];
        return got;
    }
    return 0;
}

void ipc_job_forget(int pid)
{
    for (int i = 0; i < nchanges; i++)
        if (changes[i].pid == pid) {
            changes[i] = changes[--nchanges];
            return;
        }
}

void ipc_job_reset(void) { nchanges = 0; }

/* What the signal room asks of the other processes (signal_peers). */
static long kill_group(int pgid, int sig) { return ipc_kill(-pgid, sig); }

static bool group_orphaned(void)
{
    if (proc.ppid <= 0)
        return true;
    long pgid = ipc_getpgid(proc.ppid), sid = ipc_getsid(proc.ppid);
    return pgid < 0 || pgid == proc.pgid || sid != proc.sid;
}

static void stopped(int sig)
{
    ipc_set_stopped(true);
    ipc_tell_parent_job(CLD_STOPPED, sig);
}

static void continued(bool by_sigcont)
{
    ipc_set_stopped(false);
    if (by_sigcont)
        ipc_tell_parent_job(CLD_CONTINUED, SIGCONT);
}

const struct signal_peers ipc_signal_peers = {
    .kill_group = kill_group, .group_orphaned = group_orphaned, .stopped = stopped, .continued = continued,
};
