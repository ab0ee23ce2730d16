/* Page-table edits for the guest's identity map.
 *
 * The monitor maps RAM with 2 MB pages (the first 2 MB with 4 KB pages and
 * page 0 absent).  Changing protection below 2 MB granularity splits a large
 * page into the 4 KB table reserved for it at pt_pool + 4 KB * (addr / 2 MB). */
#ifndef PICOVM_PAGING_H
#define PICOVM_PAGING_H

#include <stdint.h>
#include <stddef.h>

void paging_init(uint64_t pt_pool, uint64_t ram_size);
/* prot: PROT_READ/WRITE/EXEC bits; PROT_NONE makes the pages absent.
 * Returns 0 or -EINVAL if the range is not inside RAM. */
long paging_protect(uint64_t addr, uint64_t len, int prot);
void tlb_flush_all(void);

#endif
