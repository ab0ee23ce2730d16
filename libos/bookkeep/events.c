/* Events the host posts for this process, as the PAL hands them over: host
 * signals and alarm expiries go to the signal room, ended children and news
 * on the streams to ipc.  With the program interrupted in its own code (regs
 * set), the process then serves the other processes' messages and takes its
 * signals before the program goes on; otherwise the library OS is running
 * and they are only noted, atomically, for its next safe point. */
#include "libos.h"
#include "bookkeep/events.h"
#include "signal/signal.h"
#include "ipc/ipc.h"

static void on_upcall(void *context)
{
    struct pal_upcall *u = context;
    signal_note_async(u->host_signals, u->alarms);
    if (u->children)
        ipc_children_note_async(u->children);
    if (u->streams)
        ipc_streams_note_async();
    if (u->io)
        signal_note_io();
    if (u->regs) {
        ipc_safe_point();
        signal_deliver(u->regs);
    }
}

void events_init(void) { pal->set_upcall_handler(on_upcall); }
