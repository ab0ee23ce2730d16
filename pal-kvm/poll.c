/* Waiting on several streams at once.  Host handles are polled by the
 * monitor (HC_POLL); while it waits, the server thread is blocked and this
 * vCPU parks (hcall), so a long wait costs no host CPU.  vsock handles are
 * this PAL's own: the driver says what they are ready for (vsock_poll_ready),
 * and HC_POLL returns early when vsock traffic arrives, so they are looked at
 * again after every wait.  An early return with nothing ready answers 0: the
 * caller keeps its own deadline and polls again. */
#include "pal_kvm.h"
#include <asm/errno.h>

/* The library OS's array goes to the monitor as is (contract.c). */
/* The vsock entries' revents now: -> how many are ready. */
static long vsock_ready(struct pal_poll *fds, const uint64_t *ours, int n)
{
    long ready = 0;
    for (int i = 0; i < n; i++) {
        if (!(ours[i / 64] & (1ull << (i % 64))))
            continue;
        fds[i].revents = (short)vsock_poll_ready(fds[i].handle, fds[i].events);
        ready += fds[i].revents != 0;
    }
    return ready;
}

/* Hides the vsock handles from the monitor, which skips negative ones, or
 * shows them again. */
static void flip(struct pal_poll *fds, const uint64_t *ours, int n)
{
    for (int i = 0; i < n; i++)
        if (ours[i / 64] & (1ull << (i % 64)))
            fds[i].handle = ~fds[i].handle;
}

/* A poll that may wait parks this vCPU at once rather than spinning first:
 * what it waits for is most often another picoprocess, which needs the CPU
 * a spinning vCPU would take from it. */
static long poll_call(struct pal_poll *fds, int n, long long timeout_ns)
{
    return hcall_parked(HC_POLL, (uint64_t)fds, (uint64_t)n, (uint64_t)timeout_ns, 0, timeout_ns != 0);
}

long kvm_stream_poll(struct pal_poll *fds, int n, long long timeout_ns)
{
    if (n < 0 || n > HC_POLL_MAX)
        return -EINVAL;
    uint64_t ours[HC_POLL_MAX / 64] = { 0 };
    bool any = false;
    for (int i = 0; i < n; i++) {
        if (vsock_handle(fds[i].handle)) {
            ours[i / 64] |= 1ull << (i % 64);
            any = true;
        }
    }
    if (!any)
        return poll_call(fds, n, timeout_ns);
    /* Something of ours ready already: the monitor's streams get one look. */
    long ready = vsock_ready(fds, ours, n);
    flip(fds, ours, n);
    long r = poll_call(fds, n, ready ? 0 : timeout_ns);
    flip(fds, ours, n);
    ready = vsock_ready(fds, ours, n);
    if (r < 0)
        return ready ? ready : r;
    return r + ready;
}
