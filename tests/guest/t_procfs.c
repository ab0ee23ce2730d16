// The machine-wide /proc files, statfs and sysinfo, read as LTP's library and
// busybox free/uptime/df read them.  Figures differ between machines, so only
// formats, plausible ranges and agreements between sources are checked.
#define _GNU_SOURCE
#include <cpuid.h>
#include <dirent.h>
#include <fcntl.h>
#include <mntent.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>

#include "check.h"
#include "scratch.h"

#define PROC_SUPER_MAGIC 0x9fa0
#define TMPFS_MAGIC 0x01021994
#define PIPEFS_MAGIC 0x50495045

/* A whole /proc file in a static buffer; "" if it cannot be read. */
static const char *slurp(const char *path)
{
    static char buf[1 << 16];
    size_t len = 0;
    int fd = open(path, O_RDONLY);
    ssize_t n = 0;
    while (fd >= 0 && len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)n;
    if (fd >= 0)
        close(fd);
    buf[len] = 0;
    return buf;
}

/* The number after "key" in a meminfo-like text, as LTP's FILE_LINES_SCANF
 * finds it; -1 if absent. */
static long long field(const char *text, const char *key)
{
    size_t n = strlen(key);
    for (const char *l = text; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l))
        if ((l == text || l[-1] == '\n') && !strncmp(l, key, n))
            return strtoll(l + n, NULL, 10);
    return -1;
}

/* Every line "Key:<blanks>N kB" or "Key:<blanks>N", with Linux's columns. */
static int meminfo_lines_ok(const char *text)
{
    int lines = 0;
    for (const char *l = text; *l; lines++) {
        const char *end = strchr(l, '\n');
        if (!end)
            return 0;
        const char *colon = memchr(l, ':', (size_t)(end - l));
        if (!colon || colon == l)
            return 0;
        const char *p = colon + 1, *num;
        while (*p == ' ')
            p++;
        num = p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == num || p == colon + 1 || (p != end && strncmp(p, " kB\n", 4)))
            return 0;
        /* Short keys and numbers: the number ends at column 24. */
        if (colon - l < 15 && p - num <= 8 && p - l != 24)
            return 0;
        l = end + 1;
    }
    return lines >= 20;
}

static void meminfo(void)
{
    const char *m = slurp("/proc/meminfo");
    CHECK("meminfo-format", meminfo_lines_ok(m));
    const char *keys[] = { "MemTotal:", "MemFree:", "MemAvailable:", "Buffers:", "Cached:", "SwapCached:",
                           "SwapTotal:", "SwapFree:", "Shmem:", "SReclaimable:", "HugePages_Total:",
                           "HugePages_Free:", "Hugepagesize:", "Committed_AS:", "CommitLimit:" };
    int all = 1;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        all &= field(m, keys[i]) >= 0;
    CHECK("meminfo-keys", all);
    long long total = field(m, "MemTotal:"), free_kb = field(m, "MemFree:");
    CHECK("meminfo-total", total > 16 * 1024);
    CHECK("meminfo-free", free_kb >= 0 && free_kb <= total);
    CHECK("meminfo-available", field(m, "MemAvailable:") <= total);
    /* busybox free: used = total - free - buffers - cached */
    CHECK("meminfo-used", total - free_kb - field(m, "Buffers:") - field(m, "Cached:") >= 0);
    CHECK("meminfo-swap", field(m, "SwapFree:") <= field(m, "SwapTotal:"));

    struct sysinfo si;
    CHECK("sysinfo", sysinfo(&si) == 0);
    CHECK("sysinfo-totalram", (long long)((unsigned long long)si.totalram * si.mem_unit / 1024) == total);
    CHECK("sysinfo-freeram", si.freeram <= si.totalram);
    CHECK("sysinfo-procs", si.procs >= 1);
    CHECK("sysinfo-swap", si.freeswap <= si.totalswap);
}

