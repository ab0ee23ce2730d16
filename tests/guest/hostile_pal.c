// PICOVM-ONLY
// EXPECT-EXIT: 0
// A hostile program: it bypasses the library OS and makes raw PAL calls
// through the call page, with bad addresses, lengths, handles, numbers and
// URIs.  The monitor must answer each with an error and stay up.  Under
// picovm the program runs at CPL3 with IOPL 3, so it may ring the doorbell
// (always, unlike the PAL, which rings only while the server sleeps).
// Needs T_RO and T_RW mounted (their host URIs are read from the boot-info
// page), and $T_RW/escape-link -> /etc/passwd made by the harness.
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "bootinfo.h"
#include "hypercall.h"
#include "layout.h"

#define OUTSIDE_RAM 0xdead0000000ull
#define PTE 7ull            /* present, writable, user */
#define PTE_HUGE 0x80ull
/* PML4 slots far from anything the program or picovm maps (100 TB up), and a
 * free page of picovm's low area (mapped VA == PA) to forge a table in. */
#define SLOT 200
#define SLOT_VA(i) ((uint64_t)(i) << 39)
#define FORGED_TABLE 0x9000ull

static int failures;

static long long hc(unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct hc_slot *s = &((struct hc_page *)GPA_CALLPAGE)->slot[0];
    s->nr = nr;
    s->args[0] = a0;
    s->args[1] = a1;
    s->args[2] = a2;
    s->args[3] = a3;
    s->args[4] = 0;
    s->args[5] = 0;
    __atomic_store_n(&s->state, HC_REQ, __ATOMIC_RELEASE);
    __asm__ volatile("outb %%al, %%dx" : : "a"(0), "d"((uint16_t)PORT_DOORBELL) : "memory");
    while (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != HC_DONE)
        __builtin_ia32_pause();
    long long ret = s->ret;
    __atomic_store_n(&s->state, HC_FREE, __ATOMIC_RELEASE);
    return ret;
}

static void expect(const char *name, long long ret, int ok)
{
    if (ok) {
        printf("ok %s\n", name);
        return;
    }
    printf("FAIL %s: ret=%lld\n", name, ret);
    failures++;
}

#define EXPECT_ERR(name, call, err) do { long long r_ = (call); expect((name), r_, r_ == -(err)); } while (0)
#define EXPECT_NEG(name, call) do { long long r_ = (call); expect((name), r_, r_ < 0); } while (0)

