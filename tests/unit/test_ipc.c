// UNIT-SOURCES: libos/bookkeep/process.c libos/ipc/conn.c libos/ipc/leader.c libos/ipc/proc.c libos/ipc/kill.c libos/ipc/pgrp.c libos/ipc/life.c libos/ipc/jobs.c libos/ipc/init.c libos/sys/cred.c libos/bookkeep/cputime.c libos/sys/caps.c
/* The IPC layer of the library OS (libos/ipc) on the host, over a fake
 * vsock transport in which this test plays the other processes: framing,
 * the leader's table, request/answer matching while other messages and
 * requests arrive (whole, or one byte per read), kill of a group, the
 * handlers' checks of hostile bodies, children that tell their exit, the
 * group signals a fork's child gets from its parent, and the loss of the
 * leader. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/poll.h>
#include "../../libos/ipc/wire.h"

/* libos/signal.h's, which needs the kernel's headers (glibc's siginfo_t is the same). */
long signal_send(int sig, const siginfo_t *info);
bool signal_pending(void);
bool signal_pending_deadly(void);
bool signal_nocldstop(void);
bool signal_nocldwait(void);
struct signal_peers;
void signal_set_peers(const struct signal_peers *peers);
int signal_status_text(char *buf, size_t size);
/* mm/mm.h's, which needs the guest's headers. */
int mm_status_text(char *buf, size_t size);
uint64_t mm_user_bytes(int advice);
uint64_t mm_resident_pages(uint64_t *peak);

static int failures;
#define EXPECT(name, cond) do { \
        if (!(cond)) { \
            printf("FAIL %s: %s (line %d)\n", (name), #cond, __LINE__); \
            failures++; \
        } \
    } while (0)

/* ---- the library OS around the IPC layer ---- */

#include "libos_base_stubs.h"
void *kmalloc(size_t n) { return malloc(n); }
void *krealloc(void *p, size_t n) { return realloc(p, n); }
void kfree(void *p) { free(p); }
bool user_range_ok(const void *p, size_t len, bool write) { (void)write; return p || !len; }

/* The leader is pid 1 (picovm.init = false) unless a test says otherwise. */
#define LEADER 1
static struct pal_public_state boot = { .host_uid = 1000, .host_gid = 1000, .first_pid = LEADER };
const struct pal_public_state *pal_state = &boot;

static struct {
    int sig, code, pid, status;
    unsigned uid;
} sent[16];                 /* signals made pending here */
static int nsent;
static bool pending_signal;

long signal_send(int sig, const siginfo_t *info)
{
    if (nsent < 16)
        sent[nsent++] = (typeof(sent[0])){ sig, info->si_code, info->si_pid, info->si_status, info->si_uid };
    pending_signal = true;
    return 0;
}
bool signal_pending(void) { return pending_signal; }
bool signal_pending_deadly(void) { return pending_signal; }
static bool nocldstop, nocldwait;
bool signal_nocldstop(void) { return nocldstop; }
bool signal_nocldwait(void) { return nocldwait; }
void signal_set_peers(const struct signal_peers *peers) { (void)peers; }
/* /proc/self/status's memory and signal lines live in rooms this test leaves out. */
int signal_status_text(char *buf, size_t size) { return snprintf(buf, size, "SigQ:\t0/0\n"); }
int mm_status_text(char *buf, size_t size) { return snprintf(buf, size, "VmSize:\t0 kB\n"); }
uint64_t mm_user_bytes(int advice) { (void)advice; return 0; }
uint64_t mm_resident_pages(uint64_t *peak) { *peak = 0; return 0; }

static jmp_buf died;
static int died_by;
void libos_die_by_signal(int signo, const struct pal_crash *crash)
{
    (void)crash;
    died_by = signo;
    longjmp(died, 1);
}

/* ---- the fake transport: streams whose other end is this test ---- */

#define LISTENER 999
#define NSTREAMS 32
#define BUF 65536

struct fstream {
    bool open;
    int peer;                      /* pid at the other end */
    uint8_t in[BUF];               /* what the peer sent us */
    size_t in_len, in_off;
    bool eof;
    uint8_t out[BUF];              /* what we sent the peer */
    size_t out_len, out_off;       /* out_off: what the peer has taken */
    size_t max_read;               /* 0: no limit */
};
static struct fstream streams[NSTREAMS];
static int pending[NSTREAMS], npending;      /* incoming, not accepted yet */
static bool alive[64];                       /* pids that take connections */
static size_t read_limit;                    /* for new streams */
static uint64_t clock_ns = 1000000000;
static int polls;
/* The peers' code: called after each of our writes to a stream of theirs. */
static void (*peer_logic)(struct fstream *s);

static struct fstream *new_stream(int peer)
{
    for (int i = 0; i < NSTREAMS; i++)
        if (!streams[i].open) {
            memset(&streams[i], 0, sizeof(streams[i]));
            streams[i].open = true;
            streams[i].peer = peer;
            streams[i].max_read = read_limit;
            return &streams[i];
        }
    abort();
}

static long handle_of(struct fstream *s) { return 1000 + (s - streams); }

static struct fstream *stream_of(long h)
{
    return h >= 1000 && h < 1000 + NSTREAMS && streams[h - 1000].open ? &streams[h - 1000] : NULL;
}

static long f_listen(uint32_t port) { return port == IPC_PORT ? LISTENER : -EINVAL; }

static long f_connect(uint32_t cid, uint32_t port)
{
    int pid = (int)cid - 2;
    if (port != IPC_PORT)
        return -ECONNREFUSED;
    if (pid == ipc.pid) {
        /* The switch check: our own listener gets the other end. */
        struct fstream *twin = new_stream(pid);
        pending[npending++] = (int)(twin - streams);
        return handle_of(new_stream(pid));
    }
    if (pid < 0 || pid >= 64 || !alive[pid])
        return -ECONNREFUSED;
    return handle_of(new_stream(pid));
}

