// The 47-bit user address space of Linux x86-64, independent of how much RAM
// is behind it: a 64 GB PROT_NONE reservation with usable windows inside and a
// partial munmap of it; mmap honouring a hint at 0xc000000000 (Go's first arena
// hint) and one near the top of user space; MAP_FIXED and MAP_FIXED_NOREPLACE
// at high addresses; 1.5 GB of anonymous memory touched once per MB;
// repeated mremap growth (moving, and in place over a range grown before);
// MAP_GROWSDOWN; /proc/self/maps in Linux's format.  Assumes 4-level paging
// (a 47-bit space) natively, as on every host picovm runs on.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

#define PAGE 4096ul
#define MB (1ul << 20)
#define GB (1ul << 30)

static void *map_at(uintptr_t addr, size_t len, int prot, int flags)
{
    return mmap((void *)addr, len, prot, flags | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/* Do the words at each step bytes of [p, p+len) hold what touch wrote? */
static int touched(const unsigned char *p, size_t len, size_t step, uint64_t salt)
{
    for (size_t off = 0; off < len; off += step)
        if (*(const volatile uint64_t *)(p + off) != (off ^ salt))
            return 0;
    return 1;
}

/* Writes a word at each step bytes of [p, p+len) and reads them all back. */
static int touch(unsigned char *p, size_t len, size_t step, uint64_t salt)
{
    for (size_t off = 0; off < len; off += step)
        *(volatile uint64_t *)(p + off) = off ^ salt;
    return touched(p, len, step, salt);
}

/* Is [addr, addr+len) free?  Probed with MAP_FIXED_NOREPLACE, given back. */
static int range_free(uintptr_t addr, size_t len)
{
    void *p = map_at(addr, len, PROT_NONE, MAP_FIXED_NOREPLACE | MAP_NORESERVE);
    if (p == MAP_FAILED)
        return 0;
    munmap(p, len);
    return p == (void *)addr;
}

/* One line of /proc/self/maps. */
struct vma {
    uintptr_t start, end;
    char perms[5];
    unsigned long offset, inode;
    unsigned dev_major, dev_minor;
    char path[256];
};

#define MAX_VMAS 512
static struct vma vmas[MAX_VMAS];
static int nvmas;
static char maps_text[1 << 16];

/* Reads and parses /proc/self/maps into vmas; 0 if any line is not in
 * Linux's format "start-end perms offset major:minor inode [path]". */
static int read_maps(void)
{
    int fd = open("/proc/self/maps", O_RDONLY);
    size_t len = 0;
    ssize_t n;
    nvmas = 0;
    if (fd < 0)
        return 0;
    while (len < sizeof maps_text - 1 && (n = read(fd, maps_text + len, sizeof maps_text - 1 - len)) > 0)
        len += (size_t)n;
    close(fd);
    maps_text[len] = 0;
    for (char *line = maps_text, *next; *line && nvmas < MAX_VMAS; line = next) {
        struct vma *v = &vmas[nvmas];
        int used = 0;
        next = strchr(line, '\n');
        if (!next)
            return 0;                   /* every line ends in a newline */
        *next++ = 0;
        if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu%n", &v->start, &v->end, v->perms, &v->offset,
                   &v->dev_major, &v->dev_minor, &v->inode, &used) != 7)
            return 0;
        const char *rest = line + used;
        while (*rest == ' ')
            rest++;
        if (strlen(rest) >= sizeof v->path)
            return 0;
        strcpy(v->path, rest);
        if (strlen(v->perms) != 4 || !strchr("r-", v->perms[0]) || !strchr("w-", v->perms[1]) ||
            !strchr("x-", v->perms[2]) || !strchr("ps", v->perms[3]))
            return 0;
        if (v->start >= v->end || v->start % PAGE || v->end % PAGE)
            return 0;
        if (nvmas > 0 && vmas[nvmas - 1].end > v->start)
            return 0;                   /* ascending, no overlap */
        nvmas++;
    }
    return nvmas > 0;
}

