/* /proc's machine-wide files, in Linux's formats: what the pool, the clocks
 * and the application's process table say.  What a picoprocess does not
 * keep (load averages, interrupt counts, CPU time of the host) is 0; the one
 * CPU is idle whenever nothing is counted as busy, so its idle time is the
 * uptime. */
#include "fs/proc_sys.h"
#include "fs/file.h"
#include "fs/mountinfo.h"
#include "ipc/ipc.h"
#include "ktime.h"
#include "mm/mm.h"

#define USER_HZ 100ull     /* Linux's clock ticks, as in /proc/PID/stat */
/* Linux's largest pid_max: the application's pids are never reused. */
#define PID_MAX 4194304
/* Linux's defaults for the pages that one user's pipes may take before new
 * ones get two pages only (soft), or none (hard, 0: no limit).  Pipes are the
 * host's, created by the monitor: the host's own limits are the ones that act. */
#define PIPE_USER_PAGES_SOFT 16384
#define PIPE_USER_PAGES_HARD 0

static void meminfo(struct text *t)
{
    uint64_t total = pal_state->ram_size >> 10, free = MIN(mm_free_bytes() >> 10, total);
    /* The pool holds what the program and the library OS use: all of it
     * is anonymous memory, none reclaimable, no swap. */
    const struct { const char *name; uint64_t kb; } lines[] = {
        { "MemTotal", total }, { "MemFree", free }, { "MemAvailable", free }, { "Buffers", 0 },
        { "Cached", 0 }, { "SwapCached", 0 }, { "Active", total - free }, { "Inactive", 0 },
        { "Active(anon)", total - free }, { "Inactive(anon)", 0 }, { "Active(file)", 0 },
        { "Inactive(file)", 0 }, { "Unevictable", 0 }, { "Mlocked", 0 }, { "SwapTotal", 0 },
        { "SwapFree", 0 }, { "Dirty", 0 }, { "Writeback", 0 }, { "AnonPages", total - free },
        { "Mapped", 0 }, { "Shmem", 0 }, { "KReclaimable", 0 }, { "Slab", 0 }, { "SReclaimable", 0 },
        { "SUnreclaim", 0 }, { "KernelStack", 0 }, { "PageTables", 0 }, { "SecPageTables", 0 },
        { "NFS_Unstable", 0 }, { "Bounce", 0 }, { "WritebackTmp", 0 },
        /* Linux's formula without swap: half the RAM (vm.overcommit_ratio 50). */
        { "CommitLimit", total / 2 }, { "Committed_AS", total - free },
        { "VmallocTotal", 34359738367ull }, { "VmallocUsed", 0 }, { "VmallocChunk", 0 },
        { "Percpu", 0 }, { "HardwareCorrupted", 0 }, { "AnonHugePages", 0 }, { "ShmemHugePages", 0 },
        { "ShmemPmdMapped", 0 }, { "FileHugePages", 0 }, { "FilePmdMapped", 0 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
        /* "Key:" padded to 16 columns and the number to 24, as Linux's
         * show_val_kb; a longer key keeps one blank. */
        char key[24];
        int w = MAX(16, snprintf(key, sizeof(key), "%s:", lines[i].name) + 1);
        text_printf(t, "%-*s%*lu kB\n", w, key, 24 - w, (unsigned long)lines[i].kb);
    }
    text_printf(t, "HugePages_Total:       0\nHugePages_Free:        0\nHugePages_Rsvd:        0\n"
                   "HugePages_Surp:        0\nHugepagesize:       2048 kB\nHugetlb:               0 kB\n");
}

static uint64_t uptime_ticks(void) { return uptime_ns() / (NSEC_PER_SEC / USER_HZ); }

static void stat_file(struct text *t)
{
    unsigned long idle = (unsigned long)uptime_ticks();
    int last;
    ipc_nprocs(&last);
    text_printf(t, "cpu  0 0 0 %lu 0 0 0 0 0 0\ncpu0 0 0 0 %lu 0 0 0 0 0 0\n", idle, idle);
    /* The host's boot: our monotonic clock counts from it. */
    uint64_t btime = (pal_state->boot_realtime_ns - pal_state->boot_monotonic_ns) / NSEC_PER_SEC;
    /* pids are given in order from 1, so the last is how many were made. */
    text_printf(t, "intr 0\nctxt 0\nbtime %lu\nprocesses %d\nprocs_running 1\nprocs_blocked 0\n"
                   "softirq 0 0 0 0 0 0 0 0 0 0 0\n", (unsigned long)btime, last);
}

static void uptime_file(struct text *t)
{
    uint64_t c = uptime_ns() / (NSEC_PER_SEC / 100);
    text_printf(t, "%lu.%02lu %lu.%02lu\n", (unsigned long)(c / 100), (unsigned long)(c % 100),
                (unsigned long)(c / 100), (unsigned long)(c % 100));
}

static void loadavg(struct text *t)
{
    int last, n = ipc_nprocs(&last);
    text_printf(t, "0.00 0.00 0.00 1/%d %d\n", n, last);
}

static void filesystems(struct text *t)
{
    /* The kinds the mount table can hold (fs/mountinfo.c), and Linux's
     * internal ones behind pipes and sockets. */
    text_printf(t, "nodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\nnodev\tpipefs\nnodev\tsockfs\nnodev\tfuse\n");
}

static void pid_max(struct text *t) { text_printf(t, "%d\n", PID_MAX); }
static void tainted(struct text *t) { text_printf(t, "0\n"); }
/* No core file is ever written; Linux's default pattern. */
static void core_pattern(struct text *t) { text_printf(t, "core\n"); }
static void osrelease(struct text *t) { text_printf(t, "%s\n", uname_release()); }
static void hostname(struct text *t) { text_printf(t, "%s\n", UNAME_NODENAME); }
static void pipe_max_size(struct text *t) { text_printf(t, "%u\n", PAL_PIPE_MAX_SIZE); }
static void pipe_pages_soft(struct text *t) { text_printf(t, "%d\n", PIPE_USER_PAGES_SOFT); }
static void pipe_pages_hard(struct text *t) { text_printf(t, "%d\n", PIPE_USER_PAGES_HARD); }

/* Linux's formula, sqrt(16 x RAM in kB) within [128, 262144], for the pool. */
static void min_free_kbytes(struct text *t)
{
    uint64_t x = (pal_state->ram_size >> 10) * 16, r = 0;
    for (uint64_t bit = 1ull << 62; bit; bit >>= 2)
        if (x >= r + bit) {
            x -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
    text_printf(t, "%lu\n", (unsigned long)MIN(MAX(r, 128), 262144));
}

static void lease_break_time(struct text *t) { text_printf(t, "%d\n", file_lease_break_secs); }

/* proc_dointvec's form: an optional sign, digits, then blanks or a newline. */
static long parse_int(const char *buf, size_t len, int *out)
{
    size_t i = 0;
    bool neg = i < len && buf[i] == '-';
    i += neg;
    long v = 0;
    size_t digits = i;
    for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++)
        if ((v = v * 10 + (buf[i] - '0')) > 2147483647L + neg)
            return -EINVAL;
    if (i == digits)
        return -EINVAL;
    for (; i < len; i++)
        if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n')
            return -EINVAL;
    *out = (int)(neg ? -v : v);
    return 0;
}

static long set_lease_break_time(const char *buf, size_t len) { return parse_int(buf, len, &file_lease_break_secs); }

/* The heuristic mode: mm.c refuses only a private mapping larger than RAM. */
static void overcommit_memory(struct text *t) { text_printf(t, "0\n"); }
/* What the mapping table holds (Linux's default is 65530). */
static void max_map_count(struct text *t) { text_printf(t, "%d\n", MM_MAX_MAPS); }

/* Parents before their children; a NULL text and link is a directory.
 * A file with a write function is root's to write (mode 0644). */
static const struct entry {
    const char *path;
    void (*text)(struct text *t);
    const char *link;
    long (*write)(const char *buf, size_t len);
} entries[] = {
    { "cpuinfo", cpuinfo_text, NULL, NULL },
    { "filesystems", filesystems, NULL, NULL },
    { "loadavg", loadavg, NULL, NULL },
    { "meminfo", meminfo, NULL, NULL },
    { "mounts", NULL, "self/mounts", NULL },
    { "stat", stat_file, NULL, NULL },
    { "sys", NULL, NULL, NULL },
    { "sys/fs", NULL, NULL, NULL },
    { "sys/fs/lease-break-time", lease_break_time, NULL, set_lease_break_time },
    { "sys/fs/pipe-max-size", pipe_max_size, NULL, NULL },
    { "sys/fs/pipe-user-pages-hard", pipe_pages_hard, NULL, NULL },
    { "sys/fs/pipe-user-pages-soft", pipe_pages_soft, NULL, NULL },
    { "sys/kernel", NULL, NULL, NULL },
    { "sys/kernel/core_pattern", core_pattern, NULL, NULL },
    { "sys/kernel/hostname", hostname, NULL, NULL },
    { "sys/kernel/osrelease", osrelease, NULL, NULL },
    { "sys/kernel/pid_max", pid_max, NULL, NULL },
    { "sys/kernel/tainted", tainted, NULL, NULL },
    { "sys/vm", NULL, NULL, NULL },
    { "sys/vm/max_map_count", max_map_count, NULL, NULL },
    { "sys/vm/min_free_kbytes", min_free_kbytes, NULL, NULL },
    { "sys/vm/overcommit_memory", overcommit_memory, NULL, NULL },
    { "uptime", uptime_file, NULL, NULL },
};

int proc_sys_find(const char *rel)
{
    for (size_t i = 0; i < ARRAY_SIZE(entries); i++)
        if (!strcmp(entries[i].path, rel))
            return (int)i;
    return -1;
}

bool proc_sys_is_dir(int i) { return !entries[i].text && !entries[i].link; }
bool proc_sys_writable(int i) { return entries[i].write != NULL; }
long proc_sys_write(int i, const char *buf, size_t len) { return entries[i].write(buf, len); }
const char *proc_sys_link(int i) { return entries[i].link; }

const char *proc_sys_name(int i)
{
    const char *slash = strrchr(entries[i].path, '/');
    return slash ? slash + 1 : entries[i].path;
}

/* Is entry i directly in directory dir? */
static bool in_dir(int i, int dir)
{
    const char *p = entries[i].path;
    if (dir < 0)
        return !strchr(p, '/');
    size_t n = strlen(entries[dir].path);
    return !strncmp(p, entries[dir].path, n) && p[n] == '/' && !strchr(p + n + 1, '/');
}

int proc_sys_child(int dir, int k)
{
    for (int i = 0; i < (int)ARRAY_SIZE(entries); i++)
        if (in_dir(i, dir) && k-- == 0)
            return i;
    return -1;
}

long proc_sys_text(int i, char **text, size_t *len)
{
    struct text t = { 0 };
    entries[i].text(&t);
    return text_done(&t, text, len);
}
