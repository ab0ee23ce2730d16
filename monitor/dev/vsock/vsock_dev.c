/* The virtio-vsock device (virtio 1.2 section 5.10), stream sockets only.
 *
 * The guest's side of each stream is the vsock protocol on the rx/tx
 * virtqueues; the host's side is a Unix stream socket from the switch
 * (vsock_switch.c) to the peer's monitor.  Towards the guest the device acts
 * as the peer: it answers REQUEST/RESPONSE/SHUTDOWN/RST, and does the
 * credit-based flow control with a buffer of VSOCK_DEV_BUF bytes per stream
 * (what the guest sent that the socket has not taken yet); in the other
 * direction it reads the socket only as far as the guest's credit and its
 * receive buffers go, straight into those buffers.  The Unix sockets do the
 * flow control between the monitors.
 *
 * Everything here runs on one thread (under the device lock, see
 * vsock_vm.c): nothing blocks, every fd is nonblocking, and what is owed to
 * the guest while it has no receive buffer waits in per-stream flags. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_vsock.h>
#include "vsock.h"
#include "kvm/gpa.h"
#include "base/log.h"

#define HDR sizeof(struct virtio_vsock_hdr)
#define RW_MAX (64u << 10)     /* payload of one packet to the guest */
#define ROUND_PACKETS 16       /* per stream and round: one busy stream does not starve the others */
#define ROUNDS 16              /* then the device thread polls its fds before going on */

/* Packets a stream owes the guest, sent in this order (the SHUTDOWN after
 * the last data, the RST last of all). */
enum { OWE_REQUEST = 1, OWE_RESPONSE = 2, OWE_CREDIT = 4, OWE_SHUTDOWN = 8, OWE_RST = 16 };

static struct virtq *queue(struct vsock_dev *d, unsigned i) { return virtio_mmio_queue(&d->mmio, i); }

static void conn_free(struct vsock_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->buf);
    memset(c, 0, sizeof(*c));
    c->fd = c->pfd = -1;
}

/* Ends a stream: the socket goes (its peer sees the end), the guest gets a RST. */
static void conn_reset(struct vsock_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->len = 0;
    c->state = VC_RST;
    c->owed = OWE_RST;
}

static struct vsock_conn *conn_alloc(struct vsock_dev *d, enum vconn_state state)
{
    for (int i = 0; i < VSOCK_MAX_CONNS; i++) {
        struct vsock_conn *c = &d->conns[i];
        if (c->state != VC_FREE)
            continue;
        if (!(c->buf = malloc(VSOCK_DEV_BUF)))
            return NULL;
        c->state = state;
        return c;
    }
    return NULL;
}

static struct vsock_conn *conn_find(struct vsock_dev *d, uint32_t guest_port, uint64_t peer_cid, uint32_t peer_port)
{
    for (int i = 0; i < VSOCK_MAX_CONNS; i++) {
        struct vsock_conn *c = &d->conns[i];
        if (c->state != VC_FREE && c->state != VC_HELLO && c->guest_port == guest_port &&
            c->peer_cid == peer_cid && c->peer_port == peer_port)
            return c;
    }
    return NULL;
}

static uint32_t guest_credit(const struct vsock_conn *c)
{
    uint32_t in_flight = c->rx_cnt - c->guest_fwd_cnt;
    return in_flight >= c->guest_buf_alloc ? 0 : c->guest_buf_alloc - in_flight;
}

/* ---- to the guest ---- */

/* A receive buffer with room for a header at least; skips (hands back)
 * malformed ones.  false: none, the device waits for the driver's kick. */
static bool rx_buffer(struct vsock_dev *d, struct vq_chain *ch)
{
    struct virtq *q = queue(d, VSOCK_QUEUE_RX);
    for (unsigned i = 0; q && i < VQ_MAX_SIZE; i++) {
        int r = vq_pop(d->vm, q, ch);
        if (r == 0)
            break;
        if (r > 0 && ch->in_len >= HDR)
            return true;
        if (r > 0)
            vq_push(d->vm, q, ch->head, 0);
        d->woke = true;
    }
    d->rx_starved = true;
    return false;
}

