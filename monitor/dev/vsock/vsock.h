/* The virtio-vsock device (virtio 1.2 section 5.10) and the switch that
 * carries its streams between the monitors of one application.
 *
 * Each guest stream is one host Unix stream socket to the monitor of the
 * peer CID (vsock_switch.c); the device (vsock_dev.c) translates between that
 * socket's bytes and the guest's virtqueues, with virtio-vsock's credit-based
 * flow control towards the guest on each side.  vsock_vm.c ties the device
 * to a KVM VM (register exits, the QueueNotify ioeventfd, the device thread,
 * fork).  The files here build without KVM, for the unit test and fuzzer. */
#ifndef PICOVM_VSOCK_H
#define PICOVM_VSOCK_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include "dev/virtio/virtio_mmio.h"

#define VSOCK_HOST_CID   2          /* the host: nothing listens there */
#define VSOCK_FIRST_CID  3          /* pid 1's; pid N has CID N + 2 */
#define VSOCK_MAX_CONNS  64         /* streams of one device, incoming ones not yet accepted included */
#define VSOCK_DEV_BUF    (64u << 10) /* per stream: guest bytes the host socket has not taken yet */
#define VSOCK_MAX_RST    32         /* RSTs owed to the guest for packets that had no stream */
#define VSOCK_QUEUE_RX   0
#define VSOCK_QUEUE_TX   1
#define VSOCK_QUEUE_EVENT 2

/* Switch: what a connecting monitor sends first on the Unix stream; the
 * listening one answers one byte, 1 when its guest accepted, then both
 * sides carry the stream's bytes as they are. */
struct vsock_hello {
    uint8_t secret[16];   /* the application's, so that only its monitors get in */
    uint64_t src_cid;
    uint32_t src_port, dst_port;
};

/* The application's private directory of vsock sockets: the front makes it
 * before the split; it goes with the application (base/appdir.c). */
int vsock_switch_create(void);
int vsock_switch_listen(uint64_t cid);   /* -> nonblocking listening fd at <dir>/<cid>, or -errno */
/* -> a nonblocking fd connected to the monitor of dst_cid with the hello
 * sent, or -errno (no such CID, its backlog is full, no switch). */
int vsock_switch_connect(uint64_t src_cid, uint32_t src_port, uint64_t dst_cid, uint32_t dst_port);
bool vsock_switch_hello_ok(const struct vsock_hello *h);

enum vconn_state {
    VC_FREE,
    VC_CONNECTING,   /* guest's REQUEST: the peer monitor has not answered yet */
    VC_HELLO,        /* accepted socket: its hello is still coming */
    VC_ACCEPTING,    /* REQUEST given to the guest, its RESPONSE or RST awaited */
    VC_CONNECTED,
    VC_RST,          /* over: the guest is owed a RST, then the slot is free */
};

struct vsock_conn {
    enum vconn_state state;
    int fd;                    /* the Unix stream, -1 once closed */
    int pfd;                   /* its index in the last poll set, -1 if not in it */
    uint64_t peer_cid;
    uint32_t guest_port, peer_port;
    unsigned owed;             /* OWE_* packets the guest is owed */
    /* guest -> socket: a ring of bytes the socket has not taken yet */
    uint8_t *buf;
    uint32_t head, len;
    uint32_t fwd_cnt, fwd_told;   /* bytes taken by the socket; the count last told to the guest */
    bool guest_shut_send, guest_shut_rcv, shut_done;
    /* socket -> guest */
    uint32_t rx_cnt;              /* bytes given to the guest */
    uint32_t guest_buf_alloc, guest_fwd_cnt;
    bool readable;                /* the socket has data or an end we have not read */
    bool peer_eof, peer_gone;     /* the socket's read side ended; the peer closed it altogether */
    struct vsock_hello hello;     /* VC_HELLO: read so far */
    size_t hello_got;
};

struct vsock_dev {
    struct vm *vm;
    struct virtio_mmio mmio;
    uint64_t cid;
    int listen_fd;
    bool reset_event;             /* a TRANSPORT_RESET is owed to the driver */
    bool rx_starved;              /* something for the guest, no receive buffer */
    bool woke;                    /* something went into a used ring */
    bool news;                    /* ... and it was a packet for the guest */
    struct vsock_conn conns[VSOCK_MAX_CONNS];
    struct vsock_rst {
        uint64_t src_cid;
        uint32_t src_port, dst_port;
    } rst[VSOCK_MAX_RST];
    unsigned nrst;
};

/* listen_fd may be -1 (no switch: every connection is refused). */
void vsock_dev_init(struct vsock_dev *d, struct vm *vm, uint64_t cid, int listen_fd);
/* The device of a forked monitor: none of its parent's streams, a new CID
 * and listening socket, and a TRANSPORT_RESET event for the driver.  The
 * inherited sockets are closed, not shut down: they are still the parent's. */
void vsock_dev_forked(struct vsock_dev *d, struct vm *vm, uint64_t cid, int listen_fd);
void vsock_dev_close_all(struct vsock_dev *d);
/* The fds to wait on, fds[0] the listener; -> how many (max >= 1 + VSOCK_MAX_CONNS). */
int vsock_dev_pollfds(struct vsock_dev *d, struct pollfd *fds, int max);
/* One round of work on the queues and on the fds of that poll set ->
 * VSOCK_RUN_WAKE: a used ring moved (a waiting guest should look);
 * VSOCK_RUN_NEWS: a packet for the guest came (a busy guest should look);
 * VSOCK_RUN_AGAIN: work is left, poll without sleeping and run again. */
enum { VSOCK_RUN_WAKE = 1, VSOCK_RUN_AGAIN = 2, VSOCK_RUN_NEWS = 4 };
int vsock_dev_run(struct vsock_dev *d, const struct pollfd *fds, int n);

#endif
