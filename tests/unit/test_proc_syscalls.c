// UNIT-SOURCES: libos/bookkeep/process.c libos/bookkeep/cputime.c libos/sys/proc.c libos/sys/info.c libos/sys/cred.c libos/sys/caps.c libos/sys/sched.c libos/sys/rusage.c libos/sys/time.c libos/sys/sigaction.c libos/signal/state.c libos/signal/deliver.c libos/signal/itimer.c libos/signal/stop.c libos/thread/thread.c libos/thread/biglock.c libos/thread/tlb.c
/* The process, identity, limits, time and signal handlers run on the host and
 * compared with the host kernel: each case makes the same raw system call
 * natively and through our handler and wants the same result or -errno.
 * Where picovm differs on purpose, or the host's answer depends on the host
 * (its HZ, RTC, CPU count, kernel version), our answer is checked alone.
 * The PAL is the host's clocks; user memory checks read /proc/self/maps. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sched.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <asm/prctl.h>
#include "libos_stubs.h"
#include "../../libos/thread/thread.h"
#include "../../libos/mm/mm.h"
#include "../../libos/syscall/syscall.h"
#include "../../libos/bookkeep/cputime.h"

/* The handlers, as defined (struct pointers as void *: same ABI). */
long sys_getpgid(int), sys_getsid(int), sys_exit_group(int);
long sys_set_robust_list(void *, size_t);
long sys_prctl(int, unsigned long, unsigned long, unsigned long, unsigned long);
long sys_arch_prctl(int, unsigned long);
long sys_sched_getaffinity(int, unsigned int, void *), sys_getcpu(void *, void *, void *);
long sys_futex(void *, int, uint32_t, const void *, void *, uint32_t);
long sys_uname(void *), sys_sysinfo(void *), sys_getuid(void);
long sys_getresuid(void *, void *, void *), sys_getresgid(void *, void *, void *);
long sys_getgroups(int, void *), sys_setgroups(int, const void *);
long sys_setuid(unsigned), sys_setgid(unsigned), sys_geteuid(void), sys_getgid(void);
long sys_setreuid(unsigned, unsigned), sys_setresuid(unsigned, unsigned, unsigned), sys_setfsuid(unsigned);
long sys_getrusage(int, void *), sys_times(void *);
long sys_getpriority(int, int), sys_setpriority(int, int, int);
long sys_sched_setaffinity(int, unsigned int, const void *), sys_sched_getscheduler(int);
long sys_sched_getparam(int, void *), sys_sched_setscheduler(int, int, const void *);
long sys_sched_get_priority_max(int), sys_sched_get_priority_min(int);
long sys_getrlimit(unsigned int, void *), sys_setrlimit(unsigned int, const void *);
long sys_prlimit64(int, unsigned int, const void *, void *);
long sys_getrandom(void *, size_t, unsigned int);
long sys_clock_gettime(int, void *), sys_clock_getres(int, void *);
long sys_clock_nanosleep(int, int, const void *, void *), sys_nanosleep(const void *, void *);
long sys_gettimeofday(void *, void *), sys_time(void *);
long sys_rt_sigaction(int, const void *, void *, size_t);
long sys_rt_sigprocmask(int, const void *, void *, size_t);
long sys_sigaltstack(const void *, void *);
long sys_kill(int, int), sys_tkill(int, int), sys_tgkill(int, int, int);
bool signal_pending(void);
void signal_syscall_exit_slow(struct syscall_frame *f, uint64_t nr);

/* --- the library OS around the handlers --- */
void *kmalloc(size_t size) { return malloc(size ? size : 1); }
void kfree(void *p) { free(p); }
uint64_t mm_free_bytes(void) { return 100 << 20; }
uint64_t mm_maxrss_kb(void) { return 4096; }
/* No other process: the first one's exit has nobody to wait for. */
void fd_close_all(void) {}
void ipc_linger(void) {}
/* Nor any message to serve while a futex waits on the host. */
long ipc_futex_wait(uint32_t *uaddr, uint32_t val, int64_t timeout_ns) { return pal->futex_wait(uaddr, val, timeout_ns); }
/* Nothing is shared with another process: every futex is the process's own. */
const struct vma *mm_find(uint64_t addr) { (void)addr; return NULL; }
struct syscall_frame *syscall_frames[PAL_MAX_THREADS];
/* The page tables are the guest's: nothing to flush on the host. */
void tlb_flush_all(void) {}
void pt_set_flush_others(void (*fn)(void)) { (void)fn; }
/* Handler frames are the guest programs' to test (t_sighandler): here
 * signals only take their default actions. */
bool sigframe_setup(void) { return false; }
void fpu_init(void) {}

/* A system call's way back to the program, where pending signals take effect. */
static long returning(long ret)
{
    struct syscall_frame f = { .rax = (uint64_t)ret };
    signal_syscall_exit_slow(&f, 0);
    return (long)f.rax;
}

/* Is [a, end) covered by mappings with the permission? */
static bool mapped(uint64_t a, uint64_t end, bool write)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    while (a < end && f && fgets(line, sizeof line, f)) {
        unsigned long s, e;
        char perm[5];
        if (sscanf(line, "%lx-%lx %4s", &s, &e, perm) != 3 || e <= a)
            continue;
        if (s > a || perm[0] != 'r' || (write && perm[1] != 'w'))
            break;
        a = e;
    }
    if (f)
        fclose(f);
    return a >= end;
}
bool user_range_ok(const void *p, size_t len, bool write)
{
    uint64_t a = (uint64_t)p;
    return a + len >= a && (!len || mapped(a, a + len, write));
}
long user_string_ok(const char *s, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        if (!mapped((uint64_t)s + i, (uint64_t)s + i + 1, false))
            return -EFAULT;
        if (!s[i])
            return 0;
    }
    return -ENAMETOOLONG;
}

