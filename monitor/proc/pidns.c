/* The application's process IDs, as its programs see them: 2 for the first
 * picoprocess (1 is the init's, or its own with picovm.init = false), then
 * one per fork.  All monitors of an application share this
 * page (MAP_SHARED, created before the first fork), which also enforces
 * sys.max_processes across the whole application.  It also says which
 * monitor (host pid) runs which application pid, so that what the host
 * reports about another process (the holder of a record lock) can be told
 * to the guest in its own pids, and whether it sleeps waiting for an event
 * (base/waiting.h), which is its state for the others' /proc/PID/stat. */
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>
#include "proc.h"
#include "base/waiting.h"

struct pidns {
    int next_pid;
    int live;
    int max;
    int top;                           /* who[] entries ever used: scans stop there, so the
                                        * pages past it are never touched */
    struct { int host, app, waits; } who[];   /* max entries, host 0: free; waits: waiting.h */
};

static struct pidns *ns;

int pidns_init(int max_processes, int first_pid)
{
    ns = mmap(NULL, sizeof(*ns) + (size_t)max_processes * sizeof(ns->who[0]), PROT_READ | PROT_WRITE,
              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (ns == MAP_FAILED)
        return -1;
    ns->next_pid = first_pid + 1;
    ns->live = 1;
    ns->max = max_processes;
    pidns_enter(first_pid);
    return 0;
}

void pidns_enter(int app_pid)
{
    int self = getpid();
    for (int i = 0; i < ns->max; i++) {
        int free_slot = 0;
        if (__atomic_compare_exchange_n(&ns->who[i].host, &free_slot, self, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED)) {
            __atomic_store_n(&ns->who[i].waits, 0, __ATOMIC_RELAXED);
            __atomic_store_n(&ns->who[i].app, app_pid, __ATOMIC_RELEASE);
            waiting_at(&ns->who[i].waits);
            int top = __atomic_load_n(&ns->top, __ATOMIC_RELAXED);
            while (top < i + 1 &&
                   !__atomic_compare_exchange_n(&ns->top, &top, i + 1, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
                ;
            return;
        }
    }
}

void pidns_kill_others(void)
{
    int self = getpid();
    for (int i = 0; ns && i < ns->max; i++) {
        int host = __atomic_load_n(&ns->who[i].host, __ATOMIC_ACQUIRE);
        if (host > 0 && host != self)
            kill(host, SIGKILL);
    }
}

int pidns_app_pid(int host_pid)
{
    for (int i = 0; ns && host_pid > 0 && i < __atomic_load_n(&ns->top, __ATOMIC_ACQUIRE); i++)
        if (__atomic_load_n(&ns->who[i].host, __ATOMIC_ACQUIRE) == host_pid)
            return __atomic_load_n(&ns->who[i].app, __ATOMIC_ACQUIRE);
    return 0;
}

/* A monitor killed from the host (SIGKILL) never released its entry: its
 * host process says whether it still runs. */
int pidns_state(int app_pid)
{
    for (int i = 0; ns && app_pid > 0 && i < __atomic_load_n(&ns->top, __ATOMIC_ACQUIRE); i++) {
        int host = __atomic_load_n(&ns->who[i].host, __ATOMIC_ACQUIRE);
        if (host <= 0 || __atomic_load_n(&ns->who[i].app, __ATOMIC_ACQUIRE) != app_pid)
            continue;
        if (kill(host, 0) < 0 && errno == ESRCH)
            return -ESRCH;
        return __atomic_load_n(&ns->who[i].waits, __ATOMIC_ACQUIRE) > 0 ? 'S' : 'R';
    }
    return -ESRCH;
}

int pidns_new_tid(void) { return __atomic_fetch_add(&ns->next_pid, 1, __ATOMIC_ACQ_REL); }

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
    if (!ns)
        return;
    int self = getpid();
    for (int i = 0; i < __atomic_load_n(&ns->top, __ATOMIC_ACQUIRE); i++) {
        int mine = self;
        if (__atomic_compare_exchange_n(&ns->who[i].host, &mine, 0, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
            waiting_at(NULL);
            break;
        }
    }
    __atomic_fetch_sub(&ns->live, 1, __ATOMIC_ACQ_REL);
}
