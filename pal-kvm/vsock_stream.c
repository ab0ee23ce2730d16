/* The PAL's vsock calls: listen, accept and connect, and read, write, close
 * and readiness on the handles they return (streams.c and the poll code
 * hand vsock handles here).
 *
 * A vsock handle is VS_HANDLE_TAG | generation << 16 | slot (| VS_LISTENER
 * for a listener): never a monitor handle, and a handle kept after close
 * misses the slot's next user.  Blocking calls wait with vsd_wait and end
 * with -EINTR when a signal for the guest wakes them. */
#include "vsock_drv.h"
#include "clock.h"
#include <asm/errno.h>
#include <asm-generic/poll.h>

#define VS_HANDLE_TAG   (1l << 32)
#define VS_LISTENER     0x8000l
#define CONNECT_TIMEOUT_NS 2000000000ull   /* as Linux's vsock */
#define VMADDR_PORT_ANY 0xffffffffu

static volatile int lock;

static void vs_lock(void)
{
    while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
        cpu_relax();
}

static void vs_unlock(void) { __atomic_store_n(&lock, 0, __ATOMIC_RELEASE); }

/* Sleeps without the lock. -> 0, or -EINTR for a signal (now or in an
 * earlier wait whose caller could not report it). */
static int wait_unlocked(void)
{
    if (!vsd.intr) {
        vs_unlock();
        vsd_wait();
        vs_lock();
    }
    if (!vsd.intr)
        return 0;
    vsd.intr = false;
    return -EINTR;
}

bool vsock_handle(long h) { return (h & ~0xffffffffl) == VS_HANDLE_TAG; }

static long conn_handle(const struct vs_conn *c) { return VS_HANDLE_TAG | (long)c->gen << 16 | (c - vsd.conns); }

static struct vs_conn *conn_of(long h)
{
    long i = h & 0xffff;
    if (!vsock_handle(h) || (h & VS_LISTENER) || i >= VS_CONNS || vsd.status <= 0)
        return NULL;
    struct vs_conn *c = &vsd.conns[i];
    bool live = c->accepted && c->state != VS_FREE && c->state != VS_CLOSING;
    return live && c->gen == (uint16_t)(h >> 16) ? c : NULL;
}

static int listener_of(long h)
{
    long i = h & 0x7fff;
    if (!vsock_handle(h) || !(h & VS_LISTENER) || i >= VS_LISTENERS || vsd.status <= 0)
        return -1;
    struct vs_listener *l = &vsd.listeners[i];
    return l->used && l->gen == (uint16_t)(h >> 16) ? (int)i : -1;
}

long kvm_vsock_listen(uint32_t port)
{
    vs_lock();
    long r = vsd_start();
    if (r < 0)
        goto out;
    vsd_poll();
    if (port == VMADDR_PORT_ANY)
        port = vsd_free_port();
    r = -EADDRINUSE;
    for (int i = 0; i < VS_LISTENERS; i++)
        if (vsd.listeners[i].used && vsd.listeners[i].port == port)
            goto out;
    r = -ENFILE;
    for (int i = 0; i < VS_LISTENERS; i++) {
        struct vs_listener *l = &vsd.listeners[i];
        if (!l->used) {
            l->used = true;
            l->port = port;
            r = VS_HANDLE_TAG | (long)l->gen << 16 | VS_LISTENER | i;
            break;
        }
    }
out:
    vs_unlock();
    return r;
}

static struct vs_conn *first_pending(int l)
{
    struct vs_conn *best = NULL;
    for (int i = 0; i < VS_CONNS; i++) {
        struct vs_conn *c = &vsd.conns[i];
        if (c->state != VS_FREE && c->listener == l && (!best || (int32_t)(c->seq - best->seq) < 0))
            best = c;
    }
    return best;
}

long kvm_vsock_accept(long listener, uint32_t *peer_cid)
{
    vs_lock();
    int l = listener_of(listener);
    long r = l < 0 ? -EBADF : 0;
    while (!r) {
        vsd_poll();
        struct vs_conn *c = first_pending(l);
        if (c) {
            c->listener = -1;
            c->accepted = true;
            if (peer_cid)
                *peer_cid = (uint32_t)c->peer_cid;
            r = conn_handle(c);
            break;
        }
        r = wait_unlocked();
        if (!r && listener_of(listener) != l)
            r = -EBADF;   /* closed meanwhile */
    }
    vs_unlock();
    return r;
}

long kvm_vsock_connect(uint32_t cid, uint32_t port)
{
    vs_lock();
    long r = vsd_start();
    /* Take in what arrived first: a peer's REQUEST handled after the slot is
     * taken would be given the same, still free-looking, slot. */
    if (r >= 0)
        vsd_poll();
    struct vs_conn *c = r < 0 ? NULL : vsd_conn_alloc();
    if (!c) {
        vs_unlock();
        return r < 0 ? r : -ENFILE;
    }
    c->state = VS_CONNECTING;
    c->accepted = true;
    c->local_port = vsd_free_port();
    c->peer_cid = cid;
    c->peer_port = port;
    vsd_send(c, VIRTIO_VSOCK_OP_REQUEST, 0, NULL, 0);
    uint64_t deadline = clock_monotonic_ns() + CONNECT_TIMEOUT_NS;
    for (r = 0;; r = wait_unlocked()) {
        vsd_poll();
        if (c->state == VS_CONNECTED) {
            r = conn_handle(c);
            break;
        }
        if (c->state == VS_RESET) {
            r = -ECONNREFUSED;
        } else if (r == 0 && clock_monotonic_ns() > deadline) {
            r = -ETIMEDOUT;
        }
        if (r < 0) {
            if (c->state == VS_CONNECTING)
                vsd_send(c, VIRTIO_VSOCK_OP_RST, 0, NULL, 0);
            vsd_conn_free(c);
            break;
        }
    }
    vs_unlock();
    return r;
}

