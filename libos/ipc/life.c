/* The PAL table the library OS uses once ipc_init ran: the real one, with
 * the calls that start, end or wait wrapped so that IPC goes on around
 * them (the stacking DESIGN.md's pal.h contract provides for):
 *  - process_fork: the leader starts listening before its first child; the
 *    parent registers the child, and returns once the leader has it (its
 *    group's signals reach it from then on: kill.c); the child drops
 *    its parent's streams;
 *  - process_exit: an orphan tells the leader, its parent now (and waits
 *    for the answer, so the message is not lost with the VM);
 *  - stream_poll, sleep_ns: also wait for messages, and serve them;
 *  - process_wait: the monitor's wait for a child cannot be woken by a
 *    message, so a blocking wait is a look at the children between waits
 *    for messages.
 * A child's end needs no message: its parent's monitor hears it from the
 * child's monitor and posts a `children` upcall (whatever the way it ended:
 * exit, crash, a kill from the host), so the parent collects the status in
 * the monitor at once, keeps it for the program's wait, tells the leader
 * (whose entry becomes a zombie) and gets SIGCHLD, as Linux's exit
 * notification.  Only orphans, whose monitor's parent is gone, tell the
 * leader themselves.  Waits also look every CHILD_LOOK_NS, in case. */
#include "ipc/wire.h"
#include "bookkeep/cputime.h"
#include "signal/signal.h"
#include <linux/wait.h>

#define EXIT_TIMEOUT_NS 1000000000ull    /* a leader that does not answer our exit */
#define CHILD_LOOK_NS 100000000ll        /* a wait looks this often for children that ended untold */
#define MAX_ADOPTED 64
#define MAX_KIDS 256
#define MAX_DONE 64

static struct pal_ops stacked;
static int nchildren;                    /* forked and not waited for in the monitor yet */
static uint64_t children_ended;          /* upcalls that said children ended, not looked at yet */
static struct {
    int pid, status;
} done[MAX_DONE];                        /* children waited for here, not yet by the program */
static int ndone;
static int adopted[MAX_ADOPTED];         /* orphans of ended processes, now the init's children */
static int nadopted;
static int kids[MAX_KIDS];               /* forked and not reaped yet: for waits by group */
static int nkids;
static bool orphaned;                    /* the leader adopted us: our end is told to it */

static void reaped(long pid);

long ipc_start(void)
{
    static long failed;
    if (ipc.up || failed)
        return failed;
    long r = ipc_listen();
    if (r < 0) {
        log_debug("ipc: no vsock listener (%ld): this process cannot reach others", r);
        return failed = r;
    }
    ipc.up = true;
    if (ipc.pid == ipc.leader) {
        uint8_t rec[IPC_REC_MAX];
        ipc_leader_register((struct ipc_rec *)rec, ipc_self_rec(rec));
    }
    return 0;
}

void ipc_children_note_async(uint64_t ended)
{
    __atomic_fetch_add(&children_ended, ended, __ATOMIC_RELAXED);
}

long ipc_on_reparent(int from, const void *body, uint32_t len, struct ipc_answer *ans)
{
    (void)body, (void)len, (void)ans;
    if (from != ipc.leader)
        return -EINVAL;
    proc.ppid = IPC_INIT;
    orphaned = true;
    return 0;
}

void ipc_adopt_reset(void) { nadopted = 0; }

void ipc_adopt(int pid)
{
    if (nadopted < MAX_ADOPTED)
        adopted[nadopted++] = pid;
}

static bool is_adopted(long pid)
{
    for (int i = 0; i < nadopted; i++)
        if (pid == -1 || adopted[i] == pid)
            return true;
    return false;
}

/* A child of ours ended (status: its wait status): SIGCHLD, as Linux's
 * exit notification. */
static void child_ended(long pid, int status)
{
    nchildren--;
    siginfo_t info = { 0 };
    info.si_signo = SIGCHLD;
    info.si_pid = (int)pid;
    info.si_uid = (unsigned int)pal_state->host_uid;
    if ((status & 0x7f) == 0) {
        info.si_code = CLD_EXITED;
        info.si_status = (status >> 8) & 0xff;
    } else {
        info.si_code = status & 0x80 ? CLD_DUMPED : CLD_KILLED;
        info.si_status = status & 0x7f;
    }
    signal_send(SIGCHLD, &info);
}