static void put_rx(struct vsock_dev *d, const struct vq_chain *ch, const struct virtio_vsock_hdr *h)
{
    vq_write(ch, 0, h, HDR);
    vq_push(d->vm, queue(d, VSOCK_QUEUE_RX), ch->head, (uint32_t)(HDR + h->len));
    d->woke = d->news = true;
}

static struct virtio_vsock_hdr conn_hdr(struct vsock_dev *d, struct vsock_conn *c, uint16_t op, uint32_t flags)
{
    c->fwd_told = c->fwd_cnt;
    return (struct virtio_vsock_hdr){ .src_cid = c->peer_cid, .dst_cid = d->cid, .src_port = c->peer_port,
                                      .dst_port = c->guest_port, .type = VIRTIO_VSOCK_TYPE_STREAM, .op = op,
                                      .flags = flags, .buf_alloc = VSOCK_DEV_BUF, .fwd_cnt = c->fwd_cnt };
}

static bool send_ctl(struct vsock_dev *d, struct vsock_conn *c, uint16_t op, uint32_t flags)
{
    struct vq_chain ch;
    if (!rx_buffer(d, &ch))
        return false;
    struct virtio_vsock_hdr h = conn_hdr(d, c, op, flags);
    put_rx(d, &ch, &h);
    return true;
}

/* What the socket has for the guest, as far as its credit goes. */
static void deliver_data(struct vsock_dev *d, struct vsock_conn *c)
{
    for (int i = 0; i < ROUND_PACKETS && c->state == VC_CONNECTED && c->readable; i++) {
        uint32_t credit = guest_credit(c);
        struct vq_chain ch;
        if (!credit || !rx_buffer(d, &ch))
            return;
        size_t max = ch.in_len - HDR;
        max = max < credit ? max : credit;
        max = max < RW_MAX ? max : RW_MAX;
        struct iovec iov[VQ_MAX_CHAIN];
        int k = vq_in_iovec(&ch, HDR, max, iov, VQ_MAX_CHAIN);
        ssize_t n = k ? readv(c->fd, iov, k) : -1;
        if (n > 0) {
            struct virtio_vsock_hdr h = conn_hdr(d, c, VIRTIO_VSOCK_OP_RW, 0);
            h.len = (uint32_t)n;
            put_rx(d, &ch, &h);
            c->rx_cnt += (uint32_t)n;
            continue;
        }
        vq_unpop(queue(d, VSOCK_QUEUE_RX));
        if (!k)
            return;   /* a buffer with room for a header only: nothing to read into */
        if (n < 0 && errno == EINTR)
            continue;
        c->readable = false;
        if (n == 0) {
            c->peer_eof = true;
            c->owed |= OWE_SHUTDOWN;
            /* A hang-up too: the peer closed, it will not read either. */
            struct pollfd p = { .fd = c->fd, .events = POLLOUT };
            c->peer_gone = poll(&p, 1, 0) == 1 && (p.revents & POLLHUP);
        } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
            conn_reset(c);
        }
        return;
    }
}

static void conn_deliver(struct vsock_dev *d, struct vsock_conn *c)
{
    static const struct { unsigned bit; uint16_t op; } first[] = {
        { OWE_REQUEST, VIRTIO_VSOCK_OP_REQUEST },
        { OWE_RESPONSE, VIRTIO_VSOCK_OP_RESPONSE },
        { OWE_CREDIT, VIRTIO_VSOCK_OP_CREDIT_UPDATE },
    };
    if (c->owed & OWE_RST) {
        if (send_ctl(d, c, VIRTIO_VSOCK_OP_RST, 0))
            conn_free(c);
        return;
    }
    for (size_t i = 0; i < sizeof(first) / sizeof(first[0]); i++) {
        if (!(c->owed & first[i].bit))
            continue;
        if (!send_ctl(d, c, first[i].op, 0))
            return;
        c->owed &= ~first[i].bit;
    }
    deliver_data(d, c);
    uint32_t how = VIRTIO_VSOCK_SHUTDOWN_SEND | (c->peer_gone ? VIRTIO_VSOCK_SHUTDOWN_RCV : 0);
    if ((c->owed & OWE_SHUTDOWN) && !(c->owed & OWE_RST) && send_ctl(d, c, VIRTIO_VSOCK_OP_SHUTDOWN, how))
        c->owed &= ~OWE_SHUTDOWN;
}

