/* The address space (see mm.h).
 *
 * When frames are given: at map time, when the pool can spare them, because
 * on PVM hosts a demand fault is a trap through a CPL0 stub (14-66 us) on top
 * of the host's shadow fault that any first touch costs anyway (4-43 us), and
 * mapping an absent entry is a plain store with no flush (guest/paging.h).
 * Frames given this way and never touched cost the host nothing: a page's
 * host memory comes at its first touch.  Mappings the pool cannot cover now
 * (a 1.5 GB malloc arena on a 256 MB pool), MAP_NORESERVE ones and PROT_NONE
 * reservations are lazy: each first touch faults in a few pages.  Running out
 * of frames at a fault kills the program as Linux's OOM killer would.
 *
 * Measured (BENCHMARKS.md, 2026-12-07, native Linux as a PVM guest on AMD
 * EPYC, which pays the same shadow paging): a new entry and its removal
 * 5.2 us, a changed entry with its flush 13.8 us, a first touch 37.6 us.  So
 * entries are made at map time, and a call that removes or narrows entries
 * changes its whole range, then flushes once. */
#include "mm/mm.h"
#include "frames.h"
#include "paging.h"
#include "shared_pool.h"
#include <asm-generic/mman-common.h>
#include <linux/mman.h>

#define PAGE 4096ull
/* Frames eager mappings leave to page tables, the library OS's heap and lazy pages (8 MB). */
#define RESERVE_FRAMES 2048
/* Pages a demand fault maps at once: a sequential toucher then faults once per 64 KB. */
#define FAULT_AROUND 16
/* The MAP_* flags a mapping keeps. */
#define KEPT_FLAGS (MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_GROWSDOWN)

static struct vma vmas[MM_MAX_MAPS];
static int nvmas;
/* /proc's figures (usage.c): the program's pages that have a frame now and
 * at most so far, and the most bytes its mappings ever spanned. */
static uint64_t resident, resident_peak, size_peak;
/* The largest resident_peak of the programs this process ran before the present one. */
static uint64_t earlier_peak;
/* mlockall(MCL_FUTURE): new mappings are locked (see mlock.c). */
static bool lock_future;
static uint64_t stack_top, mmap_top, pie_base;

static uint64_t random_pages(uint64_t mask)
{
    uint64_t r = 0;
    pal->random_bytes(&r, sizeof(r));
    return (r & mask) * PAGE;
}

/* Linux's x86-64 layout: the stack near the top (16 GB of randomness), the
 * mmap area below it past a gap of the stack's size (1 TB of randomness),
 * position-independent programs at two thirds of the space. */
void mm_init(bool aslr)
{
    uint64_t gap = MAX(pal_state->stack_size, 128ull << 20) + (1ull << 20);
    stack_top = PT_USER_TOP - (aslr ? random_pages(0x3fffff) : 0);
    mmap_top = PT_USER_TOP - gap - (aslr ? random_pages(0xfffffff) : 0);
    mmap_top = MIN(mmap_top, stack_top - gap);
    pie_base = 0x555555554000ull + (aslr ? random_pages(0xfffffff) : 0);
}

uint64_t mm_stack_top(void) { return stack_top; }
uint64_t mm_pie_base(void) { return pie_base; }
uint64_t mm_free_bytes(void) { return frames_available() * PAGE; }

uint64_t mm_user_bytes(int advice)
{
    uint64_t n = 0;
    for (int i = 0; i < nvmas; i++)
        if (vmas[i].kind == VMA_USER && (vmas[i].advice & advice) == advice)
            n += vmas[i].end - vmas[i].start;
    return n;
}

uint64_t mm_size_peak(void) { return size_peak; }

uint64_t mm_resident_pages(uint64_t *peak)
{
    *peak = resident_peak;
    return resident;
}

uint64_t mm_maxrss_kb(void) { return MAX(earlier_peak, resident_peak) * (PAGE / 1024); }