bool ipc_adopted_exit(int pid, int status)
{
    for (int i = 0; i < nadopted; i++) {
        if (adopted[i] != pid)
            continue;
        adopted[i] = adopted[--nadopted];
        nchildren++;   /* child_ended counts it out again */
        child_ended(pid, status);
        if (signal_nocldwait()) {
            reaped(pid);
        } else if (ndone < MAX_DONE) {
            done[ndone].pid = pid;
            done[ndone++].status = status;
        }
        return true;
    }
    return false;
}

/* A child's status, collected from the monitor: the leader's entry
 * becomes a zombie (and the child's own children are adopted).  With
 * SIGCHLD ignored (or SA_NOCLDWAIT) it is reaped at once, as Linux does:
 * no zombie, the program's wait never sees it, and its time is not the
 * children's.  -> whether it was. */
static bool collected(long pid, int status)
{
    if (ipc.pid == ipc.leader) {
        ipc_leader_exit((int)pid, status);
    } else {
        struct ipc_exited m = { (int32_t)pid, status };
        ipc_notify(ipc.leader, IPC_EXITED, &m, sizeof(m), true);
    }
    child_ended(pid, status);
    if (!signal_nocldwait())
        return false;
    reaped(pid);
    cputime_drop_child((int)pid);
    return true;
}

/* Collects every child that ended from the monitor; their statuses wait in
 * done for the program's wait.  -> whether one ended. */
bool ipc_children_settle(void)
{
    __atomic_store_n(&children_ended, 0, __ATOMIC_RELAXED);
    bool any = false;
    int status;
    while (nchildren > 0 && ndone < MAX_DONE) {
        long pid = ipc.lower->process_wait(-1, 1, &status, NULL);
        if (pid <= 0)
            break;
        any = true;
        if (collected(pid, status))
            continue;
        done[ndone].pid = (int)pid;
        done[ndone++].status = status;
    }
    return any;
}

bool ipc_children_news(void)
{
    return __atomic_load_n(&children_ended, __ATOMIC_RELAXED) && ipc_children_settle();
}

/* A child's group, from the leader (a zombie keeps its entry). */
static bool in_group(int pid, int pgid)
{
    return ipc_getpgid(pid) == pgid;
}

/* A collected child for the program's wait: pid (-1: any), or any of group
 * pgid when pgid > 0; it stays collected if keep.  -> its pid, 0 if none. */
static long take_done(long pid, int pgid, int *status, bool keep)
{
    for (int i = 0; i < ndone; i++)
        if (pgid > 0 ? in_group(done[i].pid, pgid) : pid == -1 || done[i].pid == pid) {
            long got = done[i].pid;
            *status = done[i].status;
            if (!keep)
                done[i] = done[--ndone];
            return got;
        }
    return 0;
}

static long ipc_fork(void)
{
    ipc_start();
    long pid = ipc.lower->process_fork();
    if (pid > 0 && ipc.up) {
        nchildren++;
        if (nkids < MAX_KIDS)
            kids[nkids++] = (int)pid;
        /* The child as the leader will see it before it says anything itself.
         * Answered: as on Linux, the child is in its group once fork returns. */
        uint8_t raw[IPC_REC_MAX];
        struct ipc_rec *rec = (struct ipc_rec *)raw;
        uint32_t len = ipc_self_rec(raw);
        rec->ppid = rec->pid;
        rec->pid = (int32_t)pid;
        rec->gen = 0;
        rec->flags &= ~(uint32_t)IPC_REC_EXECED;   /* ours, not the child's: it has not run execve */
        rec->start_ns = ipc.lower->time_monotonic_ns();
        ipc_fork_signals_begin();
        ipc_register(raw, len, true);
        ipc_fork_signals_pass((int)pid);
    } else if (pid == 0) {
        ipc.pid = (int)pal_state->pid;
        ipc_gen = 0;
        ipc_execed = false;
        ipc_start_ns = ipc.lower->time_monotonic_ns();
        nchildren = ndone = nkids = 0;
        ipc_job_reset();
        children_ended = 0;
        orphaned = false;
        ipc_leader_reset();
        if (ipc.up)
            ipc_conn_forked();
    }
    return pid;
}

