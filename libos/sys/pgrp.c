/* Process groups and sessions of this picoprocess.  Another process's group
 * is changed by a message to it, and the leader is told of every change
 * (ipc/pgrp.c). */
#include "libos.h"
#include "ipc/ipc.h"
#include "syscall/handlers.h"

long sys_setpgid(int pid, int pgid)
{
    if (pgid < 0)
        return -EINVAL;
    if (pid != 0 && pid != proc.pid)
        return ipc_setpgid(pid, pgid);
    if (proc.sid == proc.pid)
        return -EPERM;   /* a session leader cannot change group */
    pgid = pgid ? pgid : proc.pid;
    if (pgid != proc.pid && pgid != proc.pgid && !ipc_group_exists(pgid, proc.sid))
        return -EPERM;   /* only a group of our session can be joined */
    if (pgid != proc.pgid) {
        proc.pgid = pgid;
        ipc_ids_changed();
    }
    return 0;
}

long sys_setsid(void)
{
    if (proc.pgid == proc.pid)
        return -EPERM;   /* already leads a group: would split it */
    proc.sid = proc.pgid = proc.pid;
    ipc_ids_changed();
    return proc.sid;
}
