/* The IPC protocol between library OS instances, and what the files of
 * libos/ipc/ share.
 *
 * A message is a header and a body of `length` bytes.  Every field is
 * little-endian with its natural alignment (the only hosts are x86-64).  A
 * request that wants an answer has a nonzero seq, unique among the sender's
 * requests; the answer is an IPC_REPLY with the same seq, whose body is an
 * int64 result (>= 0, or -errno) and the request type's answer.  seq 0: a
 * notification, never answered.  Bodies come from other instances of the
 * library OS, which the application's code shares an address space with:
 * every length is checked before use, and a malformed message closes its
 * stream. */
#ifndef PICOVM_IPC_WIRE_H
#define PICOVM_IPC_WIRE_H

#include "ipc/ipc.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the IPC wire format is the host's byte order");

struct ipc_hdr {
    uint32_t type;       /* IPC_* */
    uint32_t length;     /* of the body, <= IPC_BODY_MAX */
    uint64_t seq;
    int32_t src_pid;     /* must be the stream's peer */
    int32_t reserved;    /* 0 */
};
_Static_assert(sizeof(struct ipc_hdr) == 24, "IPC header is 24 bytes");

#define IPC_BODY_MAX 16384u

enum ipc_type {
    IPC_REPLY = 1,      /* { int64 result } + the answer */
    IPC_REGISTER,       /* struct ipc_rec + strings: a process's entry at the leader */
    IPC_EXIT,           /* { int32 status }: an orphan ends (answered, so it is not lost) */
    IPC_REAPED,         /* { int32 pid }: the sender waited for its child pid */
    IPC_EXITED,         /* struct ipc_exited: parent to leader, its child ended */
    IPC_LOOKUP,         /* { int32 pid } -> struct ipc_rec + strings */
    IPC_LIST,           /* struct ipc_list_req -> ipc_list_ent[] */
    IPC_SIGNAL,         /* struct ipc_signal */
    IPC_SETPGID,        /* struct ipc_setpgid -> struct ipc_rec + strings (the changed entry) */
    IPC_BYE,            /* the stream is closed on purpose (not the sender's death) */
    IPC_REPARENT,       /* leader to an orphan: its parent ended, the init (pid 1) is its parent now */
    IPC_SYNC,           /* answered once the messages sent before it are taken in */
    IPC_CHILD_STATE,    /* struct ipc_child_state: child to parent, it stopped or went on */
    IPC_NTYPES
};

enum { IPC_ALIVE = 1, IPC_ZOMBIE = 2 };   /* ipc_rec.state */
/* ipc_rec.flags.  IPC_REC_UNTOLD, the leader's own mark: the process spoke
 * for itself before its parent's registration of it came, and is left out
 * of lists until then, so that a signal for its group reaches it either
 * from the leader or from its parent's fork (kill.c), never both. */
/* IPC_REC_EXECED: it ran execve since its fork, so that its parent's
 * setpgid is refused without asking it (it may be blocked, not answering). */
enum { IPC_REC_STOPPED = 1, IPC_REC_UNTOLD = 2, IPC_REC_EXECED = 4 };

/* A process as the leader knows it; exe and cmdline (NUL-separated
 * arguments) follow, exe_len and cmdline_len bytes. */
struct ipc_rec {
    int32_t pid, ppid, pgid, sid;
    uint32_t uid, state;       /* IPC_ALIVE or IPC_ZOMBIE */
    /* Bumped by the process at each change it makes: an older entry (the
     * parent's at fork, sent on another stream) never replaces a newer. */
    uint32_t gen;
    int32_t exit_status;       /* IPC_ZOMBIE: its wait status */
    uint64_t start_ns;         /* monotonic clock at fork or start */
    char comm[16];             /* NUL-terminated */
    uint16_t exe_len, cmdline_len;
    uint32_t flags;            /* IPC_REC_STOPPED (alive, and stopped by job control), IPC_REC_UNTOLD, IPC_REC_EXECED */
};
_Static_assert(sizeof(struct ipc_rec) == 64, "ipc_rec layout");
#define IPC_EXE_MAX     256u
#define IPC_CMDLINE_MAX 1024u
#define IPC_REC_MAX     (sizeof(struct ipc_rec) + IPC_EXE_MAX + IPC_CMDLINE_MAX)

enum ipc_list_by { IPC_LIST_ALL, IPC_LIST_PGID, IPC_LIST_SID };
struct ipc_list_req {
    int32_t by, id;
};
struct ipc_list_ent {
    int32_t pid;
    uint32_t state;
    int32_t pgid, sid;
};
#define IPC_LIST_MAX ((IPC_BODY_MAX - 8) / sizeof(struct ipc_list_ent))

struct ipc_exited {
    int32_t pid;               /* a child of the sender */
    int32_t status;            /* its wait status */
};