static long f_accept(long l, uint32_t *cid)
{
    if (l != LISTENER || !npending)
        return -EAGAIN;
    struct fstream *s = &streams[pending[0]];
    memmove(pending, pending + 1, (size_t)--npending * sizeof(pending[0]));
    if (cid)
        *cid = (uint32_t)s->peer + 2;
    return handle_of(s);
}

static long f_read(long h, void *buf, size_t len, long long off)
{
    struct fstream *s = stream_of(h);
    if (!s || off >= 0)
        return -EBADF;
    size_t avail = s->in_len - s->in_off;
    if (!avail)
        return s->eof ? 0 : -EAGAIN;
    size_t n = len < avail ? len : avail;
    if (s->max_read && n > s->max_read)
        n = s->max_read;
    memcpy(buf, s->in + s->in_off, n);
    s->in_off += n;
    return (long)n;
}

static long f_write(long h, const void *buf, size_t len, long long off)
{
    struct fstream *s = stream_of(h);
    if (!s || off >= 0)
        return -EBADF;
    if (s->eof)
        return -EPIPE;
    memcpy(s->out + s->out_len, buf, len);
    s->out_len += len;
    if (peer_logic)
        peer_logic(s);
    return (long)len;
}

static long f_close(long h)
{
    struct fstream *s = stream_of(h);
    if (!s)
        return -EBADF;
    s->open = false;
    return 0;
}

static long f_nread(long h)
{
    struct fstream *s = stream_of(h);
    return s ? (long)(s->in_len - s->in_off) : -EBADF;
}

static long f_poll(struct pal_poll *fds, int n, long long timeout_ns)
{
    if (++polls > 100000) {
        printf("FAIL: the IPC layer polls forever\n");
        exit(1);
    }
    long ready = 0;
    for (int i = 0; i < n; i++) {
        struct fstream *s = stream_of(fds[i].handle);
        fds[i].revents = 0;
        if (fds[i].handle == LISTENER)
            fds[i].revents = npending ? POLLIN : 0;
        else if (!s)
            fds[i].revents = POLLNVAL;
        else if (s->in_off < s->in_len || s->eof)
            fds[i].revents = (short)(POLLIN | (s->eof ? POLLHUP : 0));
        ready += fds[i].revents != 0;
    }
    if (!ready && timeout_ns != 0)
        clock_ns += timeout_ns > 0 ? (uint64_t)timeout_ns : 1000000;
    return ready;
}

static uint64_t f_clock(void) { return clock_ns; }

/* Children: wait statuses the monitor holds for pids. */
static int child_status[64];
static bool child_ended_already[64], child_exists[64];
static long f_wait(long pid, int nohang, int *status, struct pal_usage *usage)
{
    if (usage)
        *usage = (struct pal_usage){ 0, 0, 0 };
    for (int p = 1; p < 64; p++) {
        if (!child_exists[p] || (pid != -1 && pid != p))
            continue;
        if (child_ended_already[p] || !nohang) {
            child_exists[p] = false;
            *status = child_status[p];
            return p;
        }
    }
    for (int p = 1; p < 64; p++)
        if (child_exists[p] && (pid == -1 || pid == p))
            return 0;
    return -ECHILD;
}

static long f_fork(void) { return 8; }

/* A futex wait the monitor ends futex_eintr times (for news) before it is woken. */
static int futex_eintr, futex_calls;
static long f_futex_wait(uint32_t *uaddr, uint32_t val, int64_t timeout_ns)
{
    (void)uaddr, (void)val, (void)timeout_ns;
    futex_calls++;
    return futex_eintr-- > 0 ? -EINTR : 0;
}

static const struct pal_ops fake_pal = {
    .vsock_listen = f_listen, .vsock_connect = f_connect, .vsock_accept = f_accept,
    .stream_read = f_read, .stream_write = f_write, .stream_close = f_close,
    .stream_nread = f_nread, .stream_poll = f_poll, .time_monotonic_ns = f_clock,
    .process_wait = f_wait, .process_fork = f_fork, .futex_wait = f_futex_wait,
};
const struct pal_ops *pal = &fake_pal;

/* ---- messages as the peers see them ---- */

static void put_msg(struct fstream *s, uint32_t type, uint64_t seq, int src, const void *body, uint32_t len)
{
    struct ipc_hdr h = { .type = type, .length = len, .seq = seq, .src_pid = src };
    memcpy(s->in + s->in_len, &h, sizeof(h));
    memcpy(s->in + s->in_len + sizeof(h), body, len);
    s->in_len += sizeof(h) + len;
}

static void put_reply(struct fstream *s, uint64_t seq, int src, int64_t result, const void *ans, uint32_t len)
{
    uint8_t body[IPC_BODY_MAX];
    memcpy(body, &result, 8);
    memcpy(body + 8, ans, len);
    put_msg(s, IPC_REPLY, seq, src, body, 8 + len);
}

/* The next whole message we sent on s: false if there is none. */
static bool take_msg(struct fstream *s, struct ipc_hdr *h, uint8_t *body)
{
    if (s->out_len - s->out_off < sizeof(*h))
        return false;
    memcpy(h, s->out + s->out_off, sizeof(*h));
    if (s->out_len - s->out_off < sizeof(*h) + h->length)
        return false;
    memcpy(body, s->out + s->out_off + sizeof(*h), h->length);
    s->out_off += sizeof(*h) + h->length;
    return true;
}

static uint32_t make_rec(void *out, int pid, int ppid, int pgid, int sid, uint32_t gen, const char *comm,
                         const char *cmdline, uint16_t cmdline_len)
{
    struct ipc_rec *r = out;
    *r = (struct ipc_rec){ .pid = pid, .ppid = ppid, .pgid = pgid, .sid = sid, .uid = 1000, .state = IPC_ALIVE,
                           .gen = gen };
    strlcpy(r->comm, comm, sizeof(r->comm));
    r->exe_len = (uint16_t)strlen(comm);
    memcpy(r + 1, comm, r->exe_len);
    r->cmdline_len = cmdline_len;
    memcpy((uint8_t *)(r + 1) + r->exe_len, cmdline, cmdline_len);
    return (uint32_t)sizeof(*r) + r->exe_len + cmdline_len;
}

