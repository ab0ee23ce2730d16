// UNIT-SOURCES: monitor/kvm/guest_mem.c
/* The page-table walker (kvm/guest_mem.c) over the fake VM's page tables:
 * contiguous and scattered buffers, 4 KB, 2 MB and 1 GB pages, read-only
 * and absent pages, non-canonical addresses, hostile tables (outside RAM, in
 * the shared memory or device registers, cycles) and huge lengths. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "kvm/guest_mem.h"
#include "expect.h"
#include "fake_vm.h"

#define RAM_SIZE (8ull << 20)
#define HIGH     0x7f1234560000ull   /* pages mapped one by one */
#define FRAME(i) (0x200000ull + (i) * GUEST_PAGE_SIZE)
#define PAGE     GUEST_PAGE_SIZE

static struct vm vm;

static int iov(uint64_t va, uint64_t len, bool write, struct iovec *v, int max, uint64_t *bytes)
{
    return gva_iov(&vm, va, len, write, v, max, bytes);
}

static void test_identity(void)
{
    struct iovec v[4];
    uint64_t bytes;
    EXPECT_EQ(iov(0x20000, 3 * PAGE + 5, true, v, 4, &bytes), 1);
    EXPECT(v[0].iov_base == vm.ram + 0x20000 && v[0].iov_len == 3 * PAGE + 5, "one segment in place");
    EXPECT_EQ(bytes, 3 * PAGE + 5);
    EXPECT_EQ(iov(0x1000, 0, true, v, 4, &bytes), 0);
    EXPECT_EQ(bytes, 0);
    /* Past the end of RAM nothing is mapped. */
    EXPECT_EQ(iov(RAM_SIZE - 8, 16, false, v, 4, &bytes), -EFAULT);
    EXPECT_EQ(iov(RAM_SIZE, 1, false, v, 4, &bytes), -EFAULT);
}

/* HIGH + page i -> frame order[i]: 0 and 1 contiguous, then scattered. */
static void test_scattered(void)
{
    static const int order[] = { 5, 6, 2, 9 };
    for (int i = 0; i < 4; i++)
        fake_vm_map_page(&vm, HIGH + i * PAGE, FRAME(order[i]), 1, PTE_RW);
    struct iovec v[8];
    uint64_t bytes;
    EXPECT_EQ(iov(HIGH + 100, 4 * PAGE - 200, true, v, 8, &bytes), 3);
    EXPECT(v[0].iov_base == vm.ram + FRAME(5) + 100 && v[0].iov_len == 2 * PAGE - 100, "coalesced pages");
    EXPECT(v[1].iov_base == vm.ram + FRAME(2) && v[1].iov_len == PAGE, "third page");
    EXPECT(v[2].iov_base == vm.ram + FRAME(9) && v[2].iov_len == PAGE - 100, "fourth page");
    /* Fewer iovecs than segments: a shorter range, no fault. */
    EXPECT_EQ(iov(HIGH, 4 * PAGE, true, v, 2, &bytes), 2);
    EXPECT_EQ(bytes, 3 * PAGE);
    /* Copies land in the right frames. */
    char text[4 * PAGE];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)(i * 7 + i / PAGE);
    EXPECT_EQ(gva_write(&vm, HIGH, text, sizeof text), 0);
    for (int i = 0; i < 4; i++)
        EXPECT(memcmp(vm.ram + FRAME(order[i]), text + i * PAGE, PAGE) == 0, "frame of page %d", i);
    char back[4 * PAGE];
    EXPECT_EQ(gva_read(&vm, HIGH, back, sizeof back), 0);
    EXPECT(memcmp(back, text, sizeof text) == 0, "read back");
    /* A buffer over a hole: page 5 is not mapped, page 6 is. */
    fake_vm_map_page(&vm, HIGH + 6 * PAGE, FRAME(12), 1, PTE_RW);
    EXPECT_EQ(iov(HIGH + 3 * PAGE, 3 * PAGE + 1, false, v, 8, &bytes), -EFAULT);
    EXPECT_EQ(gva_read(&vm, HIGH + 4 * PAGE - 1, back, 2), -EFAULT);
    EXPECT_EQ(gva_write(&vm, HIGH + 5 * PAGE, text, 1), -EFAULT);
    /* The hole beyond what max lets it cover is the next call's business. */
    EXPECT_EQ(iov(HIGH + 2 * PAGE, 4 * PAGE, false, v, 2, &bytes), 2);
    EXPECT_EQ(bytes, 2 * PAGE);
}

