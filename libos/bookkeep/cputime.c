/* CPU-time accounting, measured by the guest (cputime.h).
 *
 * The vCPU runs the picoprocess and nothing else, so the time it runs is
 * the process's CPU time: the monotonic clock (the TSC, read without an
 * exit) less the time spent in PAL calls that may block on the host
 * (sleeps, polls, futex and child waits, stream reads and writes, which
 * wait on pipes and sockets, vsock connections, record locks).  That time
 * is split as Linux splits it: from system-call entry to exit is system
 * time, the rest user time.  Approximations, all small for a CPU-bound
 * program: page faults, signal delivery and upcalls count as user time;
 * the host's work in a stream call that did not block (a file read from
 * the page cache) counts as neither; time the host takes the vCPU away
 * from us (preemption, exits for other reasons) counts as ours.
 *
 * The measuring sits in a PAL table stacked under the IPC layer's, so the
 * IPC layer's own waits are excluded too.  A child's time (and largest
 * resident set) comes with its status from the PAL's process_wait, and is
 * kept here until the program waits for it (the IPC layer may collect a
 * status long before). */
#include "libos.h"
#include "bookkeep/cputime.h"
#include <linux/resource.h>

#define MAX_ENDED 64

static const struct pal_ops *lower;
static struct pal_ops stacked;

static struct {
    uint64_t mark;       /* when the stretch not charged yet began */
    bool in_sys;         /* between system-call entry and exit */
    int blocked;         /* nesting of blocking PAL calls */
    struct cpu_times self, children;
    uint64_t children_maxrss_kb;
    struct {
        int pid;
        struct cpu_times t;
        uint64_t maxrss_kb;
    } ended[MAX_ENDED];    /* children collected, not waited for by the program yet */
    int nended;
} acct;

/* Charges the time since the mark to the running mode, unless blocked. */
static void charge(void)
{
    uint64_t now = lower->time_monotonic_ns();
    uint64_t d = now > acct.mark ? now - acct.mark : 0;
    if (!acct.blocked) {
        if (acct.in_sys)
            acct.self.sys_ns += d;
        else
            acct.self.user_ns += d;
    }
    acct.mark = now;
}

static void block_begin(void)
{
    charge();
    acct.blocked++;
}

static void block_end(void)
{
    charge();
    acct.blocked--;
}

void cputime_syscall_enter(void)
{
    charge();
    acct.in_sys = true;
}

void cputime_syscall_exit(void)
{
    charge();
    acct.in_sys = false;
}

struct cpu_times cputime_self(void)
{
    charge();
    return acct.self;
}

struct cpu_times cputime_children(void) { return acct.children; }
uint64_t cputime_children_maxrss(void) { return acct.children_maxrss_kb; }

struct cpu_times cputime_ended_child(int pid, bool reap, uint64_t *maxrss_kb)
{
    *maxrss_kb = 0;   /* an adopted orphan, or more ended than we keep */
    for (int i = 0; i < acct.nended; i++)
        if (acct.ended[i].pid == pid) {
            struct cpu_times t = acct.ended[i].t;
            *maxrss_kb = acct.ended[i].maxrss_kb;
            if (!reap)
                return t;
            acct.ended[i] = acct.ended[--acct.nended];
            acct.children.user_ns += t.user_ns;
            acct.children.sys_ns += t.sys_ns;
            acct.children_maxrss_kb = MAX(acct.children_maxrss_kb, *maxrss_kb);
            return t;
        }
    return (struct cpu_times){ 0, 0 };
}

void cputime_drop_child(int pid)
{
    for (int i = 0; i < acct.nended; i++)
        if (acct.ended[i].pid == pid) {
            acct.ended[i] = acct.ended[--acct.nended];
            return;
        }
}

void cputime_rusage(struct cpu_times t, struct rusage *ru)
{
    memset(ru, 0, sizeof(*ru));
    ru->ru_utime.tv_sec = (long)(t.user_ns / 1000000000ull);
    ru->ru_utime.tv_usec = (long)(t.user_ns % 1000000000ull / 1000);
    ru->ru_stime.tv_sec = (long)(t.sys_ns / 1000000000ull);
    ru->ru_stime.tv_usec = (long)(t.sys_ns % 1000000000ull / 1000);
}

/* A forked child starts with no time of its own and no children's. */
static long timed_fork(void)
{
    long r = lower->process_fork();
    if (r == 0) {
        acct.self = acct.children = (struct cpu_times){ 0, 0 };
        acct.children_maxrss_kb = 0;
        acct.nended = 0;
        acct.mark = lower->time_monotonic_ns();
    }
    return r;
}

/* rt_sigreturn goes back to the program this way, not through the dispatcher's end. */
static __attribute__((noreturn)) void timed_resume(const struct pal_context *ctx)
{
    cputime_syscall_exit();
    lower->resume(ctx);
}

#define BLOCKING(call)        \
    ({                        \
        block_begin();        \
        long r_ = (call);     \
        block_end();          \
        r_;                   \
    })

static long timed_wait(long pid, int nohang, int *status, struct pal_usage *usage)
{
    struct pal_usage u = { 0, 0, 0 };
    long r = BLOCKING(lower->process_wait(pid, nohang, status, &u));
    if (r > 0 && acct.nended < MAX_ENDED)
        acct.ended[acct.nended++] = (typeof(acct.ended[0])){ (int)r, { u.user_ns, u.sys_ns }, u.maxrss_kb };
    if (usage)
        *usage = u;
    return r;
}

static long timed_poll(struct pal_poll *fds, int n, long long timeout_ns)
{
    return BLOCKING(lower->stream_poll(fds, n, timeout_ns));
}

static long timed_lock(long handle, int cmd, void *flock)
{
    return BLOCKING(lower->stream_lock(handle, cmd, flock));
}

static long timed_accept(long listener, uint32_t *peer_cid)
{
    return BLOCKING(lower->vsock_accept(listener, peer_cid));
}

static long timed_connect(uint32_t cid, uint32_t port)
{
    return BLOCKING(lower->vsock_connect(cid, port));
}

static long timed_read(long handle, void *buf, size_t len, long long offset)
{
    return BLOCKING(lower->stream_read(handle, buf, len, offset));
}

static long timed_write(long handle, const void *buf, size_t len, long long offset)
{
    return BLOCKING(lower->stream_write(handle, buf, len, offset));
}

static long timed_sleep(uint64_t ns)
{
    return BLOCKING(lower->sleep_ns(ns));
}

static long timed_futex_wait(uint32_t *uaddr, uint32_t val, int64_t timeout_ns)
{
    return BLOCKING(lower->futex_wait(uaddr, val, timeout_ns));
}

void cputime_init(void)
{
    lower = pal;
    stacked = *pal;
    stacked.process_fork = timed_fork;
    stacked.process_wait = timed_wait;
    stacked.stream_poll = timed_poll;
    stacked.stream_lock = timed_lock;
    stacked.vsock_accept = timed_accept;
    stacked.vsock_connect = timed_connect;
    stacked.stream_read = timed_read;
    stacked.stream_write = timed_write;
    stacked.sleep_ns = timed_sleep;
    stacked.futex_wait = timed_futex_wait;
    stacked.resume = timed_resume;
    pal = &stacked;
    /* What the library OS did to start the program is the program's system time. */
    acct.mark = pal_state->boot_monotonic_ns;
    acct.in_sys = true;
}
