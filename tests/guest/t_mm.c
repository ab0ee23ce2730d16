// Memory: anonymous and file-backed mmap, MAP_FIXED, munmap, mprotect,
// mremap, brk, and the allocator on top of them.  Nothing here faults on
// purpose: every access is to memory that must be readable (or writable).
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"

#define PAGE 4096ul

static int filled(const unsigned char *p, size_t len, unsigned char v)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

/* Runs first, before the allocator has any reason to move the break, and
 * puts the break back exactly where it was.  musl's sbrk() only answers
 * sbrk(0), so the moves are raw brk calls. */
static void program_break(void)
{
    uintptr_t start = (uintptr_t)syscall(SYS_brk, 0);
    CHECK("brk-query", start != 0 && (uintptr_t)syscall(SYS_brk, 0) == start);
    CHECK("sbrk-zero-is-brk", (uintptr_t)sbrk(0) == start);
    uintptr_t grown = start + (1ul << 20);
    CHECK("brk-grow", (uintptr_t)syscall(SYS_brk, grown) == grown);
    unsigned char *base = (unsigned char *)((start + PAGE - 1) & ~(PAGE - 1));
    size_t len = grown - (uintptr_t)base;
    CHECK("brk-grown-zeroed", filled(base, len, 0));
    memset(base, 0x5a, len);
    CHECK("brk-grown-writable", filled(base, len, 0x5a));
    CHECK("brk-shrink", (uintptr_t)syscall(SYS_brk, start + PAGE) == start + PAGE);
    CHECK("brk-regrow-zeroed", (uintptr_t)syscall(SYS_brk, grown) == grown &&
                               filled(base + 2 * PAGE, len - 2 * PAGE, 0));
    CHECK("brk-below-start-refused", (uintptr_t)syscall(SYS_brk, PAGE) == grown);
    CHECK("brk-restore", (uintptr_t)syscall(SYS_brk, start) == start);
}

