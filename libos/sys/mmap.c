/* mmap, munmap, mprotect, mremap, madvise and brk. */
#include "mm/mm.h"
#include "fs/filemap.h"
#include "fs/vfs.h"
#include "paging.h"
#include "shared_pool.h"
#include "syscall/handlers.h"
#include <asm-generic/mman-common.h>
#include <linux/mman.h>
#include <linux/fcntl.h>

/* Linux 6.13's guard pages, newer than the build host's headers. */
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#define MADV_GUARD_REMOVE 103
#endif

#define PAGE 4096ull

#ifndef MAP_ABOVE4G
#define MAP_ABOVE4G 0x80   /* Linux 6.9's: newer than some build hosts' headers */
#endif

/* The flags MAP_SHARED_VALIDATE accepts (Linux's LEGACY_MAP_MASK): any other
 * is EOPNOTSUPP, MAP_SYNC among them (no file here is DAX). */
#define VALIDATED_FLAGS (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | MAP_EXECUTABLE | \
                         MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE |        \
                         MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_32BIT | MAP_ABOVE4G |                    \
                         (MAP_HUGE_MASK << MAP_HUGE_SHIFT))

/* A private file mapping is a copy: read what the file holds, the rest stays zero. */
static long map_file(uint64_t addr, uint64_t len, struct file *f, uint64_t off)
{
    if (!user_range_ok((void *)addr, len, true))
        return -ENOMEM;
    long n = file_pread(f, (void *)addr, len, off);
    if (n > 0)
        filemap_after_io(f, (void *)addr, (size_t)n, off, false);   /* what shared mappings of it hold */
    return n < 0 ? n : 0;
}

static long map(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off)
{
    if (off & (PAGE - 1))
        return -EINVAL;
    bool anon = flags & MAP_ANONYMOUS;
    struct file *f = NULL;
    if (!anon && !(f = fd_file(fd)))
        return -EBADF;
    if (!len)
        return -EINVAL;
    int type = flags & MAP_TYPE;
    if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    bool shared = type != MAP_PRIVATE;
    if (anon && type == MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (type == MAP_SHARED_VALIDATE && (flags & ~VALIDATED_FLAGS))
        return -EOPNOTSUPP;
    if (f) {
        int mode = f->flags & O_ACCMODE;
        if (mode == O_WRONLY || (shared && (prot & PROT_WRITE) && mode != O_RDWR))
            return -EACCES;
    }
    uint64_t alen = ALIGN_UP(len, PAGE);
    if (alen < len || alen > PT_USER_TOP)
        return -ENOMEM;
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    if (flags & MAP_FIXED_NOREPLACE && !mm_range_free(addr, alen))
        return -EEXIST;
    if (f && shared) {
        bool hinted = !fixed && addr && !(addr & (PAGE - 1)) && addr <= PT_USER_TOP - alen &&
                      mm_range_free(addr, alen);
        uint64_t base;
        long r = filemap_get(f, off + alen, &base);
        if (r >= 0)
            r = mm_map_object(hinted || fixed ? addr : 0, alen, prot, hinted || fixed, base, off,
                              &filemap_owner_ops, f);
        if (r >= 0 && (f->flags & O_ACCMODE) != O_RDWR)
            mm_forbid_write((uint64_t)r, alen);
        /* Not a regular file: a device's pages are a private copy, read-only. */
        if (r != -ENODEV)
            return r;
        if (prot & PROT_WRITE)
            return -ENODEV;
    }
    int mflags = f ? (flags & ~MAP_TYPE) | MAP_PRIVATE : flags;
    long r = -ENOMEM;
    /* A hint is honoured when that range is free, as Linux does. */
    if (!fixed && addr && !(addr & (PAGE - 1)) && addr <= PT_USER_TOP - alen && mm_range_free(addr, alen))
        r = mm_map(addr, alen, f ? PROT_READ | PROT_WRITE : prot, mflags, VMA_USER, true);
    if (r < 0)
        r = mm_map(fixed ? addr : 0, alen, f ? PROT_READ | PROT_WRITE : prot, mflags, VMA_USER, fixed);
    if (r < 0 || !f)
        return r;
    long e = map_file(r, len, f, off);
    if (e < 0) {
        mm_unmap(r, alen);
        return e;
    }
    if (prot != (PROT_READ | PROT_WRITE))
        mm_protect(r, alen, prot);
    /* A device's shared pages opened read-only stay so (/dev/zero: mprotect says EACCES). */
    if (shared && (f->flags & O_ACCMODE) != O_RDWR)
        mm_forbid_write((uint64_t)r, alen);
    return r;
}

long sys_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off)
{
    long r = map(addr, len, prot, flags, fd, off);
    /* As mlock: accounted (VmLck, msync's EBUSY), nothing is ever paged out. */
    if (r >= 0 && (flags & MAP_LOCKED))
        mm_advise((uint64_t)r, ALIGN_UP(len, PAGE), VMA_LOCKED, true);
    return r;
}

/* Does [addr, addr+len) hold locked pages (mlock, MAP_LOCKED)? */
static bool has_locked(uint64_t addr, uint64_t len)
{
    for (int i = 0; mm_at(i); i++) {
        const struct vma *v = mm_at(i);
        if ((v->advice & VMA_LOCKED) && v->end > addr && v->start < addr + len)
            return true;
    }
    return false;
}

