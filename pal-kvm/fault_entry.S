/* The CPL0 stub iretq's here with rdi = the fault record and rsp = the top
 * of this vCPU's fault stack (16-byte aligned, as after no call).  It saved
 * rax, rdi and the CPU's frame; every other register still holds the
 * program's value, and is saved here, at CPL3, where it costs nothing. */
#include "context_offsets.h"
    .text
    .globl fault_entry
fault_entry:
    mov %r8, CTX_R8(%rdi)
    mov %r9, CTX_R9(%rdi)
    mov %r10, CTX_R10(%rdi)
    mov %r11, CTX_R11(%rdi)
    mov %r12, CTX_R12(%rdi)
    mov %r13, CTX_R13(%rdi)
    mov %r14, CTX_R14(%rdi)
    mov %r15, CTX_R15(%rdi)
    mov %rsi, CTX_RSI(%rdi)
    mov %rbp, CTX_RBP(%rdi)
    mov %rbx, CTX_RBX(%rdi)
    mov %rdx, CTX_RDX(%rdi)
    mov %rcx, CTX_RCX(%rdi)
    sub $8, %rsp
    call pal_fault_dispatch
1:  ud2
    jmp 1b
    .section .note.GNU-stack, "", @progbits
