/* The namespace leader's process table, and how the others use it.
 *
 * The leader (the first process) holds one record per process, kept current by the
 * processes themselves: a parent registers its child at fork, a process
 * re-registers when its ids or program change, tells its exit (the entry
 * becomes a zombie) and its parent tells the reaping (the entry goes).
 * Others never keep a copy: they ask (LOOKUP, LIST). */
#include "ipc/wire.h"

static struct ipc_rec **table;     /* sorted by pid; each record with its strings in one block */
static int count, room;
/* The last pids that ended (pids are not reused soon): a parent tells a
 * child's end on its own stream, which may overtake what the child sent
 * on its stream before it ended (its re-registration, its own child's). */
#define ENDED_MEMORY 256
static int ended[ENDED_MEMORY];
static unsigned nended;

static bool has_ended(int pid)
{
    if (pid <= 0)
        return false;
    for (unsigned i = 0; i < ENDED_MEMORY; i++)
        if (ended[i] == pid)
            return true;
    return false;
}

bool ipc_rec_ok(const struct ipc_rec *rec, uint32_t len)
{
    return len >= sizeof(*rec) && rec->pid > 0 && rec->ppid >= 0 && rec->pgid > 0 && rec->sid > 0 &&
           (rec->state == IPC_ALIVE || rec->state == IPC_ZOMBIE) && rec->exe_len <= IPC_EXE_MAX &&
           rec->cmdline_len <= IPC_CMDLINE_MAX && len == sizeof(*rec) + rec->exe_len + rec->cmdline_len &&
           strnlen(rec->comm, sizeof(rec->comm)) < sizeof(rec->comm);
}

static uint32_t rec_len(const struct ipc_rec *r)
{
    return (uint32_t)sizeof(*r) + r->exe_len + r->cmdline_len;
}

/* Where pid is, or would go. */
static int slot_of(int pid, bool *found)
{
    int lo = 0, hi = count;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (table[mid]->pid < pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < count && table[lo]->pid == pid;
    return lo;
}

static struct ipc_rec *find(int pid)
{
    bool found;
    int i = slot_of(pid, &found);
    return found ? table[i] : NULL;
}

static void remove_at(int i)
{
    kfree(table[i]);
    memmove(&table[i], &table[i + 1], (size_t)(count - i - 1) * sizeof(*table));
    count--;
}

/* The process at i is an orphan now: the init is its parent.  -> false if it
 * was found gone instead (it ended, unheard, as its parent did): it goes. */
static bool adopt_at(int i)
{
    if (ipc_notify(table[i]->pid, IPC_REPARENT, NULL, 0, false) < 0) {
        remove_at(i);
        return false;
    }
    table[i]->ppid = IPC_INIT;
    /* Its parent's word of it will not come now. */
    table[i]->flags &= ~IPC_REC_UNTOLD;
    if (!ipc_init_stood_in())
        ipc_adopt(table[i]->pid);
    return true;
}

/* told: the record comes from the leader or from the process's parent,
 * not from the process itself. */
static long enter(const struct ipc_rec *rec, uint32_t len, bool told)
{
    if (!ipc_rec_ok(rec, len))
        return -EINVAL;
    if (has_ended(rec->pid))
        return 0;
    bool found;
    int i = slot_of(rec->pid, &found);
    /* A zombie's pid may already be a new process's. */
    bool alive = found && table[i]->state == IPC_ALIVE;
    uint32_t untold = told || (alive && !(table[i]->flags & IPC_REC_UNTOLD)) ? 0 : IPC_REC_UNTOLD;
    /* An older record than ours (the parent's, from fork) is dropped. */
    if (alive && rec->gen < table[i]->gen) {
        if (!untold)
            table[i]->flags &= ~IPC_REC_UNTOLD;
        return 0;
    }
    struct ipc_rec *copy = kmalloc(len);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, rec, len);
    copy->flags = (copy->flags & ~IPC_REC_UNTOLD) | untold;
    if (found) {
        kfree(table[i]);
        table[i] = copy;
        return 0;
    }
    if (count == room) {
        int more = room ? 2 * room : 32;
        struct ipc_rec **t = krealloc(table, (size_t)more * sizeof(*t));
        if (!t) {
            kfree(copy);
            return -ENOMEM;
        }
        table = t;
        room = more;
    }
    memmove(&table[i + 1], &table[i], (size_t)(count - i) * sizeof(*table));
    table[i] = copy;
    count++;
    if (copy->ppid != IPC_INIT && has_ended(copy->ppid))
        adopt_at(i);
    return 0;
}

long ipc_leader_register(const struct ipc_rec *rec, uint32_t len) { return enter(rec, len, true); }

