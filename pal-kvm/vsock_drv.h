/* pal-kvm's virtio-vsock driver, shared by vsock_drv.c (the device and the
 * vsock protocol) and vsock_stream.c (the PAL calls on vsock streams).
 *
 * The device is set up on first use, not at boot: the setup is some forty
 * register accesses, each a VM exit, which a program that never talks to
 * another picoprocess should not pay for.  A forked child inherits the
 * driver as it was, and the device tells it with a TRANSPORT_RESET event
 * that its streams are gone and its CID changed.
 *
 * Nothing happens behind the library OS's back (the guest takes no
 * interrupts): every call first takes in what the device has put in the used
 * rings (vsd_poll), and a call that has to wait spins briefly on the rings,
 * then sleeps in the monitor (vsd_wait). */
#ifndef PICOVM_VSOCK_DRV_H
#define PICOVM_VSOCK_DRV_H

#include "pal_kvm.h"
#include "virtio.h"
#include <linux/virtio_vsock.h>

#define VS_CONNS      32
#define VS_LISTENERS  16
#define VS_BACKLOG    16          /* incoming streams one listener holds until they are accepted */
#define VS_STREAM_BUF 8192u       /* per stream: received bytes not read yet (our buf_alloc) */
#define VS_PKT        4096u       /* one packet buffer: header and payload */
#define VS_HDR        sizeof(struct virtio_vsock_hdr)
#define VS_RX_N       32
#define VS_TX_N       16
#define VS_EV_N       4

enum vs_state {
    VS_FREE,
    VS_CONNECTING,   /* REQUEST sent */
    VS_CONNECTED,
    VS_CLOSING,      /* closed by the library OS, full SHUTDOWN sent: the slot goes with the peer's RST */
    VS_RESET,        /* refused or reset: reads and writes fail, the handle stays until closed */
};

struct vs_conn {
    enum vs_state state;
    uint16_t gen;                 /* part of the handle, so a stale handle misses a reused slot */
    bool accepted;                /* the library OS has its handle */
    bool peer_no_send, peer_no_rcv;   /* the peer's SHUTDOWN flags */
    int listener;                 /* arrived on this listener and not accepted yet, else -1 */
    uint32_t seq;                 /* arrival order, for accept */
    uint64_t peer_cid;
    uint32_t local_port, peer_port;
    uint32_t rx_head, rx_len;     /* unread bytes in the stream buffer */
    uint32_t fwd_cnt, fwd_told;   /* bytes the library OS read; the count last told to the peer */
    uint32_t peer_buf_alloc, peer_fwd_cnt, tx_cnt;
};

struct vs_listener {
    bool used;
    uint16_t gen;
    uint32_t port;
};

struct vs_driver {
    int status;                   /* 0: not set up yet, 1: up, < 0: no device (-ENODEV) */
    bool intr;                    /* a wait was ended by a signal the caller has not reported */
    uint64_t cid;
    struct virtq_drv rx, tx, ev;
    uint16_t tx_free[VS_TX_N];
    unsigned ntx_free;
    struct vs_conn conns[VS_CONNS];
    struct vs_listener listeners[VS_LISTENERS];
    uint32_t next_port, next_seq;
};

extern struct vs_driver vsd;

int vsd_start(void);              /* -> 0, or -ENODEV without a device */
void vsd_poll(void);
/* Waits (spinning, then asleep in the monitor) until the device has news,
 * a signal comes (-> VSOCK_WAIT_INTR, also remembered in vsd.intr) or a
 * while passed. */
int vsd_wait(void);
/* Sends one packet on c; waits for a free transmit buffer if need be. */
void vsd_send(struct vs_conn *c, uint16_t op, uint32_t flags, const void *data, uint32_t len);
uint32_t vsd_peer_credit(const struct vs_conn *c);
uint8_t *vsd_stream_buf(const struct vs_conn *c);
void vsd_conn_free(struct vs_conn *c);
struct vs_conn *vsd_conn_alloc(void);
uint32_t vsd_free_port(void);

#endif
