/* Process groups and sessions across processes: a parent moves its child
 * to a group by asking the child (it alone changes its ids), then tells the
 * leader itself, so that its own next question to the leader (a kill of
 * the group) already sees the change; the ids of others come from the
 * leader. */
#include "ipc/wire.h"

bool ipc_group_exists(int pgid, int sid)
{
    struct ipc_list_ent *e = kmalloc(IPC_LIST_MAX * sizeof(*e));
    long n = e ? ipc_list(IPC_LIST_PGID, pgid, e, IPC_LIST_MAX) : 0;
    bool found = false;
    for (long i = 0; i < n && !found; i++)
        found = e[i].sid == sid && e[i].state == IPC_ALIVE;
    kfree(e);
    return found;
}

long ipc_on_setpgid(int from, const void *body, uint32_t len, struct ipc_answer *ans)
{
    (void)len;
    struct ipc_setpgid m;
    memcpy(&m, body, sizeof(m));
    /* setpgid(2)'s rules, seen from the child. */
    if (proc.ppid != from)
        return -ESRCH;
    if (m.pgid <= 0)
        return -EINVAL;
    if (proc.sid != m.sid || proc.sid == proc.pid)
        return -EPERM;
    if (ipc_execed)
        return -EACCES;
    proc.pgid = m.pgid;
    ipc_gen++;
    _Static_assert(IPC_REC_MAX <= sizeof(ans->buf), "a record fits an answer");
    ans->len = ipc_self_rec(ans->buf);
    return 0;
}

long ipc_setpgid(int pid, int pgid)
{
    uint8_t raw[IPC_REC_MAX];
    const struct ipc_rec *rec = (const struct ipc_rec *)raw;
    /* Only a child of ours, which the leader learnt of at its fork. */
    if (pid <= 0 || ipc_lookup(pid, raw) < 0 || rec->ppid != ipc.pid || rec->state != IPC_ALIVE)
        return -ESRCH;
    /* Linux's order: another session, then an exec since the fork, then a
     * session leader; what the record tells is not asked of the child. */
    if (rec->sid != proc.sid)
        return -EPERM;
    if (rec->flags & IPC_REC_EXECED)
        return -EACCES;
    if (rec->sid == pid)
        return -EPERM;
    if (pgid == 0)
        pgid = pid;
    if (pgid != pid && !ipc_group_exists(pgid, proc.sid))
        return -EPERM;
    struct ipc_setpgid m = { .pgid = pgid, .sid = proc.sid };
    uint32_t len;
    long r = ipc_request(pid, IPC_SETPGID, &m, sizeof(m), raw, sizeof(raw), &len, 0, true);
    if (r < 0)
        return r;
    if (ipc_rec_ok(rec, len) && rec->pid == pid)
        ipc_register(raw, len, false);
    return 0;
}

long ipc_getpgid(int pid)
{
    uint8_t raw[IPC_REC_MAX];
    long r = ipc_lookup(pid, raw);
    return r < 0 ? -ESRCH : ((struct ipc_rec *)raw)->pgid;
}

long ipc_getsid(int pid)
{
    uint8_t raw[IPC_REC_MAX];
    long r = ipc_lookup(pid, raw);
    return r < 0 ? -ESRCH : ((struct ipc_rec *)raw)->sid;
}