static __attribute__((noreturn)) void ipc_exit(int status, const struct pal_crash *crash,
                                                const struct pal_usage *usage)
{
    if (ipc.up && ipc.pid != ipc.leader) {
        ipc.exiting = true;
        /* An adoption on its way is taken in first. */
        ipc_poll(NULL, 0, 0);
        /* A wait status, for the leader's zombie entry. */
        int32_t ws = crash && crash->signo ? (int32_t)(crash->signo | (crash->core ? 0x80 : 0))
                                           : (status & 0xff) << 8;
        if (orphaned)
            ipc_request(ipc.leader, IPC_EXIT, &ws, sizeof(ws), NULL, 0, NULL, EXIT_TIMEOUT_NS, true);
        else
            ipc_sync_leader(EXIT_TIMEOUT_NS);
    }
    ipc.up = false;
    ipc.lower->process_exit(status, crash, usage);
}

/* The program waited for pid: its zombie entry goes. */
static void reaped(long pid)
{
    for (int i = 0; i < nkids; i++)
        if (kids[i] == pid) {
            kids[i] = kids[--nkids];
            break;
        }
    ipc_job_forget((int)pid);
    ipc_forget((int)pid);
    if (ipc.pid == ipc.leader)
        ipc_leader_reaped((int)pid);
    else
        ipc_notify(ipc.leader, IPC_REAPED, &(int32_t){ (int32_t)pid }, 4, true);
}

bool ipc_is_child(int pid, int pgid)
{
    for (int i = 0; i < nkids; i++)
        if (pgid > 0 ? in_group(kids[i], pgid) : pid == -1 || kids[i] == pid)
            return true;
    for (int i = 0; i < nadopted; i++)
        if (pgid > 0 ? in_group(adopted[i], pgid) : pid == -1 || adopted[i] == pid)
            return true;
    return false;
}

/* A child that ended, for the program's wait: pid (-1: any), or any in
 * group pgid when pgid > 0 (the monitor knows no groups: the leader does),
 * kept for the next wait if keep (WNOWAIT).  -> its pid, 0 if none yet, -ECHILD. */
static long take_ended(long pid, int pgid, int *status, bool keep)
{
    long r;
    if (pgid > 0 || keep) {
        /* Every status the monitor has moves to done, where it can stay. */
        ipc_children_settle();
        r = take_done(pgid > 0 ? -1 : pid, pgid, status, keep);
        return r || ipc_is_child((int)(pgid > 0 ? -1 : pid), pgid) ? r : -ECHILD;
    }
    if ((r = take_done(pid, 0, status, false)))
        return r;
    /* One reaped on its own is not the program's: look on. */
    while ((r = ipc.lower->process_wait(pid, 1, status, NULL)) > 0 && collected(r, *status))
        ;
    /* The monitor knows only the children it forked. */
    return r == -ECHILD && is_adopted(pid) ? 0 : r;
}

/* The program's wait (options: Linux's WNOHANG, WEXITED, WUNTRACED, WCONTINUED). */
static long wait_children(long pid, int pgid, int options, int *status)
{
    if (!ipc.up) {
        /* No IPC (the vsock listener failed): the monitor's wait cannot peek. */
        if (options & WNOWAIT)
            return -EINVAL;
        return ipc.lower->process_wait(pgid > 0 ? -1 : pid, options & WNOHANG, status, NULL);
    }
    bool interrupted = false;
    for (;;) {
        long r = ipc_job_take(pid, pgid, options, status);
        if (!r && (options & WEXITED))
            r = take_ended(pid, pgid, status, options & WNOWAIT);
        else if (!r && !ipc_is_child((int)pid, pgid))
            r = -ECHILD;
        if (r > 0 && !wait_status_is_job(*status) && !(options & WNOWAIT))
            reaped(r);
        if (r != 0 || (options & WNOHANG))
            return r;
        if (interrupted && signal_pending())
            return -EINTR;
        ipc_keep_leader();
        /* A child's end comes as an upcall, which ends the poll. */
        interrupted = ipc_poll(NULL, 0, CHILD_LOOK_NS) == -EINTR;
        ipc_children_settle();
    }
}

