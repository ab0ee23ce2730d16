/* Asynchronous events for the guest: host signals forwarded to the program
 * (SIGINT, SIGTERM, SIGHUP, SIGQUIT), expiries of its alarm (HC_SET_ALARM)
 * and children that ended, handed over by the PAL to the library OS as upcalls.
 *
 * upcall_post() puts an event in the struct upcall_area (include/abi/layout.h)
 * of the vCPU that takes the process's events, the one that runs the
 * program's first thread (the library OS routes signals among threads
 * itself), and makes sure the guest notices it:
 *  - it kicks the vCPU thread out of KVM_RUN (a signal to that thread, or
 *    run->immediate_exit when it is that thread).  upcall_deliver() then
 *    looks where the vCPU was: in the program's own code, it saves the
 *    program's registers in the area and sends the vCPU to the PAL's upcall
 *    entry; in the guest image (library OS, PAL, CPL0 stubs) it leaves it
 *    alone, as the PAL looks at `pending` at the end of every PAL call;
 *  - it ends a PAL call that waits in the monitor: HC_SLEEP waits on the
 *    `pending` futex word, HC_FUTEX on that word and the guest's at once,
 *    HC_POLL and the vsock wait on the VM's wakeup fd;
 *  - the guest may go back to the program between its last look and the
 *    event, so until the guest has taken the event a timer thread kicks the
 *    vCPU again, 1 ms later, then less and less often.
 * The same timer thread runs the alarm.  Host signals come from proc/launcher.c,
 * ended children from proc/children.c, news on host fds from pal/notify.c (leases,
 * O_ASYNC), vsock news from dev/vsock/vsock_vm.c (those only
 * interrupt a program running its own code: a process busy computing still
 * takes signals and messages from the others). */
#include <errno.h>
#include <linux/futex.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "upcall.h"
#include "pal_server.h"
#include "kvm/vm.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/thread.h"
#include "base/waiting.h"
#include "hypercall.h"
#include "x86.h"

#define KICK_SIGNAL SIGURG        /* ignored by default: harmless if it comes from elsewhere */
#define RETRY_FIRST_NS 1000000ull
#define RETRY_MAX_NS 64000000ull
#define ALARM_MIN_PERIOD_NS 100000ull         /* a shorter period would only flood the guest */
#define ALARM_MAX_NS (100ull * 365 * 86400 * NSEC_PER_SEC)

/* One per monitor, for its one VM.  The process's events go to one vCPU
 * (the first thread's, or the next one alive); HC_THREAD_KICK's to any. */
static struct {
    struct vcpu *target;            /* takes the process's events; NULL until upcall_start */
    struct upcall_area *area;       /* the target's */
    pthread_mutex_t lock;           /* the alarm, between HC_SET_ALARM and the timer thread */
    uint64_t alarm_at, alarm_every; /* CLOCK_MONOTONIC ns; 0: off */
    uint32_t timer_seq;             /* futex: the timer thread looks again when it changes */
    int retry_wanted;
    uint64_t early_signals;         /* host signals posted before the guest existed */
} up;

static long futex(uint32_t *word, int op, uint32_t val, const struct timespec *t)
{
    return syscall(SYS_futex, word, op | FUTEX_PRIVATE_FLAG, val, t, NULL, FUTEX_BITSET_MATCH_ANY);
}

static void poke_timer(void)
{
    __atomic_fetch_add(&up.timer_seq, 1, __ATOMIC_RELEASE);
    futex(&up.timer_seq, FUTEX_WAKE, 1, NULL);
}

/* The vCPU the calling thread runs (NULL on other threads). */
static __thread struct vcpu *running;

static struct upcall_area *area_of(struct vcpu *v)
{
    return gpa_range(v->vm, GPA_UPCALL + v->id * sizeof(struct upcall_area), sizeof(struct upcall_area));
}

/* Async-signal-safe, like everything upcall_post does. */
static void kick_vcpu(struct vcpu *v)
{
    if (v == running)
        v->run->immediate_exit = 1;
    else if (v->tid)
        syscall(SYS_tgkill, getpid(), v->tid, KICK_SIGNAL);
}

static void kick(void) { kick_vcpu(up.target); }

