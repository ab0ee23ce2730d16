/* The application's shared memory (GPA_SHARED): one physical range that every
 * picoprocess of the application maps, because each monitor inherits the same
 * memfd over fork.  It is cut into objects (a MAP_SHARED anonymous mapping,
 * later a shared segment), each counted by the mappings that use it in all
 * processes; the table that says so lives in the shared memory itself, under
 * a spin lock, so every picoprocess allocates from it without asking anyone. */
#ifndef PICOVM_SHARED_POOL_H
#define PICOVM_SHARED_POOL_H

#include <stdbool.h>
#include <stdint.h>

/* first: this is the application's first picoprocess (it formats the table). */
void shared_pool_init(uint64_t size, bool first, void (*release)(uint64_t pa, uint64_t len));
/* An object of len bytes (page multiple), zero filled, with one reference:
 * its physical base, or 0 when the pool has no room. */
uint64_t shared_obj_alloc(uint64_t len);
void shared_obj_get(uint64_t base);
/* Drops a reference; the last one frees the object's pages. */
void shared_obj_put(uint64_t base);

#endif
