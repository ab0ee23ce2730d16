/* Waiting on several streams at once.  The monitor polls the host fds behind
 * the handles; while it waits the server thread is blocked and this vCPU
 * parks (hcall), so a long wait costs no host CPU. */
#include "pal_kvm.h"
#include <stddef.h>

/* The library OS's array goes to the monitor as is. */
_Static_assert(sizeof(struct pal_poll) == sizeof(struct hc_pollfd), "pal_poll size");
_Static_assert(offsetof(struct pal_poll, handle) == offsetof(struct hc_pollfd, handle), "pal_poll handle");
_Static_assert(offsetof(struct pal_poll, events) == offsetof(struct hc_pollfd, events), "pal_poll events");
_Static_assert(offsetof(struct pal_poll, revents) == offsetof(struct hc_pollfd, revents), "pal_poll revents");

/* vsock handles are not host fds: once the vsock driver is in, their
 * readiness comes from it (vsock_poll_ready) and the monitor's poll only
 * wakes us when vsock traffic arrives (HC_POLL then returns early, and the
 * caller, which keeps its own deadline, polls again).  That split belongs
 * here, before the hypercall; until then every handle is a host handle. */
long kvm_stream_poll(struct pal_poll *fds, int n, long long timeout_ns)
{
    if (n < 0 || n > HC_POLL_MAX)
        return -EINVAL;
    return hcall(HC_POLL, (uint64_t)fds, (uint64_t)n, (uint64_t)timeout_ns, 0);
}