static void reset_world(int me)
{
    ipc_conn_forked();   /* closes our streams */
    ipc_leader_reset();
    memset(streams, 0, sizeof(streams));
    memset(alive, 0, sizeof(alive));
    npending = 0;
    nsent = 0;
    pending_signal = false;
    peer_logic = NULL;
    read_limit = 0;
    polls = 0;
    ipc.pid = proc.pid = me;
    ipc.leader = LEADER;
    ipc.up = true;
}

/* ---- the tests ---- */

static void framing(void)
{
    uint8_t buf[sizeof(struct ipc_hdr) + 64] = { 0 };
    struct ipc_hdr h = { .type = IPC_SIGNAL, .length = sizeof(struct ipc_signal), .seq = 0, .src_pid = 3 };
    memcpy(buf, &h, sizeof(h));
    size_t whole = sizeof(h) + h.length;
    EXPECT("frame-short-header", ipc_frame_size(buf, sizeof(h) - 1) == 0);
    EXPECT("frame-short-body", ipc_frame_size(buf, whole - 1) == 0);
    EXPECT("frame-whole", ipc_frame_size(buf, whole) == (long)whole);
    EXPECT("frame-more-behind", ipc_frame_size(buf, sizeof(buf)) == (long)whole);
    struct ipc_hdr bad = h;
    bad.type = IPC_NTYPES;
    memcpy(buf, &bad, sizeof(bad));
    EXPECT("frame-bad-type", ipc_frame_size(buf, sizeof(buf)) == -EPROTO);
    bad = h;
    bad.type = 0;
    memcpy(buf, &bad, sizeof(bad));
    EXPECT("frame-type-0", ipc_frame_size(buf, sizeof(buf)) == -EPROTO);
    bad = h;
    bad.length = IPC_BODY_MAX + 1;
    memcpy(buf, &bad, sizeof(bad));
    EXPECT("frame-too-long", ipc_frame_size(buf, sizeof(h)) == -EPROTO);
    bad = h;
    bad.length = 3;   /* shorter than a signal's body */
    memcpy(buf, &bad, sizeof(bad));
    EXPECT("frame-body-too-short", ipc_frame_size(buf, sizeof(buf)) == -EPROTO);
    bad = h;
    bad.reserved = 1;
    memcpy(buf, &bad, sizeof(bad));
    EXPECT("frame-reserved", ipc_frame_size(buf, sizeof(buf)) == -EPROTO);
}

static void leader_table(void)
{
    reset_world(LEADER);
    uint8_t rec[IPC_REC_MAX], out[IPC_REC_MAX];
    struct ipc_rec *o = (struct ipc_rec *)out;
    EXPECT("reg-1", ipc_leader_register((void *)rec, make_rec(rec, 1, 0, 1, 1, 1, "sh", "sh\0-c", 6)) == 0);
    EXPECT("reg-5", ipc_leader_register((void *)rec, make_rec(rec, 5, 1, 1, 1, 0, "sh", "", 0)) == 0);
    EXPECT("reg-3", ipc_leader_register((void *)rec, make_rec(rec, 3, 1, 3, 1, 2, "cat", "cat", 4)) == 0);
    EXPECT("reg-4", ipc_leader_register((void *)rec, make_rec(rec, 4, 3, 3, 1, 0, "cat", "", 0)) == 0);
    EXPECT("lookup", ipc_leader_lookup(1, out) > 0 && o->pid == 1 && o->cmdline_len == 6 &&
                         !memcmp((char *)(o + 1) + o->exe_len, "sh\0-c", 6));
    EXPECT("lookup-none", ipc_leader_lookup(9, out) == -ESRCH);

    /* The parent's record from fork (gen 0) does not undo the child's own. */
    ipc_leader_register((void *)rec, make_rec(rec, 5, 1, 5, 1, 1, "sh", "", 0));
    ipc_leader_register((void *)rec, make_rec(rec, 5, 1, 1, 1, 0, "sh", "", 0));
    EXPECT("gen-newer-stays", ipc_leader_lookup(5, out) > 0 && o->pgid == 5);

    struct ipc_list_ent e[8];
    int n = ipc_leader_list(IPC_LIST_ALL, 0, e, 8);
    EXPECT("list-all-sorted", n == 4 && e[0].pid == 1 && e[1].pid == 3 && e[2].pid == 4 && e[3].pid == 5);
    n = ipc_leader_list(IPC_LIST_PGID, 3, e, 8);
    EXPECT("list-pgid", n == 2 && e[0].pid == 3 && e[1].pid == 4 && e[0].pgid == 3 && e[0].sid == 1);
    n = ipc_leader_list(IPC_LIST_SID, 1, e, 2);
    EXPECT("list-sid-max", n == 2);
    EXPECT("list-none", ipc_leader_list(IPC_LIST_PGID, 77, e, 8) == 0);

    /* Exit: a zombie, its live children go to pid 1, its zombies go. */
    ipc_leader_exit(4, 0x0900);
    ipc_leader_exit(3, 0);
    EXPECT("zombie", ipc_leader_lookup(3, out) > 0 && o->state == IPC_ZOMBIE);
    EXPECT("zombie-child-gone", ipc_leader_lookup(4, out) == -ESRCH);
    ipc_leader_register((void *)rec, make_rec(rec, 6, 5, 1, 1, 0, "x", "", 0));
    ipc_leader_register((void *)rec, make_rec(rec, 9, 5, 1, 1, 0, "x", "", 0));
    alive[6] = true;
    ipc_leader_exit(5, 0);
    EXPECT("reparented", ipc_leader_lookup(6, out) > 0 && o->ppid == 1);
    EXPECT("orphan-found-gone", ipc_leader_lookup(9, out) == -ESRCH);
    ipc_leader_reaped(3);
    EXPECT("reaped", ipc_leader_lookup(3, out) == -ESRCH);
    ipc_leader_reaped(6);
    EXPECT("reaped-live-stays", ipc_leader_lookup(6, out) > 0);
    /* A parent's word of an end can overtake what the child sent before. */
    ipc_leader_register((void *)rec, make_rec(rec, 3, 1, 3, 1, 7, "cat", "", 0));
    EXPECT("ended-stays-ended", ipc_leader_lookup(3, out) == -ESRCH);
    alive[10] = true;
    ipc_leader_register((void *)rec, make_rec(rec, 10, 5, 1, 1, 0, "x", "", 0));
    EXPECT("late-orphan-adopted", ipc_leader_lookup(10, out) > 0 && o->ppid == 1);
    /* The end of a child, told by its parent only. */
    struct ipc_answer answer;
    ipc_leader_register((void *)rec, make_rec(rec, 11, 6, 1, 1, 0, "x", "", 0));
    struct ipc_exited ex = { 11, 0x0100 };
    EXPECT("exited-from-stranger", ipc_on_exited(10, &ex, sizeof(ex), &answer) == -EINVAL);
    EXPECT("exited", ipc_on_exited(6, &ex, sizeof(ex), &answer) == 0 && ipc_leader_lookup(11, out) > 0 &&
                         o->state == IPC_ZOMBIE && o->exit_status == 0x0100);
    EXPECT("exited-twice", ipc_on_exited(6, &ex, sizeof(ex), &answer) == -EINVAL);
    EXPECT("exit-not-orphan", ipc_on_exit(7, &(int32_t){ 0 }, 4, &answer) == -EINVAL);
    EXPECT("exit-orphan", ipc_on_exit(10, &(int32_t){ 0x0200 }, 4, &answer) == 0 && ipc_leader_lookup(10, out) > 0 &&
                              o->state == IPC_ZOMBIE);
    int st = 0;
    EXPECT("orphan-reaped-by-pid-1", pal->process_wait(10, 1, &st, NULL) == 10 && st == 0x0200 &&
                                         ipc_leader_lookup(10, out) == -ESRCH);

    /* Hostile records. */
    uint32_t len = make_rec(rec, 8, 1, 8, 1, 0, "x", "ab", 2);
    EXPECT("rec-length", ipc_leader_register((void *)rec, len + 1) == -EINVAL);
    ((struct ipc_rec *)rec)->cmdline_len = IPC_CMDLINE_MAX + 1;
    EXPECT("rec-cmdline-max", ipc_leader_register((void *)rec, len) == -EINVAL);
    len = make_rec(rec, 8, 1, 8, 1, 0, "x", "", 0);
    memset(((struct ipc_rec *)rec)->comm, 'a', 16);
    EXPECT("rec-comm-unterminated", ipc_leader_register((void *)rec, len) == -EINVAL);
    len = make_rec(rec, 0, 1, 8, 1, 0, "x", "", 0);
    EXPECT("rec-pid-0", ipc_leader_register((void *)rec, len) == -EINVAL);
    struct ipc_answer ans;
    len = make_rec(rec, 8, 7, 8, 1, 0, "x", "", 0);
    EXPECT("register-for-a-stranger", ipc_on_register(5, rec, len, &ans) == -EINVAL);
    EXPECT("register-own-child", ipc_on_register(7, rec, len, &ans) == 0);
    EXPECT("reaped-by-a-stranger", ipc_on_reaped(9, &(int32_t){ 8 }, 4, &ans) == -EINVAL);
}

