/* The PAL call table: which code serves each call.  Exit and fork are left
 * to the calling vCPU's thread, which owns the VM's lifetime. */
#include "calls.h"
#include "core/upcall.h"
#include "proc/proc.h"

const struct pal_call pal_calls[HC_NR_CALLS] = {
    [HC_EXIT] = { .on_vcpu = proc_exit },
    [HC_FORK] = { .on_vcpu = proc_fork },
    [HC_LOG] = { .fn = hc_log },           [HC_OPEN] = { .fn = hc_open },       [HC_CLOSE] = { .fn = hc_close },
    [HC_READ] = { .fn = hc_read },         [HC_WRITE] = { .fn = hc_write },     [HC_FSTAT] = { .fn = hc_fstat },
    [HC_STAT] = { .fn = hc_stat },         [HC_TRUNCATE] = { .fn = hc_truncate }, [HC_GETDENTS] = { .fn = hc_getdents },
    [HC_MKDIR] = { .fn = hc_mkdir },       [HC_UNLINK] = { .fn = hc_unlink },   [HC_RENAME] = { .fn = hc_rename },
    [HC_READLINK] = { .fn = hc_readlink }, [HC_TTY] = { .fn = hc_tty },         [HC_RANDOM] = { .fn = hc_random },
    [HC_SLEEP] = { .fn = hc_sleep },       [HC_VM_FREE] = { .fn = hc_vm_free }, [HC_FSYNC] = { .fn = hc_fsync },
    [HC_SEEK] = { .fn = hc_seek },         [HC_SYMLINK] = { .fn = hc_symlink }, [HC_SETATTR] = { .fn = hc_setattr },
    [HC_LOCK] = { .fn = hc_lock },         [HC_PROC_WAIT] = { .fn = hc_proc_wait }, [HC_PROC_KILL] = { .fn = hc_proc_kill },
    [HC_PIPE] = { .fn = hc_pipe },         [HC_POLL] = { .fn = hc_poll },       [HC_NREAD] = { .fn = hc_nread },
    [HC_SET_ALARM] = { .fn = hc_set_alarm },
};
