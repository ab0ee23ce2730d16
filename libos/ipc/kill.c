/* kill(2) towards other processes: a SIGNAL message to each target, which
 * its library OS makes pending as if the kernel had sent it (si_code
 * SI_USER, the sender's pid and uid).  The message is not answered: kill
 * does not wait for a target that is busy in its own code.
 *
 * A group's members are those the leader lists.  A forked child is listed
 * once its parent's registration reached the leader (IPC_REC_UNTOLD), and
 * may run before that: a signal for its group sent meanwhile reaches the
 * parent alone.  Linux gives a fork's child the group signals that come
 * during the fork, and so does the parent here: it waits for the leader's
 * answer to the registration (life.c), and passes on to the child the
 * leader's signals for a group or for all that came before the answer.
 * Those, the host's among them (the leader hands them to the foreground group),
 * travel ahead of the answer on the stream that carries it, so each
 * reaches the child once: from the leader or from its parent.  Another
 * process's kill of a group is not one step: one that listed the group
 * before the leader had the child may still reach the parent alone. */
#include "ipc/wire.h"
#include "signal/signal.h"

static bool forking;
static uint64_t fork_signals;

long ipc_on_signal(int from, const void *body, uint32_t len, struct ipc_answer *ans)
{
    (void)len, (void)ans;
    struct ipc_signal m;
    memcpy(&m, body, sizeof(m));
    if (m.sig < 0 || m.sig > SIGNAL_MAX || m.pid != from || m.code != SI_USER || m.many > 1)
        return -EINVAL;
    if (m.sig == 0)
        return 0;
    if (m.many && forking && from == ipc.leader) {
        /* Kept as pending ones are: a stop and a SIGCONT cancel each other. */
        if (m.sig == SIGCONT)
            fork_signals &= ~STOP_SIGNALS;
        else if (SIGNAL_BIT(m.sig) & STOP_SIGNALS)
            fork_signals &= ~SIGNAL_BIT(SIGCONT);
        fork_signals |= SIGNAL_BIT(m.sig);
    }
    siginfo_t info = { 0 };
    info.si_signo = m.sig;
    info.si_code = SI_USER;
    info.si_pid = from;
    info.si_uid = m.uid;
    return signal_send(m.sig, &info);
}

/* One target (many: one of a group, or of all): 0 if it is there (a
 * zombie is, and takes nothing), -ESRCH. */
static long signal_one(int pid, int sig, bool many, bool state_known, uint32_t state)
{
    struct ipc_signal m = { .sig = sig, .code = SI_USER, .pid = ipc.pid,
                            .uid = (uint32_t)pal_state->host_uid, .many = many };
    if (state_known && state == IPC_ZOMBIE)
        return 0;
    if (ipc_notify(pid, IPC_SIGNAL, &m, sizeof(m), state_known) == 0)
        return 0;
    if (state_known)
        return -ESRCH;
    /* Nobody listens there: gone, a zombie, or just forked and not
     * listening yet.  The leader knows which. */
    uint8_t raw[IPC_REC_MAX];
    if (ipc_lookup(pid, raw) < 0)
        return -ESRCH;
    return signal_one(pid, sig, many, true, ((struct ipc_rec *)raw)->state);
}

void ipc_fork_signals_begin(void)
{
    forking = true;
    fork_signals = 0;
}

void ipc_fork_signals_pass(int child)
{
    forking = false;
    for (int sig = 1; sig <= SIGNAL_MAX; sig++)
        if (fork_signals & SIGNAL_BIT(sig))
            signal_one(child, sig, true, true, IPC_ALIVE);
}

long ipc_kill(int pid, int sig)
{
    bool valid = sig >= 0 && sig <= SIGNAL_MAX;
    /* The init takes no signal from inside (Linux's rule for an init
     * without handlers), and is there. */
    bool init_stood_in = ipc_init_stood_in();
    if (pid == IPC_INIT && init_stood_in)
        return valid ? 0 : -EINVAL;
    if (!ipc.up || pid == ipc.pid || pid < -0x7fffffff)
        return -ESRCH;
    /* A bad signal number is only an error towards someone who exists. */
    int send = valid ? sig : 0;
    if (pid > 0) {
        long r = signal_one(pid, send, false, false, 0);
        return r < 0 ? r : valid ? 0 : -EINVAL;
    }
    struct ipc_list_ent *e = kmalloc(IPC_LIST_MAX * sizeof(*e));
    if (!e)
        return -ENOMEM;
    bool all = pid == -1;
    long n = all ? ipc_list(IPC_LIST_ALL, 0, e, IPC_LIST_MAX)
                 : ipc_list(IPC_LIST_PGID, pid ? -pid : proc.pgid, e, IPC_LIST_MAX);
    bool found = false;
    for (long i = 0; i < n; i++) {
        /* kill(-1): everyone but pid 1 and the caller. */
        if (e[i].pid == ipc.pid || (all && e[i].pid == IPC_INIT))
            continue;
        if (e[i].pid == IPC_INIT && init_stood_in) {
            found = true;
            continue;
        }
        found |= signal_one(e[i].pid, send, true, true, e[i].state) == 0;
    }
    kfree(e);
    if (n < 0)
        return n;
    return !found ? -ESRCH : valid ? 0 : -EINVAL;
}