static uint64_t ptr(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* Host URI of the chroot mount whose guest path is $var, without a trailing '/'. */
static const char *mount_uri(const struct bootinfo *bi, const char *var, char *out, size_t size)
{
    const char *want = getenv(var);
    for (uint64_t i = 0; want && i < bi->nmounts && i < BOOTINFO_MAX_MOUNTS; i++) {
        const char *guest = (const char *)(uintptr_t)bi->mounts[i].guest_path;
        if (bi->mounts[i].type != MOUNT_CHROOT || strcmp(guest, want))
            continue;
        snprintf(out, size, "%s", (const char *)(uintptr_t)bi->mounts[i].host_uri);
        size_t n = strlen(out);
        while (n > 6 && out[n - 1] == '/')
            out[--n] = 0;
        return out;
    }
    printf("FAIL setup: no chroot mount for %s in the boot info\n", var);
    exit(1);
}

static const char *join(const char *uri, const char *rest)
{
    static char buf[4][1200];
    static int next;
    next = (next + 1) % 4;
    snprintf(buf[next], sizeof buf[0], "%s%s", uri, rest);
    return buf[next];
}

static long long open_uri(const char *uri, int flags)
{
    return hc(HC_OPEN, ptr(uri), strlen(uri), (uint64_t)flags, 0);
}

int main(void)
{
    const struct bootinfo *bi = (const struct bootinfo *)GPA_BOOTINFO;
    struct hc_slot *slot = &((struct hc_page *)GPA_CALLPAGE)->slot[0];
    if (bi->magic != BOOTINFO_MAGIC || bi->version != BOOTINFO_VERSION || bi->ram_size < GUEST_RAM_MIN) {
        printf("FAIL setup: no boot-info page at %#llx\n", GPA_BOOTINFO);
        return 1;
    }
    expect("slot-free", slot->state, slot->state == HC_FREE);
    const uint64_t ram_end = bi->ram_size;
    char ro_buf[1024], rw_buf[1024];
    const char *ro = mount_uri(bi, "T_RO", ro_buf, sizeof ro_buf);
    const char *rw = mount_uri(bi, "T_RW", rw_buf, sizeof rw_buf);
    char buf[64];
    struct hc_stat st;

    /* A well-formed call first, so the errors below are about the bad argument. */
    long long h = open_uri(join(ro, "/hello.txt"), O_RDONLY);
    expect("open-fixture", h, h >= 0);
    memset(buf, 0, sizeof buf);
    long long n = hc(HC_READ, (uint64_t)h, ptr(buf), sizeof buf, 0);
    expect("read-fixture", n, n == 14 && !memcmp(buf, "hello, picovm\n", 14));

    /* Bad guest addresses and lengths. */
    EXPECT_ERR("read-outside-ram-efault", hc(HC_READ, (uint64_t)h, OUTSIDE_RAM, 16, 0), EFAULT);
    EXPECT_ERR("read-wraparound-efault", hc(HC_READ, (uint64_t)h, 0xfffffffffffff000ull, 0x2000, 0), EFAULT);
    EXPECT_ERR("read-straddles-ram-end-efault", hc(HC_READ, (uint64_t)h, ram_end - 4, 16, 0), EFAULT);
    EXPECT_NEG("write-huge-len", hc(HC_WRITE, 1, ptr(buf), 1ull << 40, (uint64_t)-1));
    EXPECT_ERR("fstat-outside-ram-efault", hc(HC_FSTAT, (uint64_t)h, OUTSIDE_RAM, 0, 0), EFAULT);
    EXPECT_ERR("open-uri-outside-ram-efault", hc(HC_OPEN, 0xfffffffff000ull, 16, O_RDONLY, 0), EFAULT);
    EXPECT_ERR("open-uri-straddles-ram-end-efault", hc(HC_OPEN, ram_end - 8, 64, O_RDONLY, 0), EFAULT);
    const char *stat_uri = join(ro, "/hello.txt");
    EXPECT_ERR("stat-buffer-straddles-ram-end-efault",
               hc(HC_STAT, ptr(stat_uri), strlen(stat_uri), ram_end - sizeof st / 2, 0), EFAULT);
    const char *link_uri = join(ro, "/link-to-hello");
    EXPECT_ERR("readlink-buffer-outside-ram-efault",
               hc(HC_READLINK, ptr(link_uri), strlen(link_uri), OUTSIDE_RAM, 64), EFAULT);
    EXPECT_ERR("random-outside-ram-efault", hc(HC_RANDOM, OUTSIDE_RAM, 16, 0, 0), EFAULT);
    static char long_uri[HC_MAX_URI + 64];
    memset(long_uri, 'a', sizeof long_uri - 1);
    memcpy(long_uri, "file:/", 6);
    EXPECT_NEG("open-uri-too-long", hc(HC_OPEN, ptr(long_uri), sizeof long_uri - 1, O_RDONLY, 0));

    /* Policy: nothing outside the mounts, nothing written to a read-only one. */
    EXPECT_ERR("open-unmounted-eacces", open_uri("file:/etc/passwd", O_RDONLY), EACCES);
    EXPECT_NEG("open-dotdot-escape", open_uri(join(ro, "/../../../../../../../etc/passwd"), O_RDONLY));
    EXPECT_NEG("open-symlink-escape", open_uri(join(rw, "/escape-link"), O_RDONLY));
    EXPECT_NEG("open-ro-mount-for-write", open_uri(join(ro, "/hello.txt"), O_WRONLY));
    EXPECT_NEG("open-ro-mount-create", open_uri(join(ro, "/new"), O_WRONLY | O_CREAT));
    const char *outside = "file:/etc/passwd";
    EXPECT_NEG("stat-unmounted", hc(HC_STAT, ptr(outside), strlen(outside), ptr(&st), 0));

    /* Hostile page tables: the monitor walks them for every buffer, and must
     * answer -EFAULT whatever they say, never follow them out of RAM or loop. */
    char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    expect("two-pages", 0, two != MAP_FAILED && munmap(two + 4096, 4096) == 0);
    EXPECT_ERR("read-spans-unmapped-page-efault", hc(HC_READ, (uint64_t)h, ptr(two + 4096 - 8), 16, 0), EFAULT);
    EXPECT_ERR("stat-result-spans-unmapped-page-efault",
               hc(HC_STAT, ptr(stat_uri), strlen(stat_uri), ptr(two + 4096 - 16), 0), EFAULT);
    volatile uint64_t *pml4 = (volatile uint64_t *)GPA_PML4;
    volatile uint64_t *forged = (volatile uint64_t *)FORGED_TABLE;
    pml4[SLOT] = OUTSIDE_RAM | PTE;
    EXPECT_ERR("table-outside-ram-efault", hc(HC_READ, (uint64_t)h, SLOT_VA(SLOT), 16, 0), EFAULT);
    pml4[SLOT] = GPA_MMIO | PTE;
    EXPECT_ERR("table-in-device-registers-efault", hc(HC_READ, (uint64_t)h, SLOT_VA(SLOT), 16, 0), EFAULT);
    pml4[SLOT] = FORGED_TABLE | PTE | PTE_HUGE;
    EXPECT_ERR("huge-pml4-entry-efault", hc(HC_READ, (uint64_t)h, SLOT_VA(SLOT), 16, 0), EFAULT);
    /* A forged directory: a 1 GB page outside RAM, one in the device registers, one absent. */
    pml4[SLOT] = FORGED_TABLE | PTE;
    forged[0] = OUTSIDE_RAM | PTE | PTE_HUGE;
    forged[1] = GPA_MMIO | PTE | PTE_HUGE;
    EXPECT_ERR("gb-page-outside-ram-efault", hc(HC_READ, (uint64_t)h, SLOT_VA(SLOT), 16, 0), EFAULT);
    EXPECT_ERR("gb-page-in-device-registers-efault",
               hc(HC_READ, (uint64_t)h, SLOT_VA(SLOT) + (1ull << 30), 16, 0), EFAULT);
    EXPECT_ERR("absent-entry-efault", hc(HC_READ, (uint64_t)h, SLOT_VA(SLOT) + (2ull << 30), 16, 0), EFAULT);
    /* A cycle: the entry names the root itself, at every level.  Only read
     * through it (the leaf is the root's own page). */
    pml4[SLOT] = GPA_PML4 | PTE;
    uint64_t cyclic = SLOT_VA(SLOT) | (uint64_t)SLOT << 30 | (uint64_t)SLOT << 21 | (uint64_t)SLOT << 12;
    EXPECT_NEG("cyclic-table-answers", hc(HC_OPEN, cyclic, 64, O_RDONLY, 0));
    pml4[SLOT] = 0;
    forged[0] = forged[1] = 0;
    munmap(two, 4096);

    /* Bad numbers, handles and ranges. */
    EXPECT_ERR("unknown-call-enosys", hc(9999, 0, 0, 0, 0), ENOSYS);
    EXPECT_ERR("call-zero-enosys", hc(0, 0, 0, 0, 0), ENOSYS);
    EXPECT_ERR("call-nr-calls-enosys", hc(HC_NR_CALLS, 0, 0, 0, 0), ENOSYS);
    EXPECT_ERR("close-bad-handle-ebadf", hc(HC_CLOSE, 123456, 0, 0, 0), EBADF);
    EXPECT_ERR("close-negative-handle-ebadf", hc(HC_CLOSE, (uint64_t)-1, 0, 0, 0), EBADF);
    EXPECT_ERR("vm-free-picovm-area-einval", hc(HC_VM_FREE, 0x1000, 0x1000, 0, 0), EINVAL);
    EXPECT_NEG("vm-free-beyond-ram", hc(HC_VM_FREE, ram_end - 0x1000, 0x10000, 0, 0));
    expect("close-fixture", 0, hc(HC_CLOSE, (uint64_t)h, 0, 0, 0) == 0);
    EXPECT_ERR("read-closed-handle-ebadf", hc(HC_READ, (uint64_t)h, ptr(buf), sizeof buf, 0), EBADF);

    static const char up[] = "monitor still up\n";
    fflush(stdout);
    if (write(1, up, sizeof up - 1) != (ssize_t)(sizeof up - 1))
        failures++;
    return failures ? 1 : 0;
}
