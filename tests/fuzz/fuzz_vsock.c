// FUZZ-SOURCES: monitor/dev/virtio/virtio_mmio.c monitor/dev/virtio/virtqueue.c monitor/dev/vsock/vsock_dev.c monitor/dev/vsock/vsock_switch.c monitor/base/appdir.c monitor/base/log.c
/* libFuzzer target for the virtio-vsock device: register writes, rings,
 * descriptor chains and packets from a hostile driver.
 *
 * Two devices (CIDs 3 and 4) over fake guest RAMs, linked by the real switch
 * (Unix sockets), start each input set up by a correct driver: queues of
 * QN entries at fixed addresses and receive buffers posted.  The input is
 * then a list of commands, one byte each and its operands:
 *   0 g off:2 len:1 val:8   register write (len 1..8) on guest g's device
 *   1 g off:2 len:1         register read
 *   2 g gpa:3 n:1 bytes:n   write guest RAM (anything: rings, descriptors)
 *   3                       run both devices (poll without waiting, then a round)
 *   4 g hdr:44 n:1 bytes:n  a packet on g's transmit queue through the normal
 *                           path (src_cid forced to g's CID unless hdr's
 *                           first byte is odd)
 *   5 g q:1 head:2          make head available on queue q
 *   6 g                     the device is forked: new CID, TRANSPORT_RESET
 * Oracles besides the sanitizers: the device's own bookkeeping stays in
 * bounds, and no fd outlives an input. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_vsock.h>
#include "base/appdir.h"
#include "base/log.h"
#include "dev/vsock/vsock.h"
#include "../unit/count_fds.h"
#include "../unit/fake_vm.h"
#include "../unit/vsock_rings.h"

#define RAM_SIZE (256u << 10)
#define QN 8
#define BUF(q, i) (0x10000u + 0x8000u * (q) + 0x1000u * (i))
#define HDR sizeof(struct virtio_vsock_hdr)
#define MAX_COMMANDS 256

struct guest {
    struct vm vm;
    struct vsock_dev dev;
    int listen_fd;
    uint16_t avail[3];
};

static struct guest gs[2];
static bool ready;

static void publish(struct guest *g, unsigned q, uint16_t head)
{
    struct vring_avail *a = (struct vring_avail *)(g->vm.ram + RING_AVAIL(q));
    a->ring[g->avail[q] % QN] = head;
    a->idx = ++g->avail[q];
}

static void wreg(struct guest *g, unsigned off, uint32_t v) { virtio_mmio_write(&g->dev.mmio, off, v, 4); }

static void setup(struct guest *g, uint64_t cid)
{
    memset(g->vm.ram, 0, RAM_SIZE);
    memset(g->avail, 0, sizeof(g->avail));
    vsock_dev_init(&g->dev, &g->vm, cid, g->listen_fd);
    wreg(g, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wreg(g, VIRTIO_MMIO_DRIVER_FEATURES, 1);
    wreg(g, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
    setup_queues(&g->dev.mmio, QN);
    struct vring_desc *d = (struct vring_desc *)(g->vm.ram + RING(VSOCK_QUEUE_RX));
    struct vring_desc *e = (struct vring_desc *)(g->vm.ram + RING(VSOCK_QUEUE_EVENT));
    for (uint16_t i = 0; i < QN; i++) {
        d[i] = (struct vring_desc){ .addr = BUF(0, i), .len = 0x1000, .flags = VRING_DESC_F_WRITE };
        publish(g, VSOCK_QUEUE_RX, i);
        e[i] = (struct vring_desc){ .addr = BUF(2, i), .len = 8, .flags = VRING_DESC_F_WRITE };
        publish(g, VSOCK_QUEUE_EVENT, i);
    }
    wreg(g, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
                                    VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
}

static void run_all(void)
{
    for (int k = 0; k < 2; k++) {
        struct pollfd fds[1 + VSOCK_MAX_CONNS];
        int n = vsock_dev_pollfds(&gs[k].dev, fds, 1 + VSOCK_MAX_CONNS);
        poll(fds, (nfds_t)n, 0);
        vsock_dev_run(&gs[k].dev, fds, n);
    }
}

/* The device's own bookkeeping stays in bounds whatever the driver did. */
static void check_state(const struct vsock_dev *d)
{
    if (d->nrst > VSOCK_MAX_RST)
        abort();
    for (int i = 0; i < VSOCK_MAX_CONNS; i++) {
        const struct vsock_conn *c = &d->conns[i];
        if (c->len > VSOCK_DEV_BUF || c->head >= VSOCK_DEV_BUF || c->hello_got > sizeof(c->hello) ||
            (c->state != VC_FREE && !c->buf))
            abort();
    }
    for (unsigned q = 0; q < d->mmio.nqueues; q++)
        if (d->mmio.q[q].num > VQ_MAX_SIZE)
            abort();
}