static jmp_buf death;
static int death_status;
void libos_exit(int status)
{
    death_status = status;
    longjmp(death, 1);
}
void libos_die_by_signal(int signo, const struct pal_crash *crash)
{
    (void)crash;
    death_status = 128 + signo;
    longjmp(death, 1);
}

static uint64_t ns_of(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}
static uint64_t host_realtime(void) { return ns_of(CLOCK_REALTIME); }
static uint64_t host_monotonic(void) { return ns_of(CLOCK_MONOTONIC); }
static long host_sleep(uint64_t ns)
{
    struct timespec t = { (time_t)(ns / 1000000000), (long)(ns % 1000000000) };
    if (ns > 86400ull * 1000000000ull)
        return -EINVAL;   /* as the monitor */
    return nanosleep(&t, NULL) ? -errno : 0;
}
static long host_random(void *buf, size_t len)
{
    ssize_t n = getrandom(buf, len, 0);
    return n < 0 ? -errno : n;
}
static uint64_t fs_base;
static void host_set_fs(uint64_t base) { fs_base = base; }
/* A stopped process waits here: the third wait brings a SIGCONT. */
static int stopped_waits;
static long stopped_wait(struct pal_poll *fds, int n, long long timeout_ns)
{
    (void)fds, (void)n, (void)timeout_ns;
    if (++stopped_waits == 3)
        sys_kill(getpid(), SIGCONT);
    return 0;
}
static const struct pal_ops host_pal = { .time_realtime_ns = host_realtime, .time_monotonic_ns = host_monotonic,
                                         .sleep_ns = host_sleep, .random_bytes = host_random,
                                         .set_fs_base = host_set_fs, .stream_poll = stopped_wait };
const struct pal_ops *pal = &host_pal;
static struct pal_public_state boot = { .ram_size = 256 << 20, .stack_size = 8 << 20, .brk_max_size = 64 << 20 };
const struct pal_public_state *pal_state = &boot;

/* --- checks --- */
static int failures;
static long native(long r) { return r == -1 ? -errno : r; }
static void same(const char *name, long nat, long ours)
{
    if (nat != ours) {
        printf("FAIL %s: native %ld, ours %ld\n", name, nat, ours);
        failures++;
    }
}
static void want(const char *name, long got, long expected)
{
    if (got != expected) {
        printf("FAIL %s: got %ld, want %ld\n", name, got, expected);
        failures++;
    }
}
#define SAME(name, call, ...) same(name, native(syscall(SYS_##call, __VA_ARGS__)), sys_##call(__VA_ARGS__))

#define NO_SUCH_PID 0x3fffffff   /* above PID_MAX_LIMIT */
/* The CPU clock id of a pid (~pid << 3 | kind), kind 2 = sched, | 4 = a thread's. */
#define CPU_CLOCK(pid, kind) (-((pid) + 1) * 8 + (kind))
#define NO_SUCH_CPU_PID 0x7ffffff
static char *const bad = (char *)0x1000;   /* never mapped */

