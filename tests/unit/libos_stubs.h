/* The part of the library OS's surroundings that every host-side test of its
 * handlers replaces the same way: the process globals, a silent log,
 * strlcpy (the guest's klib has it; this host's glibc does not), and IPC
 * with no other process (test_ipc tests the real one).  It defines them,
 * so one file of a test includes it. */
#ifndef PICOVM_TEST_LIBOS_STUBS_H
#define PICOVM_TEST_LIBOS_STUBS_H

#include <string.h>
#include "../../libos/libos.h"
#include "../../libos/ipc/ipc.h"

#include "libos_base_stubs.h"

long ipc_kill(int pid, int sig) { (void)pid, (void)sig; return -ESRCH; }
void ipc_renamed(void) {}
void ipc_safe_point(void) {}
void ipc_children_note_async(uint64_t ended) { (void)ended; }
void ipc_streams_note_async(void) {}
void ipc_tell_parent_job(int code, int sig) { (void)code, (void)sig; }
void ipc_set_stopped(bool now) { (void)now; }
long ipc_getpgid(int pid) { (void)pid; return -ESRCH; }
long ipc_getsid(int pid) { (void)pid; return -ESRCH; }
bool ipc_pid_exists(int pid) { return pid == proc.pid; }
int ipc_nprocs(int *last_pid)
{
    if (last_pid)
        *last_pid = proc.pid;
    return 1;
}
int ipc_pids(int *pids, int max)
{
    if (max < 1)
        return 0;
    pids[0] = proc.pid;
    return 1;
}
long ipc_proc_text(int pid, enum ipc_proc_file which, char **text, size_t *len)
{
    (void)pid, (void)which, (void)text, (void)len;
    return -ESRCH;
}

#endif