static void finish(int fds_before)
{
    for (int k = 0; k < 2; k++) {
        vsock_dev_close_all(&gs[k].dev);
        int fd;
        while ((fd = accept4(gs[k].listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
            close(fd);   /* connections the device had no round to take */
    }
    if (count_fds() != fds_before)
        abort();
}

static void cleanup(void) { appdir_remove_all(); }

static bool take(const uint8_t **p, size_t *n, void *out, size_t len)
{
    if (*n < len)
        return false;
    memcpy(out, *p, len);
    *p += len;
    *n -= len;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) {
        monitor_log_level = -1;
        if (vsock_switch_create() < 0)
            abort();
        atexit(cleanup);
        for (int k = 0; k < 2; k++) {
            gs[k].vm.ram = malloc(RAM_SIZE);
            gs[k].vm.size = RAM_SIZE;
            gs[k].listen_fd = vsock_switch_listen(3 + k);
            if (!gs[k].vm.ram || gs[k].listen_fd < 0)
                abort();
        }
        ready = true;
    }
    int fds_before = count_fds();
    setup(&gs[0], 3);
    setup(&gs[1], 4);
    unsigned tx_next[2] = { 0, 0 };
    for (int c = 0; c < MAX_COMMANDS && size; c++) {
        uint8_t cmd = *data++ % 7;
        size--;
        uint8_t gi = 0;
        if (cmd != 3 && !take(&data, &size, &gi, 1))
            break;
        struct guest *g = &gs[gi & 1];
        uint16_t off16 = 0;
        uint8_t len8 = 0;
        uint64_t val = 0;
        switch (cmd) {
        case 0:
            if (!take(&data, &size, &off16, 2) || !take(&data, &size, &len8, 1) || !take(&data, &size, &val, 8))
                break;
            virtio_mmio_write(&g->dev.mmio, off16, val, len8 % 9);
            break;
        case 1:
            if (take(&data, &size, &off16, 2) && take(&data, &size, &len8, 1))
                (void)virtio_mmio_read(&g->dev.mmio, off16, len8 % 9);
            break;
        case 2: {
            uint8_t at[3];
            if (!take(&data, &size, at, 3) || !take(&data, &size, &len8, 1) || size < len8)
                break;
            uint32_t gpa = (at[0] | at[1] << 8 | (uint32_t)at[2] << 16) % RAM_SIZE;
            size_t n = len8 < RAM_SIZE - gpa ? len8 : RAM_SIZE - gpa;
            memcpy(g->vm.ram + gpa, data, n);
            data += len8;
            size -= len8;
            break;
        }
        case 3:
            run_all();
            break;
        case 4: {
            struct virtio_vsock_hdr h;
            if (!take(&data, &size, &h, HDR) || !take(&data, &size, &len8, 1) || size < len8)
                break;
            if (!(((uint8_t *)&h)[0] & 1))
                h.src_cid = g->dev.cid;
            uint16_t i = (uint16_t)(tx_next[gi & 1]++ % QN);
            uint8_t *buf = g->vm.ram + BUF(1, i);
            memcpy(buf, &h, HDR);
            memcpy(buf + HDR, data, len8);
            data += len8;
            size -= len8;
            struct vring_desc *d = (struct vring_desc *)(g->vm.ram + RING(VSOCK_QUEUE_TX));
            d[i] = (struct vring_desc){ .addr = BUF(1, i), .len = (uint32_t)(HDR + len8) };
            publish(g, VSOCK_QUEUE_TX, i);
            break;
        }
        case 5: {
            uint8_t q;
            if (take(&data, &size, &q, 1) && take(&data, &size, &off16, 2))
                publish(g, q % 3, off16);
            break;
        }
        case 6: {
            /* Only this process's own socket stands in for the child's. */
            int fd = g->dev.listen_fd;
            vsock_dev_forked(&g->dev, &g->vm, g->dev.cid, fd);
            break;
        }
        }
    }
    run_all();
    run_all();
    check_state(&gs[0].dev);
    check_state(&gs[1].dev);
    finish(fds_before);
    return 0;
}
