/* The library OS heap: power-of-two size classes carved from pages, and
 * whole-page allocations for anything larger than half a page.  Each block
 * carries a 16-byte header saying which, so kfree needs no size. */
#include "libos.h"
#include "mm/mm.h"

#define PAGE 4096ul
#define HDR 16ul
#define MIN_SHIFT 5           /* 32-byte blocks */
#define MAX_SHIFT 11          /* 2 KB blocks; larger go to pages */
#define LARGE (~0ul)

struct hdr {
    size_t cls;               /* size-class shift, or LARGE */
    size_t npages;
};

struct free_block {
    struct free_block *next;
};

static struct free_block *free_lists[MAX_SHIFT + 1];

static unsigned shift_for(size_t total)
{
    unsigned s = MIN_SHIFT;
    while ((1ul << s) < total)
        s++;
    return s;
}

static bool refill(unsigned s)
{
    char *page = mm_alloc_pages(1);
    if (!page)
        return false;
    for (size_t off = 0; off + (1ul << s) <= PAGE; off += 1ul << s) {
        struct free_block *b = (struct free_block *)(page + off);
        b->next = free_lists[s];
        free_lists[s] = b;
    }
    return true;
}

void *kmalloc(size_t size)
{
    if (size > (1ul << 40))
        return NULL;
    size_t total = size + HDR;
    struct hdr *h;
    if (total > (1ul << MAX_SHIFT)) {
        size_t np = ALIGN_UP(total, PAGE) / PAGE;
        h = mm_alloc_pages(np);
        if (!h)
            return NULL;
        h->cls = LARGE;
        h->npages = np;
    } else {
        unsigned s = shift_for(total);
        if (!free_lists[s] && !refill(s))
            return NULL;
        h = (struct hdr *)free_lists[s];
        free_lists[s] = free_lists[s]->next;
        h->cls = s;
    }
    return (char *)h + HDR;
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

static size_t usable(struct hdr *h)
{
    return h->cls == LARGE ? h->npages * PAGE - HDR : (1ul << h->cls) - HDR;
}

void kfree(void *p)
{
    if (!p)
        return;
    struct hdr *h = (struct hdr *)((char *)p - HDR);
    if (h->cls == LARGE) {
        mm_free_pages(h, h->npages);
        return;
    }
    size_t cls = h->cls;   /* the free-list link overwrites the header */
    struct free_block *b = (struct free_block *)h;
    b->next = free_lists[cls];
    free_lists[cls] = b;
}

void *krealloc(void *p, size_t size)
{
    if (!p)
        return kmalloc(size);
    struct hdr *h = (struct hdr *)((char *)p - HDR);
    if (size <= usable(h))
        return p;
    void *n = kmalloc(size);
    if (n) {
        memcpy(n, p, usable(h));
        kfree(p);
    }
    return n;
}

char *kstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = kmalloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}
