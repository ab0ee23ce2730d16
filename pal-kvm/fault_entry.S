/* The CPL0 stub iretq's here with rdi = the fault record and rsp = the top
 * of this vCPU's fault stack (16-byte aligned, as after no call). */
    .text
    .globl fault_entry
fault_entry:
    sub $8, %rsp
    call pal_fault_dispatch
1:  ud2
    jmp 1b
    .section .note.GNU-stack, "", @progbits
