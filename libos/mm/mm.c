/* Address-space bookkeeping (see mm.h).  Pages of a fresh or unmapped range
 * always read as zero: unmapping hands them back to the host, which drops
 * them, so a later mapping needs no memset. */
#include "mm/mm.h"
#include <asm-generic/mman-common.h>
#include <linux/mman.h>

#define MAX_VMAS 4096
#define PAGE 4096ull

static struct vma vmas[MAX_VMAS];
static int nvmas;
static uint64_t pool_lo, pool_hi, mapped_bytes;

void mm_init(uint64_t pool_start, uint64_t pool_end)
{
    pool_lo = pool_start;
    pool_hi = pool_end;
}

uint64_t mm_free_bytes(void) { return pool_hi - pool_lo - mapped_bytes; }

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

bool mm_range_free(uint64_t addr, uint64_t len)
{
    int i = first_after(addr);
    return i == nvmas || vmas[i].start >= addr + len;
}

static bool insert_at(int i, const struct vma *v)
{
    if (nvmas == MAX_VMAS)
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

/* Makes addr a VMA boundary if it falls inside one. */
static bool split_at(uint64_t addr)
{
    int i = first_after(addr);
    if (i == nvmas || vmas[i].start >= addr)
        return true;
    struct vma hi = vmas[i];
    hi.start = addr;
    vmas[i].end = addr;
    return insert_at(i + 1, &hi);
}

static void restore_default_ptes(uint64_t start, uint64_t end)
{
    pal->vm_protect((void *)start, end - start, PROT_READ | PROT_WRITE | PROT_EXEC);
}

/* Removes user mappings in [addr, addr+len); fails on library OS memory. */
static long unmap_range(uint64_t addr, uint64_t len)
{
    uint64_t end = addr + len;
    for (int i = first_after(addr); i < nvmas && vmas[i].start < end; i++)
        if (vmas[i].kind != VMA_USER)
            return -EINVAL;
    if (!split_at(addr) || !split_at(end))
        return -ENOMEM;
    int i = first_after(addr);
    while (i < nvmas && vmas[i].start < end) {
        struct vma v = vmas[i];
        if (v.pte_custom)
            restore_default_ptes(v.start, v.end);
        pal->vm_free((void *)v.start, v.end - v.start);
        mapped_bytes -= v.end - v.start;
        remove_at(i);
    }
    return 0;
}

static uint64_t find_gap_top_down(uint64_t len)
{
    uint64_t top = pool_hi;
    for (int i = nvmas - 1; i >= -1; i--) {
        uint64_t bottom = i >= 0 ? vmas[i].end : pool_lo;
        if (top >= bottom + len)
            return top - len;
        if (i >= 0)
            top = vmas[i].start;
    }
    return 0;
}

/* Only PROT_NONE reaches the page tables: guard pages must fault, while
 * read-only and no-exec are enforced for the library OS's own accesses to
 * user memory (user_range_ok) but not for the program's, because every
 * page-table change costs a TLB flush through a CPL0 stub, ~30 us on PVM. */
static bool pte_default(int prot) { return (prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) != 0; }

long mm_map(uint64_t addr, uint64_t len, int prot, int flags, int kind, bool fixed)
{
    len = ALIGN_UP(len, PAGE);
    if (!len || len > pool_hi - pool_lo)
        return -ENOMEM;
    if (fixed) {
        if (addr & (PAGE - 1))
            return -EINVAL;
        if (addr < pool_lo || addr + len > pool_hi || addr + len < addr)
            return -ENOMEM;
        long r = unmap_range(addr, len);
        if (r < 0)
            return r;
    } else {
        addr = find_gap_top_down(len);
        if (!addr)
            return -ENOMEM;
    }
    struct vma v = { addr, addr + len, prot, flags, kind, !pte_default(prot) };
    if (!insert_at(first_after(addr), &v))
        return -ENOMEM;
    mapped_bytes += len;
    if (v.pte_custom)
        pal->vm_protect((void *)addr, len, prot);
    return (long)addr;
}

long mm_unmap(uint64_t addr, uint64_t len)
{
    if (addr & (PAGE - 1) || !len)
        return -EINVAL;
    len = ALIGN_UP(len, PAGE);
    if (addr + len < addr)
        return -EINVAL;
    return unmap_range(addr, len);
}

long mm_protect(uint64_t addr, uint64_t len, int prot)
{
    if (addr & (PAGE - 1))
        return -EINVAL;
    len = ALIGN_UP(len, PAGE);
    uint64_t end = addr + len;
    if (end < addr)
        return -ENOMEM;
    /* Linux demands the whole range be mapped. */
    uint64_t cur = addr;
    for (int i = first_after(addr); cur < end; i++) {
        if (i == nvmas || vmas[i].start > cur || vmas[i].kind != VMA_USER)
            return -ENOMEM;
        cur = vmas[i].end;
    }
    if (!split_at(addr) || !split_at(end))
        return -ENOMEM;
    bool any_custom = !pte_default(prot);
    for (int i = first_after(addr); i < nvmas && vmas[i].start < end; i++) {
        any_custom |= vmas[i].pte_custom;
        vmas[i].prot = prot;
        vmas[i].pte_custom = !pte_default(prot);
    }
    if (any_custom)
        pal->vm_protect((void *)addr, len, pte_default(prot) ? PROT_READ | PROT_WRITE | PROT_EXEC : prot);
    return 0;
}

void mm_unmap_user(void)
{
    for (int i = 0; i < nvmas;) {
        if (vmas[i].kind != VMA_USER || unmap_range(vmas[i].start, vmas[i].end - vmas[i].start) < 0)
            i++;
    }
}

void *mm_alloc_pages(size_t npages)
{
    long r = mm_map(0, npages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, VMA_LIBOS, false);
    return r < 0 ? NULL : (void *)r;
}

void mm_free_pages(void *p, size_t npages)
{
    uint64_t a = (uint64_t)p, len = npages * PAGE;
    if (!split_at(a) || !split_at(a + len))
        return;
    int i = first_after(a);
    while (i < nvmas && vmas[i].start < a + len) {
        pal->vm_free((void *)vmas[i].start, vmas[i].end - vmas[i].start);
        mapped_bytes -= vmas[i].end - vmas[i].start;
        remove_at(i);
    }
}

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
        if (!(vmas[i].prot & (write ? PROT_WRITE : PROT_READ)))
            return false;
        a = vmas[i].end;
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
        size_t avail = v->end - (a + n);
        size_t chunk = MIN(avail, max - n);
        size_t l = strnlen(s + n, chunk);
        if (l < chunk)
            return 0;
        n += chunk;
    }
    return -ENAMETOOLONG;
}