static void post_reset_event(struct vsock_dev *d)
{
    struct virtq *q = queue(d, VSOCK_QUEUE_EVENT);
    struct vq_chain ch;
    for (unsigned i = 0; q && i < VQ_MAX_SIZE; i++) {
        int r = vq_pop(d->vm, q, &ch);
        if (r == 0)
            return;
        d->woke = true;
        struct virtio_vsock_event e = { .id = VIRTIO_VSOCK_EVENT_TRANSPORT_RESET };
        if (r < 0)
            continue;
        if (ch.in_len < sizeof(e)) {
            vq_push(d->vm, q, ch.head, 0);
            continue;
        }
        vq_write(&ch, 0, &e, sizeof(e));
        vq_push(d->vm, q, ch.head, sizeof(e));
        d->reset_event = false;
        return;
    }
}

/* A RST for a guest packet that had no stream (h is that packet). */
static void owe_rst(struct vsock_dev *d, const struct virtio_vsock_hdr *h)
{
    if (d->nrst < VSOCK_MAX_RST)
        d->rst[d->nrst++] = (struct vsock_rst){ .src_cid = h->dst_cid, .src_port = h->dst_port,
                                                .dst_port = h->src_port };
}

static void deliver_all(struct vsock_dev *d)
{
    d->rx_starved = false;
    if (d->reset_event)
        post_reset_event(d);
    while (d->nrst) {
        struct vq_chain ch;
        if (!rx_buffer(d, &ch))
            return;
        struct vsock_rst *r = &d->rst[d->nrst - 1];
        struct virtio_vsock_hdr h = { .src_cid = r->src_cid, .dst_cid = d->cid, .src_port = r->src_port,
                                      .dst_port = r->dst_port, .type = VIRTIO_VSOCK_TYPE_STREAM,
                                      .op = VIRTIO_VSOCK_OP_RST };
        put_rx(d, &ch, &h);
        d->nrst--;
    }
    for (int i = 0; i < VSOCK_MAX_CONNS && !d->rx_starved; i++)
        if (d->conns[i].state != VC_FREE)
            conn_deliver(d, &d->conns[i]);
}

/* ---- from the guest ---- */

/* Hands the socket what the guest sent, as far as it takes it now; then
 * carries out a shutdown the guest asked for once nothing is left. */
static void flush(struct vsock_conn *c)
{
    while (c->len && c->fd >= 0) {
        uint32_t seg = c->len < VSOCK_DEV_BUF - c->head ? c->len : VSOCK_DEV_BUF - c->head;
        ssize_t n = send(c->fd, c->buf + c->head, seg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0) {
            conn_reset(c);
            return;
        }
        c->head = (c->head + (uint32_t)n) % VSOCK_DEV_BUF;
        c->len -= (uint32_t)n;
        c->fwd_cnt += (uint32_t)n;
    }
    /* Told in batches; a guest out of credit hears at the latest when a
     * quarter of the buffer is free again. */
    if (c->fwd_cnt - c->fwd_told >= VSOCK_DEV_BUF / 4)
        c->owed |= OWE_CREDIT;
    if (c->len || !c->guest_shut_send)
        return;
    if (c->guest_shut_rcv) {
        conn_reset(c);   /* a full shutdown: the peer answers with a RST */
    } else if (!c->shut_done) {
        c->shut_done = true;
        shutdown(c->fd, SHUT_WR);
    }
}

static void take_payload(struct vsock_conn *c, const struct vq_chain *ch, uint32_t len)
{
    uint32_t tail = (c->head + c->len) % VSOCK_DEV_BUF;
    uint32_t first = len < VSOCK_DEV_BUF - tail ? len : VSOCK_DEV_BUF - tail;
    vq_read(ch, HDR, c->buf + tail, first);
    vq_read(ch, HDR + first, c->buf, len - first);
    c->len += len;
}