long sys_msync(uint64_t addr, uint64_t len, int flags)
{
    if (addr & (PAGE - 1) || flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE) ||
        (flags & (MS_ASYNC | MS_SYNC)) == (MS_ASYNC | MS_SYNC))
        return -EINVAL;
    len = ALIGN_UP(len, PAGE);
    /* Linux will not throw away locked pages' cached copies. */
    if ((flags & MS_INVALIDATE) && has_locked(addr, len))
        return -EBUSY;
    /* Other processes see a mapping's bytes at once; the file gets them now either way. */
    return mm_sync(addr, len);
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
    if (addr & (PAGE - 1) || ALIGN_UP(len, PAGE) < len)
        return -EINVAL;
    len = ALIGN_UP(len, PAGE);
    if (!len)
        return 0;
    switch (advice) {
    case MADV_DONTNEED:
    case MADV_FREE:
        return mm_discard(addr, len, advice == MADV_FREE);
    case MADV_WIPEONFORK:
    case MADV_KEEPONFORK:
        return mm_advise(addr, len, VMA_WIPEONFORK, advice == MADV_WIPEONFORK);
    case MADV_DONTFORK:
    case MADV_DOFORK:
        return mm_advise(addr, len, VMA_DONTFORK, advice == MADV_DONTFORK);
    case MADV_GUARD_INSTALL:
    case MADV_GUARD_REMOVE:
        return mm_guard(addr, len, advice == MADV_GUARD_INSTALL);
    case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
    case MADV_HUGEPAGE: case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP:
    case MADV_COLD: case MADV_PAGEOUT:
        /* Paging hints: there is no paging to tune (no swap); a hole anywhere
         * in the range is ENOMEM, as Linux's walk of the range finds it. */
        return mm_range_mapped(addr, len) ? 0 : -ENOMEM;
    default:
        /* MADV_MERGEABLE and MADV_UNMERGEABLE among them: no page merging,
         * as a kernel built without KSM (no /sys/kernel/mm/ksm either). */
        return -EINVAL;
    }
}

/* A shared file mapping grows to a new place (new_addr when fixed) over
 * more of its file's object, which grows where it lies in the pool, its new
 * bytes read from the file.  The object does not grow when another lies
 * right after it in the pool, nor does shared anonymous memory: ENOMEM.
 * The new mapping is made before the old one goes: a failure changes nothing. */
static long grow_shared(const struct vma *v, uint64_t old, uint64_t old_len, uint64_t new_len, uint64_t new_addr,
                        bool fixed)
{
    struct vma s = *v;   /* the table changes under v */
    uint64_t off = s.shm_off + (old - s.start);
    if (!s.owner_ops || !s.owner_ops->fill || !shared_obj_extend(s.shm, off + new_len, s.owner_ops->fill, s.owner))
        return -ENOMEM;
    shared_obj_get(s.shm);   /* the new mapping's reference */
    long at = mm_map_object(new_addr, new_len, s.prot, fixed, s.shm, off, s.owner_ops, s.owner);
    if (at < 0)
        return at;
    if (s.no_write)
        mm_forbid_write((uint64_t)at, new_len);
    mm_unmap(old, old_len);
    return at;
}

/* Moves [old, old+old_len) to a new place of new_len bytes (at new_addr when
 * fixed): the frames move, nothing is copied; the rest of the new place
 * is fresh memory. */
static long move_mapping(const struct vma *v, uint64_t old, uint64_t old_len, uint64_t new_len, uint64_t new_addr,
                         bool fixed)
{
    int prot = v->prot, vflags = v->flags;
    if (v->shm && new_len > old_len)
        return grow_shared(v, old, old_len, new_len, new_addr, fixed);
    /* The room first, as a reservation: nothing to flush when the old pages arrive. */
    long r = mm_map(new_addr, new_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, VMA_USER, fixed);
    if (r < 0)
        return r;
    mm_unmap(r, old_len);
    long m = mm_move(old, old_len, r);
    if (m < 0) {
        mm_unmap(r, new_len);
        return m;
    }
    if (new_len > old_len) {
        mm_unmap(r + old_len, new_len - old_len);
        if (mm_map(r + old_len, new_len - old_len, prot, vflags, VMA_USER, true) < 0) {
            mm_unmap(r, old_len);
            return -ENOMEM;
        }
    }
    return r;
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
    if (!new_len)
        return -EINVAL;
    const struct vma *v = mm_find(old);
    if (!v || v->kind != VMA_USER || old + old_len > v->end)
        return -EFAULT;
    if (fixed) {
        if (new_addr < old + old_len && old < new_addr + new_len)
            return -EINVAL;
        if (new_len < old_len) {
            mm_unmap(old + new_len, old_len - new_len);
            old_len = new_len;
        }
        return move_mapping(v, old, old_len, new_len, new_addr, true);
    }
    if (new_len <= old_len) {
        if (new_len < old_len)
            mm_unmap(old + new_len, old_len - new_len);
        return old;
    }
    /* In place when the range after it is free: one mapping again, by merging. */
    if (old + old_len == v->end && !v->shm && old + new_len <= PT_USER_TOP &&
        mm_range_free(old + old_len, new_len - old_len) &&
        mm_map(old + old_len, new_len - old_len, v->prot, v->flags, VMA_USER, true) >= 0)
        return old;
    if (!(flags & MREMAP_MAYMOVE))
        return -ENOMEM;
    return move_mapping(v, old, old_len, new_len, 0, false);
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