/* Is pid among the leader's list of everyone? */
static bool listed(int pid)
{
    struct ipc_list_ent e[16];
    int n = ipc_leader_list(IPC_LIST_ALL, 0, e, 16);
    for (int i = 0; i < n; i++)
        if (e[i].pid == pid)
            return true;
    return false;
}

/* A child that speaks for itself before its parent's registration of it
 * came is known, but listed (for a kill of its group) only from its
 * parent's word on, or once it is an orphan; a process cannot hide itself. */
static void untold(void)
{
    reset_world(LEADER);
    uint8_t rec[IPC_REC_MAX], out[IPC_REC_MAX];
    struct ipc_rec *o = (struct ipc_rec *)out;
    struct ipc_answer ans;
    ipc_leader_register((void *)rec, make_rec(rec, 1, 0, 1, 1, 1, "sh", "", 0));
    ipc_leader_register((void *)rec, make_rec(rec, 5, 1, 1, 1, 1, "sh", "", 0));
    EXPECT("self-first", ipc_on_register(12, rec, make_rec(rec, 12, 5, 12, 1, 1, "sleep", "", 0), &ans) == 0 &&
                             ipc_leader_lookup(12, out) > 0 && o->pgid == 12 && !listed(12));
    EXPECT("self-again-unlisted", ipc_on_register(12, rec, make_rec(rec, 12, 5, 12, 1, 2, "sleep", "", 0), &ans) == 0 &&
                                      !listed(12));
    EXPECT("parent-word-lists", ipc_on_register(5, rec, make_rec(rec, 12, 5, 1, 1, 0, "sh", "", 0), &ans) == 0 &&
                                    listed(12) && ipc_leader_lookup(12, out) > 0 && o->pgid == 12);
    uint32_t len = make_rec(rec, 12, 5, 12, 1, 3, "sleep", "", 0);
    ((struct ipc_rec *)rec)->flags = IPC_REC_UNTOLD;
    EXPECT("cannot-hide", ipc_on_register(12, rec, len, &ans) == 0 && listed(12));
    /* Its parent ends before its word came: the orphan is listed. */
    alive[13] = true;
    ipc_on_register(13, rec, make_rec(rec, 13, 12, 12, 1, 1, "x", "", 0), &ans);
    EXPECT("orphan-unlisted-before", !listed(13));
    ipc_leader_exit(12, 0);
    EXPECT("orphan-listed", listed(13) && ipc_leader_lookup(13, out) > 0 && o->ppid == 1);
}

/* The leader, as the test plays it for requests() below: to a LOOKUP it
 * sends a signal, a stale answer and a request of its own, and answers
 * only once its own request is answered. */