void ipc_leader_exit(int pid, int status)
{
    ended[nended++ % ENDED_MEMORY] = pid;
    struct ipc_rec *e = find(pid);
    if (!e)
        return;
    e->state = IPC_ZOMBIE;
    e->exit_status = status;
    /* Its children go to the init, and its zombies with nobody to reap them. */
    for (int i = 0; i < count;) {
        if (table[i]->ppid == pid && table[i]->state == IPC_ZOMBIE) {
            remove_at(i);
            continue;
        }
        if (table[i]->ppid == pid && table[i]->state == IPC_ALIVE && !adopt_at(i))
            continue;
        i++;
    }
}

/* Is pid's parent a live process of the table (not the init, not gone)? */
static bool parent_alive(const struct ipc_rec *r)
{
    if (r->ppid == IPC_INIT)
        return false;
    const struct ipc_rec *p = find(r->ppid);
    return p && p->state == IPC_ALIVE;
}

/* Entries nobody will ever end: a process gone untold whose parent is gone
 * too (killed by a group's signal while its parent's word of it, or the
 * init's adoption, was on the way), or a zombie nobody can reap.  The
 * monitors' shared pid page says which processes are gone; a process whose
 * parent lives is left to that parent, which hears of its end from the
 * host (and whose child may not be in that page yet). */
void ipc_leader_prune(void)
{
    for (int i = 0; i < count;) {
        const struct ipc_rec *r = table[i];
        if (r->pid != ipc.leader && !parent_alive(r) &&
            (r->state != IPC_ALIVE || pal->process_state(r->pid) == -ESRCH)) {
            ended[nended++ % ENDED_MEMORY] = r->pid;
            remove_at(i);
            continue;
        }
        i++;
    }
}

bool ipc_leader_others(void)
{
    for (int i = 0; i < count; i++)
        if (table[i]->pid != ipc.leader)
            return true;
    return false;
}

void ipc_leader_reaped(int pid)
{
    bool found;
    int i = slot_of(pid, &found);
    if (found && table[i]->state == IPC_ZOMBIE)
        remove_at(i);
}

long ipc_leader_lookup(int pid, void *out)
{
    struct ipc_rec *e = find(pid);
    if (!e)
        return -ESRCH;
    memcpy(out, e, rec_len(e));
    return rec_len(e);
}

int ipc_leader_list(int by, int id, struct ipc_list_ent *out, int max)
{
    int n = 0;
    for (int i = 0; i < count && n < max; i++) {
        const struct ipc_rec *e = table[i];
        if ((e->flags & IPC_REC_UNTOLD) || (by == IPC_LIST_PGID && e->pgid != id) ||
            (by == IPC_LIST_SID && e->sid != id))
            continue;
        out[n++] = (struct ipc_list_ent){ .pid = e->pid, .state = e->state, .pgid = e->pgid, .sid = e->sid };
    }
    return n;
}

void ipc_leader_reset(void)
{
    ipc_adopt_reset();
    memset(ended, 0, sizeof(ended));
    nended = 0;
    while (count)
        remove_at(count - 1);
    kfree(table);
    table = NULL;
    room = 0;
}

/* ---- the others' side ---- */

void ipc_register(const void *rec, uint32_t len, bool wait)
{
    if (!ipc.up)
        return;
    long r;
    if (ipc.pid == ipc.leader)
        r = ipc_leader_register(rec, len);
    else if (wait)
        r = ipc_request(ipc.leader, IPC_REGISTER, rec, len, NULL, 0, NULL, 0, true);
    else
        r = ipc_notify(ipc.leader, IPC_REGISTER, rec, len, true);
    if (r < 0)
        log_debug("ipc: registering process %d failed (%ld)", ((const struct ipc_rec *)rec)->pid, r);
}

long ipc_lookup(int pid, void *out)
{
    if (pid == ipc.pid)
        return ipc_self_rec(out);
    if (pid == IPC_INIT && ipc_init_stood_in())
        return ipc_init_rec(out);
    if (!ipc.up)
        return -ESRCH;
    if (ipc.pid == ipc.leader)
        return ipc_leader_lookup(pid, out);
    uint32_t len;
    long r = ipc_request(ipc.leader, IPC_LOOKUP, &(int32_t){ pid }, 4, out, IPC_REC_MAX, &len, 0, true);
    if (r < 0)
        return r;
    return ipc_rec_ok(out, len) && ((struct ipc_rec *)out)->pid == pid ? (long)len : -EPROTO;
}