/* Gives the peer credit back once a quarter of our buffer was read. */
static void consumed(struct vs_conn *c, uint32_t n)
{
    c->rx_head = (c->rx_head + n) % VS_STREAM_BUF;
    c->rx_len -= n;
    c->fwd_cnt += n;
    if (c->state == VS_CONNECTED && c->fwd_cnt - c->fwd_told >= VS_STREAM_BUF / 4)
        vsd_send(c, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0);
}

long vsock_read(long h, void *buf, size_t len, long long off)
{
    if (off >= 0)
        return -ESPIPE;
    vs_lock();
    long r = 0;
    while (!r) {
        struct vs_conn *c = conn_of(h);   /* again after each wait: it may be closed meanwhile */
        if (!c) {
            r = -EBADF;
            break;
        }
        vsd_poll();
        if (c->rx_len || !len) {
            uint32_t n = (uint32_t)MIN(len, c->rx_len);
            uint32_t first = MIN(n, VS_STREAM_BUF - c->rx_head);
            memcpy(buf, vsd_stream_buf(c) + c->rx_head, first);
            memcpy((uint8_t *)buf + first, vsd_stream_buf(c), n - first);
            consumed(c, n);
            r = n;
            break;
        }
        if (c->peer_no_send || c->state == VS_RESET) {
            /* The end of the stream, or a reset that came without a shutdown first. */
            r = c->peer_no_send ? 0 : -ECONNRESET;
            break;
        }
        r = wait_unlocked();
    }
    vs_unlock();
    return r;
}

long vsock_write(long h, const void *buf, size_t len, long long off)
{
    if (off >= 0)
        return -ESPIPE;
    vs_lock();
    size_t sent = 0;
    long r = 0;
    while (!r && sent < len) {
        struct vs_conn *c = conn_of(h);
        if (!c) {
            r = -EBADF;
            break;
        }
        vsd_poll();
        if (c->state != VS_CONNECTED || c->peer_no_rcv) {
            r = -EPIPE;
            break;
        }
        uint32_t n = (uint32_t)MIN(MIN(len - sent, VS_PKT - VS_HDR), vsd_peer_credit(c));
        if (!n) {
            r = wait_unlocked();
            continue;
        }
        vsd_send(c, VIRTIO_VSOCK_OP_RW, 0, (const uint8_t *)buf + sent, n);
        sent += n;
    }
    vs_unlock();
    return sent ? (long)sent : r;
}

long vsock_close(long h)
{
    vs_lock();
    long r = 0;
    int l = listener_of(h);
    struct vs_conn *c = conn_of(h);
    if (l >= 0) {
        /* Streams it holds that were never accepted are refused now. */
        for (struct vs_conn *p; (p = first_pending(l));) {
            vsd_send(p, VIRTIO_VSOCK_OP_RST, 0, NULL, 0);
            vsd_conn_free(p);
        }
        vsd.listeners[l].used = false;
        vsd.listeners[l].gen++;
    } else if (!c) {
        r = -EBADF;
    } else if (c->state == VS_CONNECTED && !(c->peer_no_send && c->peer_no_rcv)) {
        vsd_send(c, VIRTIO_VSOCK_OP_SHUTDOWN, VIRTIO_VSOCK_SHUTDOWN_RCV | VIRTIO_VSOCK_SHUTDOWN_SEND, NULL, 0);
        c->state = VS_CLOSING;
    } else {
        if (c->state == VS_CONNECTED || c->state == VS_CONNECTING)
            vsd_send(c, VIRTIO_VSOCK_OP_RST, 0, NULL, 0);
        vsd_conn_free(c);
    }
    vs_unlock();
    return r;
}

int vsock_poll_ready(long h, short events)
{
    vs_lock();
    short rev = POLLNVAL;
    int l = listener_of(h);
    struct vs_conn *c = conn_of(h);
    if (l >= 0 || c)
        vsd_poll();
    if (l >= 0) {
        rev = first_pending(l) ? POLLIN : 0;
    } else if (c) {
        rev = 0;
        if (c->rx_len || c->peer_no_send || c->state == VS_RESET)
            rev |= POLLIN;
        /* Writable also when a write would fail at once (EPIPE), as Linux says. */
        if (c->state != VS_CONNECTING && (c->state != VS_CONNECTED || c->peer_no_rcv || vsd_peer_credit(c)))
            rev |= POLLOUT;
        if (c->state == VS_RESET || (c->peer_no_send && c->peer_no_rcv))
            rev |= POLLHUP;
        rev &= (short)(events | POLLHUP | POLLERR);
    }
    vs_unlock();
    return rev;
}

long vsock_nread(long h)
{
    vs_lock();
    struct vs_conn *c = conn_of(h);
    if (c)
        vsd_poll();
    long r = c ? (long)c->rx_len : -EBADF;
    vs_unlock();
    return r;
}