void ipc_linger(void)
{
    if (!ipc.up || ipc.pid != ipc.leader)
        return;
    while (ipc_leader_others() && !signal_pending_deadly()) {
        int status;
        if (wait_children(-1, 0, WEXITED | WNOHANG, &status) > 0)
            continue;
        ipc_keep_leader();
        ipc_poll(NULL, 0, CHILD_LOOK_NS);
        ipc_children_settle();
        ipc_leader_prune();
    }
}

/* The children's CPU time is kept under this layer (bookkeep/cputime.c). */
static long ipc_wait(long pid, int nohang, int *status, struct pal_usage *usage)
{
    if (usage)
        *usage = (struct pal_usage){ 0, 0, 0 };
    return wait_children(pid, 0, WEXITED | (nohang ? WNOHANG : 0), status);
}

long ipc_wait_child(long pid, int pgid, int options, int *status)
{
    return wait_children(pid, pgid, options, status);
}

/* A long wait of the program also looks, now and then, for children that
 * ended untold (a crash, a kill from the host). */
static long ipc_wait_streams(struct pal_poll *fds, int nfds, long long timeout_ns)
{
    if (timeout_ns != 0)
        ipc_keep_leader();
    bool look = nchildren > 0 && timeout_ns != 0;
    if (look && (timeout_ns < 0 || timeout_ns > CHILD_LOOK_NS))
        timeout_ns = CHILD_LOOK_NS;
    long r = ipc_poll(fds, nfds, timeout_ns);
    if (look && ipc_children_settle() && r == 0 && signal_pending())
        r = -EINTR;
    return r;
}

static long ipc_sleep(uint64_t ns)
{
    if (!ipc.up)
        return ipc.lower->sleep_ns(ns);
    /* Back early for a message: the callers look at their clock again. */
    long r = ipc_wait_streams(NULL, 0, ns > (uint64_t)INT64_MAX ? -1 : (long long)ns);
    return r < 0 ? r : 0;
}

/* The program's futex wait on the host (pal->futex_wait) ends early for
 * news of the other processes; it goes on once they are served, unless a
 * signal came for the program: Linux's FUTEX_WAIT is EINTR only for a
 * signal.  (Not stacked in the PAL table: the big lock's own waits must not
 * serve messages, which needs the lock.) */
long ipc_futex_wait(uint32_t *uaddr, uint32_t val, int64_t timeout_ns)
{
    uint64_t deadline = timeout_ns < 0 ? UINT64_MAX : ipc.lower->time_monotonic_ns() + (uint64_t)timeout_ns;
    for (;;) {
        long r = ipc.lower->futex_wait(uaddr, val, timeout_ns);
        if (r != -EINTR || !ipc.up)
            return r;
        ipc_poll(NULL, 0, 0);
        if (signal_pending())
            return -EINTR;
        if (deadline != UINT64_MAX) {
            uint64_t now = ipc.lower->time_monotonic_ns();
            if (now >= deadline)
                return -ETIMEDOUT;
            timeout_ns = (int64_t)MIN(deadline - now, (uint64_t)INT64_MAX);
        }
    }
}

void ipc_init(void)
{
    ipc.pid = proc.pid;
    ipc.leader = pal_state->first_pid;
    ipc.lower = pal;
    ipc_start_ns = pal->time_monotonic_ns();
    stacked = *pal;
    stacked.process_fork = ipc_fork;
    stacked.process_exit = ipc_exit;
    stacked.process_wait = ipc_wait;
    stacked.stream_poll = ipc_wait_streams;
    stacked.sleep_ns = ipc_sleep;
    pal = &stacked;
    signal_set_peers(&ipc_signal_peers);
    /* The leader waits for its first child; anyone else may be asked now. */
    if (ipc.pid != ipc.leader)
        ipc_start();
}
