// UNIT-SOURCES: monitor/dev/virtio/virtio_mmio.c monitor/dev/virtio/virtqueue.c monitor/dev/vsock/vsock_dev.c monitor/dev/vsock/vsock_switch.c monitor/base/appdir.c monitor/base/log.c
/* The virtio-vsock device and switch without KVM: two devices (CIDs 3 and
 * 4), each over its own fake guest RAM driven by a small driver written
 * here, connected through real Unix sockets in a real switch directory.
 * Connect/accept, data both ways, credit, shutdown and reset, refusals; then
 * a hostile driver (rings and buffers outside RAM, loops, huge lengths,
 * impossible indices, spoofed and malformed packets) that must be answered
 * without a crash, and a fork's transport reset.  No fd may leak, and the
 * switch directory must be gone at the end. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_vsock.h>
#include "base/appdir.h"
#include "base/log.h"
#include "dev/vsock/vsock.h"
#include "count_fds.h"
#include "expect.h"
#include "fake_vm.h"
#include "vsock_rings.h"

#define RAM_SIZE (1u << 20)
#define QN 16
#define RXBUF(i) (0x10000u + 0x1000u * (i))
#define TXBUF(i) (0x30000u + 0x1000u * (i))
#define EVBUF(i) (0x50000u + 0x10u * (i))
#define HDR sizeof(struct virtio_vsock_hdr)

/* A guest: RAM, its device and the driver's view of the three queues. */
struct guest {
    struct vm vm;
    struct vsock_dev dev;
    uint64_t cid;
    uint16_t avail[3], used[3];
    unsigned tx_next;
};

static struct guest g3, g4;

static struct vring_desc *desc(struct guest *g, int q) { return (struct vring_desc *)(g->vm.ram + RING(q)); }
static struct vring_avail *avail(struct guest *g, int q) { return (struct vring_avail *)(g->vm.ram + RING_AVAIL(q)); }
static struct vring_used *used(struct guest *g, int q) { return (struct vring_used *)(g->vm.ram + RING_USED(q)); }

static void wreg(struct guest *g, unsigned off, uint32_t v) { virtio_mmio_write(&g->dev.mmio, off, v, 4); }
static uint32_t rreg(struct guest *g, unsigned off) { return (uint32_t)virtio_mmio_read(&g->dev.mmio, off, 4); }

static void publish(struct guest *g, int q, uint16_t head)
{
    avail(g, q)->ring[g->avail[q] % QN] = head;
    avail(g, q)->idx = ++g->avail[q];
}

static void post_rx(struct guest *g, uint16_t i)
{
    desc(g, VSOCK_QUEUE_RX)[i] = (struct vring_desc){ .addr = RXBUF(i), .len = 0x1000, .flags = VRING_DESC_F_WRITE };
    publish(g, VSOCK_QUEUE_RX, i);
}

