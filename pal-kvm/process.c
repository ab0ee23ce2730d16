/* PAL processes: fork by snapshot, waiting for and killing children. */
#include "pal_kvm.h"

long kvm_process_fork(void)
{
    /* Parked at once: the monitor snapshots a vCPU that is not running. */
    long r = hcall_parked(HC_FORK, 0, 0, 0, 0, true);
    if (r == 0)
        pal_state_after_fork();
    return r;
}

long kvm_process_wait(long pid, int nohang, int *status)
{
    struct hc_wait_result r;
    long ret = hcall(HC_PROC_WAIT, (uint64_t)pid, nohang, (uint64_t)&r, 0);
    if (ret < 0)
        return ret;
    *status = (int)r.status;
    return (long)r.pid;
}

long kvm_process_kill(long pid, int host_signal) { return hcall(HC_PROC_KILL, (uint64_t)pid, host_signal, 0, 0); }
