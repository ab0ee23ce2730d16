/* The host-side tests of the vsock device act as its driver: where they put
 * each queue's rings in the fake guest RAM, and how they hand them over. */
#ifndef PICOVM_TEST_VSOCK_RINGS_H
#define PICOVM_TEST_VSOCK_RINGS_H

#include <linux/virtio_mmio.h>
#include "dev/vsock/vsock.h"

#define RING(q)       (0x1000u + 0x1000u * (q))   /* queue q's descriptor table */
#define RING_AVAIL(q) (RING(q) + 0x100u)
#define RING_USED(q)  (RING(q) + 0x200u)

/* Gives each queue (receive, transmit, event) qn entries at its rings and
 * makes it ready; the status handshake around it is the caller's. */
static inline void setup_queues(struct virtio_mmio *m, unsigned qn)
{
    for (unsigned q = VSOCK_QUEUE_RX; q <= VSOCK_QUEUE_EVENT; q++) {
        virtio_mmio_write(m, VIRTIO_MMIO_QUEUE_SEL, q, 4);
        virtio_mmio_write(m, VIRTIO_MMIO_QUEUE_NUM, qn, 4);
        virtio_mmio_write(m, VIRTIO_MMIO_QUEUE_DESC_LOW, RING(q), 4);
        virtio_mmio_write(m, VIRTIO_MMIO_QUEUE_AVAIL_LOW, RING_AVAIL(q), 4);
        virtio_mmio_write(m, VIRTIO_MMIO_QUEUE_USED_LOW, RING_USED(q), 4);
        virtio_mmio_write(m, VIRTIO_MMIO_QUEUE_READY, 1, 4);
    }
}

#endif