static void guest_request(struct vsock_dev *d, const struct virtio_vsock_hdr *h, struct vsock_conn *dup)
{
    if (dup) {
        conn_reset(dup);   /* a second REQUEST for a live stream ends it */
        return;
    }
    struct vsock_conn *c = NULL;
    if (h->dst_cid > VSOCK_HOST_CID && h->dst_cid <= UINT32_MAX)
        c = conn_alloc(d, VC_CONNECTING);
    if (!c) {
        owe_rst(d, h);
        return;
    }
    c->guest_port = h->src_port;
    c->peer_cid = h->dst_cid;
    c->peer_port = h->dst_port;
    c->guest_buf_alloc = h->buf_alloc;
    c->guest_fwd_cnt = h->fwd_cnt;
    c->fd = vsock_switch_connect(d->cid, h->src_port, h->dst_cid, h->dst_port);
    if (c->fd < 0) {
        mlog(LOG_DEBUG, "vsock: connect to %llu:%u: %s", (unsigned long long)h->dst_cid, h->dst_port,
             strerror(-c->fd));
        c->fd = -1;
        conn_reset(c);
    }
}

static void guest_shutdown(struct vsock_conn *c, uint32_t flags)
{
    if (c->state != VC_CONNECTED) {
        conn_reset(c);
        return;
    }
    if ((flags & VIRTIO_VSOCK_SHUTDOWN_RCV) && !c->guest_shut_rcv) {
        c->guest_shut_rcv = true;
        c->readable = false;
        shutdown(c->fd, SHUT_RD);   /* the peer's writes fail from now on */
    }
    c->guest_shut_send |= (flags & VIRTIO_VSOCK_SHUTDOWN_SEND) != 0;
    flush(c);
}

