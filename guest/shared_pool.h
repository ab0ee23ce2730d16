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

/* first: this is the application's first picoprocess (it formats the table);
 * ready and host: as for frames_init (frames.h), for this VM's view of the
 * shared memory (what another picoprocess's VM took it gets on first touch). */
struct frames_host;
void shared_pool_init(uint64_t size, bool first, uint64_t ready, const struct frames_host *host);
/* An object of len bytes (page multiple), zero filled, with one reference:
 * its physical base, or 0 when the pool has no room. */
uint64_t shared_obj_alloc(uint64_t len);
void shared_obj_get(uint64_t base);
/* Drops a reference; the last one calls last (if not NULL), then frees the object's pages. */
void shared_obj_put(uint64_t base, void (*last)(void *arg, uint64_t base, uint64_t len), void *arg);

/* A file's pages are an object found by the file's key (device, inode), so
 * that every process mapping the file maps the same pages.  The object with
 * that key, with a new reference (*created false), or a new one of len bytes
 * (*created true: the caller fills it); *have is its length. */
uint64_t shared_obj_keyed(const uint64_t key[2], uint64_t len, uint64_t *have, bool *created);
/* Makes the object at base len bytes long where it lies, if the pool is
 * free that far after it (else false, the object unchanged); fill, if not
 * NULL, gives the new bytes [from, to) of the object before any process can
 * use them (they read as zero otherwise). */
bool shared_obj_extend(uint64_t base, uint64_t len,
                       void (*fill)(void *arg, uint64_t base, uint64_t from, uint64_t to), void *arg);
/* Is any file mapped shared by any process of the application? */
bool shared_obj_any_keyed(void);
/* Calls fn on the object of key, if there is one, while no process can free it. */
void shared_obj_with_key(const uint64_t key[2], void (*fn)(void *arg, uint64_t base, uint64_t len), void *arg);

#endif
