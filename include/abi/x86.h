/* Architectural constants of x86-64 that the monitor (which builds the guest's
 * first page tables and CPU state) and the guest base (which edits those page
 * tables) must read alike: one definition for both sides. */
#ifndef PICOVM_ABI_X86_H
#define PICOVM_ABI_X86_H

/* Page-table entry bits. */
#define PTE_P    0x1ull
#define PTE_RW   0x2ull
#define PTE_US   0x4ull
#define PTE_PWT  0x8ull
#define PTE_PCD  0x10ull
#define PTE_A    0x20ull
#define PTE_D    0x40ull
#define PTE_PS   0x80ull
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/* Control registers and EFER. */
#define CR0_PE 0x1ull
#define CR0_MP 0x2ull
#define CR0_ET 0x10ull
#define CR0_NE 0x20ull
#define CR0_WP 0x10000ull
#define CR0_AM 0x40000ull
#define CR0_PG 0x80000000ull
#define CR4_PAE 0x20ull
#define CR4_PGE 0x80ull
#define CR4_OSFXSR 0x200ull
#define CR4_OSXMMEXCPT 0x400ull
#define CR4_FSGSBASE 0x10000ull
#define CR4_OSXSAVE 0x40000ull
#define EFER_SCE 0x1ull
#define EFER_LME 0x100ull
#define EFER_LMA 0x400ull
#define EFER_NXE 0x800ull

/* RFLAGS bits. */
#define RFLAGS_TF 0x100ull
#define RFLAGS_IF 0x200ull
#define RFLAGS_DF 0x400ull
#define RFLAGS_NT 0x4000ull
#define RFLAGS_RF 0x10000ull
#define RFLAGS_AC 0x40000ull

/* Model-specific registers. */
#define MSR_IA32_TSC        0x10
#define MSR_STAR            0xc0000081
#define MSR_LSTAR           0xc0000082
#define MSR_SFMASK          0xc0000084
#define MSR_KERNEL_GS_BASE  0xc0000102

#endif
