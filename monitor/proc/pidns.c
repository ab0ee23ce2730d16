/* The application's process IDs, as its programs see them: 1 for the first
 * picoprocess, then one per fork.  All monitors of an application share this
 * page (MAP_SHARED, created before the first fork), which also enforces
 * sys.max_processes across the whole application. */
#include <errno.h>
#include <sys/mman.h>
#include "proc.h"

struct pidns {
    int next_pid;
    int live;
    int max;
};

static struct pidns *ns;

int pidns_init(int max_processes)
{
    ns = mmap(NULL, sizeof(*ns), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (ns == MAP_FAILED)
        return -1;
    ns->next_pid = 2;
    ns->live = 1;
    ns->max = max_processes;
    return 0;
}

int pidns_alloc(void)
{
    int live = __atomic_load_n(&ns->live, __ATOMIC_RELAXED);
    do {
        if (live >= ns->max)
            return -EAGAIN;
    } while (!__atomic_compare_exchange_n(&ns->live, &live, live + 1, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
    return __atomic_fetch_add(&ns->next_pid, 1, __ATOMIC_ACQ_REL);
}

void pidns_release(void)
{
    if (ns)
        __atomic_fetch_sub(&ns->live, 1, __ATOMIC_ACQ_REL);
}