static void anonymous(void)
{
    size_t len = 1 << 20;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("mmap-anon", p != MAP_FAILED && ((uintptr_t)p & (PAGE - 1)) == 0);
    CHECK("mmap-anon-zeroed", filled(p, len, 0));
    memset(p, 0xaa, len);
    CHECK("mmap-anon-writable", filled(p, len, 0xaa));

    /* MAP_FIXED over the middle of our own mapping replaces just those pages. */
    void *q = mmap(p + PAGE, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK("map-fixed-address", q == p + PAGE);
    CHECK("map-fixed-zeroed", filled(p + PAGE, 2 * PAGE, 0));
    CHECK("map-fixed-neighbours-kept", filled(p, PAGE, 0xaa) && filled(p + 3 * PAGE, len - 3 * PAGE, 0xaa));

    CHECK("munmap-partial", munmap(p + PAGE, PAGE) == 0);
    CHECK("remap-hole-fixed", mmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE,
                                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p + PAGE &&
                              filled(p + PAGE, PAGE, 0));
    CHECK("munmap-all", munmap(p, len) == 0);
    q = mmap(p, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK("remap-after-munmap-zeroed", q == p && filled(p, len, 0));
    CHECK("munmap-twice-ok", munmap(p, len) == 0 && munmap(p, len) == 0);

    CHECK("mmap-zero-len-einval", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
                                  errno == EINVAL);
    CHECK("mmap-no-type-einval", mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
                                 errno == EINVAL);
    CHECK("mmap-fixed-unaligned-einval", mmap(p + 1, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
                                         MAP_FAILED && errno == EINVAL);
    CHECK("mmap-bad-fd-ebadf", mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED && errno == EBADF);
    CHECK("munmap-unaligned-einval", FAILS_WITH(munmap(p + 1, PAGE), EINVAL));
    CHECK("munmap-zero-len-einval", FAILS_WITH(munmap(p, 0), EINVAL));

    /* A hint is only a hint: any page-aligned answer will do. */
    q = mmap((void *)0x10000000, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("mmap-hint", q != MAP_FAILED && ((uintptr_t)q & (PAGE - 1)) == 0 && munmap(q, PAGE) == 0);
}

static void protections(void)
{
    size_t len = 8 * PAGE;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 0x11, len);
    CHECK("mprotect-ro", mprotect(p, len, PROT_READ) == 0 && filled(p, len, 0x11));
    CHECK("mprotect-rw", mprotect(p, len, PROT_READ | PROT_WRITE) == 0);
    memset(p, 0x22, len);
    CHECK("mprotect-rw-writable", filled(p, len, 0x22));
    CHECK("mprotect-part", mprotect(p + 2 * PAGE, 2 * PAGE, PROT_READ) == 0 &&
                           mprotect(p + 2 * PAGE, 2 * PAGE, PROT_READ | PROT_WRITE) == 0);
    p[2 * PAGE] = 0x33;
    CHECK("mprotect-part-writable", p[2 * PAGE] == 0x33 && filled(p + 2 * PAGE + 1, PAGE - 1, 0x22));
    CHECK("mprotect-none-and-back", mprotect(p, PAGE, PROT_NONE) == 0 &&
                                    mprotect(p, PAGE, PROT_READ | PROT_WRITE) == 0 && filled(p, PAGE, 0x22));
    /* Raw calls where musl would round or reject before the kernel sees it. */
    CHECK("mprotect-unaligned-einval", FAILS_WITH(syscall(SYS_mprotect, p + 1, PAGE, PROT_READ), EINVAL));
    CHECK("mprotect-bad-prot-einval", FAILS_WITH(mprotect(p, PAGE, 0x1000), EINVAL));
    munmap(p, len);
    CHECK("mprotect-unmapped-enomem", FAILS_WITH(mprotect(p, len, PROT_READ), ENOMEM));
}

static void remaps(void)
{
    unsigned char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (size_t i = 0; i < 4 * PAGE; i++)
        p[i] = (unsigned char)(i % 253);
    /* Growing page 0 in place would run into page 1, which is ours. */
    CHECK("mremap-no-room-enomem", mremap(p, PAGE, 2 * PAGE, 0) == MAP_FAILED && errno == ENOMEM);
    unsigned char *q = mremap(p, 4 * PAGE, 256 * PAGE, MREMAP_MAYMOVE);
    int same = q != MAP_FAILED;
    for (size_t i = 0; same && i < 4 * PAGE; i++)
        same = q[i] == (unsigned char)(i % 253);
    CHECK("mremap-grow-keeps-content", same);
    CHECK("mremap-grow-tail-zeroed", q != MAP_FAILED && filled(q + 4 * PAGE, 252 * PAGE, 0));
    memset(q + 4 * PAGE, 7, 252 * PAGE);
    CHECK("mremap-grow-tail-writable", filled(q + 4 * PAGE, 252 * PAGE, 7));
    unsigned char *r = mremap(q, 256 * PAGE, 2 * PAGE, 0);
    CHECK("mremap-shrink-in-place", r == q && r[PAGE + 5] == (unsigned char)((PAGE + 5) % 253));
    CHECK("mremap-unaligned-einval", mremap(q + 1, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL);
    munmap(r, 2 * PAGE);
}

static void file_backed(const char *dir)
{
    char path[PATH_MAX];
    static unsigned char want[3 * 4096];
    int fd = open(path_join(path, env_dir("T_RO"), "big.bin"), O_RDONLY);
    unsigned char *p = mmap(NULL, 3 * PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
    CHECK("mmap-file-offset", p != MAP_FAILED);
    CHECK("mmap-file-matches-pread", pread(fd, want, sizeof want, PAGE) == sizeof want &&
                                     p != MAP_FAILED && !memcmp(p, want, sizeof want));
    CHECK("mmap-file-pattern", p != MAP_FAILED && p[0] == PAGE % 251 && p[100] == (PAGE + 100) % 251);
    munmap(p, 3 * PAGE);

    /* The last page: 100000 - 98304 = 1696 bytes of file, then zeros. */
    p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 24 * PAGE);
    CHECK("mmap-file-last-page", p != MAP_FAILED && p[1695] == 99999 % 251 && filled(p + 1696, PAGE - 1696, 0));
    munmap(p, PAGE);

    /* Private and writable on a read-only descriptor: allowed, never written back. */
    p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK("mmap-ro-file-private-writable", p != MAP_FAILED);
    memset(p, 0xee, 2 * PAGE);
    CHECK("private-write-visible", filled(p, 2 * PAGE, 0xee));
    munmap(p, 2 * PAGE);
    CHECK("private-write-not-in-ro-file", pread(fd, want, 16, 0) == 16 && want[0] == 0 && want[15] == 15);
    CHECK("mmap-unaligned-offset-einval", FAILS_WITH(syscall(SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE, fd, 100),
                                                     EINVAL));
    CHECK("mmap-shared-write-rdonly-eacces", mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
                                             MAP_FAILED && errno == EACCES);
    close(fd);

    fd = open(path_join(path, dir, "f"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    memset(want, 'f', 2 * PAGE);
    CHECK("mmap-rw-file-setup", write(fd, want, 2 * PAGE) == (ssize_t)(2 * PAGE));
    p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK("mmap-rw-file-private", p != MAP_FAILED && filled(p, 2 * PAGE, 'f'));
    memset(p + 10, 'X', PAGE);
    munmap(p, 2 * PAGE);
    CHECK("private-write-not-in-file", pread(fd, want, 2 * PAGE, 0) == (ssize_t)(2 * PAGE) &&
                                       filled(want, 2 * PAGE, 'f'));
    close(fd);
}

static void allocator(void)
{
    int ok = 1;
    void *keep[4] = { 0 };
    for (int i = 0; i < 200 && ok; i++) {
        size_t size = ((size_t)(i % 10) + 1) << 20;
        unsigned char *p = malloc(size);
        ok = p != NULL;
        if (!ok)
            break;
        p[0] = (unsigned char)i;
        p[size / 2] = (unsigned char)(i + 1);
        p[size - 1] = (unsigned char)(i + 2);
        ok = p[0] == (unsigned char)i && p[size / 2] == (unsigned char)(i + 1) && p[size - 1] == (unsigned char)(i + 2);
        /* Keep a few alive for a while, so frees interleave with mallocs. */
        free(keep[i % 4]);
        keep[i % 4] = p;
    }
    for (int i = 0; i < 4; i++)
        free(keep[i]);
    CHECK("malloc-free-1-to-10mb", ok);

    size_t big = 50u << 20;
    unsigned char *z = calloc(big, 1);
    CHECK("calloc-50mb", z != NULL && filled(z, big, 0));
    if (z)
        memset(z, 1, big);
    CHECK("calloc-50mb-writable", z != NULL && filled(z, big, 1));
    free(z);
    z = calloc(big, 1);
    CHECK("calloc-50mb-again-zeroed", z != NULL && filled(z, big, 0));
    free(z);

    ok = 1;
    for (int i = 0; i < 20000 && ok; i++) {
        char *s = malloc((size_t)(i % 300) + 1);
        ok = s != NULL;
        if (s) {
            s[i % 300] = 1;
            free(s);
        }
    }
    CHECK("malloc-small-many", ok);
}

int main(void)
{
    char dir[PATH_MAX];
    program_break();
    anonymous();
    protections();
    remaps();
    scratch_dir(dir, "T_RW", "t_mm.d");
    file_backed(dir);
    remove_tree(dir);
    allocator();
    return check_exit_status();
}
