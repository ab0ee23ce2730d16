/* HC_POLL: waits until one of a set of guest handles is ready, the timeout
 * passes, or the monitor has something for the guest itself.
 *
 * The wait blocks the PAL server thread (the guest's vCPU is parked
 * meanwhile).  Two more fds are always in the set so that such a wait ends
 * when it must: the VM's wakeup eventfd (vm_wakeup_fd: written by whoever has
 * an asynchronous event for the guest, a signal), which makes the call answer
 * -EINTR, and the VM's device news fd (vm_news_fd), which makes it
 * answer early so the PAL can look at its own streams.  Other calls that
 * wait on host fds wait the same way (pal_wait_any). */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "calls.h"
#include "core/pal_server.h"
#include "kvm/gpa.h"
#include "kvm/guest_mem.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/waiting.h"
#include "hypercall.h"

/* What the guest may ask the host to watch; POLLERR, POLLHUP and POLLNVAL are answers only. */
#define HOST_EVENTS (POLLIN | POLLPRI | POLLOUT | POLLRDNORM | POLLRDBAND | POLLWRNORM | POLLWRBAND | \
                     POLLMSG | POLLRDHUP)

/* ppoll over fds, restarted after a host signal with what is left of the
 * timeout (timeout_ns < 0: none).  -> ppoll's answer or -errno. */
static int wait_fds(struct pollfd *fds, nfds_t n, int64_t timeout_ns)
{
    uint64_t end = timeout_ns >= 0 ? monotonic_ns() + (uint64_t)timeout_ns : 0;
    if (timeout_ns)
        waiting_begin();
    int r;
    for (;;) {
        struct timespec left;
        if (timeout_ns >= 0) {
            uint64_t now = monotonic_ns();
            left = ns_to_timespec(end > now ? end - now : 0);
        }
        r = ppoll(fds, n, timeout_ns >= 0 ? &left : NULL, NULL);
        if (r < 0 && errno == EINTR)
            continue;
        r = r < 0 ? -errno : r;
        break;
    }
    if (timeout_ns)
        waiting_end();
    return r;
}

/* Both eventfds are non-blocking: if someone else drained one first, so be it. */
static void drain(int fd)
{
    uint64_t v;
    ssize_t n = read(fd, &v, sizeof v);
    (void)n;
}

static int64_t hc_poll(struct vm *vm, const uint64_t a[6])
{
    uint64_t n = a[1];
    int64_t timeout_ns = (int64_t)a[2];
    if (n > HC_POLL_MAX)
        return -EINVAL;
    /* One copy: the guest may rewrite the array while we wait. */
    struct hc_pollfd req[HC_POLL_MAX];
    struct pollfd host[HC_POLL_MAX + 2];
    if (gva_read(vm, a[0], req, n * sizeof *req))
        return -EFAULT;
    bool invalid = false;
    for (uint64_t i = 0; i < n; i++) {
        /* fd >= 0 exactly when we hold a reference on the handle. */
        int fd = req[i].handle < 0 ? -1 : handle_get(req[i].handle);
        host[i] = (struct pollfd){ .fd = fd < 0 ? -1 : fd, .events = (short)(req[i].events & HOST_EVENTS) };
        req[i].revents = req[i].handle >= 0 && fd < 0 ? POLLNVAL : 0;
        invalid |= req[i].revents != 0;
    }
    nfds_t m = n;
    int wake = vm_wakeup_fd(vm), news = vm_news_fd(vm);
    nfds_t wake_at = m, news_at = m + (wake >= 0);
    if (wake >= 0)
        host[m++] = (struct pollfd){ .fd = wake, .events = POLLIN };
    if (news >= 0)
        host[m++] = (struct pollfd){ .fd = news, .events = POLLIN };
    /* As poll(2): a handle that is not open is an answer already. */
    int r = wait_fds(host, m, invalid ? 0 : timeout_ns);
    for (uint64_t i = 0; i < n; i++)
        if (host[i].fd >= 0)
            handle_put(req[i].handle);
    if (r < 0)
        return r;
    int64_t ready = 0;
    for (uint64_t i = 0; i < n; i++) {
        short rev = req[i].revents | host[i].revents;
        ready += rev != 0;
        /* Only revents, as poll(2) writes back: the rest may have changed meanwhile. */
        uint64_t at = a[0] + i * sizeof(struct hc_pollfd) + offsetof(struct hc_pollfd, revents);
        if (gva_write(vm, at, &rev, sizeof rev))
            return -EFAULT;
    }
    /* Whoever wakes on vsock news resets it: the PAL looks at its streams next. */
    if (news >= 0 && (host[news_at].revents & POLLIN))
        drain(news);
    /* Ready streams win over the wakeup, which then stays for the next call. */
    if (!ready && wake >= 0 && (host[wake_at].revents & POLLIN)) {
        drain(wake);
        return -EINTR;
    }
    return ready;
}

int pal_wait_any(struct vm *vm, const int *fds, int n)
{
    struct pollfd host[PAL_WAIT_MAX + 2];
    if (n > PAL_WAIT_MAX)
        return -EINVAL;
    for (int i = 0; i < n; i++)
        host[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
    nfds_t m = (nfds_t)n;
    int wake = vm_wakeup_fd(vm), news = vm_news_fd(vm);
    if (wake >= 0)
        host[m++] = (struct pollfd){ .fd = wake, .events = POLLIN };
    if (news >= 0)
        host[m++] = (struct pollfd){ .fd = news, .events = POLLIN };
    int r = wait_fds(host, m, -1);
    if (r < 0)
        return r;
    for (int i = 0; i < n; i++)
        if (host[i].revents)
            return i;
    /* As hc_poll: the guest looks at its streams and its events next. */
    for (nfds_t i = (nfds_t)n; i < m; i++)
        if (host[i].revents & POLLIN)
            drain(host[i].fd);
    return -EINTR;
}

void pal_poll_setup(void)
{
    pal_register(HC_POLL, hc_poll);
}
