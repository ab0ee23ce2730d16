/* IPC streams: the listener, one cached stream per peer, framing, requests
 * and their answers, and the receive loop that hands messages to their
 * handlers.
 *
 * Messages are taken in only when the library OS runs (the guest takes no
 * interrupts): in every wait (ipc_poll, from the stacked PAL), while a
 * request waits for its answer, and at the end of system calls
 * (ipc_safe_point).  A request's answer is awaited by serving everything
 * else that comes meanwhile, so two processes asking each other at once
 * both get answered; handlers themselves never wait for an answer. */
#include "ipc/wire.h"
#include "signal/signal.h"
#include <asm/poll.h>

#define IPC_MAX_CONNS 24             /* of the vsock driver's 32 streams, with room for the listener's backlog */
#define IPC_POLL_PERIOD_NS 10000000ull   /* a look for new streams at the end of system calls */
#define CONNECT_RETRY_NS 1000000000ull   /* how long a just-forked process gets to start listening */
/* How long the leader may refuse new streams before it counts as gone: it
 * refuses while its streams and backlog are full (dozens of children
 * connecting at once, as after a burst of forks and execs). */
#define LEADER_REFUSES_NS 10000000000ull
#define RETRY_PAUSE_NS 1000000ll
#define MAX_NESTED 4                 /* requests waiting at once: one per level of message handling */
#define ANSWER_RETRY_NS 2000000000ull    /* see ipc_request */
#define CONN_BUF (sizeof(struct ipc_hdr) + IPC_BODY_MAX)

struct conn {
    long h;                          /* -1: a free slot */
    int pid;                         /* the peer */
    bool bye;                        /* the peer closes it on purpose */
    uint64_t last_used;
    uint8_t *buf;                    /* CONN_BUF bytes: the start of a message not complete yet */
    uint32_t len;
};

struct waiter {
    uint64_t seq;
    int pid;
    bool done;
    bool answered;                   /* done by the peer's answer */
    long result;
    void *out;
    uint32_t out_max, out_len;
};

struct ipc_state ipc;
static struct conn conns[IPC_MAX_CONNS] = { [0 ... IPC_MAX_CONNS - 1] = { .h = -1 } };
static long listener = -1;
static uint64_t next_seq = 1, tick, next_look;
static struct waiter *waiters[MAX_NESTED];
static int nwaiters;
static bool leader_said_bye;         /* it closed our stream to make room */
/* Messages sent to the leader, and how many of them an answer showed it
 * took in (it takes a stream's messages in order). */
static uint64_t leader_sent, leader_confirmed;
static bool look_now;                /* an upcall said the streams have news */
static bool leader_suspect;          /* a stream with the leader ended without its goodbye */
static uint64_t leader_refused_since; /* it refused every new stream since then (0: it took the last) */

const uint32_t ipc_min_len[IPC_NTYPES] = {
    [IPC_REPLY] = 8,
    [IPC_REGISTER] = sizeof(struct ipc_rec),
    [IPC_EXIT] = 4,
    [IPC_REAPED] = 4,
    [IPC_EXITED] = sizeof(struct ipc_exited),
    [IPC_LOOKUP] = 4,
    [IPC_LIST] = sizeof(struct ipc_list_req),
    [IPC_SIGNAL] = sizeof(struct ipc_signal),
    [IPC_SETPGID] = sizeof(struct ipc_setpgid),
    [IPC_BYE] = 0,
    [IPC_REPARENT] = 0,
    [IPC_SYNC] = 0,
    [IPC_CHILD_STATE] = sizeof(struct ipc_child_state),
};

const ipc_handler ipc_handlers[IPC_NTYPES] = {
    [IPC_REGISTER] = ipc_on_register,
    [IPC_EXIT] = ipc_on_exit,
    [IPC_REAPED] = ipc_on_reaped,
    [IPC_EXITED] = ipc_on_exited,
    [IPC_LOOKUP] = ipc_on_lookup,
    [IPC_LIST] = ipc_on_list,
    [IPC_SIGNAL] = ipc_on_signal,
    [IPC_SETPGID] = ipc_on_setpgid,
    [IPC_REPARENT] = ipc_on_reparent,
    [IPC_SYNC] = ipc_on_sync,
    [IPC_CHILD_STATE] = ipc_on_child_state,
};

