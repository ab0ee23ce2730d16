/* /proc/self/pagemap: one 64-bit entry per virtual page, in Linux's format
 * (Documentation/admin-guide/mm/pagemap.rst): bit 63 the page is present,
 * bit 61 it is a page of a file or shared memory, bit 58 it is a guard page
 * (MADV_GUARD_INSTALL), bit 56 it is mapped by this process alone.  Page frame numbers are 0, as Linux shows them to a
 * process without CAP_SYS_ADMIN: a guest's frames would say nothing anyway. */
#include "mm/mm.h"
#include "paging.h"
#include <asm-generic/mman-common.h>
#include <linux/mman.h>

#define PAGE 4096ull
#define PM_PRESENT (1ull << 63)
#define PM_FILE (1ull << 61)
#define PM_GUARD_REGION (1ull << 58)
#define PM_EXCLUSIVE (1ull << 56)
#define USER_PAGES (1ull << 35)   /* of a 47-bit address space: nothing maps above */

void mm_pagemap(uint64_t first_page, uint64_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t page = first_page + i, va = page * PAGE;
        const struct vma *v = page < USER_PAGES ? mm_find(va) : NULL;
        out[i] = 0;
        uint64_t pte = v && v->kind == VMA_USER ? pt_lookup(va) : 0;
        if (pt_is_guard(pte))
            out[i] = PM_GUARD_REGION;
        if (!pte || pt_is_guard(pte))
            continue;
        out[i] = PM_PRESENT | (v->shm || !(v->flags & MAP_ANONYMOUS) ? PM_FILE : PM_EXCLUSIVE);
    }
}
