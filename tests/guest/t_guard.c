// Guard pages (MADV_GUARD_INSTALL and MADV_GUARD_REMOVE, Linux 6.13): a touch
// is SIGSEGV (SEGV_MAPERR at the address), a system call's buffer there is
// EFAULT, /proc/self/maps still shows the mapping whole and pagemap says
// guard.  MADV_DONTNEED, mprotect, mremap and fork keep them; munmap and a
// MADV_WIPEONFORK child's fresh memory do not; removing one gives a zero
// page (private) or the object's bytes (shared).  A locked mapping takes
// none (EINVAL); a hole is ENOMEM after the mapped parts were done.
// Touches are made in children, which report by their end only.
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define MADV_GUARD_INSTALL 102
#define MADV_GUARD_REMOVE 103
#define PAGE 4096L
#define PM_PRESENT (1ull << 63)
#define PM_GUARD_REGION (1ull << 58)

static char *volatile fault_at;   /* read by the handler only: never optimized away */

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    _exit(si->si_code == SEGV_MAPERR && si->si_addr == fault_at ? 42 : 43);
}

/* A child writes a byte at p: 0 if it could, 42 if it took SIGSEGV with
 * SEGV_MAPERR at p, 43 with another si_code or address, -1 otherwise. */
static int touch(char *p)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
        sigaction(SIGSEGV, &sa, NULL);
        fault_at = p;
        *(volatile char *)p = 1;
        _exit(0);
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

static char *map(size_t len, int prot, int flags)
{
    char *p = mmap(NULL, len, prot, flags | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    return p;
}

static int all(const char *p, size_t len, char c)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != c)
            return 0;
    return 1;
}

static uint64_t pagemap_of(const void *p)
{
    uint64_t e = 0;
    int fd = open("/proc/self/pagemap", O_RDONLY);
    if (fd < 0 || pread(fd, &e, sizeof e, (off_t)((uintptr_t)p / PAGE * sizeof e)) != sizeof e)
        e = ~0ull;
    close(fd);
    return e;
}

/* Does one line of /proc/self/maps cover [p, p+len)? */
static int maps_covers(const char *p, size_t len)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    int covers = 0;
    while (f && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo <= (uintptr_t)p && (uintptr_t)p < hi)
            covers = (uintptr_t)p + len <= hi;
    }
    if (f)
        fclose(f);
    return covers;
}

