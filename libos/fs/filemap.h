/* Shared file mappings: the pages of a file that a process maps MAP_SHARED
 * are an object of the application's shared pool, found by the file's key
 * (device, inode), so every process that maps the file maps the same pages.
 * While such an object lives, reads and writes of the file in any process go
 * through it as well (Linux's page cache does that), and the last mapping to
 * go writes it back to the file. */
#ifndef PICOVM_LIBOS_FILEMAP_H
#define PICOVM_LIBOS_FILEMAP_H

#include "libos.h"
#include "mm/mm.h"

struct file;

/* The object for [0, need) of f, with a reference: its physical base, or -errno. */
long filemap_get(struct file *f, uint64_t need, uint64_t *base);
/* What the mappings of that object do with the file (owner: the struct file):
 * hold it, and write to it at msync and at the object's last reference. */
extern const struct vma_owner_ops filemap_owner_ops;
/* After a read (write) of n bytes at off of f: the bytes a mapping holds win
 * over the file's (the mapping gets the written bytes). */
void filemap_after_io(struct file *f, void *buf, size_t n, uint64_t off, bool write);
/* Does any file have such an object now (else filemap_after_io has nothing to do)? */
bool filemap_active(void);

#endif