void upcall_post(uint64_t host_signals, uint64_t alarms, uint64_t children)
{
    struct upcall_area *a = up.area;
    if (!a) {
        __atomic_fetch_or(&up.early_signals, host_signals, __ATOMIC_SEQ_CST);
        return;
    }
    if (host_signals)
        __atomic_fetch_or(&a->host_signals, host_signals, __ATOMIC_SEQ_CST);
    if (alarms)
        __atomic_fetch_add(&a->alarms, alarms, __ATOMIC_SEQ_CST);
    if (children)
        __atomic_fetch_add(&a->children, children, __ATOMIC_SEQ_CST);
    __atomic_store_n(&a->pending, 1, __ATOMIC_SEQ_CST);
    futex(&a->pending, FUTEX_WAKE, 1, NULL);
    uint64_t one = 1;
    if (write(vm_wakeup_fd(up.target->vm), &one, sizeof one) < 0) {
        /* The eventfd is full of earlier wakeups: one is enough. */
    }
    kick();
    __atomic_store_n(&up.retry_wanted, 1, __ATOMIC_RELEASE);
    poke_timer();
}

void upcall_post_streams(void)
{
    struct upcall_area *a = up.area;
    if (!a || !__atomic_load_n(&a->entry, __ATOMIC_ACQUIRE))
        return;
    __atomic_fetch_add(&a->streams, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&a->pending, 1, __ATOMIC_SEQ_CST);
    /* A futex wait (HC_FUTEX) ends for it, so that a process waiting on
     * shared memory still serves the others' messages (and takes their
     * signals); the library OS waits again after.  HC_POLL waits end on
     * the VM's news fd.  Any other PAL call takes the news at its end. */
    futex(&a->pending, FUTEX_WAKE, 1, NULL);
    if (!__atomic_load_n(&up.target->in_guest, __ATOMIC_SEQ_CST) || pal_call_in_flight(up.target))
        return;
    kick();
    __atomic_store_n(&up.retry_wanted, 1, __ATOMIC_RELEASE);
    poke_timer();
}

void upcall_post_io(void)
{
    struct upcall_area *a = up.area;
    if (!a)
        return;
    __atomic_fetch_add(&a->io, 1, __ATOMIC_SEQ_CST);
    upcall_post(0, 0, 0);
}

pid_t upcall_thread(void) { return up.target ? up.target->tid : (pid_t)syscall(SYS_gettid); }

static void on_kick(int sig)
{
    (void)sig;
    if (running)
        running->run->immediate_exit = 1;
}

void upcall_kick(struct vcpu *v)
{
    struct upcall_area *a = area_of(v);
    if (!a || !__atomic_load_n(&v->live, __ATOMIC_ACQUIRE))
        return;
    __atomic_fetch_add(&a->kicks, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&a->pending, 1, __ATOMIC_SEQ_CST);
    futex(&a->pending, FUTEX_WAKE, 1, NULL);
    uint64_t one = 1;
    if (write(vm_wakeup_fd(v->vm), &one, sizeof one) < 0) {
        /* full of earlier wakeups: one is enough */
    }
    kick_vcpu(v);
    __atomic_store_n(&up.retry_wanted, 1, __ATOMIC_RELEASE);
    poke_timer();
}

void upcall_retarget_from(struct vcpu *gone)
{
    struct vm *vm = gone->vm;
    if (up.target != gone)
        return;
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct vcpu *v = &vm->vcpu[i];
        if (__atomic_load_n(&v->live, __ATOMIC_ACQUIRE) && !__atomic_load_n(&v->ending, __ATOMIC_ACQUIRE)) {
            up.target = v;
            __atomic_store_n(&up.area, area_of(v), __ATOMIC_RELEASE);
            /* What the old target had not taken yet is the new one's. */
            upcall_post(0, 0, 0);
            return;
        }
    }
}

