/* Page-table edits for mprotect and guard pages (see paging.h). */
#include "paging.h"
#include "klib.h"
#include "layout.h"
#include "x86.h"
#include <asm/errno.h>
#include <asm-generic/mman-common.h>

static uint64_t pool, ram_end;

void paging_init(uint64_t pt_pool, uint64_t ram_size)
{
    pool = pt_pool;
    ram_end = ram_size;
}

static uint64_t *pd_entry(uint64_t addr)
{
    return (uint64_t *)(GPA_PD + (addr >> 21) * 8);
}

static uint64_t *pte_of(uint64_t addr)
{
    uint64_t *pde = pd_entry(addr);
    if (*pde & PTE_PS) {
        /* Split: the 4 KB table keeps the large page's attributes. */
        uint64_t base = *pde & ~(GUEST_HUGE_SIZE - 1) & PTE_ADDR;
        uint64_t flags = *pde & (PTE_P | PTE_RW | PTE_US | PTE_NX);
        uint64_t *pt = (uint64_t *)(pool + (addr >> 21) * GUEST_PAGE_SIZE);
        for (int i = 0; i < 512; i++)
            pt[i] = (base + i * GUEST_PAGE_SIZE) | flags;
        *pde = (uint64_t)pt | PTE_P | PTE_RW | PTE_US;
    }
    uint64_t *pt = (uint64_t *)(*pde & PTE_ADDR);
    return &pt[(addr >> 12) & 511];
}

long paging_protect(uint64_t addr, uint64_t len, int prot)
{
    if (addr < GPA_RAM_POOL || addr + len > pool || addr + len < addr || (addr | len) & (GUEST_PAGE_SIZE - 1))
        return -EINVAL;
    uint64_t flags = PTE_US;
    if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
        flags |= PTE_P;
    if (prot & PROT_WRITE)
        flags |= PTE_RW;
    if (!(prot & PROT_EXEC))
        flags |= PTE_NX;
    for (uint64_t a = addr; a < addr + len; a += GUEST_PAGE_SIZE) {
        uint64_t *pte = pte_of(a);
        *pte = (a & PTE_ADDR) | flags;
    }
    tlb_flush_all();
    return 0;
}
