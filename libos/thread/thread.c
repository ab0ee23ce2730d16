/* Threads (thread.h): clone with CLONE_THREAD starts the new thread on a free
 * vCPU (pal_ops.thread_start); it resumes the program's registers there,
 * with its own TLS, mask and tid.  The library OS's entries and returns
 * take and let go of the big lock and keep the TLBs in step: here, as a
 * layer stacked on the PAL (DESIGN.md's pal.h contract), so every way in and
 * out of the library OS goes through it. */
#include "thread/thread.h"
#include "signal/signal.h"
#include "mm/mm.h"
#include <linux/futex.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include "syscall/handlers.h"

struct thread threads[PAL_MAX_THREADS];
int nthreads = 1;

static struct pal_ops stacked;
static const struct pal_ops *lower;
static void (*fault_handler)(struct pal_exception *e);
static void (*upcall_handler)(void *context);

int thread_vcpu_of(int tid)
{
    for (int v = 0; v < PAL_MAX_THREADS; v++)
        if (tid > 0 && threads[v].tid == tid)
            return v;
    return -1;
}

/* Every way back to the program's registers. */
static __attribute__((noreturn)) void resume_program(const struct pal_context *ctx)
{
    biglock_drop_all();
    tlb_leaving();
    lower->resume(ctx);
}

static void on_fault(struct pal_exception *e)
{
    tlb_entered();
    biglock_take();
    thread_end_if_asked();
    fault_handler(e);
    biglock_drop();
    tlb_leaving();
}

static void on_upcall(void *context)
{
    struct pal_upcall *u = context;
    /* From the program's code (regs): an entry.  Inside a PAL call: the lock is ours already. */
    if (u->regs)
        tlb_entered();
    biglock_take();
    thread_end_if_asked();
    upcall_handler(context);
    biglock_drop();
    if (u->regs)
        tlb_leaving();
}

static void set_fault_handler(void (*h)(struct pal_exception *e))
{
    fault_handler = h;
    lower->set_exception_handler(on_fault);
}

static void set_upcall_handler(void (*h)(void *context))
{
    upcall_handler = h;
    lower->set_upcall_handler(on_upcall);
}

/* The signals of sigs that the calling thread blocks: the first thread that
 * does not is made to look. */
static void route(uint64_t sigs)
{
    int me = cur_vcpu();
    for (int v = 0; v < PAL_MAX_THREADS; v++) {
        if (v != me && threads[v].tid && (sigs & ~sigthreads[v].blocked)) {
            pal->thread_kick(v);
            return;
        }
    }
}

/* On the new thread's vCPU, from the PAL. */
static __attribute__((noreturn)) void thread_begin(void *arg)
{
    struct thread *t = arg;
    biglock_take();
    pal->set_fs_base(t->fs_base);
    struct pal_context ctx = t->start;
    resume_program(&ctx);
}

static long start_on_free_vcpu(uint64_t flags, uint64_t stack, int *ctid, uint64_t tls, struct thread *me,
                                 const struct syscall_frame *f)
{
    long tid = -EAGAIN;
    for (int v = 0; v < PAL_MAX_THREADS && tid < 0; v++) {
        struct thread *t = &threads[v];
        if (t->tid)
            continue;
        /* Reserved (-1) while it starts: the lock is let go in the waits below. */
        *t = (struct thread){ .tid = -1, .fs_base = (flags & CLONE_SETTLS) ? tls : me->fs_base };
        if (flags & CLONE_CHILD_CLEARTID)
            t->clear_child_tid = ctid;
        /* The program's registers at this system call, returning 0 on the new stack. */
        t->start = (struct pal_context){ .r8 = f->r8, .r9 = f->r9, .r10 = f->r10, .r11 = f->rflags,
                                         .r12 = f->r12, .r13 = f->r13, .r14 = f->r14, .r15 = f->r15,
                                         .rdi = f->rdi, .rsi = f->rsi, .rbp = f->rbp, .rbx = f->rbx,
                                         .rdx = f->rdx, .rax = 0, .rcx = f->rip,
                                         .rsp = stack ? stack : f->rsp, .rip = f->rip, .rflags = f->rflags };
        /* Linux: the new thread has its creator's mask, no alternate stack, nothing pending. */
        sigthreads[v] = (struct sigthread){ .blocked = sigthr.blocked, .altstack = { .ss_flags = SS_DISABLE } };
        tid = pal->thread_start(v, thread_begin, t);
        /* Its last thread told its joiner it ended just before its vCPU
         * stopped: a moment more (the lock is let go while we sleep). */
        for (int tries = 0; tid == -EBUSY && tries < 1000; tries++) {
            pal->sleep_ns(50000);
            tid = pal->thread_start(v, thread_begin, t);
        }
        t->tid = tid >= 0 ? (int)tid : 0;
    }
    return tid == -EBUSY ? -EAGAIN : tid;
}

