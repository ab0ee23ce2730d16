/* The memory lines of /proc/self/status, in Linux's format and sense:
 * VmSize is what the program's mappings span, VmRSS its pages that have a
 * frame of the pool, VmData its private writable memory, VmStk its stack,
 * VmExe its code.  Frames are given when a mapping is made if the pool can
 * spare them (mm.c), so VmRSS counts pages the program has not touched yet:
 * the host gives them memory only at the first touch.  Nothing is swapped
 * or pinned, and a static program has no libraries. */
#include "mm/mm.h"
#include <asm-generic/mman-common.h>
#include <linux/mman.h>

#define KB(bytes) ((unsigned long)((bytes) >> 10))

int mm_status_text(char *buf, size_t size)
{
    uint64_t data = 0, stack = 0, exe = 0, hwm;
    for (int i = 0; mm_at(i); i++) {
        const struct vma *v = mm_at(i);
        uint64_t len = v->end - v->start;
        if (v->kind != VMA_USER)
            continue;
        if (v->flags & MAP_GROWSDOWN)
            stack += len;
        else if ((v->prot & PROT_WRITE) && !(v->flags & MAP_SHARED))
            data += len;
        else if ((v->prot & PROT_EXEC) && !(v->prot & PROT_WRITE))
            exe += len;
    }
    uint64_t rss = mm_resident_pages(&hwm) * 4096, size_now = mm_user_bytes(0);
    return snprintf(buf, size,
                    "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmPin:\t%8lu kB\nVmHWM:\t%8lu kB\n"
                    "VmRSS:\t%8lu kB\nVmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\nVmLib:\t%8lu kB\n"
                    "VmSwap:\t%8lu kB\n",
                    KB(MAX(mm_size_peak(), size_now)), KB(size_now), KB(mm_user_bytes(VMA_LOCKED)), 0ul,
                    KB(hwm * 4096), KB(rss), KB(data), KB(stack), KB(exe), 0ul, 0ul);
}
