/* First guest instruction: the monitor starts vCPU 0 here at CPL3 with
 * rdi = boot info, rsi = vCPU id and GS base = its percpu slot. */
#include "percpu.h"
    .text
    .globl guest_entry
guest_entry:
    mov %gs:PERCPU_KSTACK_TOP, %rsp
    xor %ebp, %ebp
    call pal_start
1:  ud2
    jmp 1b
    .section .note.GNU-stack, "", @progbits