static void test_clocks(void)
{
    /* 8 and 9 (alarm clocks) depend on the host's RTC. */
    const int ids[] = { -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, -6, -7, -8, -5, -29,
                        CPU_CLOCK(NO_SUCH_CPU_PID, 2), CPU_CLOCK(NO_SUCH_CPU_PID, 6) };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        int c = ids[i];
        struct timespec a = { 0, 0 }, b = { 0, 0 }, rq = { 0, 1000 };
        char name[64];
        snprintf(name, sizeof name, "clock_gettime(%d)", c);
        same(name, native(syscall(SYS_clock_gettime, c, &a)), sys_clock_gettime(c, &b));
        SAME("clock_gettime(bad)", clock_gettime, c, bad);
        snprintf(name, sizeof name, "clock_getres(%d)", c);
        same(name, native(syscall(SYS_clock_getres, c, &a)), sys_clock_getres(c, &b));
        if (a.tv_nsec <= 1)   /* the tick-based resolutions follow the host's HZ */
            want(name, b.tv_nsec, a.tv_nsec);
        SAME("clock_getres(NULL)", clock_getres, c, NULL);
        SAME("clock_getres(bad)", clock_getres, c, bad);
        snprintf(name, sizeof name, "clock_nanosleep(%d, bad)", c);
        same(name, native(syscall(SYS_clock_nanosleep, c, 0, bad, NULL)), sys_clock_nanosleep(c, 0, bad, NULL));
        /* The host would sleep until its CPU clock moves: only the refusals. */
        bool cpu_clock = c == 2 || (c < 0 && !(c & 4) && (c & 3) != 3 && c != CPU_CLOCK(NO_SUCH_CPU_PID, 2));
        if (!cpu_clock) {
            snprintf(name, sizeof name, "clock_nanosleep(%d)", c);
            same(name, native(syscall(SYS_clock_nanosleep, c, 0, &rq, NULL)), sys_clock_nanosleep(c, 0, &rq, NULL));
            snprintf(name, sizeof name, "clock_nanosleep(%d, abs past)", c);
            same(name, native(syscall(SYS_clock_nanosleep, c, TIMER_ABSTIME, &rq, NULL)),
                 sys_clock_nanosleep(c, TIMER_ABSTIME, &rq, NULL));
        }
    }
    struct timespec rq = { 0, 1000 };
    want("process cpu clock sleep", sys_clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &rq, NULL), 0);
    want("alarm clock", sys_clock_gettime(CLOCK_REALTIME_ALARM, &rq), -EINVAL);
    want("alarm clock sleep", sys_clock_nanosleep(CLOCK_BOOTTIME_ALARM, 0, &rq, NULL), -EOPNOTSUPP);

    struct timespec big_ns = { 0, 1000000000 }, neg = { -1, 0 }, neg_ns = { 0, -1 }, rem = { 7, 7 };
    SAME("clock_nanosleep nsec 1e9", clock_nanosleep, CLOCK_REALTIME, 0, &big_ns, NULL);
    SAME("clock_nanosleep sec -1", clock_nanosleep, CLOCK_MONOTONIC, 0, &neg, NULL);
    SAME("clock_nanosleep abs sec -1", clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &neg, NULL);
    SAME("clock_nanosleep junk flags", clock_nanosleep, CLOCK_MONOTONIC, 0x7e, &rq, NULL);
    SAME("nanosleep nsec -1", nanosleep, &neg_ns, NULL);
    SAME("nanosleep NULL", nanosleep, NULL, NULL);
    SAME("nanosleep bad rem", nanosleep, &rq, bad);
    SAME("nanosleep", nanosleep, &rq, &rem);
    want("nanosleep leaves rem", rem.tv_sec == 7 && rem.tv_nsec == 7, 1);

    struct timespec ms20 = { 0, 20000000 }, deadline;
    uint64_t t0 = ns_of(CLOCK_MONOTONIC);
    want("nanosleep 20 ms", sys_nanosleep(&ms20, NULL), 0);
    want("nanosleep 20 ms long enough", ns_of(CLOCK_MONOTONIC) - t0 >= 20000000, 1);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 10000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    want("clock_nanosleep realtime abs", sys_clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &deadline, NULL), 0);
    want("realtime deadline reached",
         ns_of(CLOCK_REALTIME) >= (uint64_t)deadline.tv_sec * 1000000000ull + (uint64_t)deadline.tv_nsec, 1);

    struct timeval tv;
    struct timezone tz;
    SAME("gettimeofday NULL", gettimeofday, NULL, NULL);
    SAME("gettimeofday bad tv", gettimeofday, bad, NULL);
    SAME("gettimeofday bad tz", gettimeofday, &tv, bad);
    SAME("gettimeofday", gettimeofday, &tv, &tz);
    SAME("time bad", time, bad);
    long now = 0, nat = syscall(SYS_time, NULL), ours = sys_time(&now);
    want("time", ours >= nat && ours - nat <= 1 && now == ours, 1);
}

