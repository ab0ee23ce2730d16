/* Host handles the guest opened through policy.  0..2 are the monitor's stdio
 * (freeing them frees the slot, never the monitor's own fds).  Calls run on
 * several threads, so a user of a handle's fd holds a reference: handle_get()
 * -> host fd or -EBADF, and then exactly one handle_put(handle).  A concurrent
 * handle_free() closes the fd only after the last put, so the fd number cannot
 * be reused by the host while a call still uses it. */
#ifndef PICOVM_MONITOR_HANDLES_H
#define PICOVM_MONITOR_HANDLES_H

#include <stdint.h>

struct vm;

int handle_alloc(int host_fd);                 /* -> handle or -EMFILE (caller still owns host_fd then) */
int handle_get(int64_t handle);
void handle_put(int64_t handle);
int handle_free(int64_t handle);               /* closes the host fd (once unused); -EBADF if not open */
void handles_close_all(void);

/* For calls on a handle (args[0]): runs op on its host fd while holding a
 * reference, or answers -EBADF. */
typedef int64_t (*hc_fd_op)(struct vm *vm, int fd, const uint64_t args[6]);
int64_t hc_on_handle(struct vm *vm, const uint64_t args[6], hc_fd_op op);

#endif
