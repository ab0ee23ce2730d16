/* Threads of this picoprocess (thread.c), a vCPU each, and the lock the
 * library OS runs under (biglock.c).
 *
 * A thread's slot is its vCPU's id: its per-CPU data, call slot, upcall
 * area, stacks and signal state (signal/signal.h's sigthr) are found from
 * it.  The library OS is one critical section: a thread holds the big lock
 * from its entry (a system call, a fault, an upcall) until it returns to the
 * program, and lets it go only across PAL calls that may wait for long
 * (pal_ops.set_wait_hooks), where its state must be whole.  Threads run the
 * program's own code in parallel; the library OS itself runs on one thread
 * at a time. */
#ifndef PICOVM_LIBOS_THREAD_H
#define PICOVM_LIBOS_THREAD_H

#include "libos.h"
#include "percpu.h"

struct thread {
    int tid;                   /* 0: a free slot */
    int exiting;               /* another thread asked it to end (execve): atomic */
    uint64_t fs_base;
    int *clear_child_tid;      /* set_tid_address, CLONE_CHILD_CLEARTID */
    void *robust_list;
    struct pal_context start;  /* a new thread's first registers */
};
extern struct thread threads[PAL_MAX_THREADS];
/* Threads alive (1 until the program makes one). */
extern int nthreads;

static inline struct thread *cur_thread(void) { return &threads[this_cpu()->vcpu_id]; }
static inline int cur_vcpu(void) { return (int)this_cpu()->vcpu_id; }

/* The vCPU of the thread tid of this process, or -1. */
int thread_vcpu_of(int tid);
/* clone with CLONE_THREAD: -> the new thread's tid, or -errno. */
long thread_clone(uint64_t flags, uint64_t stack, int *ptid, int *ctid, uint64_t tls);
/* exit(2) of the calling thread: the process's end if it is the last. */
__attribute__((noreturn)) void thread_exit(int status);
/* Before execve: every other thread ends (they are asked and waited for). */
void thread_end_others(void);
/* In a fork's child: the calling thread is the only one. */
void thread_fork_child(void);
/* A thread asked to end (exiting) ends here, from any entry. */
void thread_end_if_asked(void);
void thread_init(void);

/* The big lock (biglock.c).  Entries take it, returns to the program let it go. */
void biglock_take(void);
void biglock_drop(void);
/* Before the program's registers are resumed from anywhere: lets go of every level. */
void biglock_drop_all(void);
void biglock_init(void);

/* Page-table changes other vCPUs may hold in their TLBs (tlb.c): the program's
 * entries and exits keep track, pt_flush asks the others. */
void tlb_entered(void);     /* an entry from the program, before the big lock */
void tlb_leaving(void);     /* the way back to the program, after the big lock */
void tlb_init(void);

#endif
