/* The virtio-vsock driver: the device's queues and the vsock protocol
 * (virtio 1.2 section 5.10.6) for stream sockets.
 *
 * Memory (GPA_VSOCK_AREA, below the library OS's pool): three rings, then
 * packet buffers of VS_PKT bytes (header and payload in one descriptor),
 * VS_TX_N to send and VS_RX_N always posted to receive, then a VS_STREAM_BUF
 * ring per stream that receive buffers are copied into, so they go straight
 * back to the device and one stream that is not read cannot starve the others.
 * Flow control is virtio-vsock's credit: we advertise VS_STREAM_BUF per stream
 * and tell the peer what was read in batches of a quarter of it. */
#include "vsock_drv.h"
#include "layout.h"
#include "bootinfo.h"
#include <asm/errno.h>

/* The device registers, through the direct map (their VA is not their GPA). */
#define VSOCK_REGS (DIRECT_MAP + GPA_VIRTIO_VSOCK)
#define RING_RX    (GPA_VSOCK_AREA + 0x0000)
#define RING_TX    (GPA_VSOCK_AREA + 0x1000)
#define RING_EV    (GPA_VSOCK_AREA + 0x2000)
#define EV_BUFS    (GPA_VSOCK_AREA + 0x3000)
#define TX_BUFS    (GPA_VSOCK_AREA + 0x4000)
#define RX_BUFS    (TX_BUFS + VS_TX_N * VS_PKT)
#define STREAM_BUFS (RX_BUFS + VS_RX_N * VS_PKT)
#define EV_BUF_SIZE 8
_Static_assert(STREAM_BUFS + VS_CONNS * VS_STREAM_BUF <= GPA_VSOCK_AREA_END, "vsock memory fits its area");
_Static_assert(16 * VS_RX_N + 6 + 2 * VS_RX_N + 6 + 8 * VS_RX_N + 8 <= 0x1000, "a ring fits its page");

#define FIRST_PORT 49152u      /* ephemeral ports, as Linux's */
#define SPIN_US    30          /* before sleeping in the monitor */

struct vs_driver vsd;

/* One byte: a wider access would also need the ports after it in the TSS I/O bitmap. */
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
    return v;
}

uint8_t *vsd_stream_buf(const struct vs_conn *c)
{
    return (uint8_t *)(STREAM_BUFS + (uint64_t)(c - vsd.conns) * VS_STREAM_BUF);
}

uint32_t vsd_peer_credit(const struct vs_conn *c)
{
    uint32_t in_flight = c->tx_cnt - c->peer_fwd_cnt;
    return in_flight >= c->peer_buf_alloc ? 0 : c->peer_buf_alloc - in_flight;
}

struct vs_conn *vsd_conn_alloc(void)
{
    for (int i = 0; i < VS_CONNS; i++)
        if (vsd.conns[i].state == VS_FREE) {
            struct vs_conn *c = &vsd.conns[i];
            uint16_t gen = c->gen;
            memset(c, 0, sizeof(*c));
            c->gen = gen;
            c->listener = -1;
            return c;
        }
    return NULL;
}

void vsd_conn_free(struct vs_conn *c)
{
    c->state = VS_FREE;
    c->gen++;
}

static bool port_used(uint32_t port)
{
    for (int i = 0; i < VS_LISTENERS; i++)
        if (vsd.listeners[i].used && vsd.listeners[i].port == port)
            return true;
    for (int i = 0; i < VS_CONNS; i++)
        if (vsd.conns[i].state != VS_FREE && vsd.conns[i].local_port == port)
            return true;
    return false;
}

uint32_t vsd_free_port(void)
{
    for (;;) {
        uint32_t p = vsd.next_port++;
        if (vsd.next_port == 0xffffffffu)   /* VMADDR_PORT_ANY is never a port */
            vsd.next_port = FIRST_PORT;
        if (!port_used(p))
            return p;
    }
}

/* ---- queues ---- */

static void post_rx(uint16_t i)
{
    vsd.rx.desc[i] = (struct vring_desc){ .addr = RX_BUFS + (uint64_t)i * VS_PKT, .len = VS_PKT,
                                          .flags = VRING_DESC_F_WRITE };
    virtq_publish(&vsd.rx, i);
}

static void post_ev(uint16_t i)
{
    vsd.ev.desc[i] = (struct vring_desc){ .addr = EV_BUFS + (uint64_t)i * EV_BUF_SIZE, .len = EV_BUF_SIZE,
                                          .flags = VRING_DESC_F_WRITE };
    virtq_publish(&vsd.ev, i);
}

static void reclaim_tx(void)
{
    uint32_t id, len;
    while (virtq_next_used(&vsd.tx, &id, &len))
        if (id < VS_TX_N && vsd.ntx_free < VS_TX_N)
            vsd.tx_free[vsd.ntx_free++] = (uint16_t)id;
}

