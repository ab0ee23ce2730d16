/* The PAL server: a monitor thread per vCPU that serves that vCPU's call
 * slot through the call table the rooms fill at setup, and the handle table
 * those calls name host fds by.  One each, so that a call that blocks (a
 * read of a pipe, a futex wait) holds up only the thread that made it.
 *
 * While work keeps coming it spins on its slot (a call then costs a
 * shared-memory round trip, ~0.1 us here instead of a ~26 us exit); after
 * SPIN_NS without a request it clears the slot's server_awake and sleeps on
 * its vCPU's doorbell eventfd, which the guest rings without an exit
 * (ioeventfd).
 *
 * Handles: small integers naming host fds the guest opened through policy.
 * Calls may be served on several threads at once, so a call holds a
 * reference on its handle while it uses the fd: a concurrent close only
 * marks the slot, and the fd is closed (and its number can be reused by the
 * host) once the last user lets go.  Without that, a racing close plus an
 * unrelated host open could point a guest read at a monitor-internal fd. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <sched.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "pal_server.h"
#include "kvm/vm.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/thread.h"
#include "hypercall.h"

#define SPIN_NS 1000000

/* The calls this monitor serves, filled by the rooms at setup. */
static struct pal_call calls[HC_NR_CALLS];

struct handle {
    int fd;
    unsigned refs;     /* calls using fd right now */
    bool open;         /* the guest may still name it */
    bool owned;        /* closing the handle closes fd (not so for the monitor's stdio) */
};

/* Handles 0-2 are the monitor's stdio: the guest may close them, which frees
 * the slot but never closes the monitor's own stdin/stdout/stderr. */
static struct handle table[HC_MAX_HANDLES] = {
    [0] = { .fd = 0, .open = true },
    [1] = { .fd = 1, .open = true },
    [2] = { .fd = 2, .open = true },
};
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

/* Called with table_lock held: the fd to close now, or -1. */
static int release_if_unused(struct handle *h)
{
    if (h->open || h->refs)
        return -1;
    int fd = h->owned ? h->fd : -1;
    h->owned = false;
    return fd;
}

int handle_alloc(int host_fd)
{
    if (host_fd < 0)
        return -EBADF;
    int ret = -EMFILE;
    pthread_mutex_lock(&table_lock);
    for (int i = 0; i < HC_MAX_HANDLES; i++) {
        if (!table[i].open && !table[i].refs) {
            table[i] = (struct handle){ .fd = host_fd, .open = true, .owned = true };
            ret = i;
            break;
        }
    }
    pthread_mutex_unlock(&table_lock);
    return ret;
}

int handle_get(int64_t handle)
{
    if (handle < 0 || handle >= HC_MAX_HANDLES)
        return -EBADF;
    int ret = -EBADF;
    pthread_mutex_lock(&table_lock);
    struct handle *h = &table[handle];
    if (h->open) {
        h->refs++;
        ret = h->fd;
    }
    pthread_mutex_unlock(&table_lock);
    return ret;
}

void handle_put(int64_t handle)
{
    pthread_mutex_lock(&table_lock);
    struct handle *h = &table[handle];
    h->refs--;
    int fd = release_if_unused(h);
    pthread_mutex_unlock(&table_lock);
    if (fd >= 0)
        close(fd);
}

int handle_free(int64_t handle)
{
    if (handle < 0 || handle >= HC_MAX_HANDLES)
        return -EBADF;
    pthread_mutex_lock(&table_lock);
    struct handle *h = &table[handle];
    bool was_open = h->open;
    h->open = false;
    int fd = release_if_unused(h);
    pthread_mutex_unlock(&table_lock);
    if (fd >= 0)
        close(fd);
    return was_open ? 0 : -EBADF;
}

void handles_close_all(void)
{
    for (int i = 0; i < HC_MAX_HANDLES; i++)
        handle_free(i);
}

void pal_register(unsigned nr, hc_handler fn) { calls[nr] = (struct pal_call){ .fn = fn }; }
void pal_register_fd(unsigned nr, hc_fd_handler fn) { calls[nr] = (struct pal_call){ .on_fd = fn }; }
void pal_register_vcpu(unsigned nr, hc_vcpu_call fn) { calls[nr] = (struct pal_call){ .on_vcpu = fn }; }

