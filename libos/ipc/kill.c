/* kill(2) towards other processes: a SIGNAL message to each target, which
 * its library OS makes pending as if the kernel had sent it (si_code
 * SI_USER, the sender's pid and uid).  The message is not answered: kill
 * does not wait for a target that is busy in its own code. */
#include "ipc/wire.h"
#include "signal/signal.h"

long ipc_on_signal(int from, const void *body, uint32_t len, struct ipc_answer *ans)
{
    (void)len, (void)ans;
    struct ipc_signal m;
    memcpy(&m, body, sizeof(m));
    if (m.sig < 0 || m.sig > SIGNAL_MAX || m.pid != from || m.code != SI_USER)
        return -EINVAL;
    if (m.sig == 0)
        return 0;
    siginfo_t info = { 0 };
    info.si_signo = m.sig;
    info.si_code = SI_USER;
    info.si_pid = from;
    info.si_uid = m.uid;
    return signal_send(m.sig, &info);
}

/* One target: 0 if it is there (a zombie is, and takes nothing), -ESRCH. */
static long signal_one(int pid, int sig, bool state_known, uint32_t state)
{
    struct ipc_signal m = { .sig = sig, .code = SI_USER, .pid = ipc.pid,
                            .uid = (uint32_t)pal_state->host_uid };
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
    return signal_one(pid, sig, true, ((struct ipc_rec *)raw)->state);
}

long ipc_kill(int pid, int sig)
{
    bool valid = sig >= 0 && sig <= SIGNAL_MAX;
    if (!ipc.up || pid == ipc.pid || pid < -0x7fffffff)
        return -ESRCH;
    /* A bad signal number is only an error towards someone who exists. */
    int send = valid ? sig : 0;
    if (pid > 0) {
        long r = signal_one(pid, send, false, 0);
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
        if (e[i].pid == ipc.pid || (all && e[i].pid == IPC_LEADER))
            continue;
        found |= signal_one(e[i].pid, send, true, e[i].state) == 0;
    }
    kfree(e);
    if (n < 0)
        return n;
    return !found ? -ESRCH : valid ? 0 : -EINVAL;
}
