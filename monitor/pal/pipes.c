/* PAL pipes: a host pipe, each end a guest handle.  The monitor ignores
 * SIGPIPE (main.c), so a write with no reader left answers -EPIPE and the
 * library OS raises the guest's own SIGPIPE. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "calls.h"
#include "core/pal_server.h"
#include "kvm/guest_mem.h"
#include "hypercall.h"

#define PIPE_FLAGS (O_NONBLOCK | O_CLOEXEC | O_DIRECT)

static int64_t hc_pipe(struct vm *vm, const uint64_t a[6])
{
    int flags = (int)(uint32_t)a[1];
    if (flags & ~PIPE_FLAGS)
        return -EINVAL;
    /* Found writable before the pipe exists, so a bad address leaks nothing. */
    int64_t h[2];
    struct iovec out[GVA_PAGES(sizeof h)];
    uint64_t bytes;
    if (gva_iov(vm, a[0], sizeof h, true, out, GVA_PAGES(sizeof h), &bytes) < 0)
        return -EFAULT;
    int fds[2];
    /* The monitor never executes anything: close-on-exec whatever the guest asked. */
    if (pipe2(fds, (flags & ~O_CLOEXEC) | O_CLOEXEC))
        return -errno;
    int rd = handle_alloc(fds[0]);
    if (rd < 0) {
        close(fds[0]);
        close(fds[1]);
        return rd;
    }
    int wr = handle_alloc(fds[1]);
    if (wr < 0) {
        handle_free(rd);
        close(fds[1]);
        return wr;
    }
    h[0] = rd;
    h[1] = wr;
    iov_fill(out, h, sizeof h);
    return 0;
}

static int64_t hc_nread(struct vm *vm, int fd, const uint64_t a[6])
{
    (void)vm;
    (void)a;
    int n;
    return ioctl(fd, FIONREAD, &n) ? -errno : n;
}

/* The monitor may be privileged, the guest is not: it gets no more than an
 * unprivileged Linux process, however much the host would allow. */
static int64_t hc_pipe_size(struct vm *vm, int fd, const uint64_t a[6])
{
    (void)vm;
    if (a[1] > HC_PIPE_MAX_SIZE)
        return -EPERM;
    int r = a[1] ? fcntl(fd, F_SETPIPE_SZ, (int)a[1]) : fcntl(fd, F_GETPIPE_SZ);
    return r < 0 ? -errno : r;
}

void pal_pipes_setup(void)
{
    pal_register(HC_PIPE, hc_pipe);
    pal_register_fd(HC_NREAD, hc_nread);
    pal_register_fd(HC_PIPE_SIZE, hc_pipe_size);
}
