/* TLB shootdown between the threads' vCPUs.  A vCPU caches page-table
 * entries; taking one away or narrowing it (munmap, mprotect) needs every
 * vCPU that may hold it to flush before the frame is used again or the
 * change is relied on.  Each vCPU says whether it runs the program's code
 * (in_user) and which change it has flushed for (seen); pt_flush's change
 * gets a new generation, and the vCPUs in the program's code are kicked
 * into the PAL's upcall entry, where tlb_entered flushes, and waited for.
 * A vCPU in the library OS flushes on its way back to the program
 * (tlb_leaving), so it need not be waited for.  Store then load on both
 * sides (sequentially consistent): a vCPU leaving for the program either is
 * seen leaving or sees the new generation. */
#include "thread/thread.h"
#include "paging.h"

static uint64_t gen;
static uint64_t seen[PAL_MAX_THREADS];
static int in_user[PAL_MAX_THREADS];

static void sync_self(int me)
{
    uint64_t g = __atomic_load_n(&gen, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&seen[me], __ATOMIC_RELAXED) != g) {
        tlb_flush_all();
        __atomic_store_n(&seen[me], g, __ATOMIC_SEQ_CST);
    }
}

void tlb_entered(void)
{
    int me = cur_vcpu();
    __atomic_store_n(&in_user[me], 0, __ATOMIC_SEQ_CST);
    sync_self(me);
}

void tlb_leaving(void)
{
    int me = cur_vcpu();
    __atomic_store_n(&in_user[me], 1, __ATOMIC_SEQ_CST);
    sync_self(me);
}

static bool behind(int v, uint64_t g)
{
    return __atomic_load_n(&in_user[v], __ATOMIC_SEQ_CST) && __atomic_load_n(&seen[v], __ATOMIC_SEQ_CST) < g;
}

/* After this vCPU's own flush, with the big lock held. */
static void flush_others(void)
{
    if (nthreads < 2)
        return;
    int me = cur_vcpu();
    uint64_t g = __atomic_add_fetch(&gen, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&seen[me], g, __ATOMIC_SEQ_CST);
    for (int round = 0;; round++) {
        bool waiting = false;
        for (int v = 0; v < PAL_MAX_THREADS; v++) {
            if (v == me || !threads[v].tid || !behind(v, g))
                continue;
            waiting = true;
            /* A kick can arrive as the vCPU enters the library OS: again, now and then. */
            if (round % 4096 == 0)
                pal->thread_kick(v);
        }
        if (!waiting)
            return;
        __builtin_ia32_pause();
    }
}

void tlb_init(void) { pt_set_flush_others(flush_others); }
