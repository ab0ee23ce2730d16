/* Guest-virtual memory, as every pointer argument of a PAL call names it:
 * a range is translated through the guest's own page tables, whose root is
 * always at GPA_PML4 (include/abi/layout.h), and each frame behind it is
 * checked with gpa_range().  The page tables are the guest's and hostile
 * (cycles, entries outside memory, huge pages anywhere): a walk is four
 * bounded steps that read each entry once, so the worst a table can do is
 * make the call answer -EFAULT. */
#ifndef PICOVM_MONITOR_GUEST_MEM_H
#define PICOVM_MONITOR_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct vm;

/* Enough iovecs for any len bytes: one per 4 KB page they touch. */
#define GVA_PAGES(len) ((len) / 4096 + 2)

/* Host views of the guest range [va, va + len), physically contiguous pages
 * coalesced, in at most max iovecs.  -> how many were filled, with *bytes
 * the length they cover: len, or less when max ran out (a call may then
 * serve a short read or write, and a fault past that is not reported);
 * -EFAULT if a page of the covered part is not mapped (or not writable,
 * when write), its frame is not guest memory, the address is not canonical
 * or the range wraps.
 * Callers bound len: a walk costs a few loads per page. */
int gva_iov(struct vm *vm, uint64_t va, uint64_t len, bool write, struct iovec *iov, int max,
            uint64_t *bytes);
/* Copies a small guest object out of or into the guest: 0 or -EFAULT (then
 * a write may have changed a first part of the range). */
int gva_read(struct vm *vm, uint64_t va, void *dst, size_t len);
int gva_write(struct vm *vm, uint64_t va, const void *src, size_t len);
/* Copies len bytes into iovecs that cover them: a result whose guest range
 * gva_iov found writable before the call did something it cannot undo
 * (reaped a child, made a pipe, read a directory). */
void iov_fill(const struct iovec *iov, const void *src, size_t len);

#endif