/* The line that contains addr, or NULL. */
static const struct vma *vma_at(uintptr_t addr)
{
    for (int i = 0; i < nvmas; i++)
        if (vmas[i].start <= addr && addr < vmas[i].end)
            return &vmas[i];
    return NULL;
}

static int anon_line(const struct vma *v)
{
    return v && v->offset == 0 && v->inode == 0 && v->dev_major == 0 && v->dev_minor == 0 && v->path[0] == 0;
}

/* Go's allocator asks for its first arena at 0xc000000000 and gives up on
 * that plan if the answer is anywhere else. */
static void go_arena_hint(void)
{
    uintptr_t hint = 0xc000000000ul;
    size_t len = 64 * MB;
    unsigned char *p = map_at(hint, len, PROT_NONE, MAP_NORESERVE);
    CHECK("hint-c000000000-exact", p == (void *)hint);
    if (p != (void *)hint)
        return;
    CHECK("hint-c000000000-mprotect-rw", mprotect(p, 4 * MB, PROT_READ | PROT_WRITE) == 0);
    CHECK("hint-c000000000-usable", touch(p, 4 * MB, PAGE, 0xc0));
    CHECK("hint-c000000000-munmap", munmap(p, len) == 0);
}

/* A reservation of 64 GB, as V8's pointer cage or a JVM heap reserves, used
 * in two windows, partly given back, and seen in /proc/self/maps. */
static void reservation(void)
{
    size_t len = 64 * GB;
    unsigned char *r = map_at(0, len, PROT_NONE, MAP_NORESERVE);
    CHECK("reserve-64g", r != MAP_FAILED && (uintptr_t)r % PAGE == 0);
    if (r == MAP_FAILED)
        return;
    CHECK("reserve-64g-below-47-bits", (uintptr_t)r + len <= (1ul << 47));

    unsigned char *w1 = r + 32 * GB;
    CHECK("reserve-window-mprotect", mprotect(w1, 4 * MB, PROT_READ | PROT_WRITE) == 0);
    CHECK("reserve-window-zeroed", w1[0] == 0 && w1[4 * MB - 1] == 0);
    CHECK("reserve-window-usable", touch(w1, 4 * MB, 64, 0x1234));

    unsigned char *w2 = r + 48 * GB + 12 * MB;
    CHECK("reserve-fixed-window", map_at((uintptr_t)w2, 2 * MB, PROT_READ | PROT_WRITE, MAP_FIXED) == w2);
    CHECK("reserve-fixed-window-usable", touch(w2, 2 * MB, 64, 0x5678));
    CHECK("reserve-fixed-window-leaves-first", touched(w1, 4 * MB, 64, 0x1234));

    /* PROT_NONE still occupies the range: NOREPLACE must refuse it. */
    CHECK("reserve-noreplace-eexist", map_at((uintptr_t)(r + 8 * GB), MB, PROT_READ, MAP_FIXED_NOREPLACE) ==
                                      MAP_FAILED && errno == EEXIST);
    CHECK("reserve-munmap-head", munmap(r, GB) == 0);
    CHECK("reserve-munmap-middle", munmap(r + 16 * GB, 8 * MB) == 0);
    CHECK("reserve-munmapped-free", range_free((uintptr_t)r, GB) && range_free((uintptr_t)(r + 16 * GB), 8 * MB));

    CHECK("maps-parse", read_maps());
    const struct vma *v = vma_at((uintptr_t)(r + 2 * GB));
    CHECK("maps-reservation-none", v && !strcmp(v->perms, "---p") && anon_line(v));
    CHECK("maps-reservation-starts-after-hole", v && v->start == (uintptr_t)(r + GB));
    CHECK("maps-reservation-ends-at-hole", v && v->end == (uintptr_t)(r + 16 * GB));
    CHECK("maps-hole-absent", !vma_at((uintptr_t)r) && !vma_at((uintptr_t)(r + 16 * GB + 4 * MB)));
    v = vma_at((uintptr_t)w1);
    CHECK("maps-window-rw", v && !strcmp(v->perms, "rw-p") && anon_line(v) && v->start == (uintptr_t)w1 &&
                            v->end == (uintptr_t)(w1 + 4 * MB));
    v = vma_at((uintptr_t)w2);
    CHECK("maps-fixed-window-rw", v && !strcmp(v->perms, "rw-p") && v->start == (uintptr_t)w2 &&
                                  v->end == (uintptr_t)(w2 + 2 * MB));
    v = vma_at((uintptr_t)(w2 + 2 * MB));
    CHECK("maps-after-fixed-window-none", v && !strcmp(v->perms, "---p") && v->end == (uintptr_t)(r + len));
    int local = 0;
    v = vma_at((uintptr_t)&local);
    CHECK("maps-stack", v && !strcmp(v->perms, "rw-p") && !strcmp(v->path, "[stack]"));
    CHECK("reserve-munmap-rest", munmap(r, len) == 0);
}

