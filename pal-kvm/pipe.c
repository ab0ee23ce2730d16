/* PAL pipes: host pipes whose two ends are ordinary stream handles; and
 * the bytes waiting on a stream, host or vsock. */
#include "pal_kvm.h"

long kvm_stream_pipe(long handles[2], int flags)
{
    /* On the stack: guest memory is identity mapped, so its address is the GPA. */
    int64_t h[2];
    long r = hcall(HC_PIPE, (uint64_t)h, (uint64_t)(unsigned int)flags, 0, 0);
    if (r == 0) {
        handles[0] = h[0];
        handles[1] = h[1];
    }
    return r;
}

long kvm_stream_nread(long handle)
{
    return vsock_handle(handle) ? vsock_nread(handle) : hcall(HC_NREAD, handle, 0, 0, 0);
}
