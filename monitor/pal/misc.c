/* PAL calls that touch no file: debug log, random bytes, sleep (which an
 * event for the guest ends early, see upcall.c), giving guest pages back to
 * the host. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include "calls.h"
#include "core/pal_server.h"
#include "core/upcall.h"
#include "kvm/gpa.h"
#include "kvm/guest_mem.h"
#include "base/clock.h"
#include "base/log.h"
#include "hypercall.h"
#include "layout.h"

/* A log line is a debugging aid, not a data path: longer messages are cut. */
#define LOG_MSG_MAX 4096
/* Random bytes go to at most this many segments of the guest buffer at a time. */
#define RANDOM_IOV 64
/* Longer sleeps are the PAL's to split: a server thread is not parked for days. */
#define SLEEP_MAX_NS (86400ull * NSEC_PER_SEC)

static void write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

static int64_t hc_log(struct vm *vm, const uint64_t a[6])
{
    static const char *const level_names[] = {
        [LOG_ERROR] = "error", [LOG_WARNING] = "warning", [LOG_INFO] = "info",
        [LOG_DEBUG] = "debug", [LOG_TRACE] = "trace",
    };
    if (a[0] > LOG_TRACE)
        return -EINVAL;
    size_t len = a[2] > LOG_MSG_MAX ? LOG_MSG_MAX : a[2];
    /* One write per line, so lines of concurrent callers do not interleave. */
    char line[LOG_MSG_MAX + 32];
    int n = snprintf(line, sizeof line, "[picovm] %s: ", level_names[a[0]]);
    if (gva_read(vm, a[1], line + n, len))
        return -EFAULT;
    if ((int)a[0] > monitor_log_level)
        return 0;
    n += (int)len;
    if (line[n - 1] != '\n')
        line[n++] = '\n';
    write_all(2, line, (size_t)n);
    return 0;
}

static int fill_random(uint8_t *buf, size_t len)
{
    for (size_t done = 0; done < len;) {
        ssize_t n = getrandom(buf + done, len - done, 0);
        if (n < 0 && errno != EINTR)
            return -1;
        if (n > 0)
            done += (size_t)n;
    }
    return 0;
}

static int64_t hc_random(struct vm *vm, const uint64_t a[6])
{
    uint64_t len = a[1];
    if (len > HC_MAX_IO)
        return -EINVAL;
    for (uint64_t done = 0; done < len;) {
        struct iovec iov[RANDOM_IOV];
        uint64_t bytes;
        int cnt = gva_iov(vm, a[0] + done, len - done, true, iov, RANDOM_IOV, &bytes);
        if (cnt < 0)
            return cnt;
        for (int i = 0; i < cnt; i++)
            if (fill_random(iov[i].iov_base, iov[i].iov_len))
                return -errno;
        done += bytes;
    }
    return (int64_t)len;
}

static int64_t hc_sleep(struct vm *vm, const uint64_t a[6])
{
    if (a[0] > SLEEP_MAX_NS)
        return -EINVAL;
    /* An absolute deadline: a retry after EINTR sleeps only what is left. */
    struct timespec t = ns_to_timespec(monotonic_ns() + a[0]);
    /* Ends early with -EINTR for an event for the guest (a signal). */
    return upcall_sleep_until(vm, &t);
}

/* Physical pages, unlike every other call's addresses: the guest's page
 * allocator knows which frames it no longer uses, whatever maps them. */
static int64_t hc_vm_free(struct vm *vm, const uint64_t a[6])
{
    uint64_t addr = a[0], len = a[1];
    /* Below GPA_RAM_POOL lie page tables, call page and the guest image. */
    if (len == 0 || ((addr | len) & (GUEST_PAGE_SIZE - 1)) || addr < GPA_RAM_POOL)
        return -EINVAL;
    /* Guest RAM is a private anonymous mapping: dropped pages read as zero. */
    void *host = gpa_ram(vm, addr, len);
    if (host)
        return madvise(host, len, MADV_DONTNEED) ? -errno : 0;
    /* The shared memory is a memfd that other picoprocesses map too: only a
     * hole punched in the file frees its pages for all of them. */
    host = gpa_range(vm, addr, len);
    if (!host)
        return -EFAULT;
    return madvise(host, len, MADV_REMOVE) ? -errno : 0;
}

static int64_t hc_vm_grow(struct vm *vm, const uint64_t a[6]) { return vm_grow(vm, a[0]); }

void pal_misc_setup(void)
{
    pal_register(HC_LOG, hc_log);
    pal_register(HC_RANDOM, hc_random);
    pal_register(HC_SLEEP, hc_sleep);
    pal_register(HC_VM_FREE, hc_vm_free);
    pal_register(HC_VM_GROW, hc_vm_grow);
}
