/* The count of the monitor's waits for an event (waiting.h): a count, not a
 * flag, as the vCPU thread and the PAL server may both wait at once. */
#include <stddef.h>
#include "waiting.h"

static int *waits;

void waiting_at(int *count) { __atomic_store_n(&waits, count, __ATOMIC_RELEASE); }

void waiting_begin(void)
{
    int *w = __atomic_load_n(&waits, __ATOMIC_ACQUIRE);
    if (w)
        __atomic_fetch_add(w, 1, __ATOMIC_RELEASE);
}

void waiting_end(void)
{
    int *w = __atomic_load_n(&waits, __ATOMIC_ACQUIRE);
    if (w)
        __atomic_fetch_sub(w, 1, __ATOMIC_RELEASE);
}