static void from_guest(struct vsock_dev *d, const struct vq_chain *ch)
{
    struct virtio_vsock_hdr h;
    if (ch->out_len < HDR)
        return;
    vq_read(ch, 0, &h, HDR);   /* one copy: the guest may rewrite its buffer meanwhile */
    if (h.src_cid != d->cid)
        return;   /* not ours to send: spoofed, or sent before a fork */
    struct vsock_conn *c = conn_find(d, h.src_port, h.dst_cid, h.dst_port);
    if (h.op == VIRTIO_VSOCK_OP_RST) {
        if (c)
            conn_free(c);   /* no answer to a RST; a refused REQUEST's peer sees its socket close */
        return;
    }
    if (h.type != VIRTIO_VSOCK_TYPE_STREAM || (c && c->state == VC_RST)) {
        if (!c)
            owe_rst(d, &h);
        return;
    }
    if (h.op == VIRTIO_VSOCK_OP_REQUEST) {
        guest_request(d, &h, c);
        return;
    }
    if (!c) {
        owe_rst(d, &h);
        return;
    }
    c->guest_buf_alloc = h.buf_alloc;
    c->guest_fwd_cnt = h.fwd_cnt;
    switch (h.op) {
    case VIRTIO_VSOCK_OP_RESPONSE: {
        uint8_t yes = 1;
        if (c->state == VC_ACCEPTING && send(c->fd, &yes, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1)
            c->state = VC_CONNECTED;
        else
            conn_reset(c);
        break;
    }
    case VIRTIO_VSOCK_OP_SHUTDOWN:
        guest_shutdown(c, h.flags);
        break;
    case VIRTIO_VSOCK_OP_RW:
        /* More than the credit we gave, or than the packet holds: a broken driver. */
        if (c->state != VC_CONNECTED || c->guest_shut_send || h.len > ch->out_len - HDR ||
            h.len > VSOCK_DEV_BUF - c->len) {
            conn_reset(c);
            break;
        }
        take_payload(c, ch, h.len);
        flush(c);
        break;
    case VIRTIO_VSOCK_OP_CREDIT_UPDATE:
        break;
    case VIRTIO_VSOCK_OP_CREDIT_REQUEST:
        c->owed |= OWE_CREDIT;
        break;
    default:
        conn_reset(c);
        break;
    }
}

static void process_tx(struct vsock_dev *d)
{
    struct virtq *q = queue(d, VSOCK_QUEUE_TX);
    struct vq_chain ch;
    for (unsigned i = 0; q && i < VQ_MAX_SIZE; i++) {
        int r = vq_pop(d->vm, q, &ch);
        if (r == 0)
            return;
        if (r > 0) {
            from_guest(d, &ch);
            vq_push(d->vm, q, ch.head, 0);
        }
        d->woke = true;
    }
}

/* ---- host sockets ---- */

static void accept_new(struct vsock_dev *d)
{
    for (int i = 0; i < VSOCK_MAX_CONNS; i++) {
        int fd = accept4(d->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
            /* It would stay readable and keep the device thread spinning:
             * peers are refused from now on instead. */
            mlog(LOG_ERROR, "vsock: cannot accept streams (%m): CID %llu takes no more",
                 (unsigned long long)d->cid);
            close(d->listen_fd);
            d->listen_fd = -1;
        }
        if (fd < 0)
            return;
        struct vsock_conn *c = conn_alloc(d, VC_HELLO);
        if (!c) {
            close(fd);   /* full: the peer's guest gets a RST */
            continue;
        }
        c->fd = fd;
    }
}

static void read_hello(struct vsock_dev *d, struct vsock_conn *c)
{
    ssize_t n = read(c->fd, (uint8_t *)&c->hello + c->hello_got, sizeof(c->hello) - c->hello_got);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        conn_free(c);
        return;
    }
    c->hello_got += (size_t)n;
    if (c->hello_got < sizeof(c->hello))
        return;
    const struct vsock_hello *h = &c->hello;
    /* Closing refuses: the connecting guest gets a RST from its device. */
    if (!vsock_switch_hello_ok(h) || !virtio_mmio_live(&d->mmio) || conn_find(d, h->dst_port, h->src_cid, h->src_port)) {
        conn_free(c);
        return;
    }
    c->guest_port = h->dst_port;
    c->peer_cid = h->src_cid;
    c->peer_port = h->src_port;
    c->state = VC_ACCEPTING;
    c->owed = OWE_REQUEST;
}

static void conn_event(struct vsock_dev *d, struct vsock_conn *c, short rev)
{
    switch (c->state) {
    case VC_CONNECTING: {
        uint8_t answer = 0;
        ssize_t n = read(c->fd, &answer, 1);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (n == 1 && answer == 1) {
            c->state = VC_CONNECTED;
            c->owed |= OWE_RESPONSE;
        } else {
            conn_reset(c);
        }
        return;
    }
    case VC_HELLO:
        read_hello(d, c);
        return;
    case VC_ACCEPTING:
        /* The connecting side gave up: its guest may not have heard of it yet. */
        if (rev & (POLLHUP | POLLERR)) {
            if (c->owed & OWE_REQUEST)
                conn_free(c);
            else
                conn_reset(c);
        }
        return;
    case VC_CONNECTED:
        if (rev & (POLLIN | POLLHUP | POLLERR))
            c->readable = !c->peer_eof && !c->guest_shut_rcv;
        if (rev & POLLOUT)
            flush(c);
        return;
    default:
        return;
    }
}

/* ---- the device ---- */

static void set_cid(struct vsock_dev *d, uint64_t cid)
{
    d->cid = cid;
    memcpy(d->mmio.config, &cid, sizeof(cid));   /* struct virtio_vsock_config: le64 guest_cid */
    d->mmio.config_len = sizeof(cid);
    d->mmio.config_generation++;
}

void vsock_dev_close_all(struct vsock_dev *d)
{
    for (int i = 0; i < VSOCK_MAX_CONNS; i++)
        conn_free(&d->conns[i]);
    d->nrst = 0;
    d->rx_starved = false;
}

static void device_reset(void *opaque)
{
    struct vsock_dev *d = opaque;
    vsock_dev_close_all(d);
    d->reset_event = false;
}

