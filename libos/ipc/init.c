/* pid 1, the application's init.  By default no VM runs it: the first
 * process is pid 2 and its parent is an init the leader stands in for, as
 * `docker run --init` puts one above a container's program, so a program
 * that checks getppid() behaves as on a host.  That init adopts orphans and
 * reaps them at once (leader.c), takes no signal from inside (kill.c), and
 * shows in /proc and in lists with ids that never change.  With
 * picovm.init = false the first process is pid 1 itself, as a container's
 * program without an init is. */
#include "ipc/wire.h"

bool ipc_init_stood_in(void) { return ipc.leader != IPC_INIT; }

uint32_t ipc_init_rec(void *out)
{
    static const char cmdline[] = "init";
    struct ipc_rec *r = out;
    *r = (struct ipc_rec){ .pid = IPC_INIT, .pgid = IPC_INIT, .sid = IPC_INIT,
                           .uid = (uint32_t)pal_state->host_uid, .state = IPC_ALIVE,
                           .cmdline_len = sizeof(cmdline) };
    memcpy(r->comm, cmdline, sizeof(cmdline));
    memcpy(r + 1, cmdline, sizeof(cmdline));
    return (uint32_t)(sizeof(*r) + sizeof(cmdline));
}

int ipc_init_list(int by, int id, struct ipc_list_ent *out, int max)
{
    bool match = by == IPC_LIST_ALL || ((by == IPC_LIST_PGID || by == IPC_LIST_SID) && id == IPC_INIT);
    if (!ipc_init_stood_in() || !match || max < 1)
        return 0;
    out[0] = (struct ipc_list_ent){ .pid = IPC_INIT, .state = IPC_ALIVE, .pgid = IPC_INIT, .sid = IPC_INIT };
    return 1;
}