int vsd_start(void)
{
    if (vsd.status)
        return vsd.status < 0 ? vsd.status : 0;
    virtq_layout(&vsd.rx, (void *)RING_RX, 0, VS_RX_N);
    virtq_layout(&vsd.tx, (void *)RING_TX, 1, VS_TX_N);
    virtq_layout(&vsd.ev, (void *)RING_EV, 2, VS_EV_N);
    struct virtq_drv qs[3] = { vsd.rx, vsd.tx, vsd.ev };
    if (virtio_mmio_setup(VSOCK_REGS, VIRTIO_ID_VSOCK, qs, 3) < 0)
        return vsd.status = -ENODEV;
    for (uint16_t i = 0; i < VS_RX_N; i++)
        post_rx(i);
    for (uint16_t i = 0; i < VS_EV_N; i++)
        post_ev(i);
    for (uint16_t i = 0; i < VS_TX_N; i++)
        vsd.tx_free[i] = i;
    vsd.ntx_free = VS_TX_N;
    vsd.next_port = FIRST_PORT;
    vsd.cid = virtio_mmio_config64(VSOCK_REGS, 0);
    virtio_mmio_start(VSOCK_REGS);
    vsd.status = 1;
    return 0;
}

static bool news(void)
{
    return virtq_used_idx(&vsd.rx) != vsd.rx.last_used || virtq_used_idx(&vsd.ev) != vsd.ev.last_used ||
           virtq_used_idx(&vsd.tx) != vsd.tx.last_used;
}

int vsd_wait(void)
{
    uint64_t end = rdtsc() + pal_bootinfo->tsc_khz * SPIN_US / 1000;
    while (rdtsc() < end) {
        if (news())
            return VSOCK_WAIT_NEWS;
        cpu_relax();
    }
    int r = inb(PORT_VSOCK_WAIT);
    if (r == VSOCK_WAIT_INTR)
        vsd.intr = true;
    return r;
}

static void send_hdr(const struct virtio_vsock_hdr *h, const void *data)
{
    while (!vsd.ntx_free) {
        reclaim_tx();
        if (vsd.ntx_free)
            break;
        virtq_kick(VSOCK_REGS, &vsd.tx);
        vsd_wait();   /* the device takes transmit buffers without waiting for anything */
    }
    uint16_t i = vsd.tx_free[--vsd.ntx_free];
    uint8_t *buf = (uint8_t *)(TX_BUFS + (uint64_t)i * VS_PKT);
    memcpy(buf, h, VS_HDR);
    memcpy(buf + VS_HDR, data, h->len);
    vsd.tx.desc[i] = (struct vring_desc){ .addr = (uint64_t)buf, .len = (uint32_t)(VS_HDR + h->len) };
    virtq_publish(&vsd.tx, i);
    virtq_kick(VSOCK_REGS, &vsd.tx);
}

void vsd_send(struct vs_conn *c, uint16_t op, uint32_t flags, const void *data, uint32_t len)
{
    struct virtio_vsock_hdr h = { .src_cid = vsd.cid, .dst_cid = c->peer_cid, .src_port = c->local_port,
                                  .dst_port = c->peer_port, .len = len, .type = VIRTIO_VSOCK_TYPE_STREAM,
                                  .op = op, .flags = flags, .buf_alloc = VS_STREAM_BUF, .fwd_cnt = c->fwd_cnt };
    c->fwd_told = c->fwd_cnt;
    if (op == VIRTIO_VSOCK_OP_RW)
        c->tx_cnt += len;
    send_hdr(&h, data);
}

/* ---- what the device sent ---- */

/* A RST answering packet h, which belongs to no stream of ours. */
static void answer_rst(const struct virtio_vsock_hdr *h)
{
    struct virtio_vsock_hdr r = { .src_cid = vsd.cid, .dst_cid = h->src_cid, .src_port = h->dst_port,
                                  .dst_port = h->src_port, .type = VIRTIO_VSOCK_TYPE_STREAM,
                                  .op = VIRTIO_VSOCK_OP_RST };
    send_hdr(&r, NULL);
}

static struct vs_conn *find(uint32_t local_port, uint64_t peer_cid, uint32_t peer_port)
{
    for (int i = 0; i < VS_CONNS; i++) {
        struct vs_conn *c = &vsd.conns[i];
        if (c->state != VS_FREE && c->local_port == local_port && c->peer_cid == peer_cid &&
            c->peer_port == peer_port)
            return c;
    }
    return NULL;
}

static int listener_of(uint32_t port)
{
    for (int i = 0; i < VS_LISTENERS; i++)
        if (vsd.listeners[i].used && vsd.listeners[i].port == port)
            return i;
    return -1;
}

static int backlog(int l)
{
    int n = 0;
    for (int i = 0; i < VS_CONNS; i++)
        n += vsd.conns[i].state != VS_FREE && vsd.conns[i].listener == l;
    return n;
}

static void incoming(const struct virtio_vsock_hdr *h, struct vs_conn *dup)
{
    int l = listener_of(h->dst_port);
    struct vs_conn *c = dup || l < 0 || backlog(l) >= VS_BACKLOG ? NULL : vsd_conn_alloc();
    if (!c) {
        answer_rst(h);
        return;
    }
    c->state = VS_CONNECTED;
    c->listener = l;
    c->seq = vsd.next_seq++;
    c->local_port = h->dst_port;
    c->peer_cid = h->src_cid;
    c->peer_port = h->src_port;
    c->peer_buf_alloc = h->buf_alloc;
    c->peer_fwd_cnt = h->fwd_cnt;
    vsd_send(c, VIRTIO_VSOCK_OP_RESPONSE, 0, NULL, 0);
}

