/* Device side of virtio (1.2): the virtio-mmio v2 register block (section
 * 4.2.2, virtio_mmio.c) and split virtqueues (section 2.7, virtqueue.c).
 *
 * Everything the driver writes is hostile.  Ring addresses are kept as guest
 * physical addresses and checked with gpa_range() at every use, so a ring the
 * driver moves or shrinks cannot make the device touch memory outside guest
 * RAM; a ring that breaks the rules (an index running ahead of the ring, a
 * chain that loops or is too long) is answered, never followed. */
#ifndef PICOVM_VIRTIO_MMIO_H
#define PICOVM_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct vm;

#define VQ_MAX_SIZE   256   /* QueueNumMax offered to the driver */
#define VQ_MAX_CHAIN  16    /* descriptors per chain; a longer chain is refused */
#define VIRTIO_MAX_QUEUES 4
#define VIRTIO_CONFIG_MAX 16

struct virtq {
    uint32_t num;              /* QueueNum */
    bool ready;                /* QueueReady */
    uint64_t desc, avail, used;   /* guest addresses of the three parts */
    uint16_t last_avail;       /* next available entry the device takes */
    uint16_t used_idx;         /* next used entry the device fills */
    bool broken;               /* the driver broke the ring: ignored until a reset */
};

/* A descriptor chain taken from a queue: host pointers into guest RAM,
 * device-readable parts first (out), then device-writable ones (in). */
struct vq_chain {
    uint16_t head;
    unsigned nout, nin;
    struct iovec iov[VQ_MAX_CHAIN];
    size_t out_len, in_len;
};

/* 1: a chain in c; 0: nothing available (or the queue is not usable); -1: a
 * malformed chain, already handed back to the driver as used with length 0. */
int vq_pop(struct vm *vm, struct virtq *q, struct vq_chain *c);
/* Gives back the chain vq_pop just took, untouched (nothing to put in it yet). */
void vq_unpop(struct virtq *q);
void vq_push(struct vm *vm, struct virtq *q, uint16_t head, uint32_t len);
bool vq_has_avail(struct vm *vm, struct virtq *q);
/* Sets or clears VRING_USED_F_NO_NOTIFY: whether the driver should kick. */
void vq_want_kick(struct vm *vm, struct virtq *q, bool want);
/* Copies between a chain and host memory, from byte off of its readable
 * (out) or writable (in) part. -> bytes copied. */
size_t vq_read(const struct vq_chain *c, size_t off, void *dst, size_t len);
size_t vq_write(const struct vq_chain *c, size_t off, const void *src, size_t len);
/* The writable part from byte off on, at most len bytes, as an iovec array
 * for readv(). -> number of entries. */
int vq_in_iovec(const struct vq_chain *c, size_t off, size_t len, struct iovec *out, int max);

/* One device behind a virtio-mmio register block. */
struct virtio_mmio {
    uint32_t device_id;
    uint64_t device_features, driver_features;
    uint32_t device_features_sel, driver_features_sel, queue_sel;
    uint32_t status;
    uint32_t config_generation;
    uint8_t config[VIRTIO_CONFIG_MAX];
    unsigned config_len;
    unsigned nqueues;
    struct virtq q[VIRTIO_MAX_QUEUES];
    /* Called with the register access (under the device's lock): */
    void *opaque;
    void (*kick)(void *opaque);    /* QueueNotify, or DRIVER_OK: look at the queues */
    void (*reset)(void *opaque);   /* the driver wrote 0 to Status: queues and features are gone */
};

void virtio_mmio_init(struct virtio_mmio *m, uint32_t device_id, uint64_t features, unsigned nqueues);
/* A register access of len bytes at offset off of the block. */
uint64_t virtio_mmio_read(struct virtio_mmio *m, uint64_t off, unsigned len);
void virtio_mmio_write(struct virtio_mmio *m, uint64_t off, uint64_t val, unsigned len);
/* DRIVER_OK set, FAILED and DEVICE_NEEDS_RESET not. */
bool virtio_mmio_live(const struct virtio_mmio *m);
/* A queue the device may use now. */
struct virtq *virtio_mmio_queue(struct virtio_mmio *m, unsigned i);
/* Tells the driver the device is in a state it cannot recover from. */
void virtio_mmio_needs_reset(struct virtio_mmio *m);

#endif
