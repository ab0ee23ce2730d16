; CPL0 exception entry: the only privileged code of the guest.
;
; On a PVM host every instruction here is emulated (about 1 us each), so the
; stubs do the least possible: a TLB flush requested by the library OS, or
; saving the fault into the vCPU's fault_record and leaving for the library
; OS's CPL3 fault handler with an iretq.  A fault while the library OS is
; still handling the previous one is fatal and goes to the monitor.
;
; The stub saves only what it must (the CPU's frame, and the two registers it
; hands over in); fault_entry saves the program's other registers at CPL3.
;
; All gates use IST1, so every vCPU enters on its own stack inside
; [GPA_CPL0_STACK_TOP - 8 KB * (n + 1), GPA_CPL0_STACK_TOP), whatever CPL the
; fault came from; the stack position tells which vCPU we are.

bits 64
default rel

%include "abi.inc"            ; GPA_*, SEL_*, PORT_FATAL, FR_*: from include/abi/layout.h

extern fault_entry          ; library OS handler (CPL3), gets the record in rdi
extern fault_stack_tops     ; per-vCPU stack tops for it

global idt_stubs
global tlb_flush_all

section .text.boot

align 16
idt_stubs:
%assign v 0
%rep 32
    align 16
%if v == 8 || v == 10 || v == 11 || v == 12 || v == 13 || v == 14 || v == 17 || v == 21 || v == 29 || v == 30
    push qword v                 ; the CPU pushed an error code
%else
    push qword 0
    push qword v
%endif
    jmp exception_common
%assign v v+1
%endrep

; copy STACK_OFFSET, RECORD_FIELD (through rcx)
%macro copy 2
    mov rcx, [rsp + %1]
    mov [rax + %2], rcx
%endmacro

; Stack: vector, error, rip, cs, rflags, rsp, ss
exception_common:
    cmp qword [rsp], 6
    jne .save
    push rax
    lea rax, [tlb_flush_all]
    cmp [rsp + 24], rax
    jne .not_flush
    mov rax, cr3
    mov cr3, rax
    add qword [rsp + 24], 2      ; skip the ud2
    pop rax
    add rsp, 16
    iretq
.not_flush:
    pop rax
.save:
    push rax
    push rbx
    ; vCPU index from the IST stack position
    mov rax, GPA_CPL0_STACK_TOP - 1
    sub rax, rsp
    shr rax, CPL0_STACK_SHIFT
    mov rbx, rax
    imul rax, rax, FAULT_RECORD_SIZE
    add rax, GPA_FAULT
    cmp qword [rax + FR_DEPTH], 0
    jne .fatal
    inc qword [rax + FR_DEPTH]
    push rcx
    ; Stack: rcx, rbx, rax, vector, error, rip, cs, rflags, rsp, ss
    mov [rax + FR_RDI], rdi
    copy 16, FR_RAX
    copy 24, FR_VECTOR
    copy 32, FR_ERROR
    copy 40, FR_RIP
    copy 48, FR_CS
    copy 56, FR_RFLAGS
    copy 64, FR_RSP
    mov rcx, cr2
    mov [rax + FR_CR2], rcx
    ; Leave for the CPL3 handler: rewrite the iret frame in place.
    lea rcx, [fault_entry]
    mov [rsp + 40], rcx          ; rip
    mov qword [rsp + 48], SEL_UCODE
    mov qword [rsp + 56], 0x3002 ; IOPL 3 (CPL3 port I/O on VMX/SVM), IF clear
    lea rcx, [fault_stack_tops]
    mov rcx, [rcx + rbx * 8]
    mov [rsp + 64], rcx          ; rsp
    mov qword [rsp + 72], SEL_UDATA
    mov rdi, rax                 ; argument: the record
    pop rcx
    pop rbx
    add rsp, 24                  ; saved rax (in the record: rdi/rax are the handler's), vector, error
    iretq
.fatal:
    ; rax = record of the first fault; put the second one beside it for the monitor
    mov rcx, [rsp + 16]
    mov [rax + FR_SECOND], rcx          ; vector
    mov rcx, [rsp + 32]
    mov [rax + FR_SECOND + 8], rcx      ; rip
    mov rcx, cr2
    mov [rax + FR_SECOND + 16], rcx
    mov dx, PORT_FATAL
    out dx, al
.halt:
    hlt
    jmp .halt

; Called by the library OS after it edited page-table entries: the ud2 traps
; to the stub above, which reloads CR3 and returns past it.
section .text
tlb_flush_all:
    ud2
    ret