static void guest_up(struct guest *g, uint64_t cid, int listen_fd)
{
    memset(g, 0, sizeof(*g));
    g->vm.size = RAM_SIZE;
    g->vm.ram = calloc(1, RAM_SIZE);
    g->cid = cid;
    vsock_dev_init(&g->dev, &g->vm, cid, listen_fd);
    wreg(g, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
    wreg(g, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wreg(g, VIRTIO_MMIO_DRIVER_FEATURES, 1);
    wreg(g, VIRTIO_MMIO_STATUS, rreg(g, VIRTIO_MMIO_STATUS) | VIRTIO_CONFIG_S_FEATURES_OK);
    setup_queues(&g->dev.mmio, QN);
    for (uint16_t i = 0; i < QN; i++)
        post_rx(g, i);
    for (uint16_t i = 0; i < 2; i++) {
        desc(g, VSOCK_QUEUE_EVENT)[i] = (struct vring_desc){ .addr = EVBUF(i), .len = 8, .flags = VRING_DESC_F_WRITE };
        publish(g, VSOCK_QUEUE_EVENT, i);
    }
    wreg(g, VIRTIO_MMIO_STATUS, rreg(g, VIRTIO_MMIO_STATUS) | VIRTIO_CONFIG_S_DRIVER_OK);
}

static void guest_down(struct guest *g)
{
    vsock_dev_close_all(&g->dev);
    if (g->dev.listen_fd >= 0)
        close(g->dev.listen_fd);
    free(g->vm.ram);
}

/* Runs both devices until nothing moves (sockets included). */
static void pump(void)
{
    struct guest *gs[2] = { &g3, &g4 };
    for (int idle = 0, i = 0; idle < 3 && i < 200; i++) {
        bool moved = false;
        for (int k = 0; k < 2; k++) {
            struct pollfd fds[1 + VSOCK_MAX_CONNS];
            int n = vsock_dev_pollfds(&gs[k]->dev, fds, 1 + VSOCK_MAX_CONNS);
            if (poll(fds, (nfds_t)n, 1) > 0)
                moved = true;
            if (vsock_dev_run(&gs[k]->dev, fds, n))
                moved = true;
        }
        idle = moved ? 0 : idle + 1;
    }
}

static void send_pkt(struct guest *g, uint32_t src_port, uint64_t dst_cid, uint32_t dst_port, uint16_t op,
                     uint32_t flags, const void *data, uint32_t len, uint32_t buf_alloc, uint32_t fwd_cnt)
{
    uint16_t i = (uint16_t)(g->tx_next++ % QN);
    struct virtio_vsock_hdr h = { .src_cid = g->cid, .dst_cid = dst_cid, .src_port = src_port,
                                  .dst_port = dst_port, .len = len, .type = VIRTIO_VSOCK_TYPE_STREAM,
                                  .op = op, .flags = flags, .buf_alloc = buf_alloc, .fwd_cnt = fwd_cnt };
    memcpy(g->vm.ram + TXBUF(i), &h, HDR);
    if (len)
        memcpy(g->vm.ram + TXBUF(i) + HDR, data, len);
    desc(g, VSOCK_QUEUE_TX)[i] = (struct vring_desc){ .addr = TXBUF(i), .len = (uint32_t)(HDR + len) };
    publish(g, VSOCK_QUEUE_TX, i);
}

/* The next packet the device gave the guest; its buffer goes back. */
static bool recv_pkt(struct guest *g, struct virtio_vsock_hdr *h, void *data, size_t max)
{
    struct vring_used *u = used(g, VSOCK_QUEUE_RX);
    if (u->idx == g->used[VSOCK_QUEUE_RX])
        return false;
    struct vring_used_elem e = u->ring[g->used[VSOCK_QUEUE_RX]++ % QN];
    memset(h, 0, HDR);
    if (e.id < QN && e.len >= HDR) {
        memcpy(h, g->vm.ram + RXBUF(e.id), HDR);
        EXPECT(h->len == e.len - HDR, "used length %u for payload %u", e.len, h->len);
        if (data)
            memcpy(data, g->vm.ram + RXBUF(e.id) + HDR, h->len < max ? h->len : max);
    }
    post_rx(g, (uint16_t)(e.id % QN));
    return true;
}

/* Drops every packet waiting for g; -> how many. */
static int drain(struct guest *g)
{
    struct virtio_vsock_hdr h;
    int n = 0;
    while (recv_pkt(g, &h, NULL, 0))
        n++;
    return n;
}

#define P4 50000u   /* guest 4's port for its stream to guest 3's port 1234 */

/* Connects 4:P4 to 3:1234, guest 3 accepting with buf_alloc alloc3. */
static void connect_pair(uint32_t alloc3)
{
    struct virtio_vsock_hdr h;
    send_pkt(&g4, P4, 3, 1234, VIRTIO_VSOCK_OP_REQUEST, 0, NULL, 0, 65536, 0);
    pump();
    EXPECT(recv_pkt(&g3, &h, NULL, 0), "no REQUEST for guest 3");
    EXPECT_EQ(h.op, VIRTIO_VSOCK_OP_REQUEST);
    EXPECT_EQ(h.src_cid, 4);
    EXPECT_EQ(h.src_port, P4);
    EXPECT_EQ(h.dst_cid, 3);
    EXPECT_EQ(h.dst_port, 1234);
    send_pkt(&g3, 1234, 4, P4, VIRTIO_VSOCK_OP_RESPONSE, 0, NULL, 0, alloc3, 0);
    pump();
    EXPECT(recv_pkt(&g4, &h, NULL, 0), "no RESPONSE for guest 4");
    EXPECT_EQ(h.op, VIRTIO_VSOCK_OP_RESPONSE);
    EXPECT_EQ(h.src_cid, 3);
    EXPECT_EQ(h.src_port, 1234);
    EXPECT_EQ(h.buf_alloc, VSOCK_DEV_BUF);
}

static void test_registers(void)
{
    struct guest *g = &g3;
    EXPECT_EQ(rreg(g, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    EXPECT_EQ(rreg(g, VIRTIO_MMIO_VERSION), 2);
    EXPECT_EQ(rreg(g, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_VSOCK);
    wreg(g, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    EXPECT_EQ(rreg(g, VIRTIO_MMIO_DEVICE_FEATURES), 1);
    EXPECT_EQ(virtio_mmio_read(&g->dev.mmio, VIRTIO_MMIO_CONFIG, 8), 3);
    EXPECT_EQ(virtio_mmio_read(&g->dev.mmio, VIRTIO_MMIO_CONFIG + 4, 4), 0);
    EXPECT_EQ(virtio_mmio_read(&g->dev.mmio, VIRTIO_MMIO_CONFIG + 6, 4), 0);   /* past the config: 0 */
    EXPECT_EQ(virtio_mmio_read(&g->dev.mmio, 0x1fff, 1), 0);
    EXPECT_EQ(rreg(g, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_DRIVER_OK, VIRTIO_CONFIG_S_DRIVER_OK);
    /* A queue address cannot change under a ready queue. */
    wreg(g, VIRTIO_MMIO_QUEUE_SEL, 0);
    wreg(g, VIRTIO_MMIO_QUEUE_DESC_LOW, 0xdead000);
    EXPECT_EQ(g->dev.mmio.q[0].desc, RING(0));
    /* Features we do not offer are refused. */
    struct vsock_dev d;
    vsock_dev_init(&d, &g->vm, 9, -1);
    virtio_mmio_write(&d.mmio, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0, 4);
    virtio_mmio_write(&d.mmio, VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_VSOCK_F_SEQPACKET, 4);
    virtio_mmio_write(&d.mmio, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1, 4);
    virtio_mmio_write(&d.mmio, VIRTIO_MMIO_DRIVER_FEATURES, 1, 4);
    virtio_mmio_write(&d.mmio, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_FEATURES_OK, 4);
    EXPECT_EQ(virtio_mmio_read(&d.mmio, VIRTIO_MMIO_STATUS, 4) & VIRTIO_CONFIG_S_FEATURES_OK, 0);
    /* A queue size that is not a power of 2 does not take. */
    virtio_mmio_write(&d.mmio, VIRTIO_MMIO_QUEUE_SEL, 1, 4);
    virtio_mmio_write(&d.mmio, VIRTIO_MMIO_QUEUE_NUM, 12, 4);
    EXPECT_EQ(d.mmio.q[1].num, 0);
    virtio_mmio_write(&d.mmio, VIRTIO_MMIO_QUEUE_NUM, VQ_MAX_SIZE * 2, 4);
    EXPECT_EQ(d.mmio.q[1].num, 0);
    EXPECT_EQ(vsock_dev_run(&d, NULL, 0), 0);   /* not live: nothing to do */
}

static void test_stream(void)
{
    struct virtio_vsock_hdr h;
    char buf[4096];
    connect_pair(65536);
    send_pkt(&g4, P4, 3, 1234, VIRTIO_VSOCK_OP_RW, 0, "hello", 5, 65536, 0);
    pump();
    EXPECT(recv_pkt(&g3, &h, buf, sizeof buf), "no data for guest 3");
    EXPECT_EQ(h.op, VIRTIO_VSOCK_OP_RW);
    EXPECT_EQ(h.len, 5);
    EXPECT(!memcmp(buf, "hello", 5), "payload '%.5s'", buf);
    send_pkt(&g3, 1234, 4, P4, VIRTIO_VSOCK_OP_RW, 0, "world!", 6, 65536, 5);
    pump();
    EXPECT(recv_pkt(&g4, &h, buf, sizeof buf), "no data for guest 4");
    EXPECT_EQ(h.len, 6);
    EXPECT(!memcmp(buf, "world!", 6), "payload '%.6s'", buf);
    EXPECT(!recv_pkt(&g3, &h, NULL, 0), "guest 3 got op %u", h.op);

    /* CREDIT_REQUEST -> CREDIT_UPDATE with what the socket has taken. */
    send_pkt(&g4, P4, 3, 1234, VIRTIO_VSOCK_OP_CREDIT_REQUEST, 0, NULL, 0, 65536, 6);
    pump();
    EXPECT(recv_pkt(&g4, &h, NULL, 0), "no CREDIT_UPDATE");
    EXPECT_EQ(h.op, VIRTIO_VSOCK_OP_CREDIT_UPDATE);
    EXPECT_EQ(h.fwd_cnt, 5);

    /* Half close from 4: guest 3 sees SHUTDOWN(SEND) after the data. */
    send_pkt(&g4, P4, 3, 1234, VIRTIO_VSOCK_OP_RW, 0, "bye", 3, 65536, 6);
    send_pkt(&g4, P4, 3, 1234, VIRTIO_VSOCK_OP_SHUTDOWN, VIRTIO_VSOCK_SHUTDOWN_SEND, NULL, 0, 65536, 6);
    pump();
    EXPECT(recv_pkt(&g3, &h, buf, sizeof buf) && h.op == VIRTIO_VSOCK_OP_RW && h.len == 3, "op %u len %u", h.op, h.len);
    EXPECT(recv_pkt(&g3, &h, NULL, 0), "no SHUTDOWN");
    EXPECT_EQ(h.op, VIRTIO_VSOCK_OP_SHUTDOWN);
    EXPECT_EQ(h.flags, VIRTIO_VSOCK_SHUTDOWN_SEND);
    /* 3 still sends; then closes: RST to 3, SHUTDOWN(both) to 4, who answers RST. */
    send_pkt(&g3, 1234, 4, P4, VIRTIO_VSOCK_OP_RW, 0, "late", 4, 65536, 8);
    send_pkt(&g3, 1234, 4, P4, VIRTIO_VSOCK_OP_SHUTDOWN,
             VIRTIO_VSOCK_SHUTDOWN_SEND | VIRTIO_VSOCK_SHUTDOWN_RCV, NULL, 0, 65536, 8);
    pump();
    EXPECT(recv_pkt(&g3, &h, NULL, 0) && h.op == VIRTIO_VSOCK_OP_RST, "guest 3: op %u, want RST", h.op);
    EXPECT(recv_pkt(&g4, &h, buf, sizeof buf) && h.op == VIRTIO_VSOCK_OP_RW && h.len == 4, "op %u", h.op);
    EXPECT(recv_pkt(&g4, &h, NULL, 0) && h.op == VIRTIO_VSOCK_OP_SHUTDOWN, "guest 4: op %u", h.op);
    EXPECT_EQ(h.flags, VIRTIO_VSOCK_SHUTDOWN_SEND | VIRTIO_VSOCK_SHUTDOWN_RCV);
    send_pkt(&g4, P4, 3, 1234, VIRTIO_VSOCK_OP_RST, 0, NULL, 0, 0, 0);
    pump();
    EXPECT_EQ(drain(&g3) + drain(&g4), 0);
    for (int i = 0; i < VSOCK_MAX_CONNS; i++)
        EXPECT(g3.dev.conns[i].state == VC_FREE && g4.dev.conns[i].state == VC_FREE, "stream %d left", i);
}

/* The device gives a guest no more than its credit, then more as it reads. */
static void test_credit(void)
{
    struct virtio_vsock_hdr h;
    char buf[4096];
    connect_pair(100);
    static char big[3000];
    memset(big, 'x', sizeof big);
    send_pkt(&g4, P4, 3, 1234, VIRTIO_VSOCK_OP_RW, 0, big, sizeof big, 65536, 0);
    pump();
    uint32_t got = 0;
    while (recv_pkt(&g3, &h, buf, sizeof buf))
        got += h.op == VIRTIO_VSOCK_OP_RW ? h.len : 0;
    EXPECT_EQ(got, 100);
    /* Read it all: tell the device, which sends the rest within credit. */
    for (uint32_t fwd = 100; got < sizeof big; fwd = got) {
        send_pkt(&g3, 1234, 4, P4, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0, 1000, fwd);
        pump();
        uint32_t before = got;
        while (recv_pkt(&g3, &h, buf, sizeof buf))
            got += h.op == VIRTIO_VSOCK_OP_RW ? h.len : 0;
        EXPECT(got - before <= 1000, "sent %u past a credit of 1000", got - before);
        if (got == before)
            break;
    }
    EXPECT_EQ(got, sizeof big);
    /* A guest that sends past the credit it was given loses the stream
     * (guest 3 reads nothing more, so the socket fills, then the device's buffer). */
    static char chunk[3500];
    for (int r = 0; r < 40; r++) {
        for (int i = 0; i < 8; i++)
            send_pkt(&g4, P4, 3, 1234, VIRTIO_VSOCK_OP_RW, 0, chunk, sizeof chunk, 65536, 0);
        pump();
        drain(&g4);
        bool reset = true;
        for (int i = 0; i < VSOCK_MAX_CONNS; i++)
            reset &= g4.dev.conns[i].state == VC_FREE;
        if (reset)
            break;
    }
    for (int i = 0; i < VSOCK_MAX_CONNS; i++)
        EXPECT(g4.dev.conns[i].state == VC_FREE, "over-credit stream %d survived", i);
    pump();
    drain(&g3);
    send_pkt(&g3, 1234, 4, P4, VIRTIO_VSOCK_OP_RST, 0, NULL, 0, 0, 0);
    pump();
    drain(&g3);
    drain(&g4);
}

static void test_refusals(void)
{
    struct virtio_vsock_hdr h;
    /* Guest 3 refuses: guest 4 gets a RST. */
    send_pkt(&g4, 7, 3, 99, VIRTIO_VSOCK_OP_REQUEST, 0, NULL, 0, 4096, 0);
    pump();
    EXPECT(recv_pkt(&g3, &h, NULL, 0) && h.op == VIRTIO_VSOCK_OP_REQUEST, "op %u", h.op);
    send_pkt(&g3, 99, 4, 7, VIRTIO_VSOCK_OP_RST, 0, NULL, 0, 0, 0);
    pump();
    EXPECT(recv_pkt(&g4, &h, NULL, 0) && h.op == VIRTIO_VSOCK_OP_RST, "op %u", h.op);
    EXPECT_EQ(h.src_cid, 3);
    EXPECT_EQ(h.dst_port, 7);
    /* No such CID, the host, our own reserved CIDs, a CID past 32 bits. */
    uint64_t bad[] = { 9, VSOCK_HOST_CID, 0, 1, 1ull << 32 | 3 };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        send_pkt(&g4, 8, bad[i], 1, VIRTIO_VSOCK_OP_REQUEST, 0, NULL, 0, 4096, 0);
        pump();
        EXPECT(recv_pkt(&g4, &h, NULL, 0) && h.op == VIRTIO_VSOCK_OP_RST, "cid %llu: op %u",
               (unsigned long long)bad[i], h.op);
        EXPECT_EQ(h.src_cid, bad[i]);
    }
    /* Data, shutdown, response for a stream that does not exist: RST. */
    uint16_t ops[] = { VIRTIO_VSOCK_OP_RW, VIRTIO_VSOCK_OP_SHUTDOWN, VIRTIO_VSOCK_OP_RESPONSE,
                       VIRTIO_VSOCK_OP_CREDIT_UPDATE, 77 };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        send_pkt(&g4, 8, 3, 1, ops[i], 0, "x", 1, 4096, 0);
        pump();
        EXPECT(recv_pkt(&g4, &h, NULL, 0) && h.op == VIRTIO_VSOCK_OP_RST, "op %u: got %u", ops[i], h.op);
    }
    /* A RST for nothing, and a packet with someone else's CID: no answer. */
    send_pkt(&g4, 8, 3, 1, VIRTIO_VSOCK_OP_RST, 0, NULL, 0, 0, 0);
    g4.cid = 3;
    send_pkt(&g4, 8, 3, 1234, VIRTIO_VSOCK_OP_REQUEST, 0, NULL, 0, 0, 0);
    g4.cid = 4;
    pump();
    EXPECT_EQ(drain(&g4) + drain(&g3), 0);
    /* More RSTs owed than it keeps, with no receive buffer: no crash, no overflow. */
    uint16_t kept = g4.avail[VSOCK_QUEUE_RX];
    avail(&g4, VSOCK_QUEUE_RX)->idx = g4.used[VSOCK_QUEUE_RX];   /* take the buffers away */
    for (int i = 0; i < 3 * VSOCK_MAX_RST; i++) {
        send_pkt(&g4, 100 + i, 3, 1, VIRTIO_VSOCK_OP_RW, 0, NULL, 0, 0, 0);
        if (i % QN == QN - 1)
            pump();
    }
    pump();
    EXPECT(g4.dev.nrst <= VSOCK_MAX_RST, "nrst %u", g4.dev.nrst);
    EXPECT_EQ(used(&g4, VSOCK_QUEUE_RX)->flags & VRING_USED_F_NO_NOTIFY, 0);   /* wants a kick */
    avail(&g4, VSOCK_QUEUE_RX)->idx = kept;
    int rsts = 0;
    for (int i = 0; i < 4; i++) {
        pump();
        rsts += drain(&g4);
    }
    EXPECT_EQ(rsts, VSOCK_MAX_RST);
}

/* Puts a raw chain on g's transmit queue. */
static void raw_tx(struct guest *g, const struct vring_desc *d, int n)
{
    uint16_t base = 8;
    for (int i = 0; i < n; i++)
        desc(g, VSOCK_QUEUE_TX)[base + i] = d[i];
    publish(g, VSOCK_QUEUE_TX, base);
}

static void test_hostile(void)
{
    struct guest *g = &g4;
    struct virtio_vsock_hdr h = { .src_cid = 4, .dst_cid = 3, .src_port = 1, .dst_port = 2,
                                  .type = VIRTIO_VSOCK_TYPE_STREAM, .op = VIRTIO_VSOCK_OP_RW, .len = 100 };
    memcpy(g->vm.ram + TXBUF(15), &h, HDR);
    uint16_t before = used(g, VSOCK_QUEUE_TX)->idx;
    struct vring_desc chains[][3] = {
        { { .addr = RAM_SIZE - 4, .len = 64 } },                                /* runs out of RAM */
        { { .addr = 1ull << 40, .len = 64 } },                                  /* far outside */
        { { .addr = TXBUF(15), .len = 0xffffffffu } },                          /* huge */
        { { .addr = TXBUF(15), .len = HDR, .flags = VRING_DESC_F_NEXT, .next = 8 } },   /* loops on itself */
        { { .addr = TXBUF(15), .len = HDR, .flags = VRING_DESC_F_NEXT, .next = 200 } }, /* next out of the ring */
        { { .addr = TXBUF(15), .len = HDR, .flags = VRING_DESC_F_INDIRECT } },  /* indirect, not offered */
        { { .addr = TXBUF(15), .len = 16, .flags = VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, .next = 9 },
          { .addr = TXBUF(15), .len = 16 } },                                   /* readable after writable */
        { { .addr = TXBUF(15), .len = 10 } },                                   /* shorter than a header */
        { { .addr = TXBUF(15), .len = HDR } },                                  /* says 100 bytes, has 0 */
        { { .addr = 0, .len = 0 } },                                            /* empty */
    };
    for (size_t i = 0; i < sizeof chains / sizeof chains[0]; i++) {
        raw_tx(g, chains[i], 3);
        pump();
    }
    EXPECT_EQ((uint16_t)(used(g, VSOCK_QUEUE_TX)->idx - before), sizeof chains / sizeof chains[0]);
    /* A chain of VQ_MAX_CHAIN + 1 descriptors. */
    for (int i = 0; i <= VQ_MAX_CHAIN && i < QN; i++)
        desc(g, VSOCK_QUEUE_TX)[i] = (struct vring_desc){ .addr = TXBUF(15), .len = 4,
                                                         .flags = i < VQ_MAX_CHAIN ? VRING_DESC_F_NEXT : 0,
                                                         .next = (uint16_t)((i + 1) % QN) };
    publish(g, VSOCK_QUEUE_TX, 0);
    pump();
    drain(g);
    drain(&g3);
    /* The next two receive buffers the device takes: outside RAM, and too
     * small for a header.  Both come back unused, the RST goes in the third. */
    uint16_t next = g->dev.mmio.q[VSOCK_QUEUE_RX].last_avail;
    struct vring_avail *ra = avail(g, VSOCK_QUEUE_RX);
    desc(g, VSOCK_QUEUE_RX)[ra->ring[next % QN]] =
        (struct vring_desc){ .addr = RAM_SIZE, .len = 4096, .flags = VRING_DESC_F_WRITE };
    desc(g, VSOCK_QUEUE_RX)[ra->ring[(next + 1) % QN]] =
        (struct vring_desc){ .addr = RXBUF(4), .len = 8, .flags = VRING_DESC_F_WRITE };
    send_pkt(g, 5, 3, 1, VIRTIO_VSOCK_OP_RW, 0, NULL, 0, 0, 0);
    pump();
    int rsts = 0, empty = 0;
    struct virtio_vsock_hdr r;
    while (recv_pkt(g, &r, NULL, 0)) {
        rsts += r.op == VIRTIO_VSOCK_OP_RST;
        empty += r.op == 0;
    }
    EXPECT_EQ(rsts, 1);
    EXPECT_EQ(empty, 2);
    /* An available index a ring and more ahead: the queue is broken, and stays quiet. */
    avail(g, VSOCK_QUEUE_TX)->idx = (uint16_t)(g->avail[VSOCK_QUEUE_TX] + QN + 1);
    pump();
    EXPECT(g->dev.mmio.q[VSOCK_QUEUE_TX].broken, "tx queue not broken");
    /* A head out of the ring, on the receive queue. */
    avail(g, VSOCK_QUEUE_RX)->ring[g->avail[VSOCK_QUEUE_RX] % QN] = 999;
    avail(g, VSOCK_QUEUE_RX)->idx = (uint16_t)(g->avail[VSOCK_QUEUE_RX] + 1);
    g->dev.rst[g->dev.nrst++] = (struct vsock_rst){ 3, 1, 1 };
    pump();
    EXPECT(g->dev.mmio.q[VSOCK_QUEUE_RX].broken, "rx queue not broken");
    /* Rings that leave RAM. */
    struct vsock_dev d;
    struct vm small = { .ram = g->vm.ram, .size = 0x3000 };
    vsock_dev_init(&d, &small, 5, -1);
    virtio_mmio_write(&d.mmio, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1, 4);
    virtio_mmio_write(&d.mmio, VIRTIO_MMIO_DRIVER_FEATURES, 1, 4);
    virtio_mmio_write(&d.mmio, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_FEATURES_OK, 4);
    for (int q = 0; q < 3; q++) {
        virtio_mmio_write(&d.mmio, VIRTIO_MMIO_QUEUE_SEL, q, 4);
        virtio_mmio_write(&d.mmio, VIRTIO_MMIO_QUEUE_NUM, VQ_MAX_SIZE, 4);
        virtio_mmio_write(&d.mmio, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x2000 + q, 4);
        virtio_mmio_write(&d.mmio, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 7, 4);
        virtio_mmio_write(&d.mmio, VIRTIO_MMIO_QUEUE_USED_LOW, 0x2ff0, 4);
        virtio_mmio_write(&d.mmio, VIRTIO_MMIO_QUEUE_READY, 1, 4);
    }
    virtio_mmio_write(&d.mmio, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK, 4);
    d.reset_event = true;
    vsock_dev_run(&d, NULL, 0);
    for (int q = 0; q < 3; q++)
        EXPECT(d.mmio.q[q].broken, "queue %d outside RAM not broken", q);
    /* A reset brings a broken device back. */
    virtio_mmio_write(&d.mmio, VIRTIO_MMIO_STATUS, 0, 4);
    EXPECT(!d.mmio.q[0].broken && !d.mmio.q[0].ready && d.mmio.status == 0, "reset left state");
}

/* A connection to the switch that does not carry the application's secret
 * is shut, and its guest hears nothing. */
static void test_foreign_hello(void)
{
    struct sockaddr_un a;
    socklen_t alen = sizeof a;
    EXPECT(getsockname(g3.dev.listen_fd, (struct sockaddr *)&a, &alen) == 0, "getsockname: %m");
    struct stat st;
    char dir[sizeof a.sun_path];
    snprintf(dir, sizeof dir, "%s", a.sun_path);
    *strrchr(dir, '/') = 0;
    EXPECT(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "switch directory mode %o", st.st_mode & 0777);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    EXPECT(connect(fd, (struct sockaddr *)&a, alen) == 0, "connect: %m");
    struct vsock_hello bad = { .src_cid = 4, .src_port = 1, .dst_port = 1234 };
    EXPECT(!vsock_switch_hello_ok(&bad), "a hello without the secret passes");
    EXPECT_EQ(write(fd, &bad, sizeof bad), sizeof bad);
    pump();
    char c;
    EXPECT_EQ(read(fd, &c, 1), 0);   /* closed on us */
    close(fd);
    EXPECT_EQ(drain(&g3), 0);
    /* A hello cut short: nothing either. */
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    EXPECT(connect(fd, (struct sockaddr *)&a, alen) == 0, "connect: %m");
    EXPECT_EQ(write(fd, &bad, 5), 5);
    pump();
    close(fd);
    pump();
    EXPECT_EQ(drain(&g3), 0);
}

/* A forked monitor's device: no streams, a new CID, a TRANSPORT_RESET. */
static void test_fork(void)
{
    struct virtio_vsock_hdr h;
    connect_pair(65536);
    int fd = g4.dev.listen_fd;
    vsock_dev_forked(&g4.dev, &g4.vm, 6, vsock_switch_listen(6));
    close(fd);
    g4.cid = 6;
    EXPECT_EQ(virtio_mmio_read(&g4.dev.mmio, VIRTIO_MMIO_CONFIG, 8), 6);
    pump();
    struct vring_used *u = used(&g4, VSOCK_QUEUE_EVENT);
    EXPECT_EQ(u->idx, 1);
    EXPECT_EQ(*(uint32_t *)(g4.vm.ram + EVBUF(u->ring[0].id)), VIRTIO_VSOCK_EVENT_TRANSPORT_RESET);
    for (int i = 0; i < VSOCK_MAX_CONNS; i++)
        EXPECT(g4.dev.conns[i].state == VC_FREE, "stream %d survived the fork", i);
    /* The old stream's peer sees it end; a packet with the old CID is dropped. */
    EXPECT(recv_pkt(&g3, &h, NULL, 0) && h.op == VIRTIO_VSOCK_OP_SHUTDOWN, "guest 3: op %u", h.op);
    g4.cid = 4;
    send_pkt(&g4, P4, 3, 1234, VIRTIO_VSOCK_OP_RW, 0, "x", 1, 0, 0);
    g4.cid = 6;
    pump();
    EXPECT_EQ(drain(&g4), 0);
    send_pkt(&g3, 1234, 4, P4, VIRTIO_VSOCK_OP_RST, 0, NULL, 0, 0, 0);
    /* The new CID is reachable. */
    send_pkt(&g3, 77, 6, 88, VIRTIO_VSOCK_OP_REQUEST, 0, NULL, 0, 4096, 0);
    pump();
    EXPECT(recv_pkt(&g4, &h, NULL, 0) && h.op == VIRTIO_VSOCK_OP_REQUEST && h.dst_cid == 6, "op %u", h.op);
    send_pkt(&g4, 88, 3, 77, VIRTIO_VSOCK_OP_RST, 0, NULL, 0, 0, 0);
    pump();
    EXPECT(recv_pkt(&g3, &h, NULL, 0) && h.op == VIRTIO_VSOCK_OP_RST, "op %u", h.op);
}

int main(void)
{
    int fds_before = count_fds();
    if (vsock_switch_create() < 0) {
        printf("FAIL: no switch directory\n");
        return 1;
    }
    guest_up(&g3, 3, vsock_switch_listen(3));
    guest_up(&g4, 4, vsock_switch_listen(4));
    EXPECT(g3.dev.listen_fd >= 0 && g4.dev.listen_fd >= 0, "listen %d %d", g3.dev.listen_fd, g4.dev.listen_fd);
    static const struct unit_test tests[] = {
        { "registers", test_registers }, { "stream", test_stream }, { "credit", test_credit },
        { "refusals", test_refusals }, { "foreign_hello", test_foreign_hello }, { "fork", test_fork },
        { "hostile", test_hostile },
    };
    run_tests(tests, sizeof tests / sizeof *tests);
    cur = "cleanup";
    guest_down(&g3);
    guest_down(&g4);
    appdir_remove_all();
    EXPECT_EQ(count_fds(), fds_before);
    return failures ? 1 : 0;
}