static void test_read_only(void)
{
    fake_vm_map_page(&vm, HIGH + 16 * PAGE, FRAME(20), 1, 0);
    struct iovec v[2];
    uint64_t bytes;
    char c = 'x';
    EXPECT_EQ(iov(HIGH + 16 * PAGE, 8, false, v, 2, &bytes), 1);
    EXPECT_EQ(iov(HIGH + 16 * PAGE, 8, true, v, 2, &bytes), -EFAULT);
    EXPECT_EQ(gva_write(&vm, HIGH + 16 * PAGE, &c, 1), -EFAULT);
    EXPECT_EQ(gva_read(&vm, HIGH + 16 * PAGE, &c, 1), 0);
    /* RW is needed at every level, as the CPU needs it. */
    fake_vm_map_page(&vm, HIGH + 17 * PAGE, FRAME(21), 1, PTE_RW);
    EXPECT_EQ(gva_write(&vm, HIGH + 17 * PAGE, &c, 1), 0);
    uint64_t *pd = fake_vm_entry(&vm, HIGH, 2);
    *pd &= ~PTE_RW;
    EXPECT_EQ(gva_write(&vm, HIGH + 17 * PAGE, &c, 1), -EFAULT);
    EXPECT_EQ(gva_read(&vm, HIGH + 17 * PAGE, &c, 1), 0);
    *pd |= PTE_RW;
    /* Not present at the last level, or above it. */
    *fake_vm_entry(&vm, HIGH + 17 * PAGE, 1) &= ~PTE_P;
    EXPECT_EQ(gva_read(&vm, HIGH + 17 * PAGE, &c, 1), -EFAULT);
    *pd &= ~PTE_P;
    EXPECT_EQ(gva_read(&vm, HIGH, &c, 1), -EFAULT);
    *pd |= PTE_P;
    EXPECT_EQ(gva_read(&vm, HIGH, &c, 1), 0);
}

static void test_huge_pages(void)
{
    /* A 2 MB page: va 1 GB + 2 MB -> RAM's second 2 MB. */
    uint64_t va = (1ull << 30) + GUEST_HUGE_SIZE;
    fake_vm_map_page(&vm, va, GUEST_HUGE_SIZE, 2, PTE_RW);
    struct iovec v[2];
    uint64_t bytes;
    EXPECT_EQ(iov(va + 0x1234, GUEST_HUGE_SIZE - 0x1234, true, v, 2, &bytes), 1);
    EXPECT(v[0].iov_base == vm.ram + GUEST_HUGE_SIZE + 0x1234, "2 MB page frame");
    EXPECT_EQ(iov(va + 0x1234, GUEST_HUGE_SIZE, true, v, 2, &bytes), -EFAULT);   /* the next 2 MB are absent */
    /* The PAT bit (bit 12) of a huge entry is no address bit. */
    *fake_vm_entry(&vm, va, 2) |= 1ull << 12;
    EXPECT_EQ(iov(va, 8, false, v, 2, &bytes), 1);
    EXPECT(v[0].iov_base == vm.ram + GUEST_HUGE_SIZE, "PAT bit ignored");
    /* A 1 GB page over all of RAM: its part past RAM is no memory. */
    uint64_t g = 1ull << 39;   /* PML4 slot 1 */
    fake_vm_map_page(&vm, g, 0, 3, PTE_RW);
    EXPECT_EQ(iov(g + 0x30000, 64, true, v, 2, &bytes), 1);
    EXPECT(v[0].iov_base == vm.ram + 0x30000, "1 GB page frame");
    EXPECT_EQ(iov(g + RAM_SIZE - 8, 16, false, v, 2, &bytes), -EFAULT);
    EXPECT_EQ(iov(g + (512ull << 20), 1, false, v, 2, &bytes), -EFAULT);
    /* A 1 GB page over the shared memory: program memory may live there. */
    fake_vm_map_page(&vm, g + (1ull << 30), GPA_SHARED, 3, PTE_RW);
    EXPECT_EQ(gva_write(&vm, g + (1ull << 30) + 0x100, "shared", 6), 0);
    EXPECT(memcmp(vm.shared + 0x100, "shared", 6) == 0, "written to the shared memory");
    EXPECT_EQ(iov(g + (1ull << 30) + FAKE_SHARED_SIZE - 4, 8, false, v, 2, &bytes), -EFAULT);
    /* Device registers are no memory. */
    fake_vm_map_page(&vm, g + (2ull << 30), GPA_MMIO, 3, PTE_RW);
    EXPECT_EQ(iov(g + (2ull << 30), 4, false, v, 2, &bytes), -EFAULT);
    /* PS in a PML4 entry is reserved. */
    uint64_t *pml4 = fake_vm_entry(&vm, 2ull << 39, 4);
    *pml4 = 0 | PTE_P | PTE_RW | PTE_PS;
    EXPECT_EQ(iov(2ull << 39, 4, false, v, 2, &bytes), -EFAULT);
    *pml4 = 0;
}