static void test_proc(void)
{
    char buf[64];
    SAME("getpgid(-1)", getpgid, -1);
    SAME("getpgid(0)", getpgid, 0);
    SAME("getpgid(self)", getpgid, getpid());
    SAME("getpgid(none)", getpgid, NO_SUCH_PID);
    SAME("getsid(0)", getsid, 0);
    SAME("getsid(none)", getsid, NO_SUCH_PID);
    SAME("set_robust_list 23", set_robust_list, buf, 23);
    SAME("set_robust_list 24", set_robust_list, buf, 24);

    SAME("PR_SET_NAME bad", prctl, PR_SET_NAME, (unsigned long)bad, 0, 0, 0);
    SAME("PR_SET_NAME NULL", prctl, PR_SET_NAME, 0, 0, 0, 0);
    SAME("PR_GET_NAME bad", prctl, PR_GET_NAME, (unsigned long)bad, 0, 0, 0);
    const char *names[] = { "a", "", "exactly15chars!", "sixteen-chars-xx", "a-much-longer-name-than-that" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char a[16], b[16];
        memset(a, 'Z', sizeof a);
        memset(b, 'Y', sizeof b);
        SAME("PR_SET_NAME", prctl, PR_SET_NAME, (unsigned long)names[i], 0, 0, 0);
        same("PR_GET_NAME", native(syscall(SYS_prctl, PR_GET_NAME, a, 0, 0, 0)),
             sys_prctl(PR_GET_NAME, (unsigned long)b, 0, 0, 0));
        want(names[i], memcmp(a, b, sizeof a), 0);
    }
    /* A name running into an unmapped page: 15 bytes are enough, 14 are not. */
    char *pg = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(pg + 4096, 4096);
    memcpy(pg + 4096 - 15, "abcdefghijklmno", 15);
    SAME("PR_SET_NAME 15 at page end", prctl, PR_SET_NAME, (unsigned long)(pg + 4096 - 15), 0, 0, 0);
    SAME("PR_SET_NAME 14 at page end", prctl, PR_SET_NAME, (unsigned long)(pg + 4096 - 14), 0, 0, 0);
    munmap(pg, 4096);

    int a = -1, b = -2;
    SAME("PR_SET_PDEATHSIG 65", prctl, PR_SET_PDEATHSIG, 65, 0, 0, 0);
    SAME("PR_SET_PDEATHSIG -1", prctl, PR_SET_PDEATHSIG, ~0ul, 0, 0, 0);
    SAME("PR_SET_PDEATHSIG 64", prctl, PR_SET_PDEATHSIG, 64, 0, 0, 0);
    same("PR_GET_PDEATHSIG", native(syscall(SYS_prctl, PR_GET_PDEATHSIG, &a, 0, 0, 0)),
         sys_prctl(PR_GET_PDEATHSIG, (unsigned long)&b, 0, 0, 0));
    want("pdeathsig", a, b);
    SAME("PR_SET_PDEATHSIG 0", prctl, PR_SET_PDEATHSIG, 0, 0, 0, 0);
    SAME("PR_GET_PDEATHSIG bad", prctl, PR_GET_PDEATHSIG, (unsigned long)bad, 0, 0, 0);
    SAME("PR_SET_DUMPABLE 2", prctl, PR_SET_DUMPABLE, 2, 0, 0, 0);
    SAME("PR_SET_DUMPABLE 0", prctl, PR_SET_DUMPABLE, 0, 0, 0, 0);
    SAME("PR_GET_DUMPABLE 0", prctl, PR_GET_DUMPABLE, 0, 0, 0, 0);
    SAME("PR_SET_DUMPABLE 1", prctl, PR_SET_DUMPABLE, 1, 0, 0, 0);
    SAME("PR_GET_DUMPABLE 1", prctl, PR_GET_DUMPABLE, 0, 0, 0, 0);
    SAME("PR_SET_NO_NEW_PRIVS 0", prctl, PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0);
    SAME("PR_SET_NO_NEW_PRIVS 1 1", prctl, PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0);
    SAME("PR_GET_NO_NEW_PRIVS 1", prctl, PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0);
    SAME("PR_SET_NO_NEW_PRIVS", prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    SAME("PR_GET_NO_NEW_PRIVS", prctl, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    SAME("prctl unknown", prctl, 9999, 0, 0, 0, 0);
    SAME("prctl -1", prctl, -1, 0, 0, 0, 0);

    unsigned long fs = 0;
    SAME("ARCH_GET_FS bad", arch_prctl, ARCH_GET_FS, (unsigned long)bad);
    SAME("ARCH_SET_FS above user space", arch_prctl, ARCH_SET_FS, (1ul << 47) - 4096);
    SAME("ARCH_SET_FS kernel half", arch_prctl, ARCH_SET_FS, 0xffff800000000000ul);
    want("ARCH_SET_FS", sys_arch_prctl(ARCH_SET_FS, 0x12345678), 0);
    want("ARCH_SET_FS reaches the PAL", (long)fs_base, 0x12345678);
    want("ARCH_GET_FS", sys_arch_prctl(ARCH_GET_FS, (unsigned long)&fs), 0);
    want("ARCH_GET_FS value", (long)fs, 0x12345678);
    want("ARCH_GET_GS", sys_arch_prctl(ARCH_GET_GS, (unsigned long)&fs), -EINVAL);
    SAME("ARCH_GET_CPUID", arch_prctl, ARCH_GET_CPUID, 0);
    want("ARCH_SET_CPUID", sys_arch_prctl(ARCH_SET_CPUID, 1), -ENODEV);
    SAME("arch_prctl unknown", arch_prctl, 0x9999, 0);

    unsigned long m1[4] = { 0 }, m2[4] = { 0 };
    SAME("sched_getaffinity len 0", sched_getaffinity, 0, 0, m1);
    SAME("sched_getaffinity len 4", sched_getaffinity, 0, 4, m1);
    SAME("sched_getaffinity len 12", sched_getaffinity, 0, 12, m1);
    SAME("sched_getaffinity none", sched_getaffinity, NO_SUCH_PID, 8, m1);
    SAME("sched_getaffinity -1", sched_getaffinity, -1, 8, m1);
    SAME("sched_getaffinity bad", sched_getaffinity, 0, 8, bad);
    want("sched_getaffinity one cpu", sys_sched_getaffinity(0, sizeof m2, m2), 8);
    want("sched_getaffinity mask", (long)m2[0], 1);
    SAME("getcpu NULL", getcpu, NULL, NULL, NULL);
    SAME("getcpu bad", getcpu, bad, NULL, NULL);
    SAME("getcpu bad node", getcpu, NULL, bad, NULL);
}

static void test_futex(void)
{
    static uint32_t w[2] = { 5, 5 };
    char *unaligned = (char *)w + 1;
    struct timespec zero = { 0, 0 }, ms = { 0, 1000000 }, big_ns = { 0, 1000000000 }, abs_rt;
    int p = FUTEX_PRIVATE_FLAG;
    SAME("wake unaligned", futex, unaligned, FUTEX_WAKE, 1, NULL, NULL, 0);
    SAME("wake private unmapped", futex, bad, FUTEX_WAKE | p, 1, NULL, NULL, 0);
    SAME("wake shared unmapped", futex, bad, FUTEX_WAKE, 1, NULL, NULL, 0);
    SAME("wake", futex, w, FUTEX_WAKE | p, 1, NULL, NULL, 0);
    SAME("wake_bitset 0", futex, w, FUTEX_WAKE_BITSET | p, 1, NULL, NULL, 0);
    SAME("wake_bitset", futex, w, FUTEX_WAKE_BITSET | p, 1, NULL, NULL, 1);
    SAME("wake clock_realtime", futex, w, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0);
    SAME("wait mismatch", futex, w, FUTEX_WAIT | p, 4, NULL, NULL, 0);
    SAME("wait unaligned", futex, unaligned, FUTEX_WAIT | p, 4, NULL, NULL, 0);
    SAME("wait unmapped", futex, bad, FUTEX_WAIT | p, 4, NULL, NULL, 0);
    SAME("wait timeout 0", futex, w, FUTEX_WAIT | p, 5, &zero, NULL, 0);
    SAME("wait timeout 1 ms", futex, w, FUTEX_WAIT | p, 5, &ms, NULL, 0);
    SAME("wait bad timeout", futex, w, FUTEX_WAIT | p, 5, &big_ns, NULL, 0);
    SAME("wait bad timeout first", futex, w, FUTEX_WAIT | p, 4, &big_ns, NULL, 0);
    SAME("wait unmapped timeout", futex, w, FUTEX_WAIT | p, 4, bad, NULL, 0);
    SAME("wait_bitset 0", futex, w, FUTEX_WAIT_BITSET | p, 5, &zero, NULL, 0);
    SAME("wait_bitset past", futex, w, FUTEX_WAIT_BITSET | p, 5, &ms, NULL, ~0u);
    clock_gettime(CLOCK_REALTIME, &abs_rt);
    abs_rt.tv_nsec += 2000000;
    if (abs_rt.tv_nsec >= 1000000000) {
        abs_rt.tv_sec++;
        abs_rt.tv_nsec -= 1000000000;
    }
    SAME("wait_bitset realtime", futex, w, FUTEX_WAIT_BITSET | p | FUTEX_CLOCK_REALTIME, 5, &abs_rt, NULL, ~0u);
    SAME("unknown op", futex, w, 99, 5, NULL, NULL, 0);
    /* Linux before 4.5 and since the futex rewrite refuses a realtime FUTEX_WAIT. */
    want("wait clock_realtime", sys_futex(w, FUTEX_WAIT | p | FUTEX_CLOCK_REALTIME, 5, &ms, NULL, 0), -ENOSYS);
    SAME("requeue", futex, w, FUTEX_REQUEUE | p, 1, NULL, w + 1, 0);
    SAME("cmp_requeue eagain", futex, w, FUTEX_CMP_REQUEUE | p, 1, NULL, w + 1, *w + 1);
    SAME("cmp_requeue", futex, w, FUTEX_CMP_REQUEUE | p, 1, NULL, w + 1, *w);
    SAME("cmp_requeue misaligned", futex, w, FUTEX_CMP_REQUEUE | p, 1, NULL, (uint32_t *)((char *)w + 1), *w);
    SAME("wake_op", futex, w, FUTEX_WAKE_OP | p, 1, (void *)1, w + 1, FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0));
    SAME("wake_op bad", futex, w, FUTEX_WAKE_OP | p, 1, (void *)1, bad, FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0));
    want("wait forever", sys_futex(w, FUTEX_WAIT | p, 5, NULL, NULL, 0), -EDEADLK);
}

