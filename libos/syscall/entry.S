/* System-call entry for unmodified binaries (MSR_LSTAR points here).
 *
 * On a PVM host `syscall` stays at CPL3 and jumps here with no exit; on
 * VMX/SVM it enters CPL0 for real.  Either way the user stack is left alone
 * (no red-zone damage), the library OS runs on this vCPU's own stack, and the
 * frame below is what syscall_dispatch() sees (struct syscall_frame).  Return
 * with sysretq from CPL0, or by popfq + jmp at CPL3 where sysretq faults. */
#include "percpu.h"
    .text
    .globl syscall_entry
syscall_entry:
    mov %rsp, %gs:PERCPU_USER_RSP
    mov %gs:PERCPU_KSTACK_TOP, %rsp
syscall_common:
    pushq %gs:PERCPU_USER_RSP
    push %rcx
    push %r11
    push %rax
    push %rdi
    push %rsi
    push %rdx
    push %r10
    push %r8
    push %r9
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    call syscall_dispatch
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    pop %r9
    pop %r8
    pop %r10
    pop %rdx
    pop %rsi
    pop %rdi
    mov %cs, %eax
    test $3, %eax
    pop %rax
    pop %r11
    pop %rcx
    jz 1f
    push %r11
    popfq
    pop %rsp
    jmp *%rcx
1:  pop %rsp
    sysretq

/* Entered by a jmp from a rewritten call site (syscall/patch.c) with
 * rax = number and rcx = return address, at CPL3 on every host: make the
 * frame look as if `syscall` had run (r11 = flags, DF clear). */
    .globl syscall_entry_fast
syscall_entry_fast:
    mov %rsp, %gs:PERCPU_USER_RSP
    mov %gs:PERCPU_KSTACK_TOP, %rsp
    pushfq
    pop %r11
    cld
    jmp syscall_common
    .section .note.GNU-stack, "", @progbits
