/* PAL entries whose implementation is still being written: each answers
 * -ENOSYS until its real (strong) definition lands, then this file goes. */
#include "pal_kvm.h"
#include <asm/errno.h>

#define PENDING __attribute__((weak))

PENDING long kvm_vsock_listen(uint32_t port) { (void)port; return -ENOSYS; }
PENDING long kvm_vsock_accept(long l, uint32_t *cid) { (void)l, (void)cid; return -ENOSYS; }
PENDING long kvm_vsock_connect(uint32_t cid, uint32_t port) { (void)cid, (void)port; return -ENOSYS; }
PENDING void kvm_set_upcall_handler(void (*handler)(void *context)) { (void)handler; }
PENDING long kvm_set_alarm(uint64_t ns, uint64_t interval) { (void)ns, (void)interval; return -ENOSYS; }