/* MAP_FIXED_NOREPLACE takes a free high range and refuses it the second time;
 * MAP_FIXED then replaces our own mapping there. */
static void high_fixed(void)
{
    uintptr_t a = 0x600000000000ul;
    size_t len = 2 * MB;
    unsigned char *p = map_at(a, len, PROT_READ | PROT_WRITE, MAP_FIXED_NOREPLACE);
    CHECK("noreplace-high", p == (void *)a);
    if (p != (void *)a)
        return;
    CHECK("noreplace-high-usable", touch(p, len, PAGE, 0x60));
    CHECK("noreplace-again-eexist", map_at(a, len, PROT_READ, MAP_FIXED_NOREPLACE) == MAP_FAILED && errno == EEXIST);
    CHECK("noreplace-overlap-eexist", map_at(a - MB, len, PROT_READ, MAP_FIXED_NOREPLACE) == MAP_FAILED &&
                                      errno == EEXIST);
    CHECK("noreplace-kept-content", touched(p, len, PAGE, 0x60));
    CHECK("fixed-high-over-own", map_at(a + MB, MB, PROT_READ | PROT_WRITE, MAP_FIXED) == p + MB);
    CHECK("fixed-high-zeroed", p[MB] == 0 && p[2 * MB - 1] == 0);
    CHECK("fixed-high-below-kept", touched(p, MB, PAGE, 0x60));
    CHECK("fixed-high-usable", touch(p + MB, MB, PAGE, 0x61));
    CHECK("fixed-high-munmap", munmap(p, len) == 0);

    /* MAP_FIXED on a free range found by probing: nothing of ours is there. */
    uintptr_t b = 0x500000000000ul;
    int free_b = range_free(b, 4 * MB);
    CHECK("fixed-high-free", free_b);
    if (free_b) {
        p = map_at(b, 4 * MB, PROT_READ | PROT_WRITE, MAP_FIXED);
        CHECK("fixed-high", p == (void *)b && touch(p, 4 * MB, PAGE, 0x50));
        munmap(p, 4 * MB);
    }
}

/* A hint high in user space, a TB or two under where the stack and Linux's
 * mappings live (picovm's user space ends at 0x7f0000000000, 127 TB: its own
 * areas take the last TB of the lower half): the first candidate whose range
 * (and a margin) is free must be given exactly. */
static void hint_high(void)
{
    size_t len = MB;
    int found = 0, exact = 0;
    for (uintptr_t a = 0x7eff00000000ul; a >= 0x7e0000000000ul && !found; a -= 4 * GB) {
        if (!range_free(a, len + 8 * MB))
            continue;
        found = 1;
        unsigned char *p = map_at(a, len, PROT_READ | PROT_WRITE, 0);
        exact = p == (void *)a && touch(p, len, PAGE, 0x7f);
        if (p != MAP_FAILED)
            munmap(p, len);
    }
    CHECK("hint-high-free-candidate", found);
    CHECK("hint-high-exact", exact);
}