struct ipc_child_state {
    int32_t code;              /* CLD_STOPPED or CLD_CONTINUED */
    int32_t sig;               /* the signal that did it */
};

/* Wait statuses of a child that stopped, or went on (Linux's encoding). */
#define WAIT_STOPPED(sig) (((sig) << 8) | 0x7f)
#define WAIT_CONTINUED 0xffff
static inline bool wait_status_is_job(int status) { return (status & 0xff) == 0x7f || status == WAIT_CONTINUED; }

struct ipc_signal {
    int32_t sig, code;         /* code: SI_USER */
    int32_t pid;               /* the sender */
    uint32_t uid;
    uint32_t many;             /* 1: sent to a group or to all, 0: to this process alone */
};

struct ipc_setpgid {
    int32_t pgid;              /* > 0 */
    int32_t sid;               /* the caller's session */
};

/* The parent of the first process and of orphans.  By default no VM runs
 * it: the leader (the first process, pid 2) stands in for it (init.c);
 * with picovm.init = false the first process is pid 1 and leads. */
#define IPC_INIT 1

/* ---- between the files of libos/ipc ---- */

/* What a handler answers a request with: result and answer bytes. */
struct ipc_answer {
    uint8_t buf[IPC_BODY_MAX - 8];
    uint32_t len;
};
/* A message from pid (the stream's peer): body has len bytes (checked
 * against the type's fixed part by the caller).  For a request, -> the
 * result and *ans the answer; for a notification the result is dropped. */
typedef long (*ipc_handler)(int from, const void *body, uint32_t len, struct ipc_answer *ans);

/* conn.c: streams, framing and the receive loop. */
struct ipc_state {
    bool up;                   /* listening: another process may exist */
    bool exiting;              /* our exit is under way: losing the leader is no news */
    int pid;                   /* ours (proc.pid may lag during fork) */
    int leader;                /* the first process's pid, which keeps the process table */
    const struct pal_ops *lower;   /* the PAL under the stacked table */
};
extern struct ipc_state ipc;

/* Framing: of the n bytes at buf, is a whole valid message there?  -> its
 * size (header and body), 0 if more bytes are needed, -EPROTO if it can
 * never be valid. */
long ipc_frame_size(const void *buf, size_t n);
/* Starts the listener (once) and checks that streams get through: 0 or
 * the PAL's error (-ENODEV: no vsock). */
long ipc_listen(void);
/* pid was waited for: a stream to it (which may outlive it briefly) goes. */
void ipc_forget(int pid);
/* Before a long wait: a stream to the leader, whose loss wakes us. */
void ipc_keep_leader(void);
/* After a fork, in the child: the parent's streams are gone. */
void ipc_conn_forked(void);
/* Sends a notification (seq 0) to pid: 0 or -errno (-ESRCH: nobody
 * there).  expect_alive as for ipc_request. */
long ipc_notify(int pid, uint32_t type, const void *body, uint32_t len, bool expect_alive);
/* Sends a request and serves other messages until its answer comes: ->
 * the answer's result (the answer in out, *out_len its length), -ESRCH
 * when pid is not there or its stream broke, -ETIMEDOUT after timeout_ns
 * (0: none).  expect_alive: pid is known to exist (just forked: its
 * monitor may not listen yet), so a refused connection is tried again for
 * a while.  Handlers never call it: they answer from what they know. */
long ipc_request(int pid, uint32_t type, const void *body, uint32_t len, void *out, uint32_t out_max,
                 uint32_t *out_len, uint64_t timeout_ns, bool expect_alive);
/* Waits up to timeout_ns (< 0: forever, 0: a look) for messages on our
 * streams alone or together with the caller's fds (nfds may be 0), and
 * handles those that came.  -> as pal->stream_poll for fds (0 also when
 * only messages came), with -EINTR when a message brought a signal. */
long ipc_poll(struct pal_poll *fds, int nfds, long long timeout_ns);
/* Returns once the leader has taken in what we sent it (a process about
 * to end: its VM takes messages still on their way with it). */
void ipc_sync_leader(uint64_t timeout_ns);
long ipc_on_sync(int from, const void *body, uint32_t len, struct ipc_answer *ans);
/* The handler of each message type (NULL: refused). */
extern const ipc_handler ipc_handlers[IPC_NTYPES];
/* The fixed part of each type's body, checked before its handler runs. */
extern const uint32_t ipc_min_len[IPC_NTYPES];
/* The leader is gone: the application is over for this process too. */
__attribute__((noreturn)) void ipc_leader_gone(void);

