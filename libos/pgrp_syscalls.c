/* Process groups and sessions of this picoprocess.  Another process's group
 * is changed by a message to it, which comes with the IPC work: until then a
 * parent's setpgid on its child answers -ESRCH (the shells that do it also
 * have the child do it itself, which works). */
#include "libos.h"

long sys_setpgid(int pid, int pgid)
{
    if (pgid < 0)
        return -EINVAL;
    if (pid != 0 && pid != proc.pid)
        return -ESRCH;
    if (proc.sid == proc.pid)
        return -EPERM;   /* a session leader cannot change group */
    proc.pgid = pgid ? pgid : proc.pid;
    return 0;
}

long sys_setsid(void)
{
    if (proc.pgid == proc.pid)
        return -EPERM;   /* already leads a group: would split it */
    proc.sid = proc.pgid = proc.pid;
    return proc.sid;
}