long ipc_on_sync(int from, const void *body, uint32_t len, struct ipc_answer *ans)
{
    (void)from, (void)body, (void)len, (void)ans;
    return 0;
}

long ipc_frame_size(const void *buf, size_t n)
{
    struct ipc_hdr h;
    if (n < sizeof(h))
        return 0;
    memcpy(&h, buf, sizeof(h));
    if (h.type == 0 || h.type >= IPC_NTYPES || h.length > IPC_BODY_MAX || h.length < ipc_min_len[h.type] ||
        h.reserved != 0)
        return -EPROTO;
    size_t size = sizeof(h) + h.length;
    return n >= size ? (long)size : 0;
}

__attribute__((noreturn)) void ipc_leader_gone(void)
{
    /* No message of ours can reach anyone now, our exit's included. */
    ipc.up = false;
    log_error("the application's first process (pid %d) is gone: process %d ends", ipc.leader, ipc.pid);
    /* As in a pid namespace whose init died: killed, without a crash report. */
    struct pal_crash crash = { .signo = SIGKILL, .vector = ~0ull };
    libos_die_by_signal(SIGKILL, &crash);
}

/* The leader cannot be reached: news, unless we are on our way out. */
static void leader_lost(void)
{
    if (ipc.pid != ipc.leader && !ipc.exiting)
        ipc_leader_gone();
}

static struct conn *conn_of_pid(int pid)
{
    for (int i = 0; i < IPC_MAX_CONNS; i++)
        if (conns[i].h >= 0 && conns[i].pid == pid && !conns[i].bye)
            return &conns[i];
    return NULL;
}

static bool awaited(int pid)
{
    for (int i = 0; i < nwaiters; i++)
        if (waiters[i]->pid == pid && !waiters[i]->done)
            return true;
    return false;
}

static void free_slot(struct conn *c)
{
    ipc.lower->stream_close(c->h);
    kfree(c->buf);
    *c = (struct conn){ .h = -1 };
}

static void check_leader(void);

/* The stream ended: requests waiting on its peer fail; losing the leader
 * without its goodbye ends this process if the leader takes no new stream
 * either. */
static void conn_lost(struct conn *c)
{
    int pid = c->pid;
    bool bye = c->bye;
    leader_said_bye |= pid == ipc.leader && bye;
    free_slot(c);
    if (pid == ipc.leader && !bye)
        check_leader();
    if (ipc.pid == ipc.leader && !bye)
        ipc_leader_peer_lost(pid);
    if (conn_of_pid(pid))
        return;
    for (int i = 0; i < nwaiters; i++)
        if (waiters[i]->pid == pid && !waiters[i]->done) {
            waiters[i]->done = true;
            waiters[i]->result = -ESRCH;
        }
}

