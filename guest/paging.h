/* The guest's page tables, owned by the guest from the first instruction on:
 * the monitor builds the low 4 MB and the direct map (include/abi/layout.h),
 * the library OS maps everything else, 4 KB page by 4 KB page, with frames
 * from frames.h.  The root never moves (the monitor walks it to find a PAL
 * call's buffers).
 *
 * Cost on PVM hosts, which shadow these tables: an entry that goes from
 * absent to present needs no flush (the CPU caches no absent entry, and the
 * host's shadow walks the guest's table at the fault that follows), so
 * mapping is a plain store.  Taking a present entry away or narrowing it
 * needs a flush, which traps to a CPL0 stub (14-66 us there): callers change
 * a whole range, then flush once. */
#ifndef PICOVM_PAGING_H
#define PICOVM_PAGING_H

#include <stdbool.h>
#include <stdint.h>

/* The virtual areas (layout.h checks them in paging.c): the program's
 * address space, and the library OS's own (its heap) in the last slot of the
 * lower half, above the direct map. */
#define PT_USER_MIN   0x400000ull
#define PT_USER_TOP   0x7efffffff000ull
#define PT_LIBOS_BASE 0x7f8000000000ull
#define PT_LIBOS_END  0x800000000000ull   /* 512 GB, one PML4 slot */

/* Leaf-entry flags for PROT_* bits; PROT_NONE gives an absent entry that
 * keeps its frame (the data stays for a later mprotect). */
uint64_t pt_prot_flags(int prot);
/* Maps the 4 KB page at va to frame pa; -ENOMEM when no frame is left for a table. */
long pt_map(uint64_t va, uint64_t pa, uint64_t flags);
/* The leaf entry of va, 0 if there is none. */
uint64_t pt_lookup(uint64_t va);
/* Marks va's page written, for a write that went around its mapping (through
 * the direct map): the frame must not be taken for a zero one later. */
void pt_mark_dirty(uint64_t va);
/* A guard page (MADV_GUARD_INSTALL) at va: an absent leaf with no frame that
 * no touch fills; -ENOMEM when no frame is left for a table. */
long pt_set_guard(uint64_t va);
bool pt_is_guard(uint64_t pte);
/* For every leaf that holds a frame or a guard in [start, end) (absent tables
 * are skipped whole), stores what fn returns for it (0 removes it).  True if
 * any entry changed, which then needs pt_flush(). */
typedef uint64_t (*pt_update_fn)(uint64_t va, uint64_t pte, void *arg);
bool pt_update(uint64_t start, uint64_t end, pt_update_fn fn, void *arg);
/* The physical address in a leaf entry, and whether it was written (dirty). */
uint64_t pt_frame(uint64_t pte);
bool pt_dirty(uint64_t pte);
/* The same entry with flags (from pt_prot_flags) in place of its own. */
uint64_t pt_reflag(uint64_t pte, uint64_t flags);
void pt_flush(void);
/* What pt_flush does for the other vCPUs (the library OS's threads' TLBs). */
void pt_set_flush_others(void (*fn)(void));
/* This vCPU's TLB only. */
void tlb_flush_all(void);

#endif
