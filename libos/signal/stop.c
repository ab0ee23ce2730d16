/* Job control: the default action of SIGSTOP, SIGTSTP, SIGTTIN and SIGTTOU.
 *
 * A stopped picoprocess waits here, inside the library OS, still answering
 * the other processes (their signals, lookups, /proc), until a SIGCONT or a
 * SIGKILL comes; its parent is told of the stop and of the going on.  As
 * in a PID namespace, pid 1 is not stopped by signals from inside it.  The
 * terminal's stop signals are discarded in an orphaned process group, as
 * Linux does; a group counts as orphaned here unless our parent is alive
 * in another group of our session (a job-control shell's job). */
#include "signal/signal.h"
#include "ipc/ipc.h"

static bool orphaned_group(void)
{
    if (proc.ppid <= 0)
        return true;
    long pgid = ipc_getpgid(proc.ppid), sid = ipc_getsid(proc.ppid);
    return pgid < 0 || pgid == proc.pgid || sid != proc.sid;
}

bool signal_stop(int sig)
{
    if (proc.pid == 1 || (sig != SIGSTOP && orphaned_group()))
        return false;
    sigstate.continued = false;
    ipc_set_stopped(true);
    ipc_tell_parent_job(CLD_STOPPED, sig);
    while (!sigstate.continued && !(sigstate.pending & SIGNAL_BIT(SIGKILL))) {
        /* The stacked PAL's wait serves the others' messages: a SIGCONT or
         * a SIGKILL comes that way. */
        pal->stream_poll(NULL, 0, -1);
        signal_take_async();
    }
    ipc_set_stopped(false);
    if (sigstate.continued)
        ipc_tell_parent_job(CLD_CONTINUED, SIGCONT);
    sigstate.continued = false;
    return true;
}