void upcall_deliver(struct vcpu *vcpu)
{
    vcpu->run->immediate_exit = 0;
    struct upcall_area *a = area_of(vcpu);
    if (!a || !__atomic_load_n(&a->pending, __ATOMIC_ACQUIRE))
        return;
    /* Written by the guest: only ever used as its own rip and rsp. */
    uint64_t entry = __atomic_load_n(&a->entry, __ATOMIC_ACQUIRE), stack = a->stack;
    struct kvm_regs r;
    if (!entry || ioctl(vcpu->fd, KVM_GET_REGS, &r) < 0)
        return;
    /* Only the program runs outside the image, and only at CPL3. */
    if (r.rip >= GPA_IMAGE && r.rip < GPA_IMAGE_LIMIT)
        return;
    const uint64_t saved[18] = { r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15, r.rdi, r.rsi,
                                 r.rbp, r.rbx, r.rdx, r.rax, r.rcx, r.rsp, r.rip, r.rflags };
    _Static_assert(sizeof saved == sizeof a->regs, "struct pal_context order");
    memcpy(a->regs, saved, sizeof saved);
    r.rip = entry;
    r.rsp = stack;
    r.rflags &= ~(RFLAGS_TF | RFLAGS_DF | RFLAGS_NT | RFLAGS_RF | RFLAGS_AC);
    if (ioctl(vcpu->fd, KVM_SET_REGS, &r) < 0)
        mlog(LOG_ERROR, "cannot interrupt the program for a signal: KVM_SET_REGS: %m");
}

/* Fires the alarm when due: under the lock, so that a new alarm
 * (hc_set_alarm) never receives the old one's expiries.  -> next expiry. */
static uint64_t run_alarm(uint64_t now)
{
    pthread_mutex_lock(&up.lock);
    if (up.alarm_at && now >= up.alarm_at) {
        uint64_t n = 1;
        if (up.alarm_every) {
            n += (now - up.alarm_at) / up.alarm_every;
            up.alarm_at += n * up.alarm_every;
        } else {
            up.alarm_at = 0;
        }
        upcall_post(0, n, 0);
    }
    uint64_t next = up.alarm_at;
    pthread_mutex_unlock(&up.lock);
    return next;
}

/* Kicks again every vCPU whose events wait: -> whether any did. */
static bool kick_pending(struct vm *vm)
{
    bool any = false;
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct vcpu *v = &vm->vcpu[i];
        struct upcall_area *a = __atomic_load_n(&v->live, __ATOMIC_ACQUIRE) ? area_of(v) : NULL;
        if (a && __atomic_load_n(&a->pending, __ATOMIC_ACQUIRE)) {
            kick_vcpu(v);
            any = true;
        }
    }
    return any;
}

static void *timer_main(void *arg)
{
    (void)arg;
    uint64_t retry_at = 0, retry_gap = RETRY_FIRST_NS;
    for (;;) {
        uint32_t seq = __atomic_load_n(&up.timer_seq, __ATOMIC_ACQUIRE);
        uint64_t now = monotonic_ns();
        uint64_t next = run_alarm(now);
        if (__atomic_exchange_n(&up.retry_wanted, 0, __ATOMIC_ACQ_REL) && !retry_at) {
            retry_gap = RETRY_FIRST_NS;
            retry_at = now + retry_gap;
        }
        if (retry_at && now >= retry_at) {
            if (kick_pending(up.target->vm)) {
                retry_gap = retry_gap * 2 < RETRY_MAX_NS ? retry_gap * 2 : RETRY_MAX_NS;
                retry_at = now + retry_gap;
            } else {
                retry_at = 0;
            }
        }
        if (retry_at && (!next || retry_at < next))
            next = retry_at;
        struct timespec until = ns_to_timespec(next);
        /* FUTEX_WAIT_BITSET: an absolute CLOCK_MONOTONIC deadline. */
        futex(&up.timer_seq, FUTEX_WAIT_BITSET, seq, next ? &until : NULL);
    }
    return NULL;
}

static int64_t hc_set_alarm(struct vm *vm, const uint64_t a[6])
{
    (void)vm;
    uint64_t ns = a[0] < ALARM_MAX_NS ? a[0] : ALARM_MAX_NS;
    uint64_t every = a[1] < ALARM_MAX_NS ? a[1] : ALARM_MAX_NS;
    if (every && every < ALARM_MIN_PERIOD_NS)
        every = ALARM_MIN_PERIOD_NS;
    pthread_mutex_lock(&up.lock);
    up.alarm_at = ns ? monotonic_ns() + ns : 0;
    up.alarm_every = ns ? every : 0;
    if (up.area)
        __atomic_store_n(&up.area->alarms, 0, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&up.lock);
    poke_timer();
    return 0;
}

