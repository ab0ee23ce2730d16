/* x86-64 4-level page tables of the guest (see paging.h).  Tables are frames
 * reached through the direct map. */
#include "paging.h"
#include "frames.h"
#include "klib.h"
#include "layout.h"
#include "x86.h"
#include <asm/errno.h>
#include <asm-generic/mman-common.h>

#define LEVELS 4
#define TABLE_FLAGS (PTE_P | PTE_RW | PTE_US)
/* Software bits: an absent entry (PROT_NONE) that still holds its frame; a
 * guard page, absent with no frame. */
#define PTE_KEPT 0x200ull
#define PTE_GUARD 0x400ull

_Static_assert(PT_USER_MIN == USER_MIN && PT_USER_TOP == USER_TOP, "the program's area is layout.h's");
_Static_assert(((PT_LIBOS_BASE >> 39) & 511) != DIRECT_MAP_SLOT && PT_LIBOS_BASE >= USER_TOP &&
               PT_LIBOS_END - PT_LIBOS_BASE == 1ull << 39 && (PT_LIBOS_BASE & ((1ull << 39) - 1)) == 0,
               "the library OS's area is a lower-half slot of its own, above the program's");


static uint64_t *root(void) { return (uint64_t *)GPA_PML4; }   /* VA == PA in the low 4 MB */

static unsigned index_at(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 511; }

uint64_t pt_prot_flags(int prot)
{
    if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
        return PTE_KEPT;
    uint64_t f = PTE_P | PTE_US;
    if (prot & PROT_WRITE)
        f |= PTE_RW;
    if (!(prot & PROT_EXEC))
        f |= PTE_NX;
    return f;
}

uint64_t pt_frame(uint64_t pte) { return pte & PTE_ADDR; }
bool pt_dirty(uint64_t pte) { return pte & PTE_D; }
uint64_t pt_reflag(uint64_t pte, uint64_t flags) { return (pte & (PTE_ADDR | PTE_A | PTE_D)) | flags; }

/* The table below entry e, made when absent and create says so. */
static uint64_t *next_table(uint64_t *e, bool create)
{
    if (!(*e & PTE_P)) {
        if (!create)
            return NULL;
        uint64_t pa = frame_alloc();
        if (!pa)
            return NULL;
        *e = pa | TABLE_FLAGS;
    }
    return frame_ptr(*e & PTE_ADDR);
}

static uint64_t *leaf(uint64_t va, bool create)
{
    uint64_t *t = root();
    for (int level = LEVELS - 1; level > 0; level--) {
        uint64_t *e = &t[index_at(va, level)];
        if (*e & PTE_PS)
            return NULL;   /* the monitor's large pages: never the library OS's to edit */
        if (!(t = next_table(e, create)))
            return NULL;
    }
    return &t[index_at(va, 0)];
}

long pt_map(uint64_t va, uint64_t pa, uint64_t flags)
{
    uint64_t *e = leaf(va, true);
    if (!e)
        return -ENOMEM;
    *e = pa | flags;
    return 0;
}

long pt_set_guard(uint64_t va) { return pt_map(va, 0, PTE_GUARD); }
bool pt_is_guard(uint64_t pte) { return pte & PTE_GUARD; }

uint64_t pt_lookup(uint64_t va)
{
    uint64_t *e = leaf(va, false);
    return e ? *e : 0;
}

void pt_mark_dirty(uint64_t va)
{
    uint64_t *e = leaf(va, false);
    if (e && *e)
        *e |= PTE_A | PTE_D;
}

/* Walks the entries of table t (at level) that cover [start, end); base is
 * the address t's first entry maps. */
static bool update(uint64_t *t, int level, uint64_t base, uint64_t start, uint64_t end,
                   pt_update_fn fn, void *arg)
{
    uint64_t span = 1ull << (12 + 9 * level);
    bool changed = false;
    for (unsigned i = index_at(start, level); i < 512; i++) {
        uint64_t va = base + i * span;
        if (va & (1ull << 47))
            va |= 0xffff000000000000ull;   /* canonical: the upper half is sign-extended */
        if (va >= end)
            break;
        uint64_t e = t[i];
        if (level ? !(e & PTE_P) || (e & PTE_PS) : !(e & (PTE_P | PTE_KEPT | PTE_GUARD)))
            continue;
        if (level) {
            uint64_t lo = MAX(start, va), hi = MIN(end, va + span);
            changed |= update(frame_ptr(e & PTE_ADDR), level - 1, va, lo, hi, fn, arg);
            continue;
        }
        uint64_t n = fn(va, e, arg);
        if (n != e) {
            t[i] = n;
            changed = true;
        }
    }
    return changed;
}

bool pt_update(uint64_t start, uint64_t end, pt_update_fn fn, void *arg)
{
    if (start >= end)
        return false;
    return update(root(), LEVELS - 1, 0, start, end, fn, arg);
}

static void (*others)(void);

void pt_set_flush_others(void (*fn)(void)) { others = fn; }

void pt_flush(void)
{
    tlb_flush_all();
    if (others)
        others();
}
