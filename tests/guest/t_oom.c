// PICOVM-ONLY
// EXPECT-EXIT: 137
// MANIFEST: picovm.memory_size = "64M"
// Running out of guest memory, as Linux does it: one private writable mapping
// larger than RAM is refused at once (the overcommit heuristic), a
// MAP_NORESERVE one is not, and touching more of it than the pool holds ends
// the program by SIGKILL (the OOM killer's signal), never the monitor.
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void say(const char *s) { (void)!write(1, s, strlen(s)); }

int main(void)
{
    size_t big = 1ul << 30;
    void *p = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    say(p == MAP_FAILED && errno == ENOMEM ? "ok larger-than-ram-refused\n" : "FAIL larger-than-ram-refused\n");
    volatile char *q = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    say(q != MAP_FAILED ? "ok noreserve-mapped\n" : "FAIL noreserve-mapped\n");
    if (q == MAP_FAILED)
        return 1;
    for (size_t off = 0; off < big; off += 4096)
        q[off] = 1;
    say("FAIL touched more than the pool\n");
    return 1;
}
