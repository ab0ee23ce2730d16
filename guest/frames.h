/* The guest's physical pages (4 KB frames) of RAM: handed out for page
 * tables, the program's private memory and the library OS's heap.
 *
 * Three sources, cheapest first: frames freed dirty (resident on the host
 * already: zeroing one costs ~100 ns, where a host page's first touch costs
 * 4-43 us on PVM hosts), frames known to be zero (given back to the host, or
 * never written), and the untouched rest of the pool. */
#ifndef PICOVM_FRAMES_H
#define PICOVM_FRAMES_H

#include <stdbool.h>
#include <stdint.h>

/* The physical memory behind frames, as the host gives it: release gives
 * [pa, pa+len) back (its pages read as zero after); grow makes the VM have
 * memory up to end (the VM starts with [0, ready)) -> how far it has it now,
 * or 0 if it cannot. */
struct frames_host {
    void (*release)(uint64_t pa, uint64_t len);
    uint64_t (*grow)(uint64_t end);
};
void frames_init(uint64_t pool_start, uint64_t pool_end, uint64_t ready, const struct frames_host *host);
/* A zeroed frame's physical address, or 0 when the pool is exhausted. */
uint64_t frame_alloc(void);
/* dirty: the frame may hold data (a mapping's dirty bit was set). */
void frame_free(uint64_t pa, bool dirty);
/* Frames that frame_alloc can still hand out. */
uint64_t frames_available(void);
/* Gives dirty frames beyond a small reserve back to the host (after a large unmap). */
void frames_trim(void);
/* The library OS's view of a frame (the direct map). */
void *frame_ptr(uint64_t pa);

#endif
