/* The PAL's calls to the monitor: how one is made, and every PAL function
 * that is one call.
 *
 * A call publishes the request in this vCPU's slot of the call page, wakes
 * the monitor's server thread only if it is asleep, then spins for the
 * answer.  A call that is still unanswered after WAIT_AFTER_US (a read of
 * the console, a sleep) parks the vCPU in the monitor instead of burning a
 * host core.  On the way out, events the monitor posted meanwhile (a signal)
 * go to the upcall handler (upcall.c).  Pointers go to the monitor as they
 * are: guest memory is identity-mapped, so an address is its GPA, and the
 * monitor checks every range.  URIs are checked by the monitor's policy. */
#include "pal_kvm.h"
#include "layout.h"
#include "percpu.h"

#define WAIT_AFTER_US 100

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

long hcall(unsigned int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return hcall_parked(nr, a0, a1, a2, a3, false);
}

/* Calls that may wait in the monitor for long: the library OS's other
 * threads go on meanwhile. */
static bool may_wait(unsigned int nr)
{
    switch (nr) {
    case HC_SLEEP: case HC_FUTEX: case HC_POLL: case HC_READ: case HC_WRITE: case HC_PROC_WAIT:
    case HC_OPEN: case HC_LOCK:
        return true;
    default:
        return false;
    }
}

