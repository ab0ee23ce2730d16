/* /proc/self/maps: the program's mappings in Linux's format, one line each
 * ("start-end perms offset major:minor inode", then a name).  File mappings
 * are copies here, so no file, offset or inode is named; the stack is. */
#include "mm/mm.h"
#include <asm-generic/mman-common.h>
#include <linux/mman.h>

#define LINE 128

long mm_maps_text(char **text, size_t *len)
{
    size_t n = 0;
    for (int i = 0; mm_at(i); i++)
        n++;
    char *buf = kmalloc(n * LINE + 1);
    if (!buf)
        return -ENOMEM;
    size_t at = 0;
    for (int i = 0; mm_at(i); i++) {
        const struct vma *v = mm_at(i);
        if (v->kind != VMA_USER)
            continue;
        at += snprintf(buf + at, LINE, "%08lx-%08lx %c%c%c%c 00000000 00:00 0%s\n", (unsigned long)v->start,
                       (unsigned long)v->end, v->prot & PROT_READ ? 'r' : '-', v->prot & PROT_WRITE ? 'w' : '-',
                       v->prot & PROT_EXEC ? 'x' : '-', v->flags & MAP_SHARED ? 's' : 'p',
                       v->flags & MAP_GROWSDOWN ? "                          [stack]" : "");
    }
    buf[at] = 0;
    *text = buf;
    *len = at;
    return 0;
}
