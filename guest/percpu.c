/* Per-vCPU areas and the stacks the library OS runs on. */
#include "layout.h"
#include "percpu.h"

static char kstacks[GUEST_MAX_VCPUS][LIBOS_STACK_SIZE] __attribute__((aligned(4096)));
static char fault_stacks[GUEST_MAX_VCPUS][LIBOS_STACK_SIZE] __attribute__((aligned(4096)));

/* Read by the monitor through the image header before the first instruction,
 * so it is initialised statically rather than by code. */
#define PERCPU(n) { .user_rsp = 0, .kstack_top = (uint64_t)&kstacks[n + 1], \
                    .self = &percpu_area[n], .vcpu_id = n }
struct percpu percpu_area[GUEST_MAX_VCPUS] = {
    PERCPU(0), PERCPU(1), PERCPU(2), PERCPU(3), PERCPU(4), PERCPU(5), PERCPU(6), PERCPU(7),
};

/* Used by boot/exception.asm when it hands a fault to the library OS. */
uint64_t fault_stack_tops[GUEST_MAX_VCPUS] = {
    (uint64_t)&fault_stacks[1], (uint64_t)&fault_stacks[2], (uint64_t)&fault_stacks[3],
    (uint64_t)&fault_stacks[4], (uint64_t)&fault_stacks[5], (uint64_t)&fault_stacks[6],
    (uint64_t)&fault_stacks[7], (uint64_t)&fault_stacks[8],
};
