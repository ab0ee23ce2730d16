/* Split virtqueues (virtio 1.2 section 2.7), device side.
 *
 * The driver owns the rings and may rewrite them at any moment, so each
 * index and descriptor is read once into a local before it is checked and
 * used, every address range goes through gpa_range(), and the device keeps its
 * own copies of the indices it advances (it never reads its used index back).
 * An available index more than a ring ahead, a head out of range or a
 * misaligned ring marks the queue broken; a bad chain (a loop, too long, an
 * address outside RAM, an indirect table we did not offer, a readable part
 * after a writable one) is handed back unused. */
#include <string.h>
#include <linux/virtio_ring.h>
#include "virtio_mmio.h"
#include "kvm/gpa.h"

static struct vring_desc *desc_table(struct vm *vm, struct virtq *q)
{
    struct vring_desc *d = gpa_range(vm, q->desc, 16ull * q->num);
    if (!d || q->desc % 16)
        q->broken = true;
    return q->broken ? NULL : d;
}

static struct vring_avail *avail_ring(struct vm *vm, struct virtq *q)
{
    struct vring_avail *a = gpa_range(vm, q->avail, 6 + 2ull * q->num);
    if (!a || q->avail % 2)
        q->broken = true;
    return q->broken ? NULL : a;
}

static struct vring_used *used_ring(struct vm *vm, struct virtq *q)
{
    struct vring_used *u = gpa_range(vm, q->used, 6 + 8ull * q->num);
    if (!u || q->used % 4)
        q->broken = true;
    return q->broken ? NULL : u;
}

static bool usable(const struct virtq *q) { return q && q->ready && q->num && !q->broken; }

/* Entries the driver has made available and we have not taken: 0 if none
 * or if the index is impossible (then the queue is broken). */
static uint16_t pending(struct vm *vm, struct virtq *q)
{
    struct vring_avail *a = avail_ring(vm, q);
    if (!a)
        return 0;
    uint16_t n = (uint16_t)(__atomic_load_n(&a->idx, __ATOMIC_ACQUIRE) - q->last_avail);
    if (n > q->num) {
        q->broken = true;
        return 0;
    }
    return n;
}

bool vq_has_avail(struct vm *vm, struct virtq *q) { return usable(q) && pending(vm, q) > 0; }

void vq_push(struct vm *vm, struct virtq *q, uint16_t head, uint32_t len)
{
    struct vring_used *u = usable(q) ? used_ring(vm, q) : NULL;
    if (!u)
        return;
    struct vring_used_elem e = { .id = head, .len = len };
    memcpy(&u->ring[q->used_idx % q->num], &e, sizeof(e));
    q->used_idx++;
    __atomic_store_n(&u->idx, q->used_idx, __ATOMIC_RELEASE);
}

void vq_unpop(struct virtq *q) { q->last_avail--; }

static int bad_chain(struct vm *vm, struct virtq *q, uint16_t head)
{
    vq_push(vm, q, head, 0);
    return -1;
}

int vq_pop(struct vm *vm, struct virtq *q, struct vq_chain *c)
{
    if (!usable(q) || !pending(vm, q))
        return 0;
    struct vring_avail *a = avail_ring(vm, q);
    struct vring_desc *table = desc_table(vm, q);
    if (!a || !table)
        return 0;
    uint16_t head = __atomic_load_n(&a->ring[q->last_avail % q->num], __ATOMIC_RELAXED);
    if (head >= q->num) {
        q->broken = true;
        return 0;
    }
    q->last_avail++;
    memset(c, 0, sizeof(*c));
    c->head = head;
    uint16_t i = head;
    for (unsigned n = 0;; n++) {
        if (n >= VQ_MAX_CHAIN || n >= q->num)
            return bad_chain(vm, q, head);   /* a loop ends here too */
        struct vring_desc d;
        memcpy(&d, &table[i], sizeof(d));
        if (d.flags & VRING_DESC_F_INDIRECT)
            return bad_chain(vm, q, head);
        bool writable = d.flags & VRING_DESC_F_WRITE;
        if (!writable && c->nin)
            return bad_chain(vm, q, head);
        if (d.len) {
            void *p = gpa_range(vm, d.addr, d.len);
            if (!p)
                return bad_chain(vm, q, head);
            c->iov[c->nout + c->nin] = (struct iovec){ p, d.len };
            if (writable) {
                c->nin++;
                c->in_len += d.len;
            } else {
                c->nout++;
                c->out_len += d.len;
            }
        }
        if (!(d.flags & VRING_DESC_F_NEXT))
            return 1;
        if (d.next >= q->num)
            return bad_chain(vm, q, head);
        i = d.next;
    }
}

void vq_want_kick(struct vm *vm, struct virtq *q, bool want)
{
    struct vring_used *u = usable(q) ? used_ring(vm, q) : NULL;
    if (!u)
        return;
    __atomic_store_n(&u->flags, want ? 0 : VRING_USED_F_NO_NOTIFY, __ATOMIC_RELAXED);
    /* Pairs with the driver's fence between publishing a buffer and reading
     * the flag: either we see its buffer on our next look or it kicks us. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Copies between host memory and n iovecs of a chain, from byte off of them. */
static size_t copy(const struct iovec *iov, unsigned n, size_t off, void *host, size_t len, bool to_guest)
{
    size_t done = 0;
    for (unsigned i = 0; i < n && done < len; i++) {
        if (off >= iov[i].iov_len) {
            off -= iov[i].iov_len;
            continue;
        }
        size_t k = iov[i].iov_len - off;
        if (k > len - done)
            k = len - done;
        uint8_t *g = (uint8_t *)iov[i].iov_base + off;
        if (to_guest)
            memcpy(g, (const uint8_t *)host + done, k);
        else
            memcpy((uint8_t *)host + done, g, k);
        done += k;
        off = 0;
    }
    return done;
}

size_t vq_read(const struct vq_chain *c, size_t off, void *dst, size_t len)
{
    return copy(c->iov, c->nout, off, dst, len, false);
}

size_t vq_write(const struct vq_chain *c, size_t off, const void *src, size_t len)
{
    return copy(c->iov + c->nout, c->nin, off, (void *)src, len, true);
}

int vq_in_iovec(const struct vq_chain *c, size_t off, size_t len, struct iovec *out, int max)
{
    int n = 0;
    for (unsigned i = c->nout; i < c->nout + c->nin && len && n < max; i++) {
        if (off >= c->iov[i].iov_len) {
            off -= c->iov[i].iov_len;
            continue;
        }
        size_t k = c->iov[i].iov_len - off;
        if (k > len)
            k = len;
        out[n++] = (struct iovec){ (uint8_t *)c->iov[i].iov_base + off, k };
        len -= k;
        off = 0;
    }
    return n;
}