static void test_info(void)
{
    char buf[512];
    SAME("uname bad", uname, bad);
    want("uname", sys_uname(buf), 0);
    want("uname sysname", strcmp(buf, "Linux"), 0);
    want("uname machine", strcmp(buf + 4 * 65, "x86_64"), 0);
    SAME("sysinfo bad", sysinfo, bad);
    struct sysinfo si;
    want("sysinfo", sys_sysinfo(&si), 0);
    want("sysinfo values", si.totalram == 256 << 20 && si.freeram == 100 << 20 && si.procs == 1 &&
                           si.mem_unit == 1 && si.uptime > 0, 1);
    unsigned a, b, c;
    SAME("getresuid NULL", getresuid, NULL, &b, &c);
    SAME("getresuid bad", getresuid, &a, &b, bad);
    SAME("getresgid", getresgid, &a, &b, &c);
    same("getuid", syscall(SYS_getuid), sys_getuid());
    SAME("getgroups -1", getgroups, -1, NULL);
    want("getgroups", sys_getgroups(0, NULL), 0);

    struct rlimit r, cur_above_max = { 10, 5 };
    SAME("getrlimit 16", getrlimit, 16, &r);
    SAME("getrlimit -1", getrlimit, ~0u, &r);
    SAME("getrlimit bad", getrlimit, RLIMIT_NOFILE, bad);
    SAME("setrlimit bad", setrlimit, RLIMIT_NOFILE, bad);
    SAME("setrlimit bad 16", setrlimit, 16, bad);
    SAME("setrlimit cur > max", setrlimit, RLIMIT_NOFILE, &cur_above_max);
    SAME("setrlimit 16 cur > max", setrlimit, 16, &cur_above_max);
    want("getrlimit nofile", sys_getrlimit(RLIMIT_NOFILE, &r), 0);
    want("nofile", r.rlim_cur == 1024 && r.rlim_max == 1024, 1);
    want("getrlimit stack", sys_getrlimit(RLIMIT_STACK, &r), 0);
    want("stack", r.rlim_cur == 8 << 20, 1);
    struct rlimit lower = { 100, 512 }, raise = { 100, 1000000 };
    want("setrlimit lower", sys_setrlimit(RLIMIT_NOFILE, &lower), 0);
    want("setrlimit raise hard", sys_setrlimit(RLIMIT_NOFILE, &raise), -EPERM);
    want("prlimit64 read", sys_prlimit64(0, RLIMIT_NOFILE, NULL, &r), 0);
    want("lowered", r.rlim_cur == 100 && r.rlim_max == 512, 1);
    SAME("prlimit64 none", prlimit64, NO_SUCH_PID, 0, NULL, &r);
    SAME("prlimit64 bad new first", prlimit64, NO_SUCH_PID, 0, bad, &r);
    SAME("prlimit64 16", prlimit64, 0, 16, NULL, &r);
    SAME("prlimit64 self", prlimit64, getpid(), RLIMIT_CORE, NULL, &r);
    SAME("prlimit64 bad old", prlimit64, 0, RLIMIT_CORE, NULL, bad);
    SAME("prlimit64 nothing", prlimit64, 0, RLIMIT_CORE, NULL, NULL);

    SAME("getrandom flags 8", getrandom, buf, 16, 8);
    SAME("getrandom insecure|random", getrandom, buf, 16, 6);
    SAME("getrandom 0", getrandom, NULL, 0, 0);
    SAME("getrandom bad", getrandom, bad, 16, 0);
    SAME("getrandom nonblock|insecure", getrandom, buf, 16, 5);
    size_t big = 40 << 20;
    char *p = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    want("getrandom capped", sys_getrandom(p, big, 0), 33554431);
    munmap(p, big);
}

