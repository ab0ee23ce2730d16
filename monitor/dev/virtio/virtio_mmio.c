/* The virtio-mmio v2 register block (virtio 1.2 section 4.2.2), device side.
 *
 * Registers are 32 bits wide and only 32-bit accesses count; the device
 * configuration space after 0x100 may be read 1, 2, 4 or 8 bytes at a time.
 * Writes the driver may not make in the current state (a queue address while
 * the queue is ready, features after FEATURES_OK) are ignored, reads of
 * registers that do not exist answer 0, as a physical device's would. */
#include <string.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include "virtio_mmio.h"

#define VIRTIO_MMIO_MAGIC 0x74726976u   /* "virt" */
#define VIRTIO_MMIO_VENDOR 0x4f434950u  /* "PICO" */

void virtio_mmio_init(struct virtio_mmio *m, uint32_t device_id, uint64_t features, unsigned nqueues)
{
    memset(m, 0, sizeof(*m));
    m->device_id = device_id;
    m->device_features = features | (1ull << VIRTIO_F_VERSION_1);
    m->nqueues = nqueues < VIRTIO_MAX_QUEUES ? nqueues : VIRTIO_MAX_QUEUES;
}

bool virtio_mmio_live(const struct virtio_mmio *m)
{
    return (m->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
           !(m->status & (VIRTIO_CONFIG_S_FAILED | VIRTIO_CONFIG_S_NEEDS_RESET));
}

struct virtq *virtio_mmio_queue(struct virtio_mmio *m, unsigned i)
{
    if (i >= m->nqueues || !virtio_mmio_live(m))
        return NULL;
    struct virtq *q = &m->q[i];
    return q->ready && q->num && !q->broken ? q : NULL;
}

void virtio_mmio_needs_reset(struct virtio_mmio *m) { m->status |= VIRTIO_CONFIG_S_NEEDS_RESET; }

static void device_reset(struct virtio_mmio *m)
{
    m->status = 0;
    m->driver_features = 0;
    m->device_features_sel = m->driver_features_sel = m->queue_sel = 0;
    memset(m->q, 0, sizeof(m->q));
    if (m->reset)
        m->reset(m->opaque);
}

static struct virtq *selected(struct virtio_mmio *m)
{
    return m->queue_sel < m->nqueues ? &m->q[m->queue_sel] : NULL;
}

static uint64_t config_read(struct virtio_mmio *m, uint64_t off, unsigned len)
{
    if ((len != 1 && len != 2 && len != 4 && len != 8) || off >= m->config_len || len > m->config_len - off)
        return 0;
    uint64_t v = 0;
    memcpy(&v, m->config + off, len);   /* little-endian, as the device config is */
    return v;
}

uint64_t virtio_mmio_read(struct virtio_mmio *m, uint64_t off, unsigned len)
{
    if (off >= VIRTIO_MMIO_CONFIG)
        return config_read(m, off - VIRTIO_MMIO_CONFIG, len);
    if (len != 4)
        return 0;
    struct virtq *q = selected(m);
    switch (off) {
    case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
    case VIRTIO_MMIO_VERSION: return 2;
    case VIRTIO_MMIO_DEVICE_ID: return m->device_id;
    case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_VENDOR;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        return m->device_features_sel < 2 ? (uint32_t)(m->device_features >> (32 * m->device_features_sel)) : 0;
    case VIRTIO_MMIO_QUEUE_NUM_MAX: return q ? VQ_MAX_SIZE : 0;
    case VIRTIO_MMIO_QUEUE_READY: return q ? q->ready : 0;
    case VIRTIO_MMIO_INTERRUPT_STATUS: return 0;   /* the driver polls: no interrupts */
    case VIRTIO_MMIO_STATUS: return m->status;
    case VIRTIO_MMIO_SHM_LEN_LOW: case VIRTIO_MMIO_SHM_LEN_HIGH: return 0xffffffffu;   /* no shared memory */
    case VIRTIO_MMIO_CONFIG_GENERATION: return m->config_generation;
    default: return 0;
    }
}

static void set_half(uint64_t *reg, bool high, uint32_t v)
{
    *reg = high ? (*reg & 0xffffffffull) | ((uint64_t)v << 32) : (*reg & ~0xffffffffull) | v;
}

static void write_status(struct virtio_mmio *m, uint32_t v)
{
    if (v == 0) {
        device_reset(m);
        return;
    }
    /* FEATURES_OK only sticks for a subset of ours that includes VERSION_1:
     * the driver reads Status back to learn whether we agreed. */
    if ((v & VIRTIO_CONFIG_S_FEATURES_OK) && !(m->status & VIRTIO_CONFIG_S_FEATURES_OK) &&
        ((m->driver_features & ~m->device_features) || !(m->driver_features & (1ull << VIRTIO_F_VERSION_1))))
        v &= ~VIRTIO_CONFIG_S_FEATURES_OK;
    /* Bits only go away with a reset; the device's own NEEDS_RESET stays. */
    bool was_live = virtio_mmio_live(m);
    m->status |= v & ~VIRTIO_CONFIG_S_NEEDS_RESET;
    if (!was_live && virtio_mmio_live(m) && m->kick)
        m->kick(m->opaque);
}

void virtio_mmio_write(struct virtio_mmio *m, uint64_t off, uint64_t val, unsigned len)
{
    if (len != 4 || off >= VIRTIO_MMIO_CONFIG)
        return;   /* the vsock configuration space is read-only */
    uint32_t v = (uint32_t)val;
    struct virtq *q = selected(m);
    bool features_open = !(m->status & VIRTIO_CONFIG_S_FEATURES_OK);
    bool queue_open = q && !q->ready;
    switch (off) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL: m->device_features_sel = v; break;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL: m->driver_features_sel = v; break;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        if (features_open && m->driver_features_sel < 2)
            set_half(&m->driver_features, m->driver_features_sel == 1, v);
        break;
    case VIRTIO_MMIO_QUEUE_SEL: m->queue_sel = v; break;
    case VIRTIO_MMIO_QUEUE_NUM:
        /* A split ring's size is a power of 2: its free-running 16-bit
         * indices wrap at a multiple of it. */
        if (queue_open && v >= 1 && v <= VQ_MAX_SIZE && !(v & (v - 1)))
            q->num = v;
        break;
    case VIRTIO_MMIO_QUEUE_READY:
        if (q)
            q->ready = (v & 1) && q->num;
        break;
    case VIRTIO_MMIO_QUEUE_NOTIFY:
        if (m->kick && virtio_mmio_live(m))
            m->kick(m->opaque);
        break;
    case VIRTIO_MMIO_STATUS: write_status(m, v); break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW: case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        if (queue_open)
            set_half(&q->desc, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, v);
        break;
    case VIRTIO_MMIO_QUEUE_AVAIL_LOW: case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
        if (queue_open)
            set_half(&q->avail, off == VIRTIO_MMIO_QUEUE_AVAIL_HIGH, v);
        break;
    case VIRTIO_MMIO_QUEUE_USED_LOW: case VIRTIO_MMIO_QUEUE_USED_HIGH:
        if (queue_open)
            set_half(&q->used, off == VIRTIO_MMIO_QUEUE_USED_HIGH, v);
        break;
    default: break;   /* InterruptACK, GuestPageSize and the like: nothing to do */
    }
}
