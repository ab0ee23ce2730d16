/* Leaving for and arriving from the program with all of its registers.
 *
 * pal_resume(ctx) loads every register of a struct pal_context and
 * continues there with iretq, which also restores rsp, rip and rflags in one
 * step: from CPL3 on PVM (iretq to the same level costs about 50 ns there)
 * and from CPL0 during a system call on VMX/SVM.  The iretq frame is built
 * on the current stack (the library OS's), never on the program's.
 *
 * pal_upcall_entry is where the monitor sends a vCPU it interrupted in the
 * program's own code (monitor/upcall.c), with the program's registers saved
 * in the upcall area and rsp = this vCPU's library OS stack. */
#include "context_offsets.h"
    .text
    .globl pal_resume
pal_resume:
    pushq $USER_SS
    pushq CTX_RSP(%rdi)
    pushq CTX_RFLAGS(%rdi)
    pushq $USER_CS
    pushq CTX_RIP(%rdi)
    mov CTX_R8(%rdi), %r8
    mov CTX_R9(%rdi), %r9
    mov CTX_R10(%rdi), %r10
    mov CTX_R11(%rdi), %r11
    mov CTX_R12(%rdi), %r12
    mov CTX_R13(%rdi), %r13
    mov CTX_R14(%rdi), %r14
    mov CTX_R15(%rdi), %r15
    mov CTX_RSI(%rdi), %rsi
    mov CTX_RBP(%rdi), %rbp
    mov CTX_RBX(%rdi), %rbx
    mov CTX_RDX(%rdi), %rdx
    mov CTX_RAX(%rdi), %rax
    mov CTX_RCX(%rdi), %rcx
    mov CTX_RDI(%rdi), %rdi
    iretq

    .globl pal_upcall_entry
pal_upcall_entry:
    and $-16, %rsp
    call pal_upcall_dispatch
1:  ud2
    jmp 1b
    .section .note.GNU-stack, "", @progbits