/* A wait for the guest ends at an event for the vCPU that asked. */
static struct upcall_area *caller_area(struct vm *vm)
{
    struct vcpu *v = pal_serving_vcpu();
    return v ? area_of(v) : up.target ? up.area : gpa_range(vm, GPA_UPCALL, sizeof(struct upcall_area));
}

int upcall_sleep_until(struct vm *vm, const struct timespec *deadline)
{
    struct upcall_area *a = caller_area(vm);
    if (!a)
        return -EFAULT;
    int r;
    waiting_begin();
    for (;;) {
        if (__atomic_load_n(&a->pending, __ATOMIC_ACQUIRE)) {
            r = -EINTR;
            break;
        }
        if (futex(&a->pending, FUTEX_WAIT_BITSET, 0, deadline) < 0 && errno == ETIMEDOUT) {
            r = 0;
            break;
        }
    }
    waiting_end();
    return r;
}

/* futex_waitv (Linux 5.16) sleeps on both words at once and checks both
 * values in the kernel, so an event posted at any moment ends the wait: no
 * slices, no wakeup sent to whoever else waits on the guest's word.  That
 * word has no private flag: in the shared memory the host keys it by the
 * memfd's page, so the wakes of another picoprocess's monitor reach it. */
int upcall_futex_wait(struct vm *vm, uint32_t *word, uint32_t val, const struct timespec *deadline)
{
    struct upcall_area *a = caller_area(vm);
    if (!a)
        return -EFAULT;
    /* When both words are woken before this thread runs, futex_waitv names
     * only the last of them: the guest's word comes last, so that its wake
     * (which its waker counted) is never taken for the event alone and lost,
     * as when a child wakes its parent and ends at once. */
    enum { EVENT, WORD };
    struct futex_waitv w[2] = {
        [EVENT] = { .val = 0, .uaddr = (uintptr_t)&a->pending, .flags = FUTEX_32 | FUTEX_PRIVATE_FLAG },
        [WORD] = { .val = val, .uaddr = (uintptr_t)word, .flags = FUTEX_32 },
    };
    long r;
    waiting_begin();
    for (;;) {
        /* Linux looks at the value first: a word that changed is -EAGAIN
         * even with an event pending (LTP and glibc count on it). */
        if (__atomic_load_n(word, __ATOMIC_ACQUIRE) != val) {
            r = -EAGAIN;
            break;
        }
        if (__atomic_load_n(&a->pending, __ATOMIC_ACQUIRE)) {
            r = -EINTR;
            break;
        }
        r = syscall(SYS_futex_waitv, w, 2, 0, deadline, CLOCK_MONOTONIC);
        if (r == WORD) {
            r = 0;
            break;
        }
        /* pending's wake, a host signal, or a word that changed: the loop's
         * first two lines say which. */
        if (r == EVENT || errno == EINTR || errno == EAGAIN)
            continue;
        r = -errno;
        break;
    }
    waiting_end();
    return (int)r;
}

void upcall_vcpu_thread(struct vcpu *vcpu)
{
    running = vcpu;
    vcpu->tid = (pid_t)syscall(SYS_gettid);
}

void upcall_start(struct vcpu *vcpu)
{
    up.target = vcpu;
    /* This thread runs it; in a forked monitor it has a tid of its own now. */
    upcall_vcpu_thread(vcpu);
    up.area = area_of(vcpu);
    /* A forked monitor starts over: no alarm, no events (a Linux child
     * inherits neither pending signals nor timers), and a lock no thread
     * of the parent holds any more. */
    up.lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
    up.alarm_at = up.alarm_every = 0;
    up.retry_wanted = 0;
    memset(up.area, 0, offsetof(struct upcall_area, entry));
    uint64_t early = __atomic_exchange_n(&up.early_signals, 0, __ATOMIC_SEQ_CST);

    struct sigaction k = { .sa_handler = on_kick, .sa_flags = SA_RESTART };
    sigemptyset(&k.sa_mask);
    sigaction(KICK_SIGNAL, &k, NULL);

    /* The timer thread takes no signals: they are for the vCPU thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int err = thread_start(timer_main, NULL, 64 << 10, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err) {
        mlog(LOG_ERROR, "cannot start the timer thread: %s", strerror(err));
        exit(70);
    }
    if (early)
        upcall_post(early, 0, 0);
}

void upcall_calls_setup(void) { pal_register(HC_SET_ALARM, hc_set_alarm); }
