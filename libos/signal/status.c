/* The signal lines of /proc/self/status (SigQ .. SigCgt) from this
 * process's signal state.  A picoprocess keeps one pending set for its one
 * thread, and most of what it holds came from kill(), which Linux queues
 * for the whole process: so it is shown as ShdPnd, and SigPnd is empty. */
#include "signal/signal.h"
#include "bookkeep/process.h"
#include <linux/resource.h>

int signal_status_text(char *buf, size_t size)
{
    uint64_t ignored = 0, caught = 0;
    int queued = sigstate.nextra;
    for (int sig = 1; sig <= SIGNAL_MAX; sig++) {
        uint64_t h = sigstate.action[sig - 1].handler;
        queued += !!(sigstate.pending & SIGNAL_BIT(sig));
        if (h == HANDLER_IGN)
            ignored |= SIGNAL_BIT(sig);
        else if (h != HANDLER_DFL)
            caught |= SIGNAL_BIT(sig);
    }
    return snprintf(buf, size, "SigQ:\t%d/%lu\nSigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\n"
                               "SigIgn:\t%016lx\nSigCgt:\t%016lx\n",
                    queued, (unsigned long)rlimit_soft(RLIMIT_SIGPENDING), 0ul,
                    (unsigned long)sigstate.pending, (unsigned long)sigthr.blocked, (unsigned long)ignored,
                    (unsigned long)caught);
}