static uint64_t lookup_seq;
static int32_t lookup_pid;
static void leader_answers_late(struct fstream *s)
{
    struct ipc_hdr h;
    uint8_t body[IPC_BODY_MAX];
    while (take_msg(s, &h, body)) {
        if (h.type == IPC_LOOKUP) {
            lookup_seq = h.seq;
            memcpy(&lookup_pid, body, 4);
            struct ipc_signal sig = { .sig = SIGUSR1, .code = SI_USER, .pid = 1, .uid = 1000 };
            put_msg(s, IPC_SIGNAL, 0, 1, &sig, sizeof(sig));
            put_reply(s, h.seq + 100, 1, 0, "", 0);
            struct ipc_setpgid sp = { .pgid = 1, .sid = 1 };
            put_msg(s, IPC_SETPGID, 77, 1, &sp, sizeof(sp));
        } else if (h.type == IPC_REPLY && h.seq == 77) {
            uint8_t rec[IPC_REC_MAX];
            uint32_t len = make_rec(rec, lookup_pid, 1, 42, 1, 3, "sleep", "", 0);
            put_reply(s, lookup_seq, 1, 0, rec, len);
        }
    }
}

static void requests(size_t limit)
{
    reset_world(5);
    proc.ppid = 1;
    proc.pgid = 5;
    proc.sid = 1;
    ipc_execed = false;
    read_limit = limit;
    alive[1] = true;
    peer_logic = leader_answers_late;
    /* Someone else sends a signal meanwhile, on a stream of its own. */
    struct fstream *other = new_stream(9);
    struct ipc_signal sig = { .sig = SIGUSR2, .code = SI_USER, .pid = 9, .uid = 1000 };
    put_msg(other, IPC_SIGNAL, 0, 9, &sig, sizeof(sig));
    pending[npending++] = (int)(other - streams);

    EXPECT("answer-after-others", ipc_getpgid(7) == 42);
    bool usr1 = false, usr2 = false;
    for (int i = 0; i < nsent; i++) {
        usr1 |= sent[i].sig == SIGUSR1 && sent[i].pid == 1 && sent[i].code == SI_USER && sent[i].uid == 1000;
        usr2 |= sent[i].sig == SIGUSR2 && sent[i].pid == 9;
    }
    EXPECT("signal-from-leader-meanwhile", usr1);
    EXPECT("signal-from-other-meanwhile", usr2);
    EXPECT("setpgid-meanwhile", proc.pgid == 1);
    /* Our answer to the leader's request went back with its seq. */
    struct fstream *to_leader = NULL;
    for (int i = 0; i < NSTREAMS; i++)
        if (streams[i].open && streams[i].peer == 1)
            to_leader = &streams[i];
    bool answered = false;
    struct ipc_hdr h;
    uint8_t body[IPC_BODY_MAX];
    if (to_leader)
        to_leader->out_off = 0;
    while (to_leader && take_msg(to_leader, &h, body))
        if (h.type == IPC_REPLY && h.seq == 77) {
            int64_t r;
            memcpy(&r, body, 8);
            const struct ipc_rec *rec = (const struct ipc_rec *)(body + 8);
            answered = r == 0 && h.length >= 8 + sizeof(*rec) && rec->pid == 5 && rec->pgid == 1 && h.src_pid == 5;
        }
    EXPECT("request-answered-meanwhile", answered);
    /* A second request uses the same stream, and a new seq. */
    uint64_t first = lookup_seq;
    EXPECT("second-request", ipc_getsid(8) == 1 && lookup_seq != first);
}

static void handlers(void)
{
    reset_world(5);
    proc.ppid = 1;
    proc.pgid = 5;
    proc.sid = 2;
    struct ipc_answer ans;
    struct ipc_signal sig = { .sig = 65, .code = SI_USER, .pid = 3, .uid = 0 };
    EXPECT("signal-number", ipc_on_signal(3, &sig, sizeof(sig), &ans) == -EINVAL && nsent == 0);
    sig.sig = SIGTERM;
    EXPECT("signal-claimed-sender", ipc_on_signal(4, &sig, sizeof(sig), &ans) == -EINVAL && nsent == 0);
    sig.code = SI_KERNEL;
    EXPECT("signal-claimed-kernel", ipc_on_signal(3, &sig, sizeof(sig), &ans) == -EINVAL && nsent == 0);
    sig.code = SI_USER;
    sig.many = 2;
    EXPECT("signal-bad-many", ipc_on_signal(3, &sig, sizeof(sig), &ans) == -EINVAL && nsent == 0);
    sig.many = 0;
    sig.sig = 0;
    EXPECT("signal-0", ipc_on_signal(3, &sig, sizeof(sig), &ans) == 0 && nsent == 0);
    sig.sig = SIGTERM;
    EXPECT("signal", ipc_on_signal(3, &sig, sizeof(sig), &ans) == 0 && nsent == 1 && sent[0].sig == SIGTERM &&
                         sent[0].pid == 3 && sent[0].code == SI_USER);

    struct ipc_setpgid sp = { .pgid = 9, .sid = 2 };
    EXPECT("setpgid-not-parent", ipc_on_setpgid(3, &sp, sizeof(sp), &ans) == -ESRCH);
    sp.sid = 3;
    EXPECT("setpgid-other-session", ipc_on_setpgid(1, &sp, sizeof(sp), &ans) == -EPERM);
    sp.sid = 2;
    ipc_execed = true;
    EXPECT("setpgid-after-exec", ipc_on_setpgid(1, &sp, sizeof(sp), &ans) == -EACCES);
    ipc_execed = false;
    sp.pgid = 0;
    EXPECT("setpgid-bad-group", ipc_on_setpgid(1, &sp, sizeof(sp), &ans) == -EINVAL);
    sp.pgid = 9;
    uint32_t gen = ipc_gen;
    EXPECT("setpgid", ipc_on_setpgid(1, &sp, sizeof(sp), &ans) == 0 && proc.pgid == 9 && ipc_gen == gen + 1 &&
                          ((struct ipc_rec *)ans.buf)->pgid == 9 && ans.len >= sizeof(struct ipc_rec));
    struct ipc_exited ex = { 4, 0 };
    EXPECT("exited-at-non-leader", ipc_on_exited(3, &ex, sizeof(ex), &ans) == -EINVAL);
    EXPECT("exit-at-non-leader", ipc_on_exit(3, &(int32_t){ 0 }, 4, &ans) == -EINVAL);
    EXPECT("lookup-at-non-leader", ipc_on_lookup(3, &(int32_t){ 4 }, 4, &ans) == -EINVAL);
}