static int count_lines(const char *text, const char *prefix)
{
    int n = 0;
    size_t len = strlen(prefix);
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        n += !strncmp(l, prefix, len);
    return n;
}

/* The value of "key\t+: value" in the first entry of cpuinfo. */
static const char *cpu_field(const char *text, const char *key, char *out, size_t size)
{
    size_t n = strlen(key);
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, key, n) || (l[n] != '\t' && l[n] != ':'))
            continue;
        const char *v = strchr(l, ':');
        const char *end = strchr(l, '\n');
        if (!v || !end || v > end)
            return NULL;
        v += v[1] == ' ' ? 2 : 1;
        snprintf(out, size, "%.*s", (int)(end - v), v);
        return out;
    }
    return NULL;
}

static void cpuinfo(void)
{
    const char *c = slurp("/proc/cpuinfo");
    int cpus = count_lines(c, "processor\t: ");
    CHECK("cpuinfo-cpus", cpus >= 1 && cpus == get_nprocs());
    CHECK("cpuinfo-entries", count_lines(c, "flags\t\t: ") == cpus && count_lines(c, "vendor_id\t: ") == cpus);
    unsigned int a, b, cx, d;
    __cpuid(0, a, b, cx, d);
    char vendor[13], got[256];
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &cx, 4);
    vendor[12] = 0;
    check_str("cpuinfo-vendor", cpu_field(c, "vendor_id", got, sizeof got), vendor);
    __cpuid(1, a, b, cx, d);
    unsigned int family = a >> 8 & 0xf;
    if (family == 0xf)
        family += a >> 20 & 0xff;
    const char *f = cpu_field(c, "cpu family", got, sizeof got);
    CHECK("cpuinfo-family", f && strtoul(f, NULL, 10) == family);
    f = cpu_field(c, "flags", got, sizeof got);
    CHECK("cpuinfo-flags", f && !strncmp(f, "fpu ", 4) && (strstr(f, " sse2 ") != NULL) == !!(d & 1u << 26));
    CHECK("cpuinfo-model-name", cpu_field(c, "model name", got, sizeof got) != NULL);
    CHECK("cpuinfo-address-sizes", cpu_field(c, "address sizes", got, sizeof got) != NULL);
}

