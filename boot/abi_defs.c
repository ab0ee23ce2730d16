/* The numbers of include/abi/ that the boot stubs use, for nasm, which cannot
 * read a C header: compiled to assembly, whose ".ascii" lines the build turns
 * into build/gen/abi.inc (Linux's asm-offsets technique), so the stubs and
 * the C code cannot disagree on an address, a selector or an offset. */
#include <stddef.h>
#include "layout.h"

_Static_assert((CPL0_STACK_SIZE & (CPL0_STACK_SIZE - 1)) == 0, "the stubs find their vCPU by a shift");

#define DEFINE(name, value) __asm__ volatile(".ascii \"%%define " #name " %c0\\n\"" : : "i"((unsigned long)(value)))

void abi_defs(void);
void abi_defs(void)
{
    DEFINE(GPA_FAULT, GPA_FAULT);
    DEFINE(GPA_CPL0_STACK_TOP, GPA_CPL0_STACK_TOP);
    DEFINE(CPL0_STACK_SHIFT, __builtin_ctzll(CPL0_STACK_SIZE));
    DEFINE(FAULT_RECORD_SIZE, sizeof(struct fault_record));
    DEFINE(SEL_UCODE, SEL_UCODE);
    DEFINE(SEL_UDATA, SEL_UDATA);
    DEFINE(PORT_FATAL, PORT_FATAL);
    DEFINE(FR_RDI, offsetof(struct fault_record, rdi));
    DEFINE(FR_RAX, offsetof(struct fault_record, rax));
    DEFINE(FR_RSP, offsetof(struct fault_record, rsp));
    DEFINE(FR_RIP, offsetof(struct fault_record, rip));
    DEFINE(FR_RFLAGS, offsetof(struct fault_record, rflags));
    DEFINE(FR_VECTOR, offsetof(struct fault_record, vector));
    DEFINE(FR_ERROR, offsetof(struct fault_record, error));
    DEFINE(FR_CS, offsetof(struct fault_record, cs));
    DEFINE(FR_CR2, offsetof(struct fault_record, cr2));
    DEFINE(FR_DEPTH, offsetof(struct fault_record, depth));
    DEFINE(FR_SECOND, offsetof(struct fault_record, second_vector));
}
