/* The big lock (thread.h): a futex-style lock word, recursive for the
 * thread that holds it (an upcall taken inside a PAL call of the library
 * OS's own, a handler's log line).  Waits go to the host futex of the word
 * (private memory: the monitor's own futex, shared by its vCPU threads). */
#include "thread/thread.h"

#define SPINS 200

static struct {
    uint32_t word;   /* 0 free, 1 held, 2 held with waiters */
    int owner;       /* vCPU, -1: none */
    int depth;
} big = { 0, -1, 0 };

static int depth_left[PAL_MAX_THREADS];   /* levels let go across a wait (pal_ops.set_wait_hooks) */

static void lock_word(void)
{
    uint32_t c = 0;
    for (int i = 0; i < SPINS; i++) {
        c = 0;
        if (__atomic_compare_exchange_n(&big.word, &c, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return;
        __builtin_ia32_pause();
    }
    if (c != 2)
        c = __atomic_exchange_n(&big.word, 2, __ATOMIC_ACQUIRE);
    while (c != 0) {
        pal->futex_wait(&big.word, 2, -1);
        c = __atomic_exchange_n(&big.word, 2, __ATOMIC_ACQUIRE);
    }
}

static void unlock_word(void)
{
    if (__atomic_exchange_n(&big.word, 0, __ATOMIC_RELEASE) == 2)
        pal->futex_wake(&big.word, 1);
}

void biglock_take(void)
{
    int me = cur_vcpu();
    if (big.owner == me) {
        big.depth++;
        return;
    }
    lock_word();
    big.owner = me;
    big.depth = 1;
}

void biglock_drop(void)
{
    if (big.owner != cur_vcpu() || --big.depth > 0)
        return;
    big.owner = -1;
    unlock_word();
}

void biglock_drop_all(void)
{
    if (big.owner != cur_vcpu())
        return;
    big.depth = 0;
    big.owner = -1;
    unlock_word();
}

static bool wait_leave(void)
{
    int me = cur_vcpu();
    if (big.owner != me)
        return false;
    depth_left[me] = big.depth;
    big.depth = 0;
    big.owner = -1;
    unlock_word();
    return true;
}

static void wait_enter(void)
{
    int me = cur_vcpu();
    lock_word();
    big.owner = me;
    big.depth = depth_left[me];
}

void biglock_init(void)
{
    pal->set_wait_hooks(wait_leave, wait_enter);
    biglock_take();
}
