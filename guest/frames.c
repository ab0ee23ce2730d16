/* Physical frame allocator (see frames.h).  Freed frames wait on two stacks,
 * dirty and clean; each stack is a chain of frames holding 511 addresses and
 * a link, and a stack's top page is itself the frame the stack hands out
 * last, so the bookkeeping costs no frame of its own. */
#include "frames.h"
#include "klib.h"
#include "layout.h"

#define PAGE GUEST_PAGE_SIZE
#define PER_PAGE 511
/* Dirty frames kept resident for reuse after a large unmap (16 MB). */
#define DIRTY_RESERVE 4096

struct stack {
    uint64_t top;        /* pa of the page holding the newest entries, 0: empty */
    uint64_t in_top;     /* entries in it */
    uint64_t count;      /* frames on the stack, its pages included */
};

static uint64_t fresh, fresh_end;
static uint64_t ready_end;   /* the VM has RAM up to here (the host adds more on request) */
static struct stack dirty, clean;
static const struct frames_host *host;

void *frame_ptr(uint64_t pa) { return (void *)(DIRECT_MAP + pa); }

void frames_init(uint64_t pool_start, uint64_t pool_end, uint64_t ready, const struct frames_host *h)
{
    fresh = ALIGN_UP(pool_start, PAGE);
    fresh_end = ALIGN_DOWN(pool_end, PAGE);
    ready_end = ready;
    host = h;
}

static void push(struct stack *s, uint64_t pa)
{
    uint64_t *page = s->top ? frame_ptr(s->top) : NULL;
    if (!page || s->in_top == PER_PAGE) {
        /* The frame becomes the new top page, linked to the old one. */
        uint64_t *p = frame_ptr(pa);
        p[PER_PAGE] = s->top;
        s->top = pa;
        s->in_top = 0;
    } else {
        page[s->in_top++] = pa;
    }
    s->count++;
}

/* Pops a frame; *was_page says it held the stack's bookkeeping (not zero). */
static uint64_t pop(struct stack *s, bool *was_page)
{
    if (!s->top)
        return 0;
    uint64_t *page = frame_ptr(s->top);
    s->count--;
    if (s->in_top) {
        *was_page = false;
        return page[--s->in_top];
    }
    uint64_t pa = s->top;
    s->top = page[PER_PAGE];
    s->in_top = s->top ? PER_PAGE : 0;
    *was_page = true;
    return pa;
}

uint64_t frame_alloc(void)
{
    bool was_page;
    uint64_t pa = pop(&dirty, &was_page);
    if (pa) {
        memset(frame_ptr(pa), 0, PAGE);
        return pa;
    }
    pa = pop(&clean, &was_page);
    if (pa) {
        if (was_page)
            memset(frame_ptr(pa), 0, PAGE);
        return pa;
    }
    if (fresh < fresh_end) {
        /* The pool's first use of memory past what the VM has: the host adds it first. */
        if (fresh + PAGE > ready_end && (ready_end = host->grow(fresh + PAGE)) < fresh + PAGE)
            return 0;
        pa = fresh;
        fresh += PAGE;
    }
    return pa;
}

void frame_free(uint64_t pa, bool is_dirty)
{
    push(is_dirty ? &dirty : &clean, pa);
}

uint64_t frames_available(void) { return dirty.count + clean.count + (fresh_end - fresh) / PAGE; }

/* The host drops the run's pages; they are zero from then on. */
static void release_run(uint64_t pa, uint64_t len)
{
    host->release(pa, len);
    for (uint64_t a = pa; a < pa + len; a += PAGE)
        push(&clean, a);
}

void frames_trim(void)
{
    uint64_t run = 0, len = 0;
    bool was_page;
    while (dirty.count > DIRTY_RESERVE) {
        uint64_t pa = pop(&dirty, &was_page);
        if (len && len < (1ull << 20) && pa == run + len) {
            len += PAGE;
        } else if (len && len < (1ull << 20) && pa + PAGE == run) {
            run = pa;
            len += PAGE;
        } else {
            if (len)
                release_run(run, len);
            run = pa;
            len = PAGE;
        }
    }
    if (len)
        release_run(run, len);
}