/* leader.c: the leader's table. */
long ipc_leader_register(const struct ipc_rec *rec, uint32_t len);
void ipc_leader_exit(int pid, int status);
void ipc_leader_reaped(int pid);
/* Does the table hold any process but the leader (alive, or a zombie not yet reaped)? */
bool ipc_leader_others(void);
/* Drops the entries of processes gone without a word that no parent will end. */
void ipc_leader_prune(void);
/* An entry with its strings into out (IPC_REC_MAX bytes): its length, or -ESRCH. */
long ipc_leader_lookup(int pid, void *out);
/* Entries matching by/id into out (max of them): how many. */
int ipc_leader_list(int by, int id, struct ipc_list_ent *out, int max);
void ipc_leader_reset(void);
/* A record from the leader (asked, or the leader's own table): length or -ESRCH. */
long ipc_lookup(int pid, void *out);
/* The entries matching by/id (max of them), or -errno. */
long ipc_list(int by, int id, struct ipc_list_ent *out, int max);
/* Tells the leader about a record (ours, or a child's at fork). */
void ipc_register(const void *rec, uint32_t len, bool wait);
/* Checks a record's strings and lengths: true if rec (len bytes) is well formed. */
bool ipc_rec_ok(const struct ipc_rec *rec, uint32_t len);
long ipc_on_register(int from, const void *body, uint32_t len, struct ipc_answer *ans);
long ipc_on_exit(int from, const void *body, uint32_t len, struct ipc_answer *ans);
long ipc_on_reaped(int from, const void *body, uint32_t len, struct ipc_answer *ans);
long ipc_on_exited(int from, const void *body, uint32_t len, struct ipc_answer *ans);
/* A stream from pid ended without its goodbye: an orphan of ours that
 * ended before it learnt it was one (and so never said) has ended. */
void ipc_leader_peer_lost(int pid);
long ipc_on_lookup(int from, const void *body, uint32_t len, struct ipc_answer *ans);
long ipc_on_list(int from, const void *body, uint32_t len, struct ipc_answer *ans);

/* init.c: pid 1 when the leader stands in for it. */
bool ipc_init_stood_in(void);
/* Its record with its strings into out (IPC_REC_MAX bytes): its length. */
uint32_t ipc_init_rec(void *out);
/* It as the first entry of a list by/id, if it matches and max allows: 1, or 0. */
int ipc_init_list(int by, int id, struct ipc_list_ent *out, int max);

/* kill.c */
long ipc_on_signal(int from, const void *body, uint32_t len, struct ipc_answer *ans);
/* A fork's parent, from its child's birth to the leader's answer to the
 * child's registration: the leader's signals for a group or for all that
 * come meanwhile are the child's too (see there); ipc_fork_signals_pass
 * ends that and sends them to child. */
void ipc_fork_signals_begin(void);
void ipc_fork_signals_pass(int child);

/* pgrp.c */
long ipc_on_setpgid(int from, const void *body, uint32_t len, struct ipc_answer *ans);

/* proc.c: this process's own record. */
extern uint32_t ipc_gen;      /* changes made so far (ipc_rec.gen) */
extern bool ipc_execed;       /* execve since the fork (setpgid answers EACCES) */
extern uint64_t ipc_start_ns; /* monotonic clock at our start or fork */
/* Our record with its strings into out (IPC_REC_MAX bytes): its length. */
uint32_t ipc_self_rec(void *out);

/* life.c: the stacked PAL and children that are ending. */
long ipc_on_reparent(int from, const void *body, uint32_t len, struct ipc_answer *ans);
/* Orphans the first process takes over as pid 1 (picovm.init = false): it
 * learns their end from their EXIT message,
 * since their monitor's parent, which would have waited, is gone. */
void ipc_adopt(int pid);
void ipc_adopt_reset(void);   /* with the leader's table (ipc_leader_reset) */
bool ipc_adopted_exit(int pid, int status);
/* Children that ended are collected from the monitor, the leader is told
 * and SIGCHLD comes: -> whether one ended. */
bool ipc_children_settle(void);
/* pid (-1: any) or any in group pgid (> 0) is a child of ours, alive or not reaped. */
bool ipc_is_child(int pid, int pgid);

/* jobs.c: children that stopped or went on, for wait's WUNTRACED and
 * WCONTINUED. */
long ipc_on_child_state(int from, const void *body, uint32_t len, struct ipc_answer *ans);
/* A change of a child matching pid/pgid that options ask for: its pid and
 * status, 0 if none; it is forgotten unless options has WNOWAIT. */
long ipc_job_take(long pid, int pgid, int options, int *status);
/* What the signal room asks of the other processes, given to it at start. */
extern const struct signal_peers ipc_signal_peers;
void ipc_job_forget(int pid);   /* the child was reaped */
void ipc_job_reset(void);       /* a forked process: none of its parent's */
/* The same, if an upcall said children ended. */
bool ipc_children_news(void);
/* Starts IPC for real (listen, stack the PAL): 0 or -errno. */
long ipc_start(void);

#endif
