/* Walking the guest's x86-64 4-level page tables from GPA_PML4: 4 KB pages,
 * 2 MB pages (PS in a page-directory entry) and 1 GB pages (PS in a
 * page-directory-pointer entry).  P is required at every level, and RW at
 * every level for a range the monitor writes, as the CPU requires them of
 * the program; U and NX say nothing about what the PAL may ask.  A write
 * sets the leaf entry's accessed and dirty bits, as the CPU's own write
 * would: the guest keeps frames whose entry is not dirty as zero frames. */
#include <errno.h>
#include <string.h>
#include "guest_mem.h"
#include "gpa.h"
#include "layout.h"
#include "x86.h"

#define LEVELS 4

/* Bits 63..47 all equal: anything else faults on the CPU too. */
static bool canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* The guest-physical address behind va and the bytes of its page from
 * there; -EFAULT if it is not mapped.  Each table must lie in RAM, and
 * each entry is read once: the guest may rewrite its tables meanwhile. */
static int translate(struct vm *vm, uint64_t va, bool write, uint64_t *pa, uint64_t *room)
{
    if (!canonical(va))
        return -EFAULT;
    uint64_t table = GPA_PML4;
    for (int level = LEVELS;; level--) {
        unsigned shift = 12 + 9 * (level - 1);
        uint64_t *slot = gpa_ram(vm, table + ((va >> shift) & 511) * 8, 8);
        if (!slot)
            return -EFAULT;
        uint64_t e = __atomic_load_n(slot, __ATOMIC_RELAXED);
        if (!(e & PTE_P) || (write && !(e & PTE_RW)))
            return -EFAULT;
        bool leaf = level == 1 || (e & PTE_PS);
        if (leaf && level == LEVELS)
            return -EFAULT;   /* PS is reserved in a PML4 entry */
        if (leaf) {
            uint64_t size = 1ull << shift;
            if (write && (e & (PTE_A | PTE_D)) != (PTE_A | PTE_D))
                __atomic_fetch_or(slot, PTE_A | PTE_D, __ATOMIC_RELAXED);
            *pa = (e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
            *room = size - (va & (size - 1));
            return 0;
        }
        table = e & PTE_ADDR;
    }
}

/* The host address of va and how many of the next want bytes follow it in
 * the same page and region; NULL if unmapped or outside guest memory. */
static uint8_t *host_at(struct vm *vm, uint64_t va, uint64_t want, bool write, uint64_t *n)
{
    uint64_t pa, room;
    if (translate(vm, va, write, &pa, &room))
        return NULL;
    *n = room < want ? room : want;
    return gpa_range(vm, pa, *n);
}

static bool wraps(uint64_t va, uint64_t len)
{
    return len && len - 1 > UINT64_MAX - va;
}

int gva_iov(struct vm *vm, uint64_t va, uint64_t len, bool write, struct iovec *iov, int max,
            uint64_t *bytes)
{
    *bytes = 0;
    if (wraps(va, len))
        return -EFAULT;
    int cnt = 0;
    uint64_t done = 0;
    while (done < len) {
        uint64_t n;
        uint8_t *host = host_at(vm, va + done, len - done, write, &n);
        struct iovec *last = cnt ? &iov[cnt - 1] : NULL;
        if (host && last && (uint8_t *)last->iov_base + last->iov_len == host)
            last->iov_len += n;
        else if (cnt == max)
            break;   /* a fault past here is the next call's to report */
        else if (!host)
            return -EFAULT;
        else
            iov[cnt++] = (struct iovec){ .iov_base = host, .iov_len = n };
        done += n;
    }
    *bytes = done;
    return cnt;
}

int gva_read(struct vm *vm, uint64_t va, void *dst, size_t len)
{
    if (wraps(va, len))
        return -EFAULT;
    for (size_t done = 0, n; done < len; done += n) {
        const uint8_t *host = host_at(vm, va + done, len - done, false, &n);
        if (!host)
            return -EFAULT;
        memcpy((uint8_t *)dst + done, host, n);
    }
    return 0;
}

int gva_write(struct vm *vm, uint64_t va, const void *src, size_t len)
{
    if (wraps(va, len))
        return -EFAULT;
    for (size_t done = 0, n; done < len; done += n) {
        uint8_t *host = host_at(vm, va + done, len - done, true, &n);
        if (!host)
            return -EFAULT;
        memcpy(host, (const uint8_t *)src + done, n);
    }
    return 0;
}

void iov_fill(const struct iovec *iov, const void *src, size_t len)
{
    for (size_t done = 0; done < len; iov++) {
        size_t n = iov->iov_len < len - done ? iov->iov_len : len - done;
        memcpy(iov->iov_base, (const uint8_t *)src + done, n);
        done += n;
    }
}