struct ksa { unsigned long handler, flags, restorer, mask; };
struct kstack { void *sp; int flags; size_t size; };

static void test_signals(void)
{
    struct ksa ign_all = { (unsigned long)SIG_IGN, 0xffffffff, 0, ~0ul }, dfl = { 0, 0, 0, 0 };
    struct ksa ign = { (unsigned long)SIG_IGN, 0, 0, 0 }, handler = { 0x401000, 0, 0, 0 }, o1, o2;
    SAME("sigaction setsize 4", rt_sigaction, SIGUSR2, &ign_all, NULL, 4);
    SAME("sigaction 0", rt_sigaction, 0, &ign_all, NULL, 8);
    SAME("sigaction 65", rt_sigaction, 65, NULL, NULL, 8);
    SAME("sigaction -1", rt_sigaction, -1, NULL, NULL, 8);
    SAME("sigaction SIGKILL", rt_sigaction, SIGKILL, &ign_all, NULL, 8);
    SAME("sigaction SIGSTOP", rt_sigaction, SIGSTOP, &ign_all, NULL, 8);
    SAME("sigaction SIGKILL query", rt_sigaction, SIGKILL, NULL, &o1, 8);
    SAME("sigaction bad", rt_sigaction, SIGUSR2, bad, NULL, 8);
    SAME("sigaction bad, sig 0", rt_sigaction, 0, bad, NULL, 8);
    SAME("sigaction all flags", rt_sigaction, SIGUSR2, &ign_all, NULL, 8);
    memset(&o1, 0, sizeof o1);
    memset(&o2, 0, sizeof o2);
    same("sigaction read", native(syscall(SYS_rt_sigaction, SIGUSR2, NULL, &o1, 8)),
         sys_rt_sigaction(SIGUSR2, NULL, &o2, 8));
    want("sigaction flags and mask kept", memcmp(&o1, &o2, sizeof o1), 0);
    SAME("sigaction bad oact", rt_sigaction, SIGUSR2, &dfl, bad, 8);
    syscall(SYS_rt_sigaction, SIGUSR2, NULL, &o1, 8);
    sys_rt_sigaction(SIGUSR2, NULL, &o2, 8);
    want("bad oact still sets", o1.handler == 0 && o2.handler == 0, 1);
    SAME("sigaction 64 query", rt_sigaction, 64, NULL, &o1, 8);

    unsigned long all = ~0ul, none = 0, m1, m2;
    sigset_t saved;
    sigprocmask(SIG_SETMASK, NULL, &saved);
    SAME("sigprocmask setsize 4", rt_sigprocmask, SIG_BLOCK, &all, NULL, 4);
    SAME("sigprocmask how 3", rt_sigprocmask, 3, &all, NULL, 8);
    SAME("sigprocmask how 3, no set", rt_sigprocmask, 3, NULL, &m1, 8);
    SAME("sigprocmask bad set", rt_sigprocmask, SIG_BLOCK, bad, NULL, 8);
    SAME("sigprocmask bad set, how 3", rt_sigprocmask, 3, bad, NULL, 8);
    SAME("sigprocmask block all", rt_sigprocmask, SIG_SETMASK, &all, NULL, 8);
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &m1, 8);
    sys_rt_sigprocmask(SIG_BLOCK, NULL, &m2, 8);
    want("SIGKILL and SIGSTOP not blocked", (long)(m1 ^ m2), 0);
    SAME("sigprocmask bad oset", rt_sigprocmask, SIG_SETMASK, &none, bad, 8);
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &m1, 8);
    sys_rt_sigprocmask(SIG_BLOCK, NULL, &m2, 8);
    want("bad oset still sets", m1 == 0 && m2 == 0, 1);
    sigprocmask(SIG_SETMASK, &saved, NULL);

    /* The host's initial alternate stack may be the sanitizer's: ours alone. */
    static char stack[65536];
    struct kstack s = { stack, 0, 100 }, q1, q2;
    want("sigaltstack initial", sys_sigaltstack(NULL, &q2), 0);
    want("sigaltstack initial disabled", q2.flags == SS_DISABLE && q2.size == 0 && !q2.sp, 1);
    SAME("sigaltstack bad", sigaltstack, bad, NULL);
    SAME("sigaltstack bad old", sigaltstack, NULL, bad);
    SAME("sigaltstack small", sigaltstack, &s, NULL);
    s.flags = 5;
    s.size = 8192;
    SAME("sigaltstack flags 5", sigaltstack, &s, NULL);
    s.flags = SS_ONSTACK;
    SAME("sigaltstack SS_ONSTACK", sigaltstack, &s, NULL);
    s.flags = (int)(1u << 31);   /* SS_AUTODISARM */
    s.size = 2048;
    SAME("sigaltstack autodisarm", sigaltstack, &s, NULL);
    SAME("sigaltstack read", sigaltstack, NULL, &q1);
    sys_sigaltstack(NULL, &q2);
    want("sigaltstack kept", q1.flags == q2.flags && q1.size == q2.size && q1.sp == q2.sp, 1);
    s.flags = SS_DISABLE;
    s.size = 1;
    SAME("sigaltstack disable", sigaltstack, &s, &q1);
    SAME("sigaltstack read disabled", sigaltstack, NULL, &q1);
    sys_sigaltstack(NULL, &q2);
    want("sigaltstack disabled", q1.flags == q2.flags && q1.size == q2.size && q1.sp == q2.sp, 1);

    int me = getpid();
    SAME("kill none", kill, NO_SUCH_PID, 0);
    SAME("kill none, bad signal", kill, NO_SUCH_PID, 65);
    SAME("kill self 65", kill, me, 65);
    SAME("kill self -1", kill, me, -1);
    SAME("kill self 0", kill, me, 0);
    SAME("kill group 0", kill, 0, 0);
    SAME("kill group 65", kill, 0, 65);
    SAME("kill INT_MIN", kill, INT_MIN, 0);
    SAME("kill own group", kill, -getpgrp(), 0);
    SAME("kill no group", kill, -NO_SUCH_PID, 0);
    SAME("kill SIGCHLD", kill, me, SIGCHLD);
    SAME("kill SIGWINCH", kill, me, SIGWINCH);
    SAME("kill SIGURG", kill, me, SIGURG);
    SAME("kill SIGCONT", kill, me, SIGCONT);
    want("kill -1: nobody but us", sys_kill(-1, 0), -ESRCH);
    SAME("tkill 0", tkill, 0, 0);
    SAME("tkill -1", tkill, -1, 0);
    SAME("tkill none", tkill, NO_SUCH_PID, 65);
    SAME("tkill self 65", tkill, me, 65);
    SAME("tkill self 0", tkill, me, 0);
    SAME("tgkill 0", tgkill, 0, me, 0);
    SAME("tgkill tid 0", tgkill, me, 0, 0);
    SAME("tgkill other tgid", tgkill, NO_SUCH_PID, me, 0);
    SAME("tgkill other tid", tgkill, me, NO_SUCH_PID, 0);
    SAME("tgkill self 65", tgkill, me, me, 65);
    SAME("tgkill self 0", tgkill, me, me, 0);

    /* What a signal to itself does (not tried natively). */
    sys_rt_sigaction(SIGUSR2, &ign, NULL, 8);
    want("ignored", sys_kill(me, SIGUSR2), 0);
    sys_rt_sigaction(SIGUSR1, &handler, NULL, 8);
    want("handler: queued", sys_kill(me, SIGUSR1), 0);
    want("handler: pending", signal_pending(), 1);
    sys_rt_sigaction(SIGUSR1, &ign, NULL, 8);
    want("ignoring discards it", signal_pending(), 0);
    sys_rt_sigaction(SIGUSR1, &dfl, NULL, 8);
    want("SIGTSTP to an orphaned group", sys_kill(me, SIGTSTP), 0);
    want("SIGSTOP to itself", sys_kill(me, SIGSTOP), 0);
    want("stopped until SIGCONT", returning(0) == 0 && stopped_waits == 3, 1);
    unsigned long term = 1ul << (SIGTERM - 1);
    sys_rt_sigprocmask(SIG_BLOCK, &term, NULL, 8);
    want("blocked", sys_kill(me, SIGTERM), 0);
    sys_rt_sigaction(SIGTERM, &ign, NULL, 8);   /* discards the pending one */
    sys_rt_sigaction(SIGTERM, &dfl, NULL, 8);
    want("discarded pending", returning(sys_rt_sigprocmask(SIG_UNBLOCK, &term, NULL, 8)), 0);
    sys_rt_sigprocmask(SIG_BLOCK, &term, NULL, 8);
    want("blocked again", sys_kill(me, SIGTERM), 0);
    if (setjmp(death) == 0) {
        returning(sys_rt_sigprocmask(SIG_UNBLOCK, &term, NULL, 8));
        want("unblocking delivers", 0, 1);
    } else {
        want("dies of SIGTERM", death_status, 128 + SIGTERM);
    }
    if (setjmp(death) == 0) {
        returning(sys_tkill(me, SIGSEGV));
        want("tkill SIGSEGV kills", 0, 1);
    } else {
        want("dies of SIGSEGV", death_status, 128 + SIGSEGV);
    }
    if (setjmp(death) == 0) {
        returning(sys_kill(0, 35));
        want("real-time signal kills", 0, 1);
    } else {
        want("dies of signal 35", death_status, 128 + 35);
    }
    if (setjmp(death) == 0) {
        sys_exit_group(0x1234);
    } else {
        want("exit status is 8 bits", death_status, 0x34);
    }
}