/* 1.5 GB, more than a small VM's RAM would be, each MB touched once. */
static void large_anonymous(void)
{
    size_t len = 1536 * MB;
    unsigned char *p = map_at(0, len, PROT_READ | PROT_WRITE, 0);
    CHECK("anon-1536mb", p != MAP_FAILED);
    if (p == MAP_FAILED)
        return;
    CHECK("anon-1536mb-touch-per-mb", touch(p, len, MB, 0xabcdef));
    CHECK("anon-1536mb-munmap", munmap(p, len) == 0);
}

/* Every page of [p, p+len) carries its index (set by mark). */
static void mark(unsigned char *p, size_t from, size_t len)
{
    for (size_t off = from; off < len; off += PAGE)
        *(uint64_t *)(p + off) = off / PAGE + 1;
}

static int marked(const unsigned char *p, size_t len)
{
    for (size_t off = 0; off < len; off += PAGE)
        if (*(const uint64_t *)(p + off) != off / PAGE + 1)
            return 0;
    return 1;
}

static void mremap_growth(void)
{
    /* Moving growth, doubling from one page to 64 MB: glibc's realloc. */
    size_t len = PAGE;
    unsigned char *p = map_at(0, len, PROT_READ | PROT_WRITE, 0);
    int ok = p != MAP_FAILED;
    if (ok)
        mark(p, 0, len);
    while (ok && len < 64 * MB) {
        unsigned char *q = mremap(p, len, 2 * len, MREMAP_MAYMOVE);
        ok = q != MAP_FAILED && marked(q, len) && q[2 * len - 1] == 0;
        if (ok) {
            mark(q, len, 2 * len);
            p = q;
            len *= 2;
        }
    }
    CHECK("mremap-double-to-64mb", ok && len == 64 * MB && marked(p, len));
    if (p != MAP_FAILED)
        munmap(p, len);

    /* Growth in place, three times over the range grown before: reserve
     * 16 MB, keep 4, then grow by 4 MB at a time without moving. */
    p = map_at(0, 16 * MB, PROT_READ | PROT_WRITE, 0);
    CHECK("mremap-in-place-setup", p != MAP_FAILED && munmap(p + 4 * MB, 12 * MB) == 0);
    if (p == MAP_FAILED)
        return;
    mark(p, 0, 4 * MB);
    ok = 1;
    for (len = 4 * MB; ok && len < 16 * MB; len += 4 * MB) {
        ok = mremap(p, len, len + 4 * MB, 0) == p && marked(p, len) && p[len + 4 * MB - 1] == 0;
        if (ok)
            mark(p, len, len + 4 * MB);
    }
    CHECK("mremap-in-place-3x", ok && len == 16 * MB && marked(p, len));
    CHECK("maps-in-place-one-line", read_maps() && vma_at((uintptr_t)p) &&
                                    vma_at((uintptr_t)p)->end >= (uintptr_t)(p + 16 * MB));
    /* And over the whole grown range: shrink in place, then grow moving. */
    CHECK("mremap-shrink-grown", mremap(p, 16 * MB, 12 * MB, 0) == p && marked(p, 12 * MB));
    unsigned char *q = mremap(p, 12 * MB, 48 * MB, MREMAP_MAYMOVE);
    CHECK("mremap-move-grown", q != MAP_FAILED && marked(q, 12 * MB) && q[48 * MB - 1] == 0);
    if (q != MAP_FAILED)
        munmap(q, 48 * MB);
    else
        munmap(p, 12 * MB);
}

static void grows_down(void)
{
    size_t len = 16 * PAGE;
    unsigned char *p = map_at(0, len, PROT_READ | PROT_WRITE, MAP_GROWSDOWN);
    CHECK("growsdown-accepted", p != MAP_FAILED);
    if (p == MAP_FAILED)
        return;
    p[len - 1] = 1;
    p[0] = 2;
    CHECK("growsdown-usable", p[len - 1] == 1 && p[0] == 2);
    munmap(p, len);
}

int main(void)
{
    go_arena_hint();
    reservation();
    high_fixed();
    hint_high();
    large_anonymous();
    mremap_growth();
    grows_down();
    return check_exit_status();
}