static void stat_uptime_loadavg(void)
{
    const char *s = slurp("/proc/stat");
    unsigned long long v[10];
    CHECK("stat-cpu", sscanf(s, "cpu  %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                             &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) == 10);
    CHECK("stat-cpuN", count_lines(s, "cpu") - 1 == get_nprocs());
    long long btime = field(s, "btime ");
    CHECK("stat-processes", field(s, "processes ") >= 1 && field(s, "procs_running ") >= 1);
    CHECK("stat-blocked", field(s, "procs_blocked ") >= 0);

    const char *u = slurp("/proc/uptime");
    unsigned long up_s, up_cs, idle_s, idle_cs;
    char nl;
    CHECK("uptime-format", sscanf(u, "%lu.%2lu %lu.%2lu%c", &up_s, &up_cs, &idle_s, &idle_cs, &nl) == 5 &&
                               nl == '\n' && u[strlen(u) - 1] == '\n');
    CHECK("uptime-positive", up_s + up_cs > 0);
    struct sysinfo si;
    sysinfo(&si);
    CHECK("uptime-sysinfo", (long)si.uptime >= (long)up_s && (long)si.uptime <= (long)up_s + 2);
    /* btime is now less the uptime */
    long long now = (long long)time(NULL);
    CHECK("stat-btime", btime > 0 && btime + (long long)up_s >= now - 3 && btime + (long long)up_s <= now + 3);

    const char *l = slurp("/proc/loadavg");
    double l1, l5, l15;
    int running, total, last;
    CHECK("loadavg-format", sscanf(l, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &running, &total, &last) == 6);
    CHECK("loadavg-counts", running >= 1 && total >= running && last >= 1 && l1 >= 0);
}

static int mount_lines(const char *path, char dirs[][256], int max)
{
    FILE *f = setmntent(path, "r");
    int n = 0;
    struct mntent *e;
    while (f && (e = getmntent(f)) && n < max) {
        if (e->mnt_dir[0] != '/' || !e->mnt_type[0] || !e->mnt_opts[0])
            n = -1000;
        snprintf(dirs[n < 0 ? 0 : n], 256, "%s", e->mnt_dir);
        n++;
    }
    if (f)
        endmntent(f);
    return n;
}

static void mounts(void)
{
    static char a[256][256], b[256][256];
    int n = mount_lines("/proc/mounts", a, 256);
    CHECK("mounts-entries", n >= 1);
    CHECK("self-mounts-same", mount_lines("/proc/self/mounts", b, 256) == n && !memcmp(a, b, sizeof a));
    CHECK("mounts-link", link_is("/proc/mounts", "self/mounts"));
    const char *p = slurp("/proc/mounts");
    CHECK("mounts-proc", strstr(p, " /proc proc ") != NULL);
    CHECK("mounts-lines", count_lines(p, "") == n);
    /* mountinfo: a line per mount, its fifth field the mount point */
    const char *mi = slurp("/proc/self/mountinfo");
    int ok = count_lines(mi, "") == n, i = 0;
    for (const char *l = mi; ok && *l; l = strchr(l, '\n') + 1, i++) {
        char dir[256];
        unsigned int id, parent, maj, min;
        ok = sscanf(l, "%u %u %u:%u %*s %255s", &id, &parent, &maj, &min, dir) == 5 && !strcmp(dir, a[i]) &&
             strstr(l, " - ") < strchr(l, '\n') && strstr(l, " - ") != NULL;
    }
    CHECK("mountinfo-lines", ok);
    const char *fs = slurp("/proc/filesystems");
    CHECK("filesystems", strstr(fs, "nodev\tproc\n") && strstr(fs, "nodev\ttmpfs\n") &&
                             count_lines(fs, "nodev\t") + count_lines(fs, "\t") == count_lines(fs, ""));
}

static void statfs_checks(void)
{
    struct statfs s, t;
    CHECK("statfs-proc", statfs("/proc", &s) == 0 && s.f_type == PROC_SUPER_MAGIC);
    CHECK("statfs-proc-file", statfs("/proc/self/stat", &t) == 0 && t.f_type == PROC_SUPER_MAGIC);
    CHECK("statfs-dev-shm", statfs("/dev/shm", &s) == 0 && s.f_type == TMPFS_MAGIC);
    CHECK("statfs-dev-shm-sizes", s.f_blocks > 0 && s.f_bfree <= s.f_blocks && s.f_bavail <= s.f_blocks &&
                                      !(s.f_flags & ST_RDONLY));
    CHECK("statfs-dev-null", statfs("/dev/null", &s) == 0 && s.f_type == TMPFS_MAGIC);
    const char *dirs[] = { "T_RO", "T_RW", "T_TMPFS" };
    for (int i = 0; i < 3; i++) {
        char name[64], file[PATH_MAX];
        const char *d = env_dir(dirs[i]);
        snprintf(name, sizeof name, "statfs-%s", dirs[i]);
        CHECK(name, statfs(d, &s) == 0 && s.f_bsize > 0 && s.f_namelen >= 255 && s.f_bfree <= s.f_blocks &&
                        s.f_bavail <= s.f_bfree);
        int fd = open(d, O_RDONLY | O_DIRECTORY);
        snprintf(name, sizeof name, "fstatfs-%s", dirs[i]);
        CHECK(name, fd >= 0 && fstatfs(fd, &t) == 0 && t.f_type == s.f_type && t.f_flags == s.f_flags);
        close(fd);
        snprintf(name, sizeof name, "statfs-%s-dot", dirs[i]);
        CHECK(name, statfs(path_join(file, d, "."), &t) == 0 && t.f_type == s.f_type);
    }
    struct statvfs v;
    CHECK("statvfs-rw", statvfs(env_dir("T_RW"), &v) == 0 && !(v.f_flag & ST_RDONLY));
    int p[2];
    CHECK("fstatfs-pipe", pipe(p) == 0 && fstatfs(p[0], &s) == 0 && s.f_type == PIPEFS_MAGIC);
    close(p[0]);
    close(p[1]);
    CHECK("statfs-enoent", FAILS_WITH(statfs("/proc/no-such-file", &s), ENOENT));
    CHECK("statfs-efault", FAILS_WITH(syscall(SYS_statfs, "/proc", (void *)8), EFAULT));
    CHECK("fstatfs-ebadf", FAILS_WITH(fstatfs(-1, &s), EBADF));
}

static void sys_files(void)
{
    struct utsname u;
    uname(&u);
    char want[80];
    snprintf(want, sizeof want, "%s\n", u.release);
    check_str("osrelease", slurp("/proc/sys/kernel/osrelease"), want);
    snprintf(want, sizeof want, "%s\n", u.nodename);
    check_str("hostname", slurp("/proc/sys/kernel/hostname"), want);
    CHECK("release-number", u.release[0] >= '1' && u.release[0] <= '9');
    CHECK("pid_max", atol(slurp("/proc/sys/kernel/pid_max")) >= 32768);
    const char *t = slurp("/proc/sys/kernel/tainted");
    CHECK("tainted", t[0] >= '0' && t[0] <= '9');
    t = slurp("/proc/sys/kernel/core_pattern");
    CHECK("core_pattern", t[0] && t[strlen(t) - 1] == '\n');
    CHECK("pipe-max-size", atol(slurp("/proc/sys/fs/pipe-max-size")) >= 65536);
    t = slurp("/proc/sys/fs/pipe-user-pages-soft");
    CHECK("pipe-user-pages-soft", t[0] >= '0' && t[0] <= '9' && t[strlen(t) - 1] == '\n');
    t = slurp("/proc/sys/fs/pipe-user-pages-hard");
    CHECK("pipe-user-pages-hard", t[0] >= '0' && t[0] <= '9' && t[strlen(t) - 1] == '\n');
    CHECK("ls-proc", listed("/proc", "meminfo") && listed("/proc", "self") && listed("/proc", "sys") &&
                         listed("/proc", "uptime"));
    CHECK("ls-proc-sys-kernel", listed("/proc/sys/kernel", "pid_max") && listed("/proc/sys/kernel", "osrelease"));
    CHECK("ls-proc-self", listed("/proc/self", "mounts") && listed("/proc/self", "mountinfo"));
    struct stat st;
    CHECK("meminfo-mode", stat("/proc/meminfo", &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0444);
    CHECK("sys-kernel-dir", stat("/proc/sys/kernel", &st) == 0 && S_ISDIR(st.st_mode));
}

/* pagemap: bit 63 for a page the process touched, 0 where nothing is mapped. */
static void pagemap(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char *p = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int fd = open("/proc/self/pagemap", O_RDONLY);
    CHECK("pagemap-open", fd >= 0 && p != MAP_FAILED);
    p[0] = 1;
    uint64_t e[2] = { 0, 0 };
    off_t at = (off_t)((uintptr_t)p / (uintptr_t)page * 8);
    CHECK("pagemap-touched-present", pread(fd, e, 8, at) == 8 && (e[0] >> 63) == 1);
    munmap(p + page, (size_t)page);
    CHECK("pagemap-unmapped-zero", pread(fd, e, 16, at) == 16 && (e[0] >> 63) == 1 && e[1] == 0);
    CHECK("pagemap-unaligned-einval", pread(fd, e, 8, at + 1) < 0 && errno == EINVAL);
    struct stat st;
    CHECK("pagemap-mode", fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0400);
    close(fd);
    munmap(p, (size_t)page);
}

int main(void)
{
    meminfo();
    cpuinfo();
    stat_uptime_loadavg();
    mounts();
    statfs_checks();
    sys_files();
    pagemap();
    return check_exit_status();
}
