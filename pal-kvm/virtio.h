/* Guest side of virtio (1.2): the virtio-mmio v2 transport and split
 * virtqueues, for a driver that takes no interrupts and polls its used rings.
 *
 * A register access is a VM exit (about 26 us on a PVM host), so drivers
 * touch registers only to set a device up; a kick is a QueueNotify write the
 * monitor turns into an ioeventfd (no exit to user space), made only when
 * the device asks for kicks (VRING_USED_F_NO_NOTIFY clear). */
#ifndef PICOVM_VIRTIO_H
#define PICOVM_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/virtio_ring.h>

struct virtq_drv {
    uint16_t num;                /* a power of 2 */
    uint16_t index;              /* the device's number for the queue */
    struct vring_desc *desc;
    struct vring_avail *avail;
    struct vring_used *used;
    uint16_t avail_idx;          /* our copy of avail->idx */
    uint16_t last_used;          /* next used entry to look at */
};

/* Lays a queue of num entries out at mem (16-byte aligned). -> bytes it takes. */
size_t virtq_layout(struct virtq_drv *q, void *mem, uint16_t index, uint16_t num);
/* Resets the device at base, checks it is a virtio-mmio v2 device of that
 * id, agrees on VIRTIO_F_VERSION_1 alone and gives it the queues; the
 * caller fills the queues, then calls virtio_mmio_start.  -> 0 or -ENODEV. */
int virtio_mmio_setup(uint64_t base, uint32_t device_id, struct virtq_drv *qs, unsigned nq);
void virtio_mmio_start(uint64_t base);
/* A 64-bit field of the device configuration space, read consistently. */
uint64_t virtio_mmio_config64(uint64_t base, unsigned off);

/* Makes descriptor chain head available (its descriptors are filled). */
void virtq_publish(struct virtq_drv *q, uint16_t head);
/* The next used entry, if the device has put one there. */
bool virtq_next_used(struct virtq_drv *q, uint32_t *id, uint32_t *len);
/* The device's used index: it moved <=> the device has news for us. */
static inline uint16_t virtq_used_idx(const struct virtq_drv *q)
{
    return __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE);
}
/* Tells the device about what was published, if it wants to be told. */
void virtq_kick(uint64_t base, struct virtq_drv *q);

#endif
