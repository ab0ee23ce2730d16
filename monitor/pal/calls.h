/* The host side of the PAL: one handler per call (include/abi/hypercall.h),
 * all in one table for the PAL server. */
#ifndef PICOVM_MONITOR_PAL_CALLS_H
#define PICOVM_MONITOR_PAL_CALLS_H

#include <stdint.h>
#include "core/pal_server.h"
#include "hypercall.h"

extern const struct pal_call pal_calls[HC_NR_CALLS];

#define HC_HANDLER(fn) int64_t fn(struct vm *vm, const uint64_t args[6])
/* files.c */
HC_HANDLER(hc_open); HC_HANDLER(hc_close); HC_HANDLER(hc_read); HC_HANDLER(hc_write);
HC_HANDLER(hc_fstat); HC_HANDLER(hc_stat); HC_HANDLER(hc_truncate); HC_HANDLER(hc_getdents);
HC_HANDLER(hc_mkdir); HC_HANDLER(hc_unlink); HC_HANDLER(hc_rename); HC_HANDLER(hc_readlink);
HC_HANDLER(hc_fsync); HC_HANDLER(hc_seek); HC_HANDLER(hc_symlink); HC_HANDLER(hc_setattr);
HC_HANDLER(hc_lock);
/* misc.c */
HC_HANDLER(hc_log); HC_HANDLER(hc_random); HC_HANDLER(hc_sleep); HC_HANDLER(hc_vm_free);
/* pipes.c, poll.c, tty.c */
HC_HANDLER(hc_pipe); HC_HANDLER(hc_nread); HC_HANDLER(hc_poll); HC_HANDLER(hc_tty);
#undef HC_HANDLER

#endif