void mm_lock_future(bool on) { lock_future = on; }

/* Index of the first VMA with end > addr. */
static int first_after(uint64_t addr)
{
    int lo = 0, hi = nvmas;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (vmas[mid].end <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const struct vma *mm_find(uint64_t addr)
{
    int i = first_after(addr);
    return i < nvmas && vmas[i].start <= addr ? &vmas[i] : NULL;
}

const struct vma *mm_at(int i) { return i >= 0 && i < nvmas ? &vmas[i] : NULL; }

bool mm_range_free(uint64_t addr, uint64_t len)
{
    int i = first_after(addr);
    return i == nvmas || vmas[i].start >= addr + len;
}

static bool insert_at(int i, const struct vma *v)
{
    if (nvmas == MM_MAX_MAPS)
        return false;
    memmove(&vmas[i + 1], &vmas[i], (nvmas - i) * sizeof(*v));
    vmas[i] = *v;
    nvmas++;
    return true;
}

static void remove_at(int i)
{
    memmove(&vmas[i], &vmas[i + 1], (nvmas - i - 1) * sizeof(vmas[0]));
    nvmas--;
}

/* Makes addr a VMA boundary if it falls inside one.  A shared object gains
 * the reference of the new half. */
static bool split_at(uint64_t addr)
{
    int i = first_after(addr);
    if (i == nvmas || vmas[i].start >= addr)
        return true;
    struct vma hi = vmas[i];
    hi.start = addr;
    hi.shm_off += addr - vmas[i].start;
    if (!insert_at(i + 1, &hi))
        return false;
    vmas[i].end = addr;
    if (hi.shm)
        shared_obj_get(hi.shm);
    if (hi.owner_ops)
        hi.owner_ops->hold(hi.owner);
    return true;
}

/* A mapping of a shared object lets go of it (and of its owner). */
static void put_shared(const struct vma *v)
{
    if (!v->shm)
        return;
    shared_obj_put(v->shm, v->owner_ops ? v->owner_ops->last : NULL, v->owner);
    if (v->owner_ops)
        v->owner_ops->release(v->owner);
}

/* Private anonymous neighbours with the same attributes become one mapping,
 * so a mapping grown in place stays one (mremap over all of it works). */
static bool mergeable(const struct vma *a, const struct vma *b)
{
    return a->end == b->start && !a->shm && !b->shm && (a->flags & MAP_ANONYMOUS) && a->flags == b->flags &&
           a->prot == b->prot && a->kind == b->kind && a->advice == b->advice && !a->no_write && !b->no_write;
}

static void merge_around(uint64_t addr)
{
    int i = first_after(addr);
    if (i < nvmas - 1 && mergeable(&vmas[i], &vmas[i + 1])) {
        vmas[i].end = vmas[i + 1].end;
        vmas[i].lazy |= vmas[i + 1].lazy;
        vmas[i].guarded |= vmas[i + 1].guarded;
        remove_at(i + 1);
    }
    if (i > 0 && i < nvmas && mergeable(&vmas[i - 1], &vmas[i])) {
        vmas[i - 1].end = vmas[i].end;
        vmas[i - 1].lazy |= vmas[i].lazy;
        vmas[i - 1].guarded |= vmas[i].guarded;
        remove_at(i);
    }
}

static uint64_t frame_of(const struct vma *v, uint64_t va)
{
    return v->shm ? v->shm + v->shm_off + (va - v->start) : frame_alloc();
}

/* Maps the absent pages of [start, end) inside v.  False when frames ran out. */
/* Where the pages of v that exist end: v->end, or a mapped file's last page. */
static uint64_t existing_end(const struct vma *v)
{
    if (!v->owner_ops || !v->owner_ops->size)
        return v->end;
    uint64_t size = v->owner_ops->size(v->owner);
    if (size <= v->shm_off)
        return v->start;
    return MIN(v->end, v->start + ALIGN_UP(size - v->shm_off, PAGE));
}

static bool populate(const struct vma *v, uint64_t start, uint64_t end)
{
    uint64_t flags = pt_prot_flags(v->prot);
    end = MIN(end, existing_end(v));
    for (uint64_t va = start; va < end; va += PAGE) {
        if (pt_lookup(va))
            continue;
        uint64_t pa = frame_of(v, va);
        if (!pa)
            return false;
        if (pt_map(va, pa, flags) < 0) {
            if (!v->shm)
                frame_free(pa, false);
            return false;
        }
        if (v->kind == VMA_USER && ++resident > resident_peak)
            resident_peak = resident;
    }
    return true;
}

/* Can the pool give every page of a new private mapping now? */
static bool affordable(uint64_t len) { return len / PAGE + RESERVE_FRAMES <= frames_available(); }

static uint64_t drop_page(uint64_t va, uint64_t pte, void *arg)
{
    (void)va;
    const struct vma *v = arg;
    if (pt_is_guard(pte))
        return 0;
    if (!v->shm)
        frame_free(pt_frame(pte), pt_dirty(pte));
    if (v->kind == VMA_USER)
        resident--;
    return 0;
}

/* Takes the pages of [start, end) in v away, guard pages too; the caller flushes. */
static bool drop_pages(const struct vma *v, uint64_t start, uint64_t end)
{
    return pt_update(start, end, drop_page, (void *)v);
}

/* The same for MADV_DONTNEED, which keeps guard pages, as Linux's keeps its markers. */
static uint64_t discard_page(uint64_t va, uint64_t pte, void *arg)
{
    return pt_is_guard(pte) ? pte : drop_page(va, pte, arg);
}

static bool discard_pages(const struct vma *v, uint64_t start, uint64_t end)
{
    return pt_update(start, end, discard_page, (void *)v);
}

/* Removes mappings of kind in [addr, addr+len); fails on another kind's memory. */
static long unmap_range(uint64_t addr, uint64_t len, int kind)
{
    uint64_t end = addr + len;
    for (int i = first_after(addr); i < nvmas && vmas[i].start < end; i++)
        if (vmas[i].kind != kind)
            return -EINVAL;
    if (!split_at(addr) || !split_at(end))
        return -ENOMEM;
    bool changed = false;
    int i = first_after(addr);
    while (i < nvmas && vmas[i].start < end) {
        struct vma v = vmas[i];
        changed |= drop_pages(&v, v.start, v.end);
        put_shared(&v);
        remove_at(i);
    }
    if (changed)
        pt_flush();
    if (len >= (16ull << 20))
        frames_trim();
    return 0;
}

/* Index of the first VMA starting at or after addr. */
static int first_from(uint64_t addr)
{
    int i = first_after(addr);
    return i < nvmas && vmas[i].start < addr ? i + 1 : i;
}

/* The highest free range of len bytes inside [lo, hi), or 0. */
static uint64_t find_gap(uint64_t len, uint64_t lo, uint64_t hi)
{
    uint64_t top = hi;
    for (int j = first_from(hi) - 1;; j--) {
        uint64_t bottom = j >= 0 ? MAX(vmas[j].end, lo) : lo;
        if (top > bottom && top - bottom >= len)
            return top - len;
        if (j < 0 || vmas[j].start <= lo)
            return 0;
        top = MIN(top, vmas[j].start);
    }
}

static void area_of(int kind, uint64_t *lo, uint64_t *hi)
{
    *lo = kind == VMA_USER ? PT_USER_MIN : PT_LIBOS_BASE;
    *hi = kind == VMA_USER ? PT_USER_TOP : PT_LIBOS_END;
}

/* Linux demands the whole range be mapped by the program. */
static bool all_mapped(uint64_t addr, uint64_t end)
{
    uint64_t cur = addr;
    for (int i = first_after(addr); cur < end; i++) {
        if (i == nvmas || vmas[i].start > cur || vmas[i].kind != VMA_USER)
            return false;
        cur = vmas[i].end;
    }
    return true;
}

/* Puts v (its shared object, if any, referenced already) in the table and
 * gives it frames unless it is lazy. */
static long map_vma(struct vma *v)
{
    uint64_t len = v->end - v->start;
    if (lock_future && v->kind == VMA_USER)
        v->advice |= VMA_LOCKED;
    bool accessible = v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
    v->lazy = !accessible || (!v->shm && ((v->flags & MAP_NORESERVE) || !affordable(len))) ||
              existing_end(v) < v->end;
    if ((v->lazy && v->kind != VMA_USER) || !insert_at(first_after(v->start), v)) {
        put_shared(v);
        return -ENOMEM;
    }
    /* A file mapped past its end: what exists now is given at once. */
    if ((!v->lazy || (v->shm && accessible)) && !populate(v, v->start, v->end)) {
        unmap_range(v->start, len, v->kind);
        return -ENOMEM;
    }
    merge_around(v->start);
    size_peak = MAX(size_peak, mm_user_bytes(0));
    return (long)v->start;
}

static long map_at(uint64_t addr, uint64_t len, int prot, int flags, int kind)
{
    /* Linux's overcommit heuristic: one private writable mapping larger than
     * RAM is refused at once (MAP_NORESERVE ones are not counted). */
    if (kind == VMA_USER && !(flags & (MAP_SHARED | MAP_NORESERVE)) && (prot & PROT_WRITE) &&
        len > pal_state->ram_size)
        return -ENOMEM;
    struct vma v = { .start = addr, .end = addr + len, .prot = prot, .flags = flags & KEPT_FLAGS, .kind = kind };
    if ((flags & MAP_SHARED) && (flags & MAP_ANONYMOUS) && kind == VMA_USER && !(v.shm = shared_obj_alloc(len)))
        return -ENOMEM;
    return map_vma(&v);
}

/* Where a mapping of len bytes goes: addr itself when fixed (what was there
 * goes), else the highest free room below the mmap base, else above it. */
static long place(uint64_t addr, uint64_t len, int kind, bool fixed)
{
    uint64_t lo, hi;
    area_of(kind, &lo, &hi);
    if (!len || len > hi - lo)
        return -ENOMEM;
    if (fixed) {
        if (addr & (PAGE - 1))
            return -EINVAL;
        if (addr < lo || addr > hi - len)
            return -ENOMEM;
        long r = unmap_range(addr, len, kind);
        return r < 0 ? r : (long)addr;
    }
    uint64_t top = kind == VMA_USER ? mmap_top : hi;
    addr = find_gap(len, lo, top);
    if (!addr && top < hi)
        addr = find_gap(len, top, hi);
    return addr ? (long)addr : -ENOMEM;
}

long mm_map(uint64_t addr, uint64_t len, int prot, int flags, int kind, bool fixed)
{
    len = ALIGN_UP(len, PAGE);
    long at = place(addr, len, kind, fixed);
    /* Library OS addresses are negative as a long: only -4095..-1 are errors. */
    if ((unsigned long)at >= -4095ul)
        return at;
    return map_at((uint64_t)at, len, prot, flags, kind);
}

long mm_map_object(uint64_t addr, uint64_t len, int prot, bool fixed, uint64_t base, uint64_t off,
                   const struct vma_owner_ops *ops, void *owner)
{
    len = ALIGN_UP(len, PAGE);
    long at = place(addr, len, VMA_USER, fixed);
    if (at < 0) {
        shared_obj_put(base, ops->last, owner);
        return at;
    }
    ops->hold(owner);
    struct vma v = { .start = (uint64_t)at, .end = (uint64_t)at + len, .prot = prot, .flags = MAP_SHARED,
                     .kind = VMA_USER, .shm = base, .shm_off = off, .owner_ops = ops, .owner = owner };
    return map_vma(&v);
}

long mm_sync(uint64_t addr, uint64_t len)
{
    uint64_t end = addr + len;
    if (!all_mapped(addr, end))
        return -ENOMEM;
    for (int i = first_after(addr); i < nvmas && vmas[i].start < end; i++) {
        const struct vma *v = &vmas[i];
        uint64_t lo = MAX(addr, v->start), hi = MIN(end, v->end);
        if (v->owner_ops)
            v->owner_ops->sync(v->owner, v->shm, v->shm_off + (lo - v->start), hi - lo);
    }
    return 0;
}

long mm_map_near(uint64_t near, uint64_t len)
{
    uint64_t lo = near > PT_USER_MIN + (1ull << 30) ? near - (1ull << 30) : PT_USER_MIN;
    uint64_t hi = MIN(near + (1ull << 30), PT_USER_TOP);
    uint64_t addr = find_gap(ALIGN_UP(len, PAGE), lo, hi);
    if (!addr)
        return -ENOMEM;
    return map_at(addr, ALIGN_UP(len, PAGE), PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                  VMA_LIBOS);
}

long mm_unmap(uint64_t addr, uint64_t len)
{
    if (addr & (PAGE - 1) || !len)
        return -EINVAL;
    len = ALIGN_UP(len, PAGE);
    if (addr + len < addr || addr + len > PT_USER_TOP)
        return -EINVAL;
    return unmap_range(addr, len, VMA_USER);
}

static uint64_t reflag_page(uint64_t va, uint64_t pte, void *arg)
{
    (void)va;
    return pt_is_guard(pte) ? pte : pt_reflag(pte, *(uint64_t *)arg);
}

long mm_protect(uint64_t addr, uint64_t len, int prot)
{
    if (addr & (PAGE - 1))
        return -EINVAL;
    len = ALIGN_UP(len, PAGE);
    uint64_t end = addr + len;
    if (end < addr)
        return -ENOMEM;
    if (!all_mapped(addr, end))
        return -ENOMEM;
    for (int i = first_after(addr); i < nvmas && vmas[i].start < end; i++)
        if ((prot & PROT_WRITE) && vmas[i].no_write)
            return -EACCES;
    if (!split_at(addr) || !split_at(end))
        return -ENOMEM;
    uint64_t flags = pt_prot_flags(prot);
    bool changed = pt_update(addr, end, reflag_page, &flags);
    bool accessible = prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
    for (int i = first_after(addr); i < nvmas && vmas[i].start < end; i++) {
        struct vma *v = &vmas[i];
        v->prot = prot;
        /* A reservation made usable gets its frames now if the pool can spare them. */
        if (accessible && v->lazy && (v->shm || (!(v->flags & MAP_NORESERVE) && affordable(v->end - v->start))))
            v->lazy = !populate(v, v->start, v->end);
    }
    if (changed)
        pt_flush();
    merge_around(addr);
    merge_around(end);
    return 0;
}

void mm_forbid_write(uint64_t addr, uint64_t len)
{
    for (int i = first_after(addr); i < nvmas && vmas[i].start < addr + len; i++)
        vmas[i].no_write = true;
}

static uint64_t move_page(uint64_t va, uint64_t pte, void *arg)
{
    uint64_t delta = *(uint64_t *)arg;
    /* Tables for the new range were counted before (mm_move): this cannot fail.
     * A guard page moves as it is (no frame, its flag). */
    pt_map(va + delta, pt_frame(pte), pte ^ pt_frame(pte));
    return 0;
}

long mm_move(uint64_t old, uint64_t len, uint64_t new_addr)
{
    int i = first_after(old);
    if (i == nvmas || vmas[i].start > old || vmas[i].end < old + len || vmas[i].kind != VMA_USER)
        return -EFAULT;
    /* Page tables for the new range: one per 2 MB and the levels above. */
    if (frames_available() < len / (2ull << 20) + 8)
        return -ENOMEM;
    if (!split_at(old) || !split_at(old + len))
        return -ENOMEM;
    i = first_after(old);
    struct vma v = vmas[i];
    uint64_t delta = new_addr - old;
    remove_at(i);
    bool changed = pt_update(old, old + len, move_page, &delta);
    v.start = new_addr;
    v.end = new_addr + len;
    /* The mapping keeps its reference to a shared object. */
    insert_at(first_after(new_addr), &v);
    merge_around(new_addr);
    if (changed)
        pt_flush();
    return (long)new_addr;
}

bool mm_range_mapped(uint64_t addr, uint64_t len) { return all_mapped(addr, addr + len); }

long mm_discard(uint64_t addr, uint64_t len, bool anon_only)
{
    uint64_t end = addr + len;
    /* Linux refuses a locked mapping any discard, and MADV_FREE (anon_only)
     * any mapping but private anonymous memory; a hole counts only after. */
    for (int i = first_after(addr); i < nvmas && vmas[i].start < end; i++) {
        const struct vma *v = &vmas[i];
        if (v->kind == VMA_USER &&
            ((v->advice & VMA_LOCKED) || (anon_only && (v->shm || !(v->flags & MAP_ANONYMOUS)))))
            return -EINVAL;
    }
    if (!all_mapped(addr, end))
        return -ENOMEM;
    bool changed = false;
    for (int i = first_after(addr); i < nvmas && vmas[i].start < end; i++) {
        struct vma *v = &vmas[i];
        /* Shared pages stay the object's: the next touch finds the same data. */
        if (v->shm)
            continue;
        changed |= discard_pages(v, MAX(addr, v->start), MIN(end, v->end));
        v->lazy = true;
    }
    if (changed)
        pt_flush();
    return 0;
}

static uint64_t unguard_page(uint64_t va, uint64_t pte, void *arg)
{
    (void)va, (void)arg;
    return pt_is_guard(pte) ? 0 : pte;
}

/* Guard pages are leaves of their own (guest/paging.h), not mappings: the
 * mapping stays whole in /proc/self/maps, as with Linux's markers.  Installing
 * one drops the page (private memory reads as zero once it is removed; a
 * shared object keeps its bytes).  munmap and a MADV_WIPEONFORK child's
 * fresh memory drop guards; MADV_DONTNEED, mprotect, mremap and fork keep
 * them.  As Linux: a locked mapping takes none, and a hole in the range is
 * ENOMEM after the mapped parts were done. */
long mm_guard(uint64_t addr, uint64_t len, bool install)
{
    uint64_t end = addr + len;
    for (int i = first_after(addr); install && i < nvmas && vmas[i].start < end; i++)
        if (vmas[i].kind == VMA_USER && (vmas[i].advice & VMA_LOCKED))
            return -EINVAL;
    bool changed = false;
    long hole = all_mapped(addr, end) ? 0 : -ENOMEM, err = 0;
    for (int i = first_after(addr); i < nvmas && vmas[i].start < end && !err; i++) {
        struct vma *v = &vmas[i];
        uint64_t lo = MAX(addr, v->start), hi = MIN(end, v->end);
        if (v->kind != VMA_USER)
            continue;
        if (install) {
            changed |= discard_pages(v, lo, hi);
            v->guarded = true;
            for (uint64_t va = lo; va < hi && !err; va += PAGE)
                err = pt_set_guard(va);
        } else if (v->guarded) {
            pt_update(lo, hi, unguard_page, NULL);   /* absent before and after: no flush */
            /* An eager mapping gets the pages back now, as it had them. */
            if (!v->lazy && !populate(v, lo, hi))
                v->lazy = true;
        }
    }
    if (changed)
        pt_flush();
    return err ? err : hole;
}

/* Is there a guard page in [start, end) of v? */
static bool has_guard(const struct vma *v, uint64_t start, uint64_t end)
{
    if (!v->guarded)
        return false;
    for (uint64_t va = ALIGN_DOWN(start, PAGE); va < end; va += PAGE)
        if (pt_is_guard(pt_lookup(va)))
            return true;
    return false;
}

long mm_advise(uint64_t addr, uint64_t len, int advice, bool set)
{
    uint64_t end = addr + len;
    if (!all_mapped(addr, end))
        return -ENOMEM;
    for (int i = first_after(addr); i < nvmas && vmas[i].start < end; i++)
        if (advice == VMA_WIPEONFORK && (vmas[i].shm || !(vmas[i].flags & MAP_ANONYMOUS)))
            return -EINVAL;
    if (!split_at(addr) || !split_at(end))
        return -ENOMEM;
    for (int i = first_after(addr); i < nvmas && vmas[i].start < end; i++)
        vmas[i].advice = set ? vmas[i].advice | advice : vmas[i].advice & ~advice;
    merge_around(addr);
    merge_around(end);
    return 0;
}

void mm_lock_all(bool on)
{
    for (int i = 0; i < nvmas; i++)
        if (vmas[i].kind == VMA_USER)
            vmas[i].advice = on ? vmas[i].advice | VMA_LOCKED : vmas[i].advice & ~VMA_LOCKED;
    /* Going down, a merge never moves a mapping not looked at yet. */
    for (int i = nvmas - 1; i > 0; i--)
        if (i < nvmas && mergeable(&vmas[i - 1], &vmas[i]))
            merge_around(vmas[i].start);
}

void mm_unmap_user(void)
{
    /* A new program has a new address space: no lock, no peaks yet. */
    lock_future = false;
    for (int i = 0; i < nvmas;) {
        if (vmas[i].kind != VMA_USER || unmap_range(vmas[i].start, vmas[i].end - vmas[i].start, VMA_USER) < 0)
            i++;
    }
    earlier_peak = MAX(earlier_peak, resident_peak);
    resident_peak = resident;
    size_peak = 0;
}

int mm_fault(uint64_t addr, bool write)
{
    const struct vma *v = mm_find(addr);
    if (v && has_guard(v, addr, addr + 1))
        return MM_FAULT_GUARD;
    if (!v || !v->lazy || !(v->prot & (write ? PROT_WRITE : PROT_READ | PROT_EXEC)))
        return MM_FAULT_NOT_MINE;
    uint64_t page = ALIGN_DOWN(addr, PAGE);
    if (pt_lookup(page))
        return MM_FAULT_NOT_MINE;   /* it has its frame: the access itself is refused */
    if (page >= existing_end(v))
        return MM_FAULT_SIGBUS;     /* unless the file grew since */
    uint64_t end = MIN(v->end, page + FAULT_AROUND * PAGE);
    if (!populate(v, page, page + PAGE)) {
        log_error("out of memory: no page left in the pool of %lu MB (picovm.memory_size)",
                  (unsigned long)(pal_state->ram_size >> 20));
        return MM_FAULT_OOM;
    }
    /* The neighbours only while the pool is comfortable. */
    if (frames_available() > RESERVE_FRAMES)
        populate(v, page + PAGE, end);
    return MM_FAULT_DONE;
}

bool mm_poke(uint64_t addr, const void *src, size_t len)
{
    const uint8_t *s = src;
    while (len) {
        uint64_t pte = pt_lookup(ALIGN_DOWN(addr, PAGE));
        if (!pte && mm_fault(addr, false) != MM_FAULT_DONE)
            return false;
        pte = pt_lookup(ALIGN_DOWN(addr, PAGE));
        if (pt_is_guard(pte))
            return false;
        size_t n = MIN(len, PAGE - (addr & (PAGE - 1)));
        /* Through the frame's own mapping: the program's may be read-only. */
        memcpy((uint8_t *)frame_ptr(pt_frame(pte)) + (addr & (PAGE - 1)), s, n);
        pt_mark_dirty(addr);
        addr += n, s += n, len -= n;
    }
    return true;
}

/* The child of a fork holds a reference to each shared object it maps. */
void mm_before_fork(void)
{
    for (int i = 0; i < nvmas; i++)
        if (vmas[i].shm && !(vmas[i].advice & VMA_DONTFORK))
            shared_obj_get(vmas[i].shm);
}

void mm_fork_failed(void)
{
    for (int i = 0; i < nvmas; i++)
        if (vmas[i].shm && !(vmas[i].advice & VMA_DONTFORK))
            shared_obj_put(vmas[i].shm, NULL, NULL);   /* the parent's own references remain */
}

void mm_fork_child(void)
{
    bool changed = false;
    earlier_peak = 0;
    /* Locks are not inherited, as on Linux. */
    lock_future = false;
    for (int i = 0; i < nvmas;) {
        struct vma *v = &vmas[i];
        v->advice &= ~VMA_LOCKED;
        if (v->advice & VMA_DONTFORK) {
            changed |= drop_pages(v, v->start, v->end);   /* no object reference was taken for it */
            if (v->owner_ops)
                v->owner_ops->release(v->owner);
            remove_at(i);
            continue;
        }
        if (v->advice & VMA_WIPEONFORK) {
            changed |= drop_pages(v, v->start, v->end);
            v->lazy = true;
        }
        i++;
    }
    if (changed)
        pt_flush();
}

void mm_exit(void)
{
    for (int i = 0; i < nvmas; i++)
        put_shared(&vmas[i]);
    nvmas = 0;
}

void *mm_alloc_pages(size_t npages)
{
    long r = mm_map(0, npages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, VMA_LIBOS, false);
    return (unsigned long)r >= -4095ul ? NULL : (void *)r;
}

void mm_free_pages(void *p, size_t npages)
{
    unmap_range((uint64_t)p, npages * PAGE, VMA_LIBOS);
}

/* Checks the program's memory before the library OS or the host uses it, and
 * gives lazy pages their frames: the monitor finds a buffer's frames in the
 * page tables, so every page must have one. */
bool user_range_ok(const void *p, size_t len, bool write)
{
    uint64_t a = (uint64_t)p, end = a + len;
    if (end < a)
        return false;
    if (!len)
        return true;
    for (int i = first_after(a); a < end; i++) {
        if (i == nvmas || vmas[i].start > a || vmas[i].kind != VMA_USER)
            return false;
        struct vma *v = &vmas[i];
        if (!(v->prot & (write ? PROT_WRITE : PROT_READ)))
            return false;
        uint64_t stop = MIN(end, v->end);
        if (has_guard(v, a, stop))
            return false;
        if (v->lazy && !populate(v, ALIGN_DOWN(a, PAGE), ALIGN_UP(stop, PAGE)))
            return false;
        a = v->end;
    }
    return true;
}

long user_string_ok(const char *s, size_t max)
{
    uint64_t a = (uint64_t)s;
    size_t n = 0;
    while (n < max) {
        const struct vma *v = mm_find(a + n);
        if (!v || v->kind != VMA_USER || !(v->prot & PROT_READ))
            return -EFAULT;
        size_t chunk = MIN(PAGE - ((a + n) & (PAGE - 1)), max - n);
        if (has_guard(v, a + n, a + n + 1))
            return -EFAULT;
        if (v->lazy && !populate(v, ALIGN_DOWN(a + n, PAGE), ALIGN_DOWN(a + n, PAGE) + PAGE))
            return -EFAULT;
        size_t l = strnlen(s + n, chunk);
        if (l < chunk)
            return 0;
        n += chunk;
    }
    return -ENAMETOOLONG;
}