/* A call of up to six arguments (HC_EXIT has five, HC_FUTEX's requeues six, the others at most four). */
static long hcall6(unsigned int nr, const uint64_t a[6], bool park)
{
    bool left = may_wait(nr) && pal_wait_begin();
    struct hc_page *page = (struct hc_page *)GPA_CALLPAGE;
    uint64_t id = this_cpu()->vcpu_id;
    struct hc_slot *s = &page->slot[id];
    s->nr = nr;
    for (int i = 0; i < 6; i++)
        s->args[i] = a[i];
    __atomic_store_n(&s->state, HC_REQ, __ATOMIC_RELEASE);
    /* Pairs with the server's fence between clearing server_awake and its
     * last scan: either it sees our request or we see it asleep. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!__atomic_load_n(&s->server_awake, __ATOMIC_ACQUIRE))
        outb(PORT_DOORBELL, (uint8_t)id);
    uint64_t deadline = park ? 0 : rdtsc() + pal_bootinfo->tsc_khz * WAIT_AFTER_US / 1000;
    while (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != HC_DONE) {
        if (rdtsc() > deadline) {
            outb(PORT_WAIT, 0);
            deadline = ~0ull;
        }
        cpu_relax();
    }
    long ret = s->ret;
    __atomic_store_n(&s->state, HC_FREE, __ATOMIC_RELEASE);
    pal_wait_end(left);
    pal_upcall_after_call();
    return ret;
}

long hcall_parked(unsigned int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, bool park)
{
    const uint64_t a[6] = { a0, a1, a2, a3, 0, 0 };
    return hcall6(nr, a, park);
}

/* Streams: host files and pipes are the monitor's; vsock streams this PAL's own (vsock_stream.c). */

long kvm_stream_open(const char *uri, int flags, int mode)
{
    return hcall(HC_OPEN, (uint64_t)uri, strlen(uri) + 1, flags, mode);
}

long kvm_stream_close(long h) { return vsock_handle(h) ? vsock_close(h) : hcall(HC_CLOSE, h, 0, 0, 0); }

long kvm_stream_read(long h, void *buf, size_t len, long long off)
{
    if (vsock_handle(h))
        return vsock_read(h, buf, len, off);
    return hcall(HC_READ, h, (uint64_t)buf, len, (uint64_t)off);
}

long kvm_stream_write(long h, const void *buf, size_t len, long long off)
{
    if (vsock_handle(h))
        return vsock_write(h, buf, len, off);
    return hcall(HC_WRITE, h, (uint64_t)buf, len, (uint64_t)off);
}

long kvm_stream_seek(long h, long long off, int whence) { return hcall(HC_SEEK, h, off, whence, 0); }
long kvm_stream_attr(long h, struct pal_stat *st) { return hcall(HC_FSTAT, h, (uint64_t)st, 0, 0); }

long kvm_stream_attr_uri(const char *uri, struct pal_stat *st, int nofollow)
{
    return hcall(HC_STAT, (uint64_t)uri, strlen(uri) + 1, (uint64_t)st, nofollow);
}

long kvm_stream_set_length(long h, long long len) { return hcall(HC_TRUNCATE, h, len, 0, 0); }
long kvm_stream_flush(long h) { return hcall(HC_FSYNC, h, 0, 0, 0); }
long kvm_stream_readdir(long h, void *buf, size_t len) { return hcall(HC_GETDENTS, h, (uint64_t)buf, len, 0); }

long kvm_stream_mkdir(const char *uri, int mode)
{
    return hcall(HC_MKDIR, (uint64_t)uri, strlen(uri) + 1, mode, 0);
}

long kvm_stream_delete(const char *uri, int is_dir)
{
    return hcall(HC_UNLINK, (uint64_t)uri, strlen(uri) + 1, is_dir, 0);
}

long kvm_stream_rename(const char *uri, const char *new_uri)
{
    return hcall(HC_RENAME, (uint64_t)uri, strlen(uri) + 1, (uint64_t)new_uri, strlen(new_uri) + 1);
}

long kvm_stream_link(const char *uri, const char *new_uri)
{
    return hcall(HC_LINK, (uint64_t)uri, strlen(uri) + 1, (uint64_t)new_uri, strlen(new_uri) + 1);
}

long kvm_stream_link_file(long handle, const char *new_uri)
{
    return hcall(HC_LINK_FILE, (uint64_t)handle, (uint64_t)new_uri, strlen(new_uri) + 1, 0);
}

long kvm_stream_mkfifo(const char *uri, int mode)
{
    return hcall(HC_MKFIFO, (uint64_t)uri, strlen(uri) + 1, mode, 0);
}

long kvm_stream_readlink(const char *uri, char *buf, size_t len)
{
    return hcall(HC_READLINK, (uint64_t)uri, strlen(uri) + 1, (uint64_t)buf, len);
}

long kvm_stream_symlink(const char *target, const char *uri)
{
    return hcall(HC_SYMLINK, (uint64_t)target, strlen(target) + 1, (uint64_t)uri, strlen(uri) + 1);
}

long kvm_stream_set_attr(const char *uri, const struct pal_attr *attr, int nofollow)
{
    return hcall(HC_SETATTR, (uint64_t)uri, strlen(uri) + 1, (uint64_t)attr, nofollow);
}

long kvm_stream_tty(long h, int op, void *buf) { return hcall(HC_TTY, h, op, (uint64_t)buf, 0); }

long kvm_stream_statfs(const char *uri, struct pal_statfs *sf)
{
    return hcall(HC_STATFS, (uint64_t)uri, strlen(uri) + 1, (uint64_t)sf, 0);
}

long kvm_stream_allocate(long h, int mode, long long offset, long long len)
{
    return hcall(HC_FALLOCATE, h, (uint64_t)(unsigned int)mode, (uint64_t)offset, (uint64_t)len);
}

long kvm_stream_lock(long h, int cmd, void *flock) { return hcall(HC_LOCK, h, cmd, (uint64_t)flock, 0); }
long kvm_stream_flock(long h, int op) { return hcall(HC_FLOCK, h, (uint64_t)(unsigned int)op, 0, 0); }
long kvm_stream_lease(long h, int type, unsigned int break_s)
{
    return hcall(HC_LEASE, h, (uint64_t)(unsigned int)type, break_s, 0);
}
long kvm_stream_async(long h, int op) { return hcall(HC_ASYNC, h, (uint64_t)(unsigned int)op, 0, 0); }

long kvm_stream_pipe(long handles[2], int flags)
{
    /* On the stack: guest memory is identity mapped, so its address is the GPA. */
    int64_t h[2];
    long r = hcall(HC_PIPE, (uint64_t)h, (uint64_t)(unsigned int)flags, 0, 0);
    if (r == 0) {
        handles[0] = h[0];
        handles[1] = h[1];
    }
    return r;
}

long kvm_stream_eventfd(unsigned int count, int flags)
{
    return hcall(HC_EVENTFD, count, (uint64_t)(unsigned int)flags, 0, 0);
}

long kvm_stream_timerfd(int clock) { return hcall(HC_TIMERFD, (uint64_t)(unsigned int)clock, 0, 0, 0); }

long kvm_stream_timerfd_set(long h, int flags, const struct pal_itimerspec *new_value, struct pal_itimerspec *old)
{
    return hcall(HC_TIMERFD_SET, h, (uint64_t)(unsigned int)flags, (uint64_t)new_value, (uint64_t)old);
}

long kvm_stream_timerfd_get(long h, struct pal_itimerspec *cur) { return hcall(HC_TIMERFD_GET, h, (uint64_t)cur, 0, 0); }

long kvm_stream_pipe_size(long h, unsigned long size) { return hcall(HC_PIPE_SIZE, h, size, 0, 0); }

long kvm_stream_nread(long handle)
{
    return vsock_handle(handle) ? vsock_nread(handle) : hcall(HC_NREAD, handle, 0, 0, 0);
}

/* Processes: fork by snapshot, waiting for and killing children, the end. */

long kvm_process_fork(void)
{
    /* Parked at once: the monitor snapshots a vCPU that is not running. */
    long r = hcall_parked(HC_FORK, 0, 0, 0, 0, true);
    if (r == 0)
        pal_state_after_fork();
    return r;
}

long kvm_process_wait(long pid, int nohang, int *status, struct pal_usage *usage)
{
    struct hc_wait_result r;
    long ret = hcall(HC_PROC_WAIT, (uint64_t)pid, nohang, (uint64_t)&r, 0);
    if (ret < 0)
        return ret;
    *status = (int)r.status;
    if (usage)
        *usage = (struct pal_usage){ r.user_ns, r.sys_ns, r.maxrss_kb };
    return (long)r.pid;
}

long kvm_process_kill(long pid, int host_signal) { return hcall(HC_PROC_KILL, (uint64_t)pid, host_signal, 0, 0); }
long kvm_process_state(long pid) { return hcall(HC_PROC_STATE, (uint64_t)pid, 0, 0, 0); }

__attribute__((noreturn)) void kvm_process_exit(int status, const struct pal_crash *crash,
                                                const struct pal_usage *usage)
{
    struct pal_usage none = { 0, 0, 0 };
    if (!usage)
        usage = &none;
    const uint64_t a[6] = { (unsigned int)status, (uint64_t)crash, usage->user_ns, usage->sys_ns, usage->maxrss_kb, 0 };
    for (;;)
        hcall6(HC_EXIT, a, true);
}

/* Memory, time, randomness, the alarm, the log. */

void kvm_release_frames(uint64_t pa, uint64_t len) { hcall(HC_VM_FREE, pa, len, 0, 0); }

uint64_t kvm_grow_memory(uint64_t end)
{
    long r = hcall(HC_VM_GROW, end, 0, 0, 0);
    return r < 0 ? 0 : (uint64_t)r;
}
long kvm_sleep_ns(uint64_t ns) { return hcall(HC_SLEEP, ns, 0, 0, 0); }

long kvm_futex_wait(uint32_t *uaddr, uint32_t val, int64_t timeout_ns)
{
    return hcall(HC_FUTEX, HC_FUTEX_WAIT, (uint64_t)uaddr, val, (uint64_t)timeout_ns);
}

long kvm_futex_wake(uint32_t *uaddr, int count) { return hcall(HC_FUTEX, HC_FUTEX_WAKE, (uint64_t)uaddr, 0, count); }

long kvm_futex_requeue(int op, uint32_t *uaddr, int nr_wake, int nr_move, uint32_t *uaddr2, uint32_t val3)
{
    const uint64_t a[6] = { (uint64_t)op, (uint64_t)uaddr, (uint64_t)nr_wake, (uint64_t)nr_move, (uint64_t)uaddr2, val3 };
    return hcall6(HC_FUTEX, a, false);
}
long kvm_random_bytes(void *buf, size_t len) { return hcall(HC_RANDOM, (uint64_t)buf, len, 0, 0); }

long kvm_set_alarm(uint64_t ns, uint64_t interval_ns)
{
    return hcall(HC_SET_ALARM, ns, interval_ns, 0, 0);
}

void kvm_debug_log(int level, const char *buf, size_t len)
{
    hcall(HC_LOG, level, (uint64_t)buf, len, 0);
}