static long list_processes(int by, int id, struct ipc_list_ent *out, int max)
{
    if (!ipc.up) {
        /* Alone: this process is all there is. */
        bool match = by == IPC_LIST_ALL || (by == IPC_LIST_PGID && id == proc.pgid) ||
                     (by == IPC_LIST_SID && id == proc.sid);
        if (!match || max < 1)
            return 0;
        out[0] = (struct ipc_list_ent){ .pid = proc.pid, .state = IPC_ALIVE, .pgid = proc.pgid, .sid = proc.sid };
        return 1;
    }
    if (ipc.pid == ipc.leader)
        return ipc_leader_list(by, id, out, max);
    struct ipc_list_req req = { .by = by, .id = id };
    uint32_t len;
    long r = ipc_request(ipc.leader, IPC_LIST, &req, sizeof(req), out, (uint32_t)max * sizeof(*out), &len,
                         0, true);
    return r < 0 ? r : (long)(len / sizeof(*out));
}

long ipc_list(int by, int id, struct ipc_list_ent *out, int max)
{
    int n = ipc_init_list(by, id, out, max);
    long r = list_processes(by, id, out + n, max - n);
    return r < 0 ? r : n + r;
}

/* ---- the leader's handlers ---- */

long ipc_on_register(int from, const void *body, uint32_t len, struct ipc_answer *ans)
{
    (void)ans;
    const struct ipc_rec *rec = body;
    /* A process speaks for itself, and for its children. */
    if (ipc.pid != ipc.leader || !ipc_rec_ok(rec, len) || (rec->pid != from && rec->ppid != from))
        return -EINVAL;
    return enter(rec, len, rec->pid != from);
}

/* An orphan ended: the init reaps it at once; without one stood in for,
 * the first process is pid 1 and its parent (life.c). */
static void orphan_ended(int pid, int status)
{
    ipc_leader_exit(pid, status);
    if (ipc_init_stood_in())
        ipc_leader_reaped(pid);
    else
        ipc_adopted_exit(pid, status);
}

long ipc_on_exit(int from, const void *body, uint32_t len, struct ipc_answer *ans)
{
    (void)len, (void)ans;
    int32_t status;
    memcpy(&status, body, sizeof(status));
    struct ipc_rec *e = find(from);
    /* Only an orphan of ours says its own end. */
    if (ipc.pid != ipc.leader || !e || e->ppid != IPC_INIT || e->state != IPC_ALIVE)
        return -EINVAL;
    orphan_ended(from, status);
    return 0;
}

long ipc_on_exited(int from, const void *body, uint32_t len, struct ipc_answer *ans)
{
    (void)len, (void)ans;
    struct ipc_exited m;
    memcpy(&m, body, sizeof(m));
    struct ipc_rec *e = find(m.pid);
    if (ipc.pid != ipc.leader || !e || e->ppid != from || e->state != IPC_ALIVE)
        return -EINVAL;
    ipc_leader_exit(m.pid, m.status);
    return 0;
}

void ipc_leader_peer_lost(int pid)
{
    struct ipc_rec *e = find(pid);
    if (!e || e->ppid != IPC_INIT || e->state != IPC_ALIVE)
        return;
    /* Its status went to the parent that ended: none is left to give. */
    orphan_ended(pid, 0);
}

long ipc_on_reaped(int from, const void *body, uint32_t len, struct ipc_answer *ans)
{
    (void)len, (void)ans;
    int32_t pid;
    memcpy(&pid, body, sizeof(pid));
    struct ipc_rec *e = find(pid);
    if (ipc.pid != ipc.leader || !e || e->ppid != from)
        return -EINVAL;
    ipc_leader_reaped(pid);
    return 0;
}

long ipc_on_lookup(int from, const void *body, uint32_t len, struct ipc_answer *ans)
{
    (void)from, (void)len;
    _Static_assert(IPC_REC_MAX <= sizeof(ans->buf), "a record fits an answer");
    int32_t pid;
    memcpy(&pid, body, sizeof(pid));
    if (ipc.pid != ipc.leader)
        return -EINVAL;
    long r = ipc_lookup(pid, ans->buf);
    if (r > 0)
        ans->len = (uint32_t)r;
    return r < 0 ? r : 0;
}

long ipc_on_list(int from, const void *body, uint32_t len, struct ipc_answer *ans)
{
    (void)from, (void)len;
    struct ipc_list_req req;
    memcpy(&req, body, sizeof(req));
    if (ipc.pid != ipc.leader)
        return -EINVAL;
    int n = ipc_leader_list(req.by, req.id, (struct ipc_list_ent *)ans->buf,
                            (int)(sizeof(ans->buf) / sizeof(struct ipc_list_ent)));
    ans->len = (uint32_t)n * sizeof(struct ipc_list_ent);
    return n;
}