int64_t pal_call(struct vm *vm, unsigned nr, const uint64_t args[6])
{
    const struct pal_call *c = nr < HC_NR_CALLS ? &calls[nr] : NULL;
    if (c && c->fn)
        return c->fn(vm, args);
    if (!c || !c->on_fd)
        return -ENOSYS;
    int fd = handle_get((int64_t)args[0]);
    if (fd < 0)
        return fd;
    int64_t ret = c->on_fd(vm, fd, args);
    handle_put((int64_t)args[0]);
    return ret;
}

static struct hc_page *call_page(struct vm *vm) { return (struct hc_page *)(vm->ram + GPA_CALLPAGE); }

static void futex_wake(volatile unsigned int *word)
{
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

void pal_server_answer(struct hc_slot *slot, int64_t ret)
{
    slot->ret = ret;
    __atomic_store_n(&slot->state, HC_DONE, __ATOMIC_SEQ_CST);
}

/* The vCPU whose calls this thread serves (NULL on other threads). */
static __thread struct vcpu *serving;

struct vcpu *pal_serving_vcpu(void) { return serving; }

static void serve(struct vcpu *vcpu, struct hc_slot *s)
{
    unsigned int expected = HC_REQ;
    if (!__atomic_compare_exchange_n(&s->state, &expected, HC_BUSY, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return;
    /* One copy of the request: the guest may keep scribbling on the slot. */
    uint32_t nr = __atomic_load_n(&s->nr, __ATOMIC_RELAXED);
    uint64_t args[6];
    for (int i = 0; i < 6; i++)
        args[i] = __atomic_load_n(&s->args[i], __ATOMIC_RELAXED);
    /* An exit or a fork is left to the vCPU thread (pal_server_wait): it is
     * parked in the monitor by then, so the process can die without having to
     * kick a vCPU out of guest mode (a scheduler tick on PVM), and a fork
     * sees a vCPU whose state is not moving. */
    if (nr < HC_NR_CALLS && calls[nr].on_vcpu) {
        futex_wake(&s->state);
        return;
    }
    pal_server_answer(s, pal_call(vcpu->vm, nr, args));
    if (__atomic_load_n(&vcpu->parked, __ATOMIC_SEQ_CST))
        futex_wake(&s->state);
}

static bool serve_one(struct vcpu *vcpu, struct hc_slot *s)
{
    if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != HC_REQ)
        return false;
    serve(vcpu, s);
    return true;
}

bool pal_call_in_flight(struct vcpu *vcpu)
{
    unsigned int st = __atomic_load_n(&call_page(vcpu->vm)->slot[vcpu->id].state, __ATOMIC_ACQUIRE);
    return st == HC_REQ || st == HC_BUSY;
}

struct server_arg {
    struct vcpu *vcpu;
    unsigned gen;   /* it serves until pal_server_stop changes the vCPU's */
};

static void *server_main(void *arg)
{
    struct server_arg a = *(struct server_arg *)arg;
    free(arg);
    struct vcpu *vcpu = a.vcpu;
    unsigned gen = a.gen;
    struct hc_slot *s = &call_page(vcpu->vm)->slot[vcpu->id];
    serving = vcpu;
    while (__atomic_load_n(&vcpu->server_gen, __ATOMIC_ACQUIRE) == gen) {
        __atomic_store_n(&s->server_awake, 1, __ATOMIC_SEQ_CST);
        uint64_t idle_since = monotonic_ns();
        for (;;) {
            if (serve_one(vcpu, s))
                idle_since = monotonic_ns();
            else if (monotonic_ns() - idle_since > SPIN_NS)
                break;
            __builtin_ia32_pause();
        }
        __atomic_store_n(&s->server_awake, 0, __ATOMIC_SEQ_CST);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (serve_one(vcpu, s))
            continue;
        uint64_t v;
        if (read(vcpu->doorbell_fd, &v, sizeof(v)) < 0 && errno != EINTR) {
            mlog(LOG_ERROR, "doorbell: %m");
            exit(70);
        }
    }
    __atomic_store_n(&vcpu->server_running, 0, __ATOMIC_RELEASE);
    return NULL;
}

/* The server and the vCPU each spin while the other works: on one CPU they
 * would take turns by time slice (milliseconds per call), so when the host
 * lets us use two CPUs, the server takes one the vCPU thread is not on.
 * The CPUs the host gave us are read before our own pinning narrowed them
 * (a forked monitor inherits its parent's vCPU thread's pin). */
static cpu_set_t allowed;
static bool known;

void pal_server_unpin(void)
{
    if (known)
        sched_setaffinity(0, sizeof(allowed), &allowed);
}

static const cpu_set_t *place_threads(void)
{
    static cpu_set_t server_cpus;
    cpu_set_t vcpu;
    if (!known)
        known = !sched_getaffinity(0, sizeof(allowed), &allowed);
    int here = sched_getcpu();
    if (!known || here < 0 || CPU_COUNT(&allowed) < 2)
        return NULL;
    CPU_ZERO(&vcpu);
    CPU_SET(here, &vcpu);
    server_cpus = allowed;
    CPU_CLR(here, &server_cpus);
    return pthread_setaffinity_np(pthread_self(), sizeof(vcpu), &vcpu) ? NULL : &server_cpus;
}

void pal_server_start(struct vcpu *vcpu, bool pin)
{
    /* One reader of the doorbell at a time: a stopped server that still
     * sleeps on it would take the new one's rings.  It is woken and waited for. */
    uint64_t one = 1;
    while (__atomic_load_n(&vcpu->server_running, __ATOMIC_ACQUIRE)) {
        if (write(vcpu->doorbell_fd, &one, sizeof(one)) < 0)
            mlog(LOG_DEBUG, "doorbell write: %m");
        usleep(100);
    }
    __atomic_store_n(&vcpu->server_running, 1, __ATOMIC_RELEASE);
    /* Its gen is taken here: a stop before the thread runs must not be missed. */
    struct server_arg *a = malloc(sizeof(*a));
    if (a)
        *a = (struct server_arg){ vcpu, __atomic_load_n(&vcpu->server_gen, __ATOMIC_ACQUIRE) };
    if (!a || thread_start(server_main, a, 256 << 10, pin ? place_threads() : NULL)) {
        mlog(LOG_ERROR, "cannot start the PAL server thread");
        exit(70);
    }
}

void pal_server_stop(struct vcpu *vcpu)
{
    uint64_t one = 1;
    __atomic_fetch_add(&vcpu->server_gen, 1, __ATOMIC_ACQ_REL);
    if (write(vcpu->doorbell_fd, &one, sizeof(one)) < 0)
        mlog(LOG_DEBUG, "doorbell write: %m");
}

const struct pal_call *pal_server_wait(struct vcpu *vcpu, struct hc_slot **slot)
{
    struct vm *vm = vcpu->vm;
    struct hc_slot *s = &call_page(vm)->slot[vcpu->id];
    uint64_t one = 1;
    /* In case the guest raced the server going to sleep without ringing. */
    if (write(vcpu->doorbell_fd, &one, sizeof(one)) < 0)
        mlog(LOG_DEBUG, "doorbell write: %m");
    struct timespec tmo = { 0, 100 * 1000 * 1000 };
    const struct pal_call *todo = NULL;
    __atomic_store_n(&vcpu->parked, 1, __ATOMIC_SEQ_CST);
    for (;;) {
        unsigned int st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
        if (st != HC_REQ && st != HC_BUSY)
            break;
        uint32_t nr = s->nr;
        if (st == HC_BUSY && nr < HC_NR_CALLS && calls[nr].on_vcpu) {
            todo = &calls[nr];
            *slot = s;
            break;
        }
        syscall(SYS_futex, &s->state, FUTEX_WAIT_PRIVATE, st, &tmo, NULL, 0);
    }
    __atomic_store_n(&vcpu->parked, 0, __ATOMIC_SEQ_CST);
    return todo;
}
