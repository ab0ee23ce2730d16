/* mmap, munmap, mprotect, mremap, madvise and brk. */
#include "mm/mm.h"
#include "fs/vfs.h"
#include "syscall/handlers.h"
#include <asm-generic/mman-common.h>
#include <linux/mman.h>
#include <linux/fcntl.h>

#define PAGE 4096ull

static long map_file(uint64_t addr, uint64_t len, int fd, uint64_t off)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    if ((f->flags & O_ACCMODE) == O_WRONLY)
        return -EACCES;
    /* A private file mapping is a copy: read what the file holds, the rest stays zero. */
    long n = file_pread(f, (void *)addr, len, off);
    return n < 0 ? n : 0;
}

long sys_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off)
{
    if (!len || off & (PAGE - 1))
        return -EINVAL;
    int type = flags & MAP_TYPE;
    if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    bool anon = flags & MAP_ANONYMOUS;
    if (!anon && type != MAP_PRIVATE && (prot & PROT_WRITE)) {
        struct file *f = fd_file(fd);
        if (!f)
            return -EBADF;
        if ((f->flags & O_ACCMODE) != O_RDWR)
            return -EACCES;
        /* Writes would have to reach the host file: not supported yet. */
        log_warning("mmap: shared writable file mappings are not supported");
        return -ENOSYS;
    }
    uint64_t alen = ALIGN_UP(len, PAGE);
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    if (flags & MAP_FIXED_NOREPLACE && !mm_range_free(addr, alen))
        return -EEXIST;
    long r = -ENOMEM;
    /* A hint is honoured when that range is free, as Linux does. */
    if (!fixed && addr && !(addr & (PAGE - 1)) && mm_range_free(addr, alen))
        r = mm_map(addr, alen, PROT_READ | PROT_WRITE, flags, VMA_USER, true);
    if (r < 0)
        r = mm_map(fixed ? addr : 0, alen, PROT_READ | PROT_WRITE, flags, VMA_USER, fixed);
    if (r < 0)
        return r;
    if (!anon) {
        long e = map_file(r, len, fd, off);
        if (e < 0) {
            mm_unmap(r, len);
            return e;
        }
    }
    if (prot != (PROT_READ | PROT_WRITE))
        mm_protect(r, len, prot);
    return r;
}

long sys_munmap(uint64_t addr, uint64_t len) { return mm_unmap(addr, len); }

long sys_mprotect(uint64_t addr, uint64_t len, int prot)
{
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))
        return -EINVAL;
    return mm_protect(addr, len, prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
}

long sys_madvise(uint64_t addr, uint64_t len, int advice)
{
    if (addr & (PAGE - 1))
        return -EINVAL;
    len = ALIGN_UP(len, PAGE);
    if (advice == MADV_DONTNEED || advice == MADV_FREE) {
        if (!user_range_ok((void *)addr, len, false))
            return -ENOMEM;
        return pal->vm_free((void *)addr, len);
    }
    /* The remaining advice only tunes paging; there is none to tune here. */
    return 0;
}

long sys_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr)
{
    if (old & (PAGE - 1) || flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
        return -EINVAL;
    if (flags & MREMAP_DONTUNMAP)
        return -ENOSYS;
    bool fixed = flags & MREMAP_FIXED;
    if (fixed && (!(flags & MREMAP_MAYMOVE) || new_addr & (PAGE - 1)))
        return -EINVAL;
    old_len = ALIGN_UP(old_len, PAGE);
    new_len = ALIGN_UP(new_len, PAGE);
    const struct vma *v = mm_find(old);
    if (!new_len || !v || v->kind != VMA_USER || old + old_len > v->end)
        return -EFAULT;
    if (new_len <= old_len && !fixed) {
        if (new_len < old_len)
            mm_unmap(old + new_len, old_len - new_len);
        return old;
    }
    int prot = v->prot, vflags = v->flags;
    if (!fixed && mm_range_free(old + old_len, new_len - old_len)) {
        long r = mm_map(old + old_len, new_len - old_len, prot, vflags, VMA_USER, true);
        if (r >= 0)
            return old;
    }
    if (!(flags & MREMAP_MAYMOVE))
        return -ENOMEM;
    if (fixed && new_addr < old + old_len && old < new_addr + new_len)
        return -EINVAL;
    long r = mm_map(new_addr, new_len, PROT_READ | PROT_WRITE, vflags, VMA_USER, fixed);
    if (r < 0)
        return r;
    memcpy((void *)r, (void *)old, MIN(old_len, new_len));
    mm_unmap(old, old_len);
    if (prot != (PROT_READ | PROT_WRITE))
        mm_protect(r, new_len, prot);
    return r;
}

static uint64_t brk_start, brk_cur, brk_limit;

void mm_brk_init(uint64_t start, uint64_t max_size)
{
    brk_start = brk_cur = ALIGN_UP(start, PAGE);
    brk_limit = brk_start + max_size;
}

long sys_brk(uint64_t want)
{
    if (want < brk_start || want > brk_limit)
        return brk_cur;
    uint64_t old_top = ALIGN_UP(brk_cur, PAGE), new_top = ALIGN_UP(want, PAGE);
    if (new_top > old_top) {
        if (!mm_range_free(old_top, new_top - old_top))
            return brk_cur;
        if (mm_map(old_top, new_top - old_top, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   VMA_USER, true) < 0)
            return brk_cur;
    } else if (new_top < old_top) {
        mm_unmap(new_top, old_top - new_top);
    }
    brk_cur = want;
    return brk_cur;
}
