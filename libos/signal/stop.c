/* Job control: the default action of SIGSTOP, SIGTSTP, SIGTTIN and SIGTTOU.
 *
 * A stopped picoprocess waits here, inside the library OS, still answering
 * the other processes (their signals, lookups, /proc), until a SIGCONT or a
 * SIGKILL comes; its parent is told of the stop and of the going on.  As
 * in a PID namespace, pid 1 is not stopped by signals from inside it.  The
 * terminal's stop signals are discarded in an orphaned process group, as
 * Linux does; a group counts as orphaned here unless our parent is alive
 * in another group of our session (a job-control shell's job).  What the
 * other processes are is ipc's to say (signal_peers). */
#include "signal/signal.h"

static bool orphaned_group(void)
{
    return !signal_peers || !signal_peers->group_orphaned || signal_peers->group_orphaned();
}

bool signal_stop(int sig)
{
    if (proc.pid == 1 || (sig != SIGSTOP && orphaned_group()))
        return false;
    sigstate.continued = false;
    if (signal_peers && signal_peers->stopped)
        signal_peers->stopped(sig);
    while (!sigstate.continued && !((sigstate.pending | sigthr.pending) & SIGNAL_BIT(SIGKILL))) {
        /* The stacked PAL's wait serves the others' messages: a SIGCONT or
         * a SIGKILL comes that way. */
        pal->stream_poll(NULL, 0, -1);
        signal_take_async();
    }
    if (signal_peers && signal_peers->continued)
        signal_peers->continued(sigstate.continued);
    sigstate.continued = false;
    return true;
}