static long write_all(struct conn *c, const void *buf, size_t len)
{
    while (len) {
        long n = ipc.lower->stream_write(c->h, buf, len, -1);
        if (n == -EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? n : -EPIPE;
        buf = (const uint8_t *)buf + n;
        len -= (size_t)n;
    }
    return 0;
}

/* One message on c; a stream that cannot take it is dropped. */
static long send_on(struct conn *c, uint32_t type, uint64_t seq, const void *body, uint32_t len,
                    const void *body2, uint32_t len2)
{
    struct ipc_hdr h = { .type = type, .length = len + len2, .seq = seq, .src_pid = ipc.pid };
    c->last_used = ++tick;
    if (c->pid == ipc.leader && type != IPC_REPLY)
        leader_sent++;
    long r = write_all(c, &h, sizeof(h));
    if (!r && len)
        r = write_all(c, body, len);
    if (!r && len2)
        r = write_all(c, body2, len2);
    if (r < 0) {
        log_debug("ipc: stream to %d broke (%ld)", c->pid, r);
        conn_lost(c);
        return -ESRCH;
    }
    return 0;
}

/* A slot for a new stream: the one used longest ago makes room if need be
 * (its peer is told, so it does not take the close for a death). */
static struct conn *new_slot(void)
{
    struct conn *old = NULL;
    for (int i = 0; i < IPC_MAX_CONNS; i++) {
        if (conns[i].h < 0)
            return &conns[i];
        /* Ours to the leader stays: it tells us if the leader dies. */
        bool keep = awaited(conns[i].pid) || (conns[i].pid == ipc.leader && ipc.pid != ipc.leader);
        if (!keep && (!old || conns[i].last_used < old->last_used))
            old = &conns[i];
    }
    if (!old)
        return NULL;
    send_on(old, IPC_BYE, 0, NULL, 0, NULL, 0);
    if (old->h >= 0)
        free_slot(old);
    return old;
}

static struct conn *add_conn(long h, int pid)
{
    struct conn *c = new_slot();
    uint8_t *buf = c ? kmalloc(CONN_BUF) : NULL;
    if (!buf) {
        ipc.lower->stream_close(h);
        return NULL;
    }
    *c = (struct conn){ .h = h, .pid = pid, .last_used = ++tick, .buf = buf };
    return c;
}

static bool refused(long r)
{
    return r == -ECONNREFUSED || r == -ECONNRESET || r == -ENOENT;
}

/* The leader refused a new stream: gone once it has refused them all for
 * LEADER_REFUSES_NS, else (a full backlog) it is asked again later. */
static bool leader_refuses_for_good(void)
{
    uint64_t now = ipc.lower->time_monotonic_ns();
    if (!leader_refused_since || now < leader_refused_since)
        leader_refused_since = now;
    return now - leader_refused_since >= LEADER_REFUSES_NS;
}

/* Is the leader there after a stream with it ended?  Gone if it keeps
 * refusing new ones; busy, interrupted or refusing for a while: looked at
 * again at the end of ipc_poll.  (No ipc_poll here: this runs inside its
 * loop over the streams.) */
static void check_leader(void)
{
    leader_suspect = false;
    if (ipc.pid == ipc.leader || ipc.exiting || conn_of_pid(ipc.leader))
        return;
    long h = ipc.lower->vsock_connect(ipc.leader + 2, IPC_PORT);
    if (h >= 0) {
        leader_refused_since = 0;
        if (!add_conn(h, ipc.leader))
            ipc.lower->stream_close(h);
    } else if (refused(h) && leader_refuses_for_good()) {
        leader_lost();
    } else {
        leader_suspect = true;
    }
}

/* The stream to pid, made if need be: NULL and *err (-ESRCH: nobody
 * there) if it cannot be. */
static struct conn *conn_to(int pid, bool expect_alive, long *err)
{
    struct conn *c = conn_of_pid(pid);
    if (c)
        return c;
    /* The leader is always expected: a refusal may be its full backlog. */
    if (pid == ipc.leader)
        expect_alive = true;
    uint64_t until = ipc.lower->time_monotonic_ns() + CONNECT_RETRY_NS;
    for (;;) {
        long h = ipc.lower->vsock_connect((uint32_t)pid + 2, IPC_PORT);
        if (h >= 0) {
            if (pid == ipc.leader)
                leader_refused_since = 0;
            if ((c = add_conn(h, pid)))
                return c;
            *err = -ENOMEM;
            return NULL;
        }
        bool in_time = ipc.lower->time_monotonic_ns() < until;
        /* A signal for us ended the wait; a peer that lets a connection time
         * out is busy in its own code (the leader is waited for, but only
         * CONNECT_RETRY_NS by a process on its way out: the leader may have
         * ended with the application). */
        bool leader_busy = pid == ipc.leader && refused(h) && !ipc.exiting && !leader_refuses_for_good();
        bool again = h == -EINTR || (h == -ETIMEDOUT && (pid == ipc.leader || in_time)) ||
                     (refused(h) && expect_alive && in_time) || leader_busy;
        if (!again) {
            if (pid == ipc.leader && refused(h))
                leader_lost();
            if (h == -ETIMEDOUT)
                log_warning("ipc: process %d does not answer (it runs its own code)", pid);
            *err = refused(h) ? -ESRCH : h == -ETIMEDOUT ? -EAGAIN : h;
            return NULL;
        }
        if (refused(h))
            ipc_poll(NULL, 0, RETRY_PAUSE_NS);
    }
}

static void take_reply(int from, const struct ipc_hdr *h, const uint8_t *body)
{
    for (int i = 0; i < nwaiters; i++) {
        struct waiter *w = waiters[i];
        if (w->seq != h->seq || w->pid != from || w->done)
            continue;
        int64_t result;
        memcpy(&result, body, sizeof(result));
        w->out_len = MIN(h->length - 8, w->out_max);
        if (w->out_len)
            memcpy(w->out, body + 8, w->out_len);
        w->result = (long)result;
        w->done = w->answered = true;
        return;
    }
    /* The answer to a request given up on (a timeout): nobody wants it. */
}

/* One message from c's peer.  -> false if the stream must go. */
static bool dispatch(struct conn *c, const uint8_t *msg)
{
    static struct ipc_answer ans[MAX_NESTED + 1];
    static int depth;
    struct ipc_hdr h;
    memcpy(&h, msg, sizeof(h));
    const uint8_t *body = msg + sizeof(h);
    if (h.src_pid != c->pid)
        return false;
    if (h.type == IPC_REPLY) {
        take_reply(c->pid, &h, body);
        return true;
    }
    if (h.type == IPC_BYE) {
        c->bye = true;
        return true;
    }
    if (!ipc_handlers[h.type] || depth > MAX_NESTED)
        return false;
    struct ipc_answer *a = &ans[depth++];
    a->len = 0;
    int64_t result = ipc_handlers[h.type](c->pid, body, h.length, a);
    depth--;
    if (h.seq)
        send_on(c, IPC_REPLY, h.seq, &result, sizeof(result), a->buf, a->len);
    return true;
}

/* Takes what c has to read and handles the whole messages in it. */
static void conn_input(struct conn *c)
{
    long n = ipc.lower->stream_read(c->h, c->buf + c->len, CONN_BUF - c->len, -1);
    if (n == -EINTR || n == -EAGAIN)
        return;
    if (n <= 0) {
        conn_lost(c);
        return;
    }
    c->len += (uint32_t)n;
    c->last_used = ++tick;
    long h = c->h;
    uint32_t off = 0;
    for (;;) {
        long size = ipc_frame_size(c->buf + off, c->len - off);
        if (size < 0 || (size > 0 && !dispatch(c, c->buf + off))) {
            log_warning("ipc: bad message from process %d: stream closed", c->pid);
            conn_lost(c);
            return;
        }
        /* A handler may have sent on c, and lost it. */
        if (c->h != h)
            return;
        if (size == 0)
            break;
        off += (uint32_t)size;
    }
    memmove(c->buf, c->buf + off, c->len - off);
    c->len -= off;
    if (c->bye && !awaited(c->pid))
        conn_lost(c);
}

static void accept_one(void)
{
    uint32_t cid = 0;
    long h = ipc.lower->vsock_accept(listener, &cid);
    if (h < 0)
        return;
    /* The monitor vouches for the peer's CID: pid N is CID N + 2. */
    if (cid < 3 || cid - 2 > 0x7fffffffu) {
        ipc.lower->stream_close(h);
        return;
    }
    add_conn(h, (int)(cid - 2));
}

long ipc_poll(struct pal_poll *fds, int nfds, long long timeout_ns)
{
    static struct pal_poll set[PAL_POLL_MAX];
    if (!ipc.up || nfds < 0 || nfds + 1 + IPC_MAX_CONNS > PAL_POLL_MAX)
        return ipc.lower->stream_poll(fds, nfds, timeout_ns);
    struct conn *who[IPC_MAX_CONNS];
    int n = nfds;
    if (nfds)
        memcpy(set, fds, (size_t)nfds * sizeof(*fds));
    set[n++] = (struct pal_poll){ .handle = listener, .events = POLLIN };
    for (int i = 0; i < IPC_MAX_CONNS; i++)
        if (conns[i].h >= 0) {
            who[n - nfds - 1] = &conns[i];
            set[n++] = (struct pal_poll){ .handle = conns[i].h, .events = POLLIN };
        }
    long r = ipc.lower->stream_poll(set, n, timeout_ns);
    long ready = 0;
    for (int i = 0; i < nfds; i++) {
        fds[i].revents = set[i].revents;
        ready += set[i].revents != 0;
    }
    bool news = false;
    for (int i = nfds + 1; i < n; i++) {
        struct conn *c = who[i - nfds - 1];
        /* c may have been closed meanwhile by a handler (a broken send). */
        if (!set[i].revents || c->h != set[i].handle)
            continue;
        news = true;
        if (set[i].revents & POLLNVAL)
            conn_lost(c);
        else
            conn_input(c);
    }
    if (set[nfds].revents & POLLIN) {
        news = true;
        accept_one();
    }
    if (leader_suspect)
        check_leader();
    /* An upcall that said children ended ends the wait too. */
    news |= ipc_children_news();
    next_look = ipc.lower->time_monotonic_ns() + IPC_POLL_PERIOD_NS;
    if (ready)
        return ready;
    if (news && signal_pending())
        return -EINTR;
    return r < 0 ? r : 0;
}

void ipc_streams_note_async(void) { __atomic_store_n(&look_now, true, __ATOMIC_RELAXED); }

void ipc_safe_point(void)
{
    if (!ipc.up)
        return;
    ipc_children_news();
    /* Bytes on a stream we have are seen without a PAL call (the driver
     * lives in this VM); new streams need a poll, so they wait a little,
     * unless an upcall said there is news. */
    bool news = ipc.lower->time_monotonic_ns() >= next_look;
    for (int i = 0; i < IPC_MAX_CONNS && !news; i++)
        news = conns[i].h >= 0 && ipc.lower->stream_nread(conns[i].h) > 0;
    /* News that comes during the look (its PAL calls take the upcall) is
     * looked at too, before the program runs on. */
    while (news || __atomic_exchange_n(&look_now, false, __ATOMIC_RELAXED)) {
        ipc_poll(NULL, 0, 0);
        news = false;
    }
}

long ipc_notify(int pid, uint32_t type, const void *body, uint32_t len, bool expect_alive)
{
    long err;
    struct conn *c = conn_to(pid, expect_alive, &err);
    return c ? send_on(c, type, 0, body, len, NULL, 0) : err;
}

/* One request on the stream to pid: done (answered or failed), or not
 * answered by give_up (then w->done is false); *sent: the leader_sent it
 * followed. */
static long ask(int pid, uint32_t type, const void *body, uint32_t len, struct waiter *w, uint64_t deadline,
                uint64_t give_up, bool expect_alive, uint64_t *sent)
{
    long r;
    struct conn *c = conn_to(pid, expect_alive, &r);
    if (!c)
        return r;
    w->seq = next_seq++;
    waiters[nwaiters++] = w;
    if ((r = send_on(c, type, w->seq, body, len, NULL, 0)) < 0) {
        nwaiters--;
        return r;
    }
    *sent = leader_sent;
    while (!w->done) {
        uint64_t now = ipc.lower->time_monotonic_ns(), until = deadline && deadline < give_up ? deadline : give_up;
        if (deadline && now >= deadline) {
            w->result = -ETIMEDOUT;
            w->done = true;
        }
        if (w->done || now >= until)
            break;
        ipc_poll(NULL, 0, (long long)(until - now));
    }
    nwaiters--;
    return 0;
}

long ipc_request(int pid, uint32_t type, const void *body, uint32_t len, void *out, uint32_t out_max,
                 uint32_t *out_len, uint64_t timeout_ns, bool expect_alive)
{
    if (!ipc.up || pid == ipc.pid)
        return -ESRCH;
    if (nwaiters == MAX_NESTED)
        return -EAGAIN;
    struct waiter w = { .pid = pid, .out = out, .out_max = out_max };
    uint64_t now = ipc.lower->time_monotonic_ns(), deadline = timeout_ns ? now + timeout_ns : 0;
    uint64_t sent = 0;
    /* A stream can be lost between the monitors under load, its peer never
     * having heard of it: an answer that does not come within
     * ANSWER_RETRY_NS is asked for again on a new stream (every request is
     * idempotent). */
    for (;;) {
        long r = ask(pid, type, body, len, &w, deadline, now + ANSWER_RETRY_NS, expect_alive, &sent);
        /* The leader's stream broke under the request (-ESRCH: conn_to
         * itself never says so of the leader): asked again on a new one;
         * conn_to waits for a busy leader, and ends us if it keeps refusing. */
        bool broke = pid == ipc.leader && ipc.up &&
                     (r == -ESRCH || (r == 0 && w.done && !w.answered && w.result == -ESRCH));
        /* Not past the request's deadline: a process on its way out keeps
         * asking a leader that ended (conn_to does not end it then). */
        if (broke && deadline && ipc.lower->time_monotonic_ns() >= deadline)
            return -ETIMEDOUT;
        if (broke) {
            w.done = false;
            continue;
        }
        if (r < 0)
            return r;
        if (w.done)
            break;
        log_debug("ipc: no answer from %d to request %u: asking again on a new stream", pid, type);
        struct conn *c = conn_of_pid(pid);
        if (c)
            free_slot(c);
        now = ipc.lower->time_monotonic_ns();
    }
    if (w.answered && pid == ipc.leader && sent > leader_confirmed)
        leader_confirmed = sent;
    if (out_len)
        *out_len = w.out_len;
    return w.result;
}

void ipc_sync_leader(uint64_t timeout_ns)
{
    if (ipc.pid != ipc.leader && leader_sent > leader_confirmed)
        ipc_request(ipc.leader, IPC_SYNC, NULL, 0, NULL, 0, NULL, timeout_ns, true);
}

/* A stream to ourselves through the monitors' switch: it may refuse
 * everyone (no switch directory, a monitor that may not make sockets). */
static long switch_works(void)
{
    long h = ipc.lower->vsock_connect((uint32_t)ipc.pid + 2, IPC_PORT);
    if (h < 0)
        return h;
    long a = ipc.lower->vsock_accept(listener, NULL);
    if (a >= 0)
        ipc.lower->stream_close(a);
    ipc.lower->stream_close(h);
    return a < 0 ? a : 0;
}

long ipc_listen(void)
{
    if (listener >= 0)
        return 0;
    long h = ipc.lower->vsock_listen(IPC_PORT);
    if (h < 0)
        return h;
    listener = h;
    long r = switch_works();
    if (r < 0) {
        ipc.lower->stream_close(listener);
        listener = -1;
    }
    return r;
}

void ipc_forget(int pid)
{
    for (int i = 0; i < IPC_MAX_CONNS; i++)
        if (conns[i].h >= 0 && conns[i].pid == pid && !awaited(pid))
            free_slot(&conns[i]);
}

void ipc_keep_leader(void)
{
    long err;
    /* A leader with too many streams closes some: those are not kept. */
    if (ipc.up && ipc.pid != ipc.leader && !leader_said_bye && !conn_of_pid(ipc.leader))
        conn_to(ipc.leader, true, &err);
}

void ipc_conn_forked(void)
{
    /* The driver keeps listeners across a fork (a PAL that did not would
     * say so now), and this first look also lets it learn that the
     * parent's streams are gone. */
    struct pal_poll p = { .handle = listener, .events = POLLIN };
    bool lost = ipc.lower->stream_poll(&p, 1, 0) < 0 || (p.revents & POLLNVAL);
    /* Our copies of those streams: only the slots go (no goodbye: the
     * parent still has its own). */
    for (int i = 0; i < IPC_MAX_CONNS; i++)
        if (conns[i].h >= 0)
            free_slot(&conns[i]);
    nwaiters = 0;
    next_look = 0;
    leader_said_bye = false;
    if (lost) {
        listener = -1;
        if (ipc_listen() < 0) {
            log_warning("ipc: a forked process cannot listen: it is cut off from the others");
            ipc.up = false;
        }
    }
}
