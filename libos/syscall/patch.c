/* Rewriting system-call sites so later calls skip the `syscall` instruction.
 *
 * On a PVM host `syscall` costs about 1 us (the host traps and redirects it);
 * a jump costs nothing.  When a `syscall` reaches the library OS through
 * LSTAR, its site is known exactly: the two bytes before the return address.
 * The few instructions just before it (the "span") are moved into a stub
 * that ends by loading the return address into rcx and entering the library
 * OS like `syscall` would; the span's first five bytes become `jmp stub`.
 * A rel32 jump reaches 2 GB: stubs live in areas mapped near the code they
 * serve (the program may be anywhere in 128 TB), and leave with an absolute
 * jump.
 *
 * Why it is safe:
 *  - the span is decoded forward from its start and must land exactly on the
 *    `syscall`, using only a short list of instructions that do not depend
 *    on where they run (RIP-relative LEAs are re-aimed in the stub);
 *  - its first instruction is at least five bytes long, so no other
 *    instruction starts inside the bytes the jump overwrites; a branch into
 *    the span past them, or straight to the `syscall` (left in place), runs
 *    the original code and still works, through LSTAR;
 *  - the decoding must be confirmed (see find_span);
 *  - nothing is pushed on the program's stack, so its red zone is never
 *    touched (zpoline's `call *%rax` would push a return address into it). */
#include "libos.h"
#include "mm/mm.h"
#include "syscall/syscall.h"
#include <asm-generic/mman-common.h>

#define MAX_SPAN 24
#define STUB_TAIL 24          /* movabs $ret, %rcx; jmp *0(%rip); .quad entry */
#define STUB_SIZE (MAX_SPAN + STUB_TAIL)
#define STUB_AREA_PAGES 16
#define STUB_AREA_BYTES (STUB_AREA_PAGES * 4096)
#define MAX_AREAS 8

extern char syscall_entry_fast[];

static struct stub_area {
    uint8_t *base, *next;
} areas[MAX_AREAS];
static int nareas;
static size_t nstubs;

/* Sites already rewritten (their return addresses), so that a later trip
 * through LSTAR from the same `syscall` (a branch straight to it) never
 * decodes our own jump as program code. */
#define PATCHED_SLOTS 2048
static uint64_t patched[PATCHED_SLOTS];

static uint64_t *patched_slot(uint64_t ret)
{
    uint64_t i = (ret * 0x9e3779b97f4a7c15ull) >> 53;
    while (patched[i] && patched[i] != ret)
        i = (i + 1) % PATCHED_SLOTS;
    return &patched[i];
}

/* One decoded instruction of a span and what it does to registers. */
struct insn {
    uint8_t len;
    int8_t rip_disp_at;   /* offset of a RIP-relative disp32, or -1 */
    int8_t dst;           /* register written (0 = rax .. 15), or -1 */
    int8_t src;           /* register copied into dst, or -1 */
    bool has_imm;         /* dst = imm */
    bool stack_mov;       /* mov between a register and disp8(%rsp) */
    uint32_t imm;
};

static bool modrm_reg_reg(uint8_t m) { return (m & 0xc0) == 0xc0; }

/* Decodes the instructions a compiler puts next to a `syscall`; false for
 * anything else. */
static bool decode(const uint8_t *p, struct insn *in)
{
    *in = (struct insn){ .rip_disp_at = -1, .dst = -1, .src = -1 };
    uint8_t rex = 0;
    int n = 0;
    if ((p[0] & 0xf0) == 0x40)
        rex = p[n++];
    int r = (rex & 4) << 1, b = (rex & 1) << 3;
    uint8_t op = p[n], m = p[n + 1];
    int reg = ((m >> 3) & 7) | r, rm = (m & 7) | b;
    if (op >= 0xb8 && op <= 0xbf && !(rex & 0x08)) {    /* mov $imm32, r32 */
        in->len = n + 5;
        in->dst = (op & 7) | b;
        in->has_imm = true;
        memcpy(&in->imm, p + n + 1, 4);
        return true;
    }
    if (op == 0xc7 && (rex & 0x08) && (m & 0xf8) == 0xc0) {   /* mov $simm32, r64 */
        in->len = n + 6;
        in->dst = rm;
        in->has_imm = true;
        memcpy(&in->imm, p + n + 2, 4);
        return true;
    }
    switch (op) {
    case 0x89:                                           /* mov reg, r/m */
    case 0x8b:                                           /* mov r/m, reg */
        if (modrm_reg_reg(m)) {
            in->len = n + 2;
            in->dst = op == 0x89 ? rm : reg;
            in->src = op == 0x89 ? reg : rm;
            return true;
        }
        if ((m & 0xc7) == 0x44 && p[n + 2] == 0x24) {    /* disp8(%rsp) */
            in->len = n + 4;
            in->dst = op == 0x8b ? reg : -1;
            in->stack_mov = rex & 0x08;
            return true;
        }
        return false;
    case 0x31:                                           /* xor */
    case 0x33:
    case 0x63:                                           /* movslq */
        if (!modrm_reg_reg(m) || (op == 0x63 && !(rex & 0x08)))
            return false;
        in->len = n + 2;
        in->dst = op == 0x31 ? rm : reg;
        return true;
    case 0x8d:                                           /* lea disp32(%rip), reg */
        if ((m & 0xc7) != 0x05 || !(rex & 0x08))
            return false;
        in->len = n + 6;
        in->rip_disp_at = n + 2;
        in->dst = reg;
        return true;
    default:
        return false;
    }
}