/* CPU time, scheduling and credentials (bookkeep/cputime.c, sys/rusage.c, sys/sched.c, sys/cred.c). */
static void test_rusage(void)
{
    struct rusage ru;
    SAME("getrusage 99", getrusage, 99, &ru);
    SAME("getrusage -2", getrusage, -2, &ru);
    SAME("getrusage bad", getrusage, RUSAGE_SELF, bad);
    SAME("times bad", times, bad);
    want("times NULL", sys_times(NULL) > 0, 1);
    struct timespec a, b;
    want("cpu clock", sys_clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a), 0);
    for (volatile unsigned i = 0; i < 10000000; i++)
        ;
    want("cpu clock grows", sys_clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b) == 0 &&
                            (b.tv_sec > a.tv_sec || b.tv_nsec > a.tv_nsec), 1);
    want("getrusage self", sys_getrusage(RUSAGE_SELF, &ru), 0);
    want("user time", ru.ru_utime.tv_sec > 0 || ru.ru_utime.tv_usec > 0, 1);
    /* A sleep is not CPU time. */
    uint64_t before = cputime_self().user_ns;
    pal->sleep_ns(200000000);
    want("sleep is not cpu", cputime_self().user_ns - before < 100000000, 1);
    want("children none", sys_getrusage(RUSAGE_CHILDREN, &ru) == 0 && !ru.ru_utime.tv_sec &&
                          !ru.ru_utime.tv_usec, 1);
}