/* Bytes that are no message close the stream they came on. */
static void hostile_stream(void)
{
    reset_world(5);
    struct fstream *s = new_stream(9);
    uint8_t junk[64];
    memset(junk, 0xff, sizeof(junk));
    memcpy(s->in, junk, sizeof(junk));
    s->in_len = sizeof(junk);
    pending[npending++] = (int)(s - streams);
    ipc_poll(NULL, 0, 0);   /* accepted */
    ipc_poll(NULL, 0, 0);   /* read: closed */
    EXPECT("junk-closes", !s->open && nsent == 0);

    /* A message whose sender is not the stream's peer. */
    s = new_stream(9);
    struct ipc_signal sig = { .sig = SIGTERM, .code = SI_USER, .pid = 4, .uid = 0 };
    put_msg(s, IPC_SIGNAL, 0, 4, &sig, sizeof(sig));
    pending[npending++] = (int)(s - streams);
    ipc_poll(NULL, 0, 0);
    ipc_poll(NULL, 0, 0);
    EXPECT("forged-sender-closes", !s->open && nsent == 0);
}

static void kill_group(void)
{
    reset_world(LEADER);
    uint8_t rec[IPC_REC_MAX];
    ipc_leader_register((void *)rec, make_rec(rec, 1, 0, 1, 1, 1, "sh", "", 0));
    ipc_leader_register((void *)rec, make_rec(rec, 3, 1, 3, 1, 0, "a", "", 0));
    ipc_leader_register((void *)rec, make_rec(rec, 4, 1, 3, 1, 0, "b", "", 0));
    ipc_leader_register((void *)rec, make_rec(rec, 6, 1, 3, 1, 0, "c", "", 0));
    ipc_leader_register((void *)rec, make_rec(rec, 7, 1, 7, 1, 0, "d", "", 0));
    ipc_leader_exit(6, 0);
    alive[3] = alive[4] = true;
    EXPECT("kill-group", ipc_kill(-3, SIGUSR1) == 0);
    int got = 0;
    for (int i = 0; i < NSTREAMS; i++) {
        struct ipc_hdr h;
        uint8_t body[IPC_BODY_MAX];
        while (streams[i].open && take_msg(&streams[i], &h, body)) {
            struct ipc_signal m;
            memcpy(&m, body, sizeof(m));
            got += h.type == IPC_SIGNAL && h.seq == 0 && m.sig == SIGUSR1 && m.pid == 1 && m.many == 1 &&
                   (streams[i].peer == 3 || streams[i].peer == 4);
        }
    }
    EXPECT("kill-group-members", got == 2);
    EXPECT("kill-group-none", ipc_kill(-99, SIGUSR1) == -ESRCH);
    EXPECT("kill-group-bad-signal", ipc_kill(-3, 99) == -EINVAL);
    EXPECT("kill-zombie", ipc_kill(6, SIGUSR1) == 0);
    EXPECT("kill-nobody", ipc_kill(12, 0) == -ESRCH);
    EXPECT("kill-self-not-here", ipc_kill(1, SIGUSR1) == -ESRCH);
    /* kill(-1): pid 7 is in the table but takes no connection. */
    EXPECT("kill-all", ipc_kill(-1, SIGUSR2) == 0);
}

/* By default the first process is pid 2 and leads, and pid 1 is an init
 * it stands in for: orphans go to the init, which reaps them at once
 * (the program neither waits for them nor hears of them), the init is in
 * lookups and lists, and takes no signal. */
static void init_stood_in(void)
{
    reset_world(2);
    ipc.leader = 2;
    uint8_t rec[IPC_REC_MAX], out[IPC_REC_MAX];
    struct ipc_rec *o = (struct ipc_rec *)out;
    struct ipc_answer answer;
    ipc_leader_register((void *)rec, make_rec(rec, 2, 1, 2, 1, 1, "sh", "", 0));
    ipc_leader_register((void *)rec, make_rec(rec, 3, 2, 2, 1, 0, "a", "", 0));
    ipc_leader_register((void *)rec, make_rec(rec, 4, 3, 2, 1, 0, "b", "", 0));
    alive[4] = true;
    ipc_leader_exit(3, 0);
    EXPECT("init-adopts", ipc_leader_lookup(4, out) > 0 && o->ppid == 1 && !ipc_is_child(4, 0));
    EXPECT("init-lookup", ipc_lookup(1, out) > 0 && o->pid == 1 && o->ppid == 0 && o->pgid == 1 && o->sid == 1 &&
                              o->state == IPC_ALIVE && !strcmp(o->comm, "init"));
    struct ipc_list_ent e[8];
    long n = ipc_list(IPC_LIST_ALL, 0, e, 8);
    EXPECT("init-listed-first", n == 4 && e[0].pid == 1 && e[1].pid == 2 && e[3].pid == 4);
    EXPECT("init-in-its-session", ipc_list(IPC_LIST_SID, 1, e, 8) == 4 && ipc_list(IPC_LIST_PGID, 1, e, 8) == 1);
    EXPECT("init-takes-no-signal", ipc_kill(1, SIGTERM) == 0 && ipc_kill(1, 99) == -EINVAL && nsent == 0);
    for (int i = 0; i < NSTREAMS; i++) {
        struct ipc_hdr h;
        uint8_t body[IPC_BODY_MAX];
        while (streams[i].open && take_msg(&streams[i], &h, body))
            EXPECT("init-no-signal-sent", h.type != IPC_SIGNAL);
    }
    EXPECT("init-reaps", ipc_on_exit(4, &(int32_t){ 0x0300 }, 4, &answer) == 0 &&
                             ipc_leader_lookup(4, out) == -ESRCH && nsent == 0);
    EXPECT("init-others", ipc_leader_others());
}

