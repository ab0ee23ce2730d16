/* Shared file mappings: the pages of a file that a process maps MAP_SHARED
 * are an object of the application's shared pool, found by the file's key
 * (device, inode), so every process that maps the file maps the same pages.
 * While such an object lives, reads and writes of the file in any process go
 * through it as well (Linux's page cache does that), and the last mapping to
 * go writes it back to the file. */
#ifndef PICOVM_FILEMAP_H
#define PICOVM_FILEMAP_H

#include "libos.h"

struct file;

/* The object for [0, need) of f, with a reference: its physical base, or -errno. */
long filemap_get(struct file *f, uint64_t need, uint64_t *base);
/* The last reference's duty (shared_obj_put's last): the object's bytes go to the file (a struct file *). */
void filemap_writeback(void *file, uint64_t base, uint64_t len);
/* msync: [off, off+len) of the object at base goes to the file now. */
void filemap_sync(struct file *f, uint64_t base, uint64_t off, uint64_t len);
/* After a read (write) of n bytes at off of f: the bytes a mapping holds win
 * over the file's (the mapping gets the written bytes). */
void filemap_after_io(struct file *f, void *buf, size_t n, uint64_t off, bool write);

#endif
