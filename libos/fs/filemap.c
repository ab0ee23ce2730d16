/* Shared file mappings (see filemap.h). */
#include "fs/filemap.h"
#include "fs/file.h"
#include "frames.h"
#include "shared_pool.h"
#include <asm/stat.h>
#include <linux/stat.h>

/* An object holds at least this much of a file, so that a file mapped a
 * piece at a time (sqlite's -shm file grows by 32 KB) stays one object. */
#define MIN_OBJECT (1ull << 20)
#define PAGE 4096ull

static long key_of(struct file *f, uint64_t key[2], uint64_t *size)
{
    struct stat st;
    long r = file_stat(f, &st);
    if (r < 0)
        return r;
    if ((st.st_mode & S_IFMT) != S_IFREG)
        return -ENODEV;
    key[0] = st.st_dev + 1;   /* never 0, 0: that is anonymous memory */
    key[1] = st.st_ino;
    *size = (uint64_t)st.st_size;
    return 0;
}

/* The file's own bytes, around filemap_after_io: a read or write loop on ops. */
static long raw_io(struct file *f, void *buf, uint64_t len, uint64_t off, bool write)
{
    uint64_t done = 0, pos = off;
    while (done < len) {
        long n = write ? f->ops->write(f, (char *)buf + done, len - done, &pos)
                       : f->ops->read(f, (char *)buf + done, len - done, &pos);
        if (n <= 0)
            return done ? (long)done : n;
        done += (uint64_t)n;
    }
    return (long)done;
}

long filemap_get(struct file *f, uint64_t need, uint64_t *base)
{
    uint64_t key[2], size, have;
    bool created;
    long r = key_of(f, key, &size);
    if (r < 0)
        return r;
    uint64_t len = ALIGN_UP(MAX(MAX(need, size), MIN_OBJECT), PAGE);
    uint64_t b = shared_obj_keyed(key, len, &have, &created);
    if (!b)
        return -ENOMEM;
    if (!created && have < need) {
        log_warning("mmap: a shared mapping of %s reaches past the %lu KB other processes map",
                    f->path ? f->path : "a file", (unsigned long)(have >> 10));
        shared_obj_put(b, NULL, NULL);
        return -ENOMEM;
    }
    if (created && size && raw_io(f, frame_ptr(b), MIN(size, len), 0, false) < 0) {
        shared_obj_put(b, NULL, NULL);
        return -EIO;
    }
    *base = b;
    return 0;
}

/* Only what the file holds goes back: a mapping never makes a file longer. */
static void sync_to_file(void *file, uint64_t base, uint64_t off, uint64_t len)
{
    struct file *f = file;
    uint64_t key[2], size;
    if (key_of(f, key, &size) < 0 || off >= size || !f->ops->write)
        return;
    raw_io(f, (char *)frame_ptr(base) + off, MIN(len, size - off), off, true);
}

static void write_back(void *file, uint64_t base, uint64_t len) { sync_to_file(file, base, 0, len); }
static uint64_t file_size(void *file)
{
    uint64_t key[2], size;
    /* A file that cannot say: all the object is there, as before. */
    return key_of(file, key, &size) < 0 ? UINT64_MAX : size;
}
static void hold(void *file) { file_get(file); }
static void release(void *file) { file_put(file); }

/* The object grew: its new bytes are the file's, where the file has them. */
static void fill_from_file(void *file, uint64_t base, uint64_t from, uint64_t to)
{
    uint64_t key[2], size;
    if (key_of(file, key, &size) == 0 && from < size)
        raw_io(file, (char *)frame_ptr(base) + from, MIN(size, to) - from, from, false);
}

const struct vma_owner_ops filemap_owner_ops = {
    .hold = hold, .release = release, .last = write_back, .sync = sync_to_file, .size = file_size,
    .fill = fill_from_file,
};

struct io {
    void *buf;
    uint64_t n, off;
    bool write;
};

static void copy_io(void *arg, uint64_t base, uint64_t len)
{
    struct io *io = arg;
    if (io->off >= len)
        return;
    uint64_t n = MIN(io->n, len - io->off);
    char *pages = (char *)frame_ptr(base) + io->off;
    if (io->write)
        memcpy(pages, io->buf, n);
    else
        memcpy(io->buf, pages, n);
}

bool filemap_active(void)
{
    return shared_obj_any_keyed();
}

void filemap_after_io(struct file *f, void *buf, size_t n, uint64_t off, bool write)
{
    if (!n || !filemap_active() || !f->seekable)
        return;
    /* A file's key does not change while it is open: asked of the host once. */
    if (!f->map_key_known) {
        uint64_t size;
        f->map_key_known = key_of(f, f->map_key, &size) < 0 ? -1 : 1;
    }
    if (f->map_key_known < 0)
        return;
    struct io io = { buf, n, off, write };
    shared_obj_with_key(f->map_key, copy_io, &io);
}