static void test_canonical(void)
{
    struct iovec v[2];
    uint64_t bytes;
    char c;
    EXPECT_EQ(iov(1ull << 47, 1, false, v, 2, &bytes), -EFAULT);
    EXPECT_EQ(iov(0x8000000000001000ull, 1, false, v, 2, &bytes), -EFAULT);
    /* Running from the lower half into the hole faults at the hole. */
    uint64_t top = (1ull << 47) - PAGE;
    fake_vm_map_page(&vm, top, FRAME(30), 1, PTE_RW);
    EXPECT_EQ(gva_read(&vm, top, &c, 1), 0);
    EXPECT_EQ(iov(top, PAGE + 1, false, v, 2, &bytes), -EFAULT);
    /* The direct map is fine once mapped. */
    EXPECT_EQ(gva_read(&vm, DIRECT_MAP + 0x20000, &c, 1), -EFAULT);
    fake_vm_map_page(&vm, DIRECT_MAP, 0, 3, PTE_RW);
    vm.ram[0x20000] = 'd';
    EXPECT_EQ(gva_read(&vm, DIRECT_MAP + 0x20000, &c, 1), 0);
    EXPECT_EQ(c, 'd');
    /* Ranges that wrap around the top of the address space. */
    EXPECT_EQ(iov(UINT64_MAX - 10, 100, false, v, 2, &bytes), -EFAULT);
    EXPECT_EQ(iov(0x20000, UINT64_MAX, false, v, 2, &bytes), -EFAULT);
    EXPECT_EQ(gva_read(&vm, UINT64_MAX, &c, 2), -EFAULT);
}

static void test_hostile_tables(void)
{
    struct iovec v[8];
    uint64_t bytes;
    char c;
    uint64_t va = 3ull << 39;   /* PML4 slot 3 */
    uint64_t *e = fake_vm_entry(&vm, va, 4);
    /* A table outside RAM, in the shared memory, in device registers. */
    const uint64_t tables[] = { RAM_SIZE, 1ull << 40, PTE_ADDR, GPA_SHARED, GPA_MMIO };
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        *e = tables[i] | PTE_P | PTE_RW;
        EXPECT_EQ(iov(va, 1, false, v, 8, &bytes), -EFAULT);
    }
    /* A frame outside memory. */
    *e = 0;
    fake_vm_map_page(&vm, va, RAM_SIZE, 1, PTE_RW);
    EXPECT_EQ(gva_read(&vm, va, &c, 1), -EFAULT);
    *fake_vm_entry(&vm, va, 1) = PTE_ADDR | PTE_P | PTE_RW;
    EXPECT_EQ(gva_read(&vm, va, &c, 1), -EFAULT);
    /* A PML4 entry that points at the PML4: a walk through it ends after
     * four steps, at the PML4 itself seen as a page. */
    *e = GPA_PML4 | PTE_P | PTE_RW;
    uint64_t self = (3ull << 39) | (3ull << 30) | (3ull << 21) | (3ull << 12);
    uint64_t entry;
    EXPECT_EQ(gva_read(&vm, self, &entry, sizeof entry), 0);
    EXPECT_EQ(entry, *(uint64_t *)(vm.ram + GPA_PML4));
    EXPECT_EQ(iov(va, 1ull << 39, false, v, 8, &bytes), -EFAULT);   /* bounded, then a hole */
    /* Every entry of a table pointing back at it: 2 MB pages over the same
     * frame again and again, which coalesce into nothing: max bounds it. */
    uint64_t pd_va = 4ull << 39;
    uint64_t *pd = fake_vm_entry(&vm, pd_va, 2);
    for (int i = 0; i < 512; i++)
        pd[i] = GUEST_HUGE_SIZE | PTE_P | PTE_RW | PTE_PS;
    EXPECT_EQ(iov(pd_va, 1ull << 30, false, v, 8, &bytes), 8);
    EXPECT_EQ(bytes, 8 * GUEST_HUGE_SIZE);
    for (int i = 0; i < 8; i++)
        EXPECT(v[i].iov_base == vm.ram + GUEST_HUGE_SIZE, "segment %d", i);
    *e = 0;
}

int main(void)
{
    if (fake_vm_map(&vm, RAM_SIZE))
        return 2;
    static const struct unit_test tests[] = {
        { "identity", test_identity },       { "scattered", test_scattered },
        { "read_only", test_read_only },     { "huge_pages", test_huge_pages },
        { "canonical", test_canonical },     { "hostile_tables", test_hostile_tables },
    };
    run_tests(tests, sizeof tests / sizeof *tests);
    return failures ? 1 : 0;
}
