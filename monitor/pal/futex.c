/* HC_FUTEX: futexes on memory that picoprocesses share.  The guest word is
 * a word of the host's own mapping of guest memory, so the host kernel's
 * futex does the work: without FUTEX_PRIVATE_FLAG it keys a word of the
 * shared memory (a MAP_SHARED memfd) by its file page, and a wait in one
 * monitor is woken by a wake in another monitor of the application.  A word
 * in private RAM is keyed by this monitor's address space, so it still works
 * within the picoprocess.
 *
 * A wait blocks the PAL server thread, with the guest's vCPU parked, as
 * HC_SLEEP and HC_POLL do, and holds no monitor lock while it sleeps; an
 * event for the guest ends it (upcall_futex_wait). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "calls.h"
#include "core/pal_server.h"
#include "core/upcall.h"
#include "kvm/guest_mem.h"
#include "base/clock.h"
#include "hypercall.h"

static int64_t futex_wake(uint32_t *word, uint64_t count)
{
    long r = syscall(SYS_futex, word, FUTEX_WAKE, count > INT_MAX ? INT_MAX : (int)count, NULL, NULL, 0);
    return r < 0 ? -errno : r;
}

/* REQUEUE, CMP_REQUEUE, WAKE_OP on the host's futexes of two guest words
 * (WAKE_OP writes the second: it must be writable). */
static int64_t two_words(struct vm *vm, const uint64_t a[6], uint32_t *word)
{
    uint64_t op = a[0], va2 = a[4], bytes;
    struct iovec word2;
    if ((va2 & 3) || a[2] > INT_MAX || a[3] > INT_MAX ||
        gva_iov(vm, va2, sizeof(uint32_t), op == HC_FUTEX_WAKE_OP, &word2, 1, &bytes) < 0)
        return va2 & 3 ? -EINVAL : a[2] > INT_MAX || a[3] > INT_MAX ? -EINVAL : -EFAULT;
    int host_op = op == HC_FUTEX_REQUEUE ? FUTEX_REQUEUE : op == HC_FUTEX_CMP_REQUEUE ? FUTEX_CMP_REQUEUE : FUTEX_WAKE_OP;
    long r = syscall(SYS_futex, word, host_op, (int)a[2], (unsigned long)a[3], word2.iov_base, (uint32_t)a[5]);
    return r < 0 ? -errno : r;
}

static int64_t hc_futex(struct vm *vm, const uint64_t a[6])
{
    uint64_t op = a[0], va = a[1];
    bool two = op == HC_FUTEX_REQUEUE || op == HC_FUTEX_CMP_REQUEUE || op == HC_FUTEX_WAKE_OP;
    if ((op != HC_FUTEX_WAIT && op != HC_FUTEX_WAKE && !two) || (va & 3))
        return -EINVAL;
    /* An aligned word never crosses a page: one iovec.  Only mapped is
     * asked: a wait reads the word, a wake does not even do that. */
    struct iovec word;
    uint64_t bytes;
    if (gva_iov(vm, va, sizeof(uint32_t), op == HC_FUTEX_WAKE_OP, &word, 1, &bytes) < 0)
        return -EFAULT;
    if (two)
        return two_words(vm, a, word.iov_base);
    if (op == HC_FUTEX_WAKE)
        return futex_wake(word.iov_base, a[3]);
    int64_t timeout_ns = (int64_t)a[3];
    struct timespec deadline = ns_to_timespec(monotonic_ns() + (uint64_t)timeout_ns);
    return upcall_futex_wait(vm, word.iov_base, (uint32_t)a[2], timeout_ns < 0 ? NULL : &deadline);
}

void pal_futex_setup(void)
{
    pal_register(HC_FUTEX, hc_futex);
}