void vsock_dev_init(struct vsock_dev *d, struct vm *vm, uint64_t cid, int listen_fd)
{
    memset(d, 0, sizeof(*d));
    for (int i = 0; i < VSOCK_MAX_CONNS; i++)
        d->conns[i].fd = d->conns[i].pfd = -1;
    d->vm = vm;
    d->listen_fd = listen_fd;
    virtio_mmio_init(&d->mmio, VIRTIO_ID_VSOCK, 0, 3);
    d->mmio.opaque = d;
    d->mmio.reset = device_reset;
    set_cid(d, cid);
}

void vsock_dev_forked(struct vsock_dev *d, struct vm *vm, uint64_t cid, int listen_fd)
{
    vsock_dev_close_all(d);
    d->vm = vm;
    d->listen_fd = listen_fd;
    set_cid(d, cid);
    /* Tells the driver its streams are gone and its CID changed (5.10.6.7). */
    d->reset_event = virtio_mmio_live(&d->mmio);
}

static short interest(const struct vsock_conn *c)
{
    switch (c->state) {
    case VC_CONNECTING: case VC_HELLO: return POLLIN;
    case VC_CONNECTED:
        return (short)((c->len ? POLLOUT : 0) | (!c->readable && !c->peer_eof && !c->guest_shut_rcv ? POLLIN : 0));
    default: return 0;
    }
}

int vsock_dev_pollfds(struct vsock_dev *d, struct pollfd *fds, int max)
{
    int n = 0;
    if (max < 1)
        return 0;
    fds[n++] = (struct pollfd){ .fd = d->listen_fd, .events = POLLIN };
    for (int i = 0; i < VSOCK_MAX_CONNS; i++) {
        struct vsock_conn *c = &d->conns[i];
        short ev = interest(c);
        c->pfd = -1;
        /* An accepting stream is watched for its peer hanging up; any other
         * with nothing to wait for stays out (a hang-up would wake us for nothing). */
        if (c->fd < 0 || (!ev && c->state != VC_ACCEPTING) || n >= max)
            continue;
        c->pfd = n;
        fds[n++] = (struct pollfd){ .fd = c->fd, .events = ev };
    }
    return n;
}

int vsock_dev_run(struct vsock_dev *d, const struct pollfd *fds, int n)
{
    d->woke = d->news = false;
    for (int i = 0; i < VSOCK_MAX_CONNS; i++) {
        struct vsock_conn *c = &d->conns[i];
        int p = c->pfd;
        c->pfd = -1;
        if (p >= 0 && p < n && fds[p].revents && c->fd == fds[p].fd)
            conn_event(d, c, fds[p].revents);
    }
    if (n > 0 && d->listen_fd >= 0 && (fds[0].revents & POLLIN))
        accept_new(d);
    for (int round = 0; round < ROUNDS; round++) {
        struct virtq *tx = queue(d, VSOCK_QUEUE_TX), *rx = queue(d, VSOCK_QUEUE_RX),
                     *ev = queue(d, VSOCK_QUEUE_EVENT);
        if (tx)
            vq_want_kick(d->vm, tx, false);
        process_tx(d);
        deliver_all(d);
        /* Before sleeping: ask for the kicks we need, then look once more
         * for what came before the driver could see that. */
        bool more = false;
        if (tx) {
            vq_want_kick(d->vm, tx, true);
            more |= vq_has_avail(d->vm, tx);
        }
        if (rx) {
            vq_want_kick(d->vm, rx, d->rx_starved);
            more |= d->rx_starved && vq_has_avail(d->vm, rx);
        }
        if (ev) {
            vq_want_kick(d->vm, ev, d->reset_event);
            more |= d->reset_event && vq_has_avail(d->vm, ev);
        }
        if (!more)
            return (d->woke ? VSOCK_RUN_WAKE : 0) | (d->news ? VSOCK_RUN_NEWS : 0);
    }
    return (d->woke ? VSOCK_RUN_WAKE : 0) | (d->news ? VSOCK_RUN_NEWS : 0) | VSOCK_RUN_AGAIN;
}
