/* The register frame of a system call, as the entry stub (entry.c) pushes it. */
#ifndef PICOVM_SYSCALL_H
#define PICOVM_SYSCALL_H
#include <stdint.h>

struct syscall_frame {
    uint64_t r15, r14, r13, r12, rbp, rbx;
    uint64_t r9, r8, r10, rdx, rsi, rdi;
    uint64_t rax;      /* number on entry, result on return */
    uint64_t rflags;   /* r11 */
    uint64_t rip;      /* rcx */
    uint64_t rsp;
};

void syscall_dispatch(struct syscall_frame *f);

/* Site rewriting (syscall/patch.c). */
void syscall_patch_site(const struct syscall_frame *f, uint64_t nr);
void syscall_patch_reset(void);
#endif