static void private_memory(void)
{
    char *a = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    memset(a, 'x', 4 * PAGE);
    CHECK("install", madvise(a + PAGE, 2 * PAGE, MADV_GUARD_INSTALL) == 0);
    CHECK("touch-is-segv-maperr", touch(a + PAGE) == 42);
    CHECK("touch-second-page", touch(a + 2 * PAGE + 100) == 42);
    CHECK("neighbours-kept", all(a, PAGE, 'x') && all(a + 3 * PAGE, PAGE, 'x'));
    CHECK("neighbour-touch-ok", touch(a + 3 * PAGE) == 0);
    CHECK("maps-one-mapping", maps_covers(a, 4 * PAGE));
    uint64_t e = pagemap_of(a + PAGE);
    CHECK("pagemap-guard", (e & PM_GUARD_REGION) && !(e & PM_PRESENT));
    CHECK("pagemap-neighbour-present", (pagemap_of(a) & (PM_PRESENT | PM_GUARD_REGION)) == PM_PRESENT);

    int fd = open("/proc/self/maps", O_RDONLY);
    CHECK("read-into-guard-efault", FAILS_WITH(read(fd, a + PAGE + 10, 10), EFAULT));
    close(fd);
    int p[2];
    if (pipe(p) == 0) {
        CHECK("write-from-guard-efault", FAILS_WITH(write(p[1], a + 2 * PAGE, 1), EFAULT));
        close(p[0]);
        close(p[1]);
    }
    CHECK("path-in-guard-efault", FAILS_WITH(open(a + PAGE, O_RDONLY), EFAULT));

    CHECK("dontneed", madvise(a, 4 * PAGE, MADV_DONTNEED) == 0);
    CHECK("dontneed-keeps-guard", touch(a + PAGE) == 42);
    CHECK("dontneed-zeroes-the-rest", all(a, PAGE, 0));
    CHECK("mprotect", mprotect(a, 4 * PAGE, PROT_READ) == 0 && mprotect(a, 4 * PAGE, PROT_READ | PROT_WRITE) == 0);
    CHECK("mprotect-keeps-guard", touch(a + PAGE) == 42);

    char *target = map(8 * PAGE, PROT_NONE, MAP_PRIVATE);
    char *m = mremap(a, 4 * PAGE, 4 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target + 2 * PAGE);
    CHECK("mremap", m == target + 2 * PAGE);
    CHECK("mremap-moves-guard", touch(m + PAGE) == 42 && touch(m + 3 * PAGE) == 0);

    CHECK("remove", madvise(m, 4 * PAGE, MADV_GUARD_REMOVE) == 0);
    CHECK("removed-touch-ok", touch(m + PAGE) == 0);
    CHECK("removed-reads-zero", all(m + PAGE, 2 * PAGE, 0));
    m[PAGE] = 'y';
    CHECK("removed-writable", m[PAGE] == 'y');
    CHECK("remove-again", madvise(m, 4 * PAGE, MADV_GUARD_REMOVE) == 0 && m[PAGE] == 'y');

    CHECK("install-again", madvise(m + PAGE, PAGE, MADV_GUARD_INSTALL) == 0);
    CHECK("munmap", munmap(m, 4 * PAGE) == 0);
    char *n = mmap(m, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK("munmap-drops-guard", n == m && touch(n + PAGE) == 0);
    munmap(target, 8 * PAGE);
}

static void forks(void)
{
    char *a = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    CHECK("fork-keeps-guard", madvise(a, PAGE, MADV_GUARD_INSTALL) == 0 && touch(a) == 42);
    char *w = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    CHECK("wipeonfork", madvise(w, 2 * PAGE, MADV_WIPEONFORK) == 0);
    CHECK("wipeonfork-child-has-no-guard", madvise(w, PAGE, MADV_GUARD_INSTALL) == 0 && touch(w) == 0);
    /* A mapping too large for the pool at once gets its pages at their first touch. */
    char *big = map(1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_NORESERVE);
    CHECK("noreserve-install", madvise(big + 8 * PAGE, PAGE, MADV_GUARD_INSTALL) == 0);
    CHECK("noreserve-guard-and-neighbour", touch(big + 8 * PAGE) == 42 && touch(big + 9 * PAGE) == 0);
    munmap(a, 2 * PAGE);
    munmap(w, 2 * PAGE);
    munmap(big, 1 << 20);
}

static void other_mappings(void)
{
    char *s = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED);
    memset(s, 'y', 2 * PAGE);
    CHECK("shared-install", madvise(s, PAGE, MADV_GUARD_INSTALL) == 0);
    CHECK("shared-touch-segv", touch(s) == 42);
    CHECK("shared-remove-keeps-bytes", madvise(s, PAGE, MADV_GUARD_REMOVE) == 0 && all(s, 2 * PAGE, 'y'));

    int fd = open("/proc/self/exe", O_RDONLY);
    char *f = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    CHECK("file-install", f != MAP_FAILED && madvise(f, PAGE, MADV_GUARD_INSTALL) == 0);
    /* Linux reads the file's bytes back in; picovm's private file mappings
     * are copies, whose dropped pages read as zero (as after MADV_DONTNEED). */
    CHECK("file-remove", madvise(f, PAGE, MADV_GUARD_REMOVE) == 0);

    char *ro = map(PAGE, PROT_READ, MAP_PRIVATE);
    CHECK("read-only-install", madvise(ro, PAGE, MADV_GUARD_INSTALL) == 0);
    char *none = map(PAGE, PROT_NONE, MAP_PRIVATE);
    CHECK("prot-none-install", madvise(none, PAGE, MADV_GUARD_INSTALL) == 0);

    char *l = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    if (mlock(l, PAGE) == 0) {
        CHECK("locked-install-einval", FAILS_WITH(madvise(l, PAGE, MADV_GUARD_INSTALL), EINVAL));
        CHECK("locked-remove", madvise(l, PAGE, MADV_GUARD_REMOVE) == 0);
    } else {
        printf("FAIL mlock: errno=%d\n", errno);
        check_failures++;
    }

    char *h = map(3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    munmap(h + PAGE, PAGE);
    CHECK("hole-install-enomem", FAILS_WITH(madvise(h, 3 * PAGE, MADV_GUARD_INSTALL), ENOMEM));
    CHECK("hole-install-did-the-rest", touch(h) == 42 && touch(h + 2 * PAGE) == 42);
    CHECK("hole-remove-enomem", FAILS_WITH(madvise(h, 3 * PAGE, MADV_GUARD_REMOVE), ENOMEM));
    CHECK("hole-remove-did-the-rest", touch(h) == 0 && touch(h + 2 * PAGE) == 0);
    CHECK("unaligned-einval", FAILS_WITH(madvise(h + 1, PAGE, MADV_GUARD_INSTALL), EINVAL));
    CHECK("zero-length", madvise(h, 0, MADV_GUARD_INSTALL) == 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    private_memory();
    forks();
    other_mappings();
    return check_exit_status();
}
