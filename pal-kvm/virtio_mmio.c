/* virtio-mmio v2 transport and split virtqueues, driver side (see virtio.h). */
#include "virtio.h"
#include "klib.h"
#include <asm/errno.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>

#define VIRTIO_MMIO_MAGIC 0x74726976u   /* "virt" */

static uint32_t reg_read(uint64_t base, unsigned off)
{
    return *(volatile uint32_t *)(base + off);
}

static void reg_write(uint64_t base, unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(base + off) = v;
}

size_t virtq_layout(struct virtq_drv *q, void *mem, uint16_t index, uint16_t num)
{
    uint8_t *p = mem;
    size_t desc = 16ul * num, avail = ALIGN_UP(6 + 2ul * num, 4), used = 6 + 8ul * num;
    memset(p, 0, desc + avail + used);
    *q = (struct virtq_drv){ .num = num, .index = index, .desc = (struct vring_desc *)p,
                             .avail = (struct vring_avail *)(p + desc),
                             .used = (struct vring_used *)(p + desc + avail) };
    return ALIGN_UP(desc + avail + used, 16);
}

static void set_addr(uint64_t base, unsigned lo, uint64_t gpa)
{
    reg_write(base, lo, (uint32_t)gpa);
    reg_write(base, lo + 4, (uint32_t)(gpa >> 32));
}

int virtio_mmio_setup(uint64_t base, uint32_t device_id, struct virtq_drv *qs, unsigned nq)
{
    if (reg_read(base, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC || reg_read(base, VIRTIO_MMIO_VERSION) != 2 ||
        reg_read(base, VIRTIO_MMIO_DEVICE_ID) != device_id)
        return -ENODEV;
    reg_write(base, VIRTIO_MMIO_STATUS, 0);
    reg_write(base, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
    reg_write(base, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    if (!(reg_read(base, VIRTIO_MMIO_DEVICE_FEATURES) & (1u << (VIRTIO_F_VERSION_1 - 32))))
        goto fail;
    /* Driver features start at 0 after the reset: only the high word has a bit to set. */
    reg_write(base, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    reg_write(base, VIRTIO_MMIO_DRIVER_FEATURES, 1u << (VIRTIO_F_VERSION_1 - 32));
    uint32_t status = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK;
    reg_write(base, VIRTIO_MMIO_STATUS, status);
    if (!(reg_read(base, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK))
        goto fail;
    for (unsigned i = 0; i < nq; i++) {
        struct virtq_drv *q = &qs[i];
        reg_write(base, VIRTIO_MMIO_QUEUE_SEL, q->index);
        if (reg_read(base, VIRTIO_MMIO_QUEUE_NUM_MAX) < q->num)
            goto fail;
        reg_write(base, VIRTIO_MMIO_QUEUE_NUM, q->num);
        set_addr(base, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint64_t)q->desc);
        set_addr(base, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint64_t)q->avail);
        set_addr(base, VIRTIO_MMIO_QUEUE_USED_LOW, (uint64_t)q->used);
        reg_write(base, VIRTIO_MMIO_QUEUE_READY, 1);
    }
    return 0;
fail:
    reg_write(base, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_FAILED);
    return -ENODEV;
}

void virtio_mmio_start(uint64_t base)
{
    reg_write(base, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
                                            VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
}

uint64_t virtio_mmio_config64(uint64_t base, unsigned off)
{
    for (;;) {
        uint32_t gen = reg_read(base, VIRTIO_MMIO_CONFIG_GENERATION);
        uint64_t lo = reg_read(base, VIRTIO_MMIO_CONFIG + off);
        uint64_t hi = reg_read(base, VIRTIO_MMIO_CONFIG + off + 4);
        if (reg_read(base, VIRTIO_MMIO_CONFIG_GENERATION) == gen)
            return lo | hi << 32;
    }
}

void virtq_publish(struct virtq_drv *q, uint16_t head)
{
    q->avail->ring[q->avail_idx % q->num] = head;
    q->avail_idx++;
    __atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
}

bool virtq_next_used(struct virtq_drv *q, uint32_t *id, uint32_t *len)
{
    if (virtq_used_idx(q) == q->last_used)
        return false;
    struct vring_used_elem *e = &q->used->ring[q->last_used % q->num];
    *id = e->id;
    *len = e->len;
    q->last_used++;
    return true;
}

void virtq_kick(uint64_t base, struct virtq_drv *q)
{
    /* Pairs with the device's fence after it sets the flag: either it sees
     * what we published, or we see that it wants a kick. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!(__atomic_load_n(&q->used->flags, __ATOMIC_RELAXED) & VRING_USED_F_NO_NOTIFY))
        reg_write(base, VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
}