/* Answers every request on s at once. */
static void peer_answers(struct fstream *s)
{
    struct ipc_hdr h;
    uint8_t body[IPC_BODY_MAX];
    while (take_msg(s, &h, body))
        if (h.seq)
            put_reply(s, h.seq, s->peer, 0, "", 0);
    s->out_off = 0;   /* what was sent stays there for the test to read */
}

/* A child's end, as its monitor tells it (an upcall): collected at the next
 * safe point, the leader told, SIGCHLD; the program's wait finds it. */
static void children(void)
{
    reset_world(5);
    alive[1] = true;
    peer_logic = peer_answers;
    EXPECT("fork", pal->process_fork() == 8);
    child_exists[8] = child_ended_already[8] = true;
    child_status[8] = 3 << 8;
    ipc_safe_point();
    EXPECT("no-news-no-look", nsent == 0 && child_exists[8]);
    ipc_children_note_async(1);
    ipc_safe_point();
    EXPECT("settle", nsent == 1 && sent[0].sig == SIGCHLD && sent[0].code == CLD_EXITED && sent[0].pid == 8 &&
                         sent[0].status == 3);
    struct fstream *s = NULL;
    for (int i = 0; i < NSTREAMS; i++)
        if (streams[i].open && streams[i].peer == 1)
            s = &streams[i];
    struct ipc_hdr h;
    uint8_t body[IPC_BODY_MAX];
    struct ipc_exited m = { 0, 0 };
    bool registered = s && take_msg(s, &h, body) && h.type == IPC_REGISTER;
    if (registered && take_msg(s, &h, body) && h.type == IPC_EXITED)
        memcpy(&m, body, sizeof(m));
    EXPECT("leader-told-birth-then-end", registered && m.pid == 8 && m.status == 3 << 8);
    /* Job control: its stop and its going on, each taken once. */
    struct ipc_answer ans;
    struct ipc_child_state cs = { CLD_STOPPED, SIGSTOP };
    nsent = 0;
    EXPECT("child-stopped", ipc_on_child_state(8, &cs, sizeof(cs), &ans) == 0 && nsent == 1 &&
                                sent[0].sig == SIGCHLD && sent[0].code == CLD_STOPPED && sent[0].status == SIGSTOP);
    EXPECT("stranger-stopped", ipc_on_child_state(9, &cs, sizeof(cs), &ans) == -EINVAL);
    cs.code = 77;
    EXPECT("bad-state", ipc_on_child_state(8, &cs, sizeof(cs), &ans) == -EINVAL);
    int st = 0;
    EXPECT("stop-not-for-plain-wait", ipc_job_take(-1, 0, WCONTINUED, &st) == 0);
    EXPECT("stop-peeked", ipc_job_take(8, 0, WUNTRACED | WNOWAIT, &st) == 8 && st == ((SIGSTOP << 8) | 0x7f));
    EXPECT("stop-taken", ipc_job_take(8, 0, WUNTRACED, &st) == 8 && st == ((SIGSTOP << 8) | 0x7f));
    EXPECT("stop-taken-once", ipc_job_take(-1, 0, WUNTRACED, &st) == 0);
    cs = (struct ipc_child_state){ CLD_CONTINUED, SIGCONT };
    nocldstop = true;
    nsent = 0;
    EXPECT("continued-quiet", ipc_on_child_state(8, &cs, sizeof(cs), &ans) == 0 && nsent == 0);
    nocldstop = false;
    EXPECT("continued-taken", ipc_job_take(-1, 0, WCONTINUED | WUNTRACED, &st) == 8 && st == 0xffff);
    EXPECT("wnowait-peeks", ipc_wait_child(-1, 0, WEXITED | WNOHANG | WNOWAIT, &st) == 8 && st == 3 << 8);
    EXPECT("wait-after-settle", pal->process_wait(-1, 1, &st, NULL) == 8 && st == 3 << 8);
    EXPECT("wait-none-left", pal->process_wait(-1, 1, &st, NULL) == -ECHILD);
    /* Before it ends, a process makes sure the leader took all that in. */
    peer_logic = peer_answers;
    size_t before = s ? s->out_len : 0;
    ipc_sync_leader(1000000000);
    bool synced = s && s->out_len > before;
    if (synced) {
        s->out_off = before;
        synced = take_msg(s, &h, body) && h.type == IPC_SYNC && h.seq;
    }
    EXPECT("sync-before-end", synced);
    before = s ? s->out_len : 0;
    ipc_sync_leader(1000000000);
    EXPECT("no-sync-when-all-answered", s && s->out_len == before);
    /* SIGCHLD ignored: a child that ended is reaped at once, the leader
     * told of its end and then of its reaping, and no wait sees it. */
    nocldwait = true;
    nsent = 0;
    if (s)
        s->out_off = s->out_len;
    EXPECT("fork-ignored", pal->process_fork() == 8);
    child_exists[8] = child_ended_already[8] = true;
    child_status[8] = 0;
    ipc_children_note_async(1);
    ipc_safe_point();
    EXPECT("ignored-sigchld-sent", nsent == 1 && sent[0].sig == SIGCHLD && sent[0].pid == 8);
    bool exited = false, reaped = false;
    while (s && take_msg(s, &h, body)) {
        int32_t pid;
        memcpy(&pid, body, sizeof(pid));
        if (h.type == IPC_EXITED && pid == 8)
            exited = true;
        else if (h.type == IPC_REAPED && pid == 8)
            reaped = exited;
    }
    EXPECT("ignored-leader-told-end-then-reaping", reaped);
    EXPECT("ignored-no-wait-sees-it", pal->process_wait(-1, 1, &st, NULL) == -ECHILD);
    nocldwait = false;
}

/* The leader, as the test plays it for fork_signals(): to a child's
 * registration it sends signals first (a group's, and one for the parent
 * alone), then its answer. */