long thread_clone(uint64_t flags, uint64_t stack, int *ptid, int *ctid, uint64_t tls)
{
    /* Threads share everything a thread shares on Linux; anything less is
     * a process sharing memory, which picovm does not make. */
    uint64_t need = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND;
    if ((flags & need) != need) {
        log_warning("clone: a thread must share memory, files, directory and handlers (flags 0x%lx)",
                    (unsigned long)flags);
        return -EINVAL;
    }
    if ((flags & CLONE_PARENT_SETTID) && !user_range_ok(ptid, sizeof(*ptid), true))
        return -EFAULT;
    if ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) && !user_range_ok(ctid, sizeof(*ctid), true))
        return -EFAULT;
    struct thread *me = cur_thread();
    struct syscall_frame *f = current_syscall;
    long tid = -EAGAIN;
    /* Every vCPU may be taken while a thread that told its joiner it ended
     * has not reached its exit yet (libcs wake joiners first): a while. */
    for (int round = 0; round < 100 && tid == -EAGAIN; round++) {
        if (round)
            pal->sleep_ns(1000000);
        tid = start_on_free_vcpu(flags, stack, ctid, tls, me, f);
    }
    if (tid < 0)
        return tid == -EBUSY ? -EAGAIN : tid;
    nthreads++;
    if (flags & CLONE_PARENT_SETTID)
        *ptid = (int)tid;
    if (flags & CLONE_CHILD_SETTID)
        *ctid = (int)tid;
    return tid;
}

/* Linux's end of a thread: its robust futexes are marked dead and woken,
 * then its clear_child_tid is cleared and woken (pthread_join waits there). */
#define FUTEX_TID_MASK_ 0x3fffffffu
static void robust_release(struct thread *t)
{
    struct robust_head {
        uint64_t next;
        int64_t offset;
        uint64_t pending;
    } head;
    if (!t->robust_list || !user_range_ok(t->robust_list, sizeof head, false))
        return;
    memcpy(&head, t->robust_list, sizeof head);
    uint64_t entry = head.next;
    for (int n = 0; n < 2048 && entry && entry != (uint64_t)t->robust_list; n++) {
        uint32_t *word = (uint32_t *)(entry + (uint64_t)head.offset);
        if (user_range_ok(word, sizeof *word, true) && (*word & FUTEX_TID_MASK_) == (uint32_t)t->tid) {
            __atomic_or_fetch(word, FUTEX_OWNER_DIED, __ATOMIC_SEQ_CST);
            if (*word & FUTEX_WAITERS)
                pal->futex_wake(word, 1);
        }
        if (!user_range_ok((void *)entry, sizeof(uint64_t), false))
            break;
        entry = *(uint64_t *)entry;
    }
}

__attribute__((noreturn)) void thread_exit(int status)
{
    struct thread *t = cur_thread();
    if (nthreads <= 1) {
        sys_exit_group(status);
        __builtin_unreachable();
    }
    robust_release(t);
    if (t->clear_child_tid && user_range_ok(t->clear_child_tid, sizeof(int), true)) {
        __atomic_store_n(t->clear_child_tid, 0, __ATOMIC_SEQ_CST);
        pal->futex_wake((uint32_t *)t->clear_child_tid, 1);
    }
    nthreads--;
    t->tid = 0;
    sigthr.pending = 0;
    biglock_drop_all();
    pal->thread_exit();
    /* The monitor says we are the last after all: the process ends. */
    biglock_take();
    nthreads++;
    sys_exit_group(status);
    __builtin_unreachable();
}

void thread_end_if_asked(void)
{
    if (__atomic_load_n(&cur_thread()->exiting, __ATOMIC_ACQUIRE) && nthreads > 1)
        thread_exit(0);
}

void thread_end_others(void)
{
    int me = cur_vcpu();
    for (int v = 0; v < PAL_MAX_THREADS; v++) {
        if (v != me && threads[v].tid) {
            __atomic_store_n(&threads[v].exiting, 1, __ATOMIC_RELEASE);
            pal->thread_kick(v);
        }
    }
    /* They end at their next entry, which needs the lock: it is let go while we wait. */
    while (nthreads > 1) {
        pal->sleep_ns(1000000);
        for (int v = 0; v < PAL_MAX_THREADS; v++)
            if (v != me && threads[v].tid)
                pal->thread_kick(v);
    }
}

void thread_fork_child(void)
{
    int me = cur_vcpu();
    for (int v = 0; v < PAL_MAX_THREADS; v++)
        if (v != me)
            threads[v] = (struct thread){ 0 };
    nthreads = 1;
    threads[me].tid = proc.pid;
    threads[me].exiting = 0;
}

void thread_init(void)
{
    lower = pal;
    stacked = *pal;
    stacked.resume = resume_program;
    stacked.set_exception_handler = set_fault_handler;
    stacked.set_upcall_handler = set_upcall_handler;
    pal = &stacked;
    threads[cur_vcpu()].tid = (int)pal_state->pid;
    signal_set_router(route);
    biglock_init();
    tlb_init();
}