static void test_sched(void)
{
    for (int pol = -1; pol < 8; pol++) {
        SAME("sched_get_priority_max", sched_get_priority_max, pol);
        SAME("sched_get_priority_min", sched_get_priority_min, pol);
    }
    SAME("getpriority", getpriority, PRIO_PROCESS, 0);
    SAME("getpriority which", getpriority, 7, 0);
    SAME("getpriority no pid", getpriority, PRIO_PROCESS, NO_SUCH_PID);
    SAME("sched_getscheduler -1", sched_getscheduler, -1);
    SAME("sched_getscheduler", sched_getscheduler, 0);
    SAME("sched_getparam NULL", sched_getparam, 0, NULL);
    SAME("sched_getparam bad", sched_getparam, 0, bad);
    unsigned long none = 0, cpu0 = 1;
    SAME("sched_setaffinity empty", sched_setaffinity, 0, sizeof none, &none);
    SAME("sched_setaffinity bad", sched_setaffinity, 0, sizeof none, bad);
    want("sched_setaffinity cpu0", sys_sched_setaffinity(0, sizeof cpu0, &cpu0), 0);
    int prio = 0;
    SAME("sched_setscheduler bad policy", sched_setscheduler, 0, 77, &prio);
    SAME("sched_setscheduler other prio", sched_setscheduler, 0, SCHED_OTHER, &(int){ 5 });
    want("setpriority", sys_setpriority(PRIO_PROCESS, 0, 30), 0);
    want("nice clamped", sys_getpriority(PRIO_PROCESS, 0), 20 - 19);
    want("nice lower as root", sys_setpriority(PRIO_PROCESS, 0, 0), getuid() == 0 ? 0 : -EACCES);
    want("PR_SET_TIMERSLACK", sys_prctl(PR_SET_TIMERSLACK, 1234, 0, 0, 0), 0);
    want("PR_GET_TIMERSLACK", sys_prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 1234);
    want("PR_SET_TIMERSLACK 0", sys_prctl(PR_SET_TIMERSLACK, 0, 0, 0, 0), 0);
    want("PR_GET_TIMERSLACK default", sys_prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 50000);
}

/* Linux's rules for a root process that drops and takes back its ids; the
 * host process's own ids never change. */
static void test_cred(void)
{
    unsigned int g[3] = { 7, 3, 5 }, out[3];
    SAME("setuid -1", setuid, -1);
    SAME("setgroups -1", setgroups, -1, g);
    SAME("getgroups -1", getgroups, -1, out);
    if (getuid() != 0)
        return;
    want("setgroups", sys_setgroups(3, g), 0);
    want("getgroups count", sys_getgroups(0, NULL), 3);
    want("getgroups small", sys_getgroups(2, out), -EINVAL);
    want("getgroups sorted", sys_getgroups(3, out) == 3 && out[0] == 3 && out[1] == 5 && out[2] == 7, 1);
    want("setresuid", sys_setresuid(1000, 1000, 0), 0);
    want("uids", sys_getuid() == 1000 && sys_geteuid() == 1000, 1);
    want("setgroups unprivileged", sys_setgroups(0, NULL), -EPERM);
    want("setuid other", sys_setuid(2000), -EPERM);
    want("setfsuid other", sys_setfsuid(2000), 1000);
    want("setfsuid unchanged", sys_setfsuid(-1), 1000);
    want("setreuid swap", sys_setreuid(1000, 0), 0);   /* euid to the saved 0 */
    want("euid back", sys_geteuid(), 0);
    want("setuid all", sys_setuid(1000), 0);
    want("no way back", sys_setuid(0), -EPERM);
    want("setreuid unprivileged", sys_setreuid(-1, 0), -EPERM);
}

int main(void)
{
    boot.boot_monotonic_ns = host_monotonic();
    boot.host_uid = getuid();
    boot.host_gid = getgid();
    proc.pid = getpid();
    threads[0].tid = proc.pid;
    proc.ppid = getppid();
    proc.pgid = getpgrp();
    proc.sid = getsid(0);
    strcpy(proc.exe, "/bin/test");
    cputime_init();
    cputime_syscall_exit();
    test_clocks();
    test_proc();
    test_futex();
    test_info();
    test_signals();
    test_rusage();
    test_sched();
    test_cred();
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
