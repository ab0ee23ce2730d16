/* The shared pool's object table (see shared_pool.h), in its first pages. */
#include "shared_pool.h"
#include "frames.h"
#include "klib.h"
#include "layout.h"

#define TABLE_PAGES 8
#define MAX_OBJS ((TABLE_PAGES * GUEST_PAGE_SIZE - 64) / sizeof(struct obj))
#define POOL_MAGIC 0x4c4f4f5044524853ull   /* "SHRDPOOL" */

struct obj {
    uint64_t base, len;
    int64_t refs;
    uint64_t key[2];     /* a file's (device, inode); 0, 0 for anonymous memory */
};

struct table {
    uint64_t magic;
    volatile uint32_t lock;
    uint32_t nobjs;
    volatile uint32_t nkeyed;   /* objects with a key: none, and a read or write need not look */
    uint32_t pad0;
    uint64_t pad[5];
    struct obj objs[];   /* sorted by base */
};

static struct table *tab;
static uint64_t pool_end;
static uint64_t ready_end;
static const struct frames_host *host;

/* Other picoprocesses take it from other host threads: an atomic exchange
 * on the shared page is the lock. */
static void lock(void)
{
    while (__atomic_exchange_n(&tab->lock, 1, __ATOMIC_ACQUIRE))
        cpu_relax();
}

static void unlock(void) { __atomic_store_n(&tab->lock, 0, __ATOMIC_RELEASE); }

void shared_pool_init(uint64_t size, bool first, uint64_t ready, const struct frames_host *h)
{
    tab = frame_ptr(GPA_SHARED);
    pool_end = GPA_SHARED + size;
    ready_end = ready;
    host = h;
    if (first && tab->magic != POOL_MAGIC) {
        tab->nobjs = 0;
        tab->lock = 0;
        tab->magic = POOL_MAGIC;
    }
}

static int find(uint64_t base)
{
    for (uint32_t i = 0; i < tab->nobjs; i++)
        if (tab->objs[i].base == base)
            return (int)i;
    return -1;
}

/* The index of the object with key k, or -1; under the lock. */
static int find_key(const uint64_t k[2])
{
    for (uint32_t i = 0; i < tab->nobjs; i++)
        if (tab->objs[i].key[0] == k[0] && tab->objs[i].key[1] == k[1])
            return (int)i;
    return -1;
}

/* A new object of len bytes, under the lock: its base, or 0. */
static uint64_t alloc_locked(uint64_t len, const uint64_t key[2])
{
    uint64_t at = GPA_SHARED + TABLE_PAGES * GUEST_PAGE_SIZE, base = 0;
    uint32_t i = 0;
    if (len > pool_end - at)
        return 0;
    if (tab->nobjs < MAX_OBJS) {
        for (;; i++) {
            uint64_t next = i < tab->nobjs ? tab->objs[i].base : pool_end;
            if (next >= at && next - at >= len) {
                base = at;
                break;
            }
            if (i == tab->nobjs)
                break;
            at = tab->objs[i].base + tab->objs[i].len;
        }
    }
    if (base) {
        memmove(&tab->objs[i + 1], &tab->objs[i], (tab->nobjs - i) * sizeof(struct obj));
        tab->objs[i] = (struct obj){ base, len, 1, { key[0], key[1] } };
        tab->nobjs++;
        if (key[0] || key[1])
            tab->nkeyed++;
    }
    return base;
}

/* The object this process just made or grew is in its VM before it is
 * filled (no exit per first touch; a failure here only leaves that to
 * the monitor, vcpu_loop.c). */
static void in_vm(uint64_t end)
{
    if (end > ready_end) {
        uint64_t r = host->grow(end);
        if (r > ready_end)
            ready_end = r;
    }
}

uint64_t shared_obj_alloc(uint64_t len)
{
    static const uint64_t anonymous[2];
    if (!tab || !len || len % GUEST_PAGE_SIZE)
        return 0;
    lock();
    uint64_t base = alloc_locked(len, anonymous);
    unlock();
    if (base)
        in_vm(base + len);
    return base;
}

uint64_t shared_obj_keyed(const uint64_t key[2], uint64_t len, uint64_t *have, bool *created)
{
    *created = false;
    if (!tab || !len || len % GUEST_PAGE_SIZE)
        return 0;
    lock();
    uint64_t base = 0;
    int i = find_key(key);
    if (i >= 0) {
        tab->objs[i].refs++;
        base = tab->objs[i].base;
        *have = tab->objs[i].len;
    } else if ((base = alloc_locked(len, key))) {
        *have = len;
        *created = true;
    }
    unlock();
    if (base)
        in_vm(base + *have);
    return base;
}

bool shared_obj_extend(uint64_t base, uint64_t len,
                       void (*fill)(void *arg, uint64_t base, uint64_t from, uint64_t to), void *arg)
{
    if (!tab || len % GUEST_PAGE_SIZE)
        return false;
    lock();
    int i = find(base);
    bool ok = false;
    if (i >= 0) {
        struct obj *o = &tab->objs[i];
        uint64_t next = (uint32_t)i + 1 < tab->nobjs ? tab->objs[i + 1].base : pool_end;
        ok = len <= o->len || len <= next - base;
        if (len > o->len && ok) {
            /* Free room of the pool reads as zero (shared_obj_put gave it back). */
            in_vm(base + len);
            if (fill)
                fill(arg, base, o->len, len);
            o->len = len;
        }
    }
    unlock();
    return ok;
}

bool shared_obj_any_keyed(void) { return tab && tab->nkeyed; }

void shared_obj_with_key(const uint64_t key[2], void (*fn)(void *arg, uint64_t base, uint64_t len), void *arg)
{
    lock();
    int i = find_key(key);
    if (i >= 0) {
        in_vm(tab->objs[i].base + tab->objs[i].len);
        fn(arg, tab->objs[i].base, tab->objs[i].len);
    }
    unlock();
}

void shared_obj_get(uint64_t base)
{
    lock();
    int i = find(base);
    if (i >= 0)
        tab->objs[i].refs++;
    unlock();
}

void shared_obj_put(uint64_t base, void (*last)(void *arg, uint64_t base, uint64_t len), void *arg)
{
    lock();
    int i = find(base);
    if (i >= 0 && --tab->objs[i].refs <= 0) {
        /* Under the lock: whoever looks for the file next must find its data in
         * the file, and the range must read as zero before anyone gets it again. */
        if (last) {
            in_vm(base + tab->objs[i].len);
            last(arg, base, tab->objs[i].len);
        }
        host->release(base, tab->objs[i].len);
        if (tab->objs[i].key[0] || tab->objs[i].key[1])
            tab->nkeyed--;
        memmove(&tab->objs[i], &tab->objs[i + 1], (tab->nobjs - i - 1) * sizeof(struct obj));
        tab->nobjs--;
    }
    unlock();
}
