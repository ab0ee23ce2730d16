/* Per-vCPU data of the guest, reached through the GS base the monitor sets.
 * The application never owns GS on x86-64 Linux (its TLS is FS), and the
 * library OS refuses ARCH_SET_GS, so GS stays ours. */
#ifndef PICOVM_PERCPU_H
#define PICOVM_PERCPU_H

#define PERCPU_USER_RSP   0    /* application rsp saved on system-call entry */
#define PERCPU_KSTACK_TOP 8    /* library OS stack for system calls */
#define PERCPU_SELF       16
#define PERCPU_VCPU_ID    24
#define PERCPU_SIZE       64

#define LIBOS_STACK_SIZE  0x10000

#ifndef __ASSEMBLER__
#include <stdint.h>
struct percpu {
    uint64_t user_rsp;
    uint64_t kstack_top;
    struct percpu *self;
    uint64_t vcpu_id;
    uint64_t pad[4];
};
_Static_assert(sizeof(struct percpu) == PERCPU_SIZE, "percpu layout is shared with assembly");

static inline struct percpu *this_cpu(void)
{
    struct percpu *p;
    __asm__("mov %%gs:16, %0" : "=r"(p));
    return p;
}
#endif
#endif