/* Finds the shortest span ending at the `syscall` at site whose decoding is
 * confirmed: either it proves that rax holds nr when the `syscall` runs (an
 * immediate equal to nr reaches rax), or it leaves rax alone and starts with
 * a 64-bit move between a register and disp8(%rsp), the shape of the last
 * instruction of the generic wrappers (musl's __syscall_cp_asm, glibc's
 * syscall()), whose number arrives in a register.  A decoding that starts in
 * the middle of an instruction is all but certain to fail both.  Returns the
 * start or NULL. */
static uint8_t *find_span(uint8_t *site, uint64_t nr, const struct vma *v)
{
    for (int back = 5; back <= MAX_SPAN; back++) {
        uint8_t *start = site - back;
        if ((uint64_t)start < v->start)
            return NULL;
        struct insn in;
        if (!decode(start, &in) || in.len < 5)
            continue;
        bool stack_first = in.stack_mov, rax_written = false;
        uint16_t holds_nr = 0;   /* registers known to hold nr */
        uint8_t *p = start;
        while (p < site && decode(p, &in)) {
            rax_written |= in.dst == 0;
            if (in.dst >= 0) {
                bool nr_now = in.has_imm ? in.imm == nr : in.src >= 0 && (holds_nr >> in.src & 1);
                holds_nr = (holds_nr & ~(1u << in.dst)) | (nr_now ? 1u << in.dst : 0);
            }
            p += in.len;
        }
        if (p == site && ((holds_nr & 1) || (stack_first && !rax_written)))
            return start;
    }
    return NULL;
}

static bool rel32_reaches(const void *from, const void *to)
{
    int64_t d = (int64_t)to - (int64_t)from;
    return d == (int32_t)d;
}

/* Room for a stub that a jump at site reaches, in an area near it. */
static uint8_t *stub_room(const uint8_t *site)
{
    for (int i = 0; i < nareas; i++) {
        struct stub_area *a = &areas[i];
        if (a->next + STUB_SIZE <= a->base + STUB_AREA_BYTES && rel32_reaches(site, a->base) &&
            rel32_reaches(site, a->base + STUB_AREA_BYTES))
            return a->next;
    }
    if (nareas == MAX_AREAS)
        return NULL;
    long r = mm_map_near((uint64_t)site, STUB_AREA_BYTES);
    if (r < 0)
        return NULL;
    areas[nareas] = (struct stub_area){ (uint8_t *)r, (uint8_t *)r };
    return areas[nareas++].next;
}

static void used_room(uint8_t *s)
{
    for (int i = 0; i < nareas; i++)
        if (areas[i].next == s)
            areas[i].next += STUB_SIZE;
    nstubs++;
}

/* The stub: the span (RIP-relative operands re-aimed), then
 * `movabs $return, %rcx; jmp *0(%rip); .quad syscall_entry_fast`. */
static uint8_t *new_stub(const uint8_t *span, size_t len, uint64_t ret)
{
    /* Full (the table must keep free slots to end its probes): stop rewriting. */
    if (nstubs >= PATCHED_SLOTS / 2)
        return NULL;
    uint8_t *s = stub_room(span);
    if (!s)
        return NULL;
    memcpy(s, span, len);
    struct insn in;
    for (size_t off = 0; off < len; off += in.len) {
        decode(span + off, &in);
        if (in.rip_disp_at >= 0) {
            int32_t disp;
            memcpy(&disp, span + off + in.rip_disp_at, 4);
            const uint8_t *target = span + off + in.len + disp;
            int64_t rel = target - (s + off + in.len);
            if (rel != (int32_t)rel)
                return NULL;
            int32_t rel32 = (int32_t)rel;
            memcpy(s + off + in.rip_disp_at, &rel32, 4);
        }
    }
    s[len] = 0x48;                         /* movabs $ret, %rcx */
    s[len + 1] = 0xb9;
    memcpy(s + len + 2, &ret, 8);
    static const uint8_t jmp_abs[6] = { 0xff, 0x25, 0, 0, 0, 0 };
    memcpy(s + len + 10, jmp_abs, sizeof jmp_abs);
    uint64_t entry = (uint64_t)syscall_entry_fast;
    memcpy(s + len + 16, &entry, 8);
    used_room(s);
    return s;
}

void syscall_patch_site(const struct syscall_frame *f, uint64_t nr)
{
    uint8_t *site = (uint8_t *)f->rip - 2;
    const struct vma *v = mm_find((uint64_t)site);
    if (!v || v->kind != VMA_USER || !(v->prot & PROT_EXEC) || f->rip > v->end || site[0] != 0x0f ||
        site[1] != 0x05)
        return;
    uint64_t *slot = patched_slot(f->rip);
    if (*slot)
        return;
    uint8_t *start = find_span(site, nr, v);
    if (!start)
        return;
    uint8_t *stub = new_stub(start, site - start, f->rip);
    if (!stub)
        return;
    uint8_t jmp[5] = { 0xe9 };
    int32_t rel = (int32_t)((int64_t)stub - (int64_t)(start + 5));
    memcpy(jmp + 1, &rel, 4);
    /* Through the frame: the program's code is mapped read-only. */
    if (mm_poke((uint64_t)start, jmp, sizeof jmp))
        *slot = f->rip;
}

/* A new program (execve): its call sites are not the old program's. */
void syscall_patch_reset(void)
{
    for (int i = 0; i < nareas; i++)
        mm_free_pages(areas[i].base, STUB_AREA_PAGES);
    nareas = 0;
    nstubs = 0;
    memset(patched, 0, sizeof(patched));
}
