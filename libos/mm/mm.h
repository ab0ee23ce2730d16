/* The picoprocess's address space: a sorted table of mappings (VMAs) over the
 * identity-mapped RAM pool.  Free space is the gaps between VMAs. */
#ifndef PICOVM_MM_H
#define PICOVM_MM_H

#include "libos.h"

enum vma_kind { VMA_USER = 1, VMA_LIBOS = 2 };

struct vma {
    uint64_t start, end;     /* page aligned, end exclusive */
    int prot;                /* PROT_* */
    int flags;               /* MAP_* the program asked for (MAP_SHARED, MAP_ANONYMOUS, ...) */
    int kind;                /* enum vma_kind */
    bool pte_custom;         /* page tables differ from the default read-write mapping (PROT_NONE) */
};

void mm_init(uint64_t pool_start, uint64_t pool_end);
uint64_t mm_free_bytes(void);

/* Finds room for len bytes, top down, or uses addr exactly when fixed.
 * Replaces whatever user mappings were there when fixed (MAP_FIXED);
 * never touches library OS memory.  Returns the address or -errno. */
long mm_map(uint64_t addr, uint64_t len, int prot, int flags, int kind, bool fixed);
long mm_unmap(uint64_t addr, uint64_t len);
long mm_protect(uint64_t addr, uint64_t len, int prot);
const struct vma *mm_find(uint64_t addr);
/* Drops every mapping of the program (execve). */
void mm_unmap_user(void);
/* Is [addr, addr+len) free of any mapping? */
bool mm_range_free(uint64_t addr, uint64_t len);

/* Library OS pages (its heap, page-table-free). */
void *mm_alloc_pages(size_t npages);
void mm_free_pages(void *p, size_t npages);

/* Program break. */
void mm_brk_init(uint64_t start, uint64_t max_size);

#endif