static void leader_signals_then_answers(struct fstream *s)
{
    static const struct {
        int sig;
        uint32_t many;
    } meanwhile[] = { { SIGTSTP, 1 }, { SIGCONT, 1 }, { SIGTERM, 1 }, { SIGUSR2, 0 } };
    struct ipc_hdr h;
    uint8_t body[IPC_BODY_MAX];
    while (s->peer == LEADER && take_msg(s, &h, body)) {
        if (h.type != IPC_REGISTER || !h.seq)
            continue;
        for (size_t i = 0; i < sizeof(meanwhile) / sizeof(meanwhile[0]); i++) {
            struct ipc_signal m = { .sig = meanwhile[i].sig, .code = SI_USER, .pid = 1, .uid = 1000,
                                    .many = meanwhile[i].many };
            put_msg(s, IPC_SIGNAL, 0, 1, &m, sizeof(m));
        }
        put_reply(s, h.seq, 1, 0, "", 0);
    }
}

/* The child's signals from its parent: {signals as a mask, how many}. */
static uint64_t passed_to(int child, int *count)
{
    uint64_t mask = 0;
    *count = 0;
    for (int i = 0; i < NSTREAMS; i++) {
        struct ipc_hdr h;
        uint8_t body[IPC_BODY_MAX];
        while (streams[i].open && streams[i].peer == child && take_msg(&streams[i], &h, body)) {
            struct ipc_signal m;
            memcpy(&m, body, sizeof(m));
            if (h.type == IPC_SIGNAL && m.pid == 5 && m.many == 1) {
                mask |= 1ull << (m.sig - 1);
                ++*count;
            }
        }
    }
    return mask;
}

/* The leader's signals for the group that come before it has a fork's
 * child are the child's too: its parent passes them on once the leader
 * answers (a stop and a SIGCONT cancel each other on the way).  One for the
 * parent alone stays the parent's, and so do a group's after the answer
 * (the leader sends it to the child itself) and another process's (which
 * may have reached the child too: the parent cannot tell). */
static void fork_signals(void)
{
    reset_world(5);
    alive[1] = alive[8] = true;
    peer_logic = leader_signals_then_answers;
    struct fstream *other = new_stream(9);
    struct ipc_signal from9 = { .sig = SIGUSR1, .code = SI_USER, .pid = 9, .uid = 1000, .many = 1 };
    put_msg(other, IPC_SIGNAL, 0, 9, &from9, sizeof(from9));
    pending[npending++] = (int)(other - streams);
    ipc_poll(NULL, 0, 0);   /* accepted, not read yet */
    EXPECT("fork-answered", pal->process_fork() == 8);
    EXPECT("fork-parent-got-all", nsent == 5);
    int n;
    uint64_t mask = passed_to(8, &n);
    EXPECT("fork-group-signals-passed", n == 2 && mask == ((1ull << (SIGCONT - 1)) | (1ull << (SIGTERM - 1))));
    struct fstream *s = NULL;
    for (int i = 0; i < NSTREAMS; i++)
        if (streams[i].open && streams[i].peer == LEADER)
            s = &streams[i];
    struct ipc_signal m = { .sig = SIGHUP, .code = SI_USER, .pid = 1, .uid = 1000, .many = 1 };
    if (s)
        put_msg(s, IPC_SIGNAL, 0, 1, &m, sizeof(m));
    ipc_poll(NULL, 0, 0);
    passed_to(8, &n);
    EXPECT("fork-later-signal-not-passed", s && nsent == 6 && n == 0);
}

/* A fresh world with a stream to a live leader, which then ends from the
 * leader's side (no goodbye): that stream. */
static struct fstream *leader_stream_ends(void)
{
    reset_world(5);
    alive[1] = true;
    struct fstream *s = NULL;
    ipc_notify(LEADER, IPC_REAPED, &(int32_t){ 8 }, 4, true);
    for (int i = 0; i < NSTREAMS; i++)
        if (streams[i].open && streams[i].peer == 1)
            s = &streams[i];
    s->eof = true;
    return s;
}

/* The leader's stream ends: a leader that takes a new one is there still;
 * one that refuses it is gone, which ends this process. */
static void leader_dies(void)
{
    if (setjmp(died) == 0) {
        leader_stream_ends();
        ipc_poll(NULL, 0, 0);
        bool again = false;
        for (int i = 0; i < NSTREAMS; i++)
            again |= streams[i].open && streams[i].peer == 1 && !streams[i].eof;
        EXPECT("leader-stream-lost-leader-there", ipc.up && again);
    } else {
        EXPECT("leader-stream-lost-leader-there", false);
    }
    if (setjmp(died) == 0) {
        leader_stream_ends();
        alive[1] = false;
        ipc_getpgid(8);
        EXPECT("leader-gone-noticed", false);
    } else {
        EXPECT("leader-gone-kills", died_by == SIGKILL && !ipc.up);
    }
    /* Refused streams to the leader say the same, after a while. */
    reset_world(5);
    if (setjmp(died) == 0) {
        ipc_getpgid(8);
        EXPECT("leader-refusing-noticed", false);
    } else {
        EXPECT("leader-refusing-kills", died_by == SIGKILL && clock_ns > 1000000000);
    }
}

/* A shared futex's wait that the monitor ended for news goes on after the
 * news is served, unless a signal came for the program. */
static void futex_waits(void)
{
    reset_world(5);
    uint32_t word = 0;
    futex_eintr = 2, futex_calls = 0, polls = 0;
    EXPECT("futex-goes-on-after-news", ipc_futex_wait(&word, 0, -1) == 0 && futex_calls == 3 && polls >= 2);
    futex_eintr = 1, futex_calls = 0;
    pending_signal = true;
    EXPECT("futex-eintr-for-a-signal", ipc_futex_wait(&word, 0, -1) == -EINTR && futex_calls == 1);
    pending_signal = false;
    futex_eintr = 0;
}

int main(void)
{
    /* Start as a process that is not the leader: it listens at once, and
     * its listener passes the switch check. */
    proc.pid = 5;
    ipc_init();
    EXPECT("init-up", ipc.up && pal != &fake_pal && npending == 0);
    framing();
    leader_table();
    untold();
    requests(0);
    requests(1);
    handlers();
    hostile_stream();
    kill_group();
    init_stood_in();
    children();
    fork_signals();
    leader_dies();
    futex_waits();
    if (failures)
        return 1;
    printf("ok test_ipc\n");
    return 0;
}