/* The peer ended the stream: gone at once if the library OS no longer has it. */
static void peer_reset(struct vs_conn *c)
{
    if (c->state == VS_CLOSING || !c->accepted)
        vsd_conn_free(c);
    else
        c->state = VS_RESET;
}

static void take_data(struct vs_conn *c, const uint8_t *data, uint32_t len)
{
    if (c->state == VS_CLOSING)
        return;   /* we said we read no more */
    if (c->state != VS_CONNECTED || len > VS_STREAM_BUF - c->rx_len) {
        vsd_send(c, VIRTIO_VSOCK_OP_RST, 0, NULL, 0);   /* more than our credit: a broken peer */
        peer_reset(c);
        return;
    }
    uint8_t *buf = vsd_stream_buf(c);
    uint32_t tail = (c->rx_head + c->rx_len) % VS_STREAM_BUF;
    uint32_t first = MIN(len, VS_STREAM_BUF - tail);
    memcpy(buf + tail, data, first);
    memcpy(buf, data + first, len - first);
    c->rx_len += len;
}

static void packet(const struct virtio_vsock_hdr *h, const uint8_t *data)
{
    /* Addressed to the CID we had before a fork: a stream of our parent's. */
    if (h->dst_cid != vsd.cid || h->type != VIRTIO_VSOCK_TYPE_STREAM)
        return;
    struct vs_conn *c = find(h->dst_port, h->src_cid, h->src_port);
    if (h->op == VIRTIO_VSOCK_OP_REQUEST) {
        incoming(h, c);
        return;
    }
    if (!c) {
        if (h->op != VIRTIO_VSOCK_OP_RST)
            answer_rst(h);
        return;
    }
    c->peer_buf_alloc = h->buf_alloc;
    c->peer_fwd_cnt = h->fwd_cnt;
    switch (h->op) {
    case VIRTIO_VSOCK_OP_RESPONSE:
        if (c->state == VS_CONNECTING) {
            c->state = VS_CONNECTED;
        } else if (c->state != VS_RESET) {
            vsd_send(c, VIRTIO_VSOCK_OP_RST, 0, NULL, 0);
            peer_reset(c);
        }
        break;
    case VIRTIO_VSOCK_OP_RST:
        peer_reset(c);
        break;
    case VIRTIO_VSOCK_OP_SHUTDOWN:
        c->peer_no_rcv |= (h->flags & VIRTIO_VSOCK_SHUTDOWN_RCV) != 0;
        c->peer_no_send |= (h->flags & VIRTIO_VSOCK_SHUTDOWN_SEND) != 0;
        if (c->state == VS_CLOSING && c->peer_no_rcv && c->peer_no_send) {
            vsd_send(c, VIRTIO_VSOCK_OP_RST, 0, NULL, 0);   /* both ends closed: we answer for the peer */
            vsd_conn_free(c);
        }
        break;
    case VIRTIO_VSOCK_OP_RW:
        take_data(c, data, h->len);
        break;
    case VIRTIO_VSOCK_OP_CREDIT_REQUEST:
        if (c->state == VS_CONNECTED)
            vsd_send(c, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0);
        break;
    default:
        break;   /* CREDIT_UPDATE: the credit is in every header */
    }
}

/* After a fork: our CID changed and every stream is gone; listeners stay. */
static void transport_reset(void)
{
    vsd.cid = virtio_mmio_config64(VSOCK_REGS, 0);
    for (int i = 0; i < VS_CONNS; i++)
        if (vsd.conns[i].state != VS_FREE)
            peer_reset(&vsd.conns[i]);
}

void vsd_poll(void)
{
    uint32_t id, len;
    bool posted = false;
    while (virtq_next_used(&vsd.ev, &id, &len)) {
        const struct virtio_vsock_event *e = (const void *)(EV_BUFS + (uint64_t)(id % VS_EV_N) * EV_BUF_SIZE);
        if (len >= sizeof(*e) && e->id == VIRTIO_VSOCK_EVENT_TRANSPORT_RESET)
            transport_reset();
        post_ev((uint16_t)(id % VS_EV_N));
        posted = true;
    }
    if (posted)
        virtq_kick(VSOCK_REGS, &vsd.ev);
    posted = false;
    while (virtq_next_used(&vsd.rx, &id, &len)) {
        id %= VS_RX_N;
        const uint8_t *buf = (const uint8_t *)(RX_BUFS + (uint64_t)id * VS_PKT);
        struct virtio_vsock_hdr h;
        memcpy(&h, buf, VS_HDR);
        if (len >= VS_HDR && len <= VS_PKT && h.len <= len - VS_HDR)
            packet(&h, buf + VS_HDR);
        post_rx((uint16_t)id);
        posted = true;
    }
    if (posted)
        virtq_kick(VSOCK_REGS, &vsd.rx);
    reclaim_tx();
}
