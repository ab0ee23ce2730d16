/* Rewriting system-call sites so later calls skip the `syscall` instruction.
 *
 * On a PVM host `syscall` costs about 1 us (the host traps and redirects it);
 * a jump costs nothing.  When a `syscall` reaches the library OS through
 * LSTAR, its site is known exactly: the two bytes before the return address.
 * If the five bytes before those are an instruction we recognise exactly and
 * can run anywhere (no RIP-relative operand): `mov $imm32, %eax` (imm32 must
 * equal the number just called) or glibc's `mov 8(%rsp), %r9`, it is
 * replaced by `jmp stub`; the stub runs that instruction, loads the return
 * address into rcx and enters the library OS.
 *
 * Why this shape: the `syscall` itself stays in place, so a branch that
 * lands on it directly still works (through LSTAR); nothing is pushed on the
 * program's stack, so its red zone is never touched (zpoline's `call *%rax`
 * would push a return address into it). */
#include "libos.h"
#include "mm.h"
#include "syscall.h"
#include <asm-generic/mman-common.h>

#define STUB_SIZE 20
#define STUB_AREA_PAGES 16

extern char syscall_entry_fast[];

static uint8_t *stubs, *stubs_end, *next_stub;

static bool is_prefix_or_rex(uint8_t b)
{
    return (b >= 0x40 && b <= 0x4f) || b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 ||
           b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65;
}

static void put_rel32(uint8_t *at, const void *target)
{
    int32_t rel = (int32_t)((int64_t)target - (int64_t)(at + 4));
    memcpy(at, &rel, 4);
}

/* Five-byte instructions that may stand before a `syscall`. */
static bool relocatable_before_syscall(const uint8_t *insn, uint64_t nr)
{
    static const uint8_t mov_r9_from_stack[5] = { 0x4c, 0x8b, 0x4c, 0x24, 0x08 };
    if (insn[0] == 0xb8) {
        uint32_t imm;
        memcpy(&imm, insn + 1, 4);
        return imm == nr;
    }
    return !memcmp(insn, mov_r9_from_stack, 5);
}

static uint8_t *new_stub(const uint8_t *insn, uint64_t ret)
{
    if (!stubs) {
        stubs = mm_alloc_pages(STUB_AREA_PAGES);
        if (!stubs)
            return NULL;
        next_stub = stubs;
        stubs_end = stubs + STUB_AREA_PAGES * 4096;
    }
    if (next_stub + STUB_SIZE > stubs_end)
        return NULL;
    uint8_t *s = next_stub;
    memcpy(s, insn, 5);                    /* the displaced instruction */
    s[5] = 0x48;                           /* movabs $ret, %rcx */
    s[6] = 0xb9;
    memcpy(s + 7, &ret, 8);
    s[15] = 0xe9;                          /* jmp syscall_entry_fast */
    put_rel32(s + 16, syscall_entry_fast);
    next_stub += STUB_SIZE;
    return s;
}

void syscall_patch_site(const struct syscall_frame *f, uint64_t nr)
{
    uint8_t *site = (uint8_t *)f->rip - 7;
    const struct vma *v = mm_find((uint64_t)site - 1);
    if (!v || v != mm_find(f->rip - 1) || v->kind != VMA_USER || !(v->prot & PROT_EXEC))
        return;
    if (site[5] != 0x0f || site[6] != 0x05 || is_prefix_or_rex(site[-1]) || !relocatable_before_syscall(site, nr))
        return;
    uint8_t *stub = new_stub(site, f->rip);
    if (!stub)
        return;
    site[0] = 0xe9;
    put_rel32(site + 1, stub);
}
