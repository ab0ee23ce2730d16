/* The PAL call table: hc_handlers[nr] serves call nr.  HC_EXIT is left to the
 * vCPU/server code, which owns the VM's lifetime. */
#include "monitor.h"
#include "hypercall.h"

#define HC_CALLS(X)                                                                   \
    X(HC_LOG, hc_log) X(HC_OPEN, hc_open) X(HC_CLOSE, hc_close) X(HC_READ, hc_read)   \
    X(HC_WRITE, hc_write) X(HC_FSTAT, hc_fstat) X(HC_STAT, hc_stat)                   \
    X(HC_TRUNCATE, hc_truncate) X(HC_GETDENTS, hc_getdents) X(HC_MKDIR, hc_mkdir)     \
    X(HC_UNLINK, hc_unlink) X(HC_RENAME, hc_rename) X(HC_READLINK, hc_readlink)       \
    X(HC_TTY, hc_tty) X(HC_RANDOM, hc_random) X(HC_SLEEP, hc_sleep)                   \
    X(HC_VM_FREE, hc_vm_free) X(HC_FSYNC, hc_fsync) X(HC_SEEK, hc_seek)             \
    X(HC_SYMLINK, hc_symlink) X(HC_SETATTR, hc_setattr)                               \
    X(HC_LOCK, hc_lock) X(HC_PROC_WAIT, hc_proc_wait) X(HC_PROC_KILL, hc_proc_kill)                       \
    X(HC_PIPE, hc_pipe) X(HC_POLL, hc_poll) X(HC_NREAD, hc_nread)                   \
    X(HC_SET_ALARM, hc_set_alarm)

#define DECLARE(nr, fn) int64_t fn(struct vm *vm, const uint64_t args[6]);
HC_CALLS(DECLARE)

#define ENTRY(nr, fn) [nr] = fn,
const hc_handler hc_handlers[HC_NR_CALLS] = { HC_CALLS(ENTRY) };
