// /proc/self/status's figures (memory, threads, signals, ids), /proc/self/task,
// /proc/PID/comm, another process's state (running, then asleep in pause) and
// /proc/sys/vm, read as LTP's library and ps read them.
// The figures differ between machines: only their presence, plausible ranges,
// the changes a mapping, a lock or a signal makes, and agreements between
// files are checked.
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "check.h"

#define MB (1024L * 1024)

/* A whole /proc file in buf; "" if it cannot be read. */
static const char *slurp_into(const char *path, char *buf, size_t size)
{
    size_t len = 0;
    int fd = open(path, O_RDONLY);
    ssize_t n = 0;
    while (fd >= 0 && len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
        len += (size_t)n;
    if (fd >= 0)
        close(fd);
    buf[len] = 0;
    return buf;
}

static const char *status(void)
{
    static char buf[8192];
    return slurp_into("/proc/self/status", buf, sizeof buf);
}

/* The text after "Key:\t" on its line, NULL if the line is absent. */
static const char *line_of(const char *text, const char *key)
{
    size_t n = strlen(key);
    for (const char *l = text; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l))
        if (!strncmp(l, key, n) && l[n] == ':') {
            l += n + 1;
            while (*l == '\t' || *l == ' ')
                l++;
            return l;
        }
    return NULL;
}

/* A "Key: N kB" or "Key: N" figure, -1 if absent. */
static long figure(const char *key)
{
    const char *v = line_of(status(), key);
    return v ? strtol(v, NULL, 10) : -1;
}

/* A hexadecimal mask line (SigBlk ...), 0 if absent. */
static unsigned long long mask(const char *key)
{
    const char *v = line_of(status(), key);
    return v ? strtoull(v, NULL, 16) : 0;
}

static unsigned long long bit(int sig) { return 1ull << (sig - 1); }

static void memory(void)
{
    static const char *const keys[] = { "VmPeak", "VmSize", "VmLck", "VmHWM", "VmRSS", "VmData", "VmStk",
                                        "VmExe", "VmSwap" };
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        char name[64];
        const char *v = line_of(status(), keys[i]);
        snprintf(name, sizeof name, "status-%s-in-kB", keys[i]);
        CHECK(name, v && strstr(v, " kB\n") && strchr(v, '\n') == strstr(v, " kB\n") + 3);
    }
    long size = figure("VmSize"), rss = figure("VmRSS");
    CHECK("status-VmRSS-positive", rss > 0);
    CHECK("status-VmSize-covers-VmRSS", size >= rss);
    CHECK("status-VmPeak-covers-VmSize", figure("VmPeak") >= size);
    CHECK("status-VmHWM-covers-VmRSS", figure("VmHWM") >= rss);
    CHECK("status-VmStk-VmExe-VmData-positive", figure("VmStk") > 0 && figure("VmExe") > 0 && figure("VmData") > 0);
    /* stat's vsize (field 23, bytes) is VmSize.  (Its rss is an estimate on
     * Linux, 0 for a small process: not compared.) */
    char st[4096];
    slurp_into("/proc/self/stat", st, sizeof st);
    long vm_size = figure("VmSize");
    const char *f = strrchr(st, ')');
    for (int field = 2; f && field < 23; field++)
        f = strchr(f + 1, ' ');
    unsigned long vsize = f ? strtoul(f + 1, NULL, 10) : 0;
    CHECK("stat-vsize-is-VmSize", vsize / 1024 == (unsigned long)vm_size);

    /* 16 MB mapped and touched: the size and the resident set grow by it. */
    char *p = mmap(NULL, 16 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("mmap-16M", p != MAP_FAILED);
    if (p == MAP_FAILED)
        return;
    memset(p, 1, 16 * MB);
    long size2 = figure("VmSize"), rss2 = figure("VmRSS");
    CHECK("status-VmSize-grows-16M", size2 - size >= 16 * 1024);
    /* Linux folds a task's resident count in every 64 faults: most of it shows. */
    CHECK("status-VmRSS-grows-16M", rss2 - rss >= 15 * 1024);
    CHECK("status-VmData-counts-it", figure("VmData") >= 16 * 1024);
    CHECK("mlock-64K", mlock(p, 64 * 1024) == 0);
    CHECK("status-VmLck-64K", figure("VmLck") >= 64);
    munmap(p, 16 * MB);
    CHECK("status-VmSize-shrinks", figure("VmSize") <= size2 - 16 * 1024);
    CHECK("status-VmPeak-remembers", figure("VmPeak") >= size2);
    CHECK("status-VmLck-gone-with-mapping", figure("VmLck") == 0);
}

static void handler(int sig) { (void)sig; }

static void signals(void)
{
    CHECK("status-Threads-1", figure("Threads") == 1);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGUSR2, SIG_IGN);
    signal(SIGHUP, handler);
    CHECK("status-SigBlk-SIGUSR1", mask("SigBlk") & bit(SIGUSR1));
    CHECK("status-SigIgn-SIGUSR2", (mask("SigIgn") & bit(SIGUSR2)) && !(mask("SigIgn") & bit(SIGHUP)));
    CHECK("status-SigCgt-SIGHUP", (mask("SigCgt") & bit(SIGHUP)) && !(mask("SigCgt") & bit(SIGUSR2)));
    CHECK("status-nothing-pending", !((mask("SigPnd") | mask("ShdPnd")) & bit(SIGUSR1)));
    kill(getpid(), SIGUSR1);
    CHECK("status-pending-SIGUSR1", (mask("SigPnd") | mask("ShdPnd")) & bit(SIGUSR1));
    const char *q = line_of(status(), "SigQ");
    long queued = q ? strtol(q, NULL, 10) : -1, limit = q && strchr(q, '/') ? strtol(strchr(q, '/') + 1, NULL, 10) : -1;
    CHECK("status-SigQ", queued >= 1 && limit > 0);
    signal(SIGUSR1, SIG_IGN);   /* discards the pending one */
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    CHECK("status-pending-gone", !((mask("SigPnd") | mask("ShdPnd")) & bit(SIGUSR1)));
}

static void ids(void)
{
    uid_t r, e, s;
    gid_t gr, ge, gs;
    getresuid(&r, &e, &s);
    getresgid(&gr, &ge, &gs);
    char want[128];
    snprintf(want, sizeof want, "%u\t%u\t%u\t%u\n", r, e, s, e);
    const char *uid = line_of(status(), "Uid");
    CHECK("status-Uid", uid && !strncmp(uid, want, strlen(want)));
    snprintf(want, sizeof want, "%u\t%u\t%u\t%u\n", gr, ge, gs, ge);
    const char *gid = line_of(status(), "Gid");
    CHECK("status-Gid", gid && !strncmp(gid, want, strlen(want)));
    /* root holds CAP_SETUID (bit 7), anyone else does not. */
    CHECK("status-CapEff", !!(mask("CapEff") & (1ull << 7)) == (e == 0));
}

/* The first line of a file, NUL-terminated, in buf. */
static const char *first_line(const char *path, char *buf, size_t size)
{
    slurp_into(path, buf, size);
    char *nl = strchr(buf, '\n');
    if (nl)
        nl[1] = 0;
    return buf;
}

static void task(void)
{
    char path[128], a[4096], b[4096];
    int pid = getpid(), n = 0, ok = 1;
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        n++;
        ok &= atoi(e->d_name) == pid && e->d_type == DT_DIR;
    }
    if (d)
        closedir(d);
    CHECK("task-lists-one-thread-the-pid", d && n == 1 && ok);
    /* stat up to the state field agrees; status's name and ids agree. */
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", pid);
    first_line(path, a, sizeof a);
    first_line("/proc/self/stat", b, sizeof b);
    char *end_a = strrchr(a, ')'), *end_b = strrchr(b, ')');
    CHECK("task-stat", end_a && end_b && end_a - a == end_b - b && !strncmp(a, b, (size_t)(end_a - a) + 3));
    snprintf(path, sizeof path, "/proc/self/task/%d/status", pid);
    slurp_into(path, a, sizeof a);
    CHECK("task-status-name", !strncmp(a, "Name:\tt_procstatus\n", 19));
    snprintf(b, sizeof b, "\nPid:\t%d\n", pid);
    CHECK("task-status-pid", strstr(a, b) != NULL);
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", pid);
    CHECK("task-comm", !strcmp(slurp_into(path, a, sizeof a), "t_procstatus\n"));
    snprintf(path, sizeof path, "/proc/%d/comm", pid);
    CHECK("pid-comm", !strcmp(slurp_into(path, a, sizeof a), "t_procstatus\n"));
    snprintf(path, sizeof path, "/proc/self/task/%d/nothing", pid);
    CHECK("task-enoent", FAILS_WITH(open(path, O_RDONLY), ENOENT));
    snprintf(path, sizeof path, "/proc/self/task/%d", pid + 100000);
    CHECK("task-other-tid-enoent", FAILS_WITH(open(path, O_RDONLY), ENOENT));
}

/* The state letter of /proc/PID/stat, or '?'. */
static char state_of(int pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    char *end = strrchr(slurp_into(path, buf, sizeof buf), ')');
    return end && end[1] == ' ' ? end[2] : '?';
}

/* A child that computes is running ('R'), one in pause() sleeps ('S'): LTP's
 * TST_PROCESS_STATE_WAIT waits for the 'S' before it signals a child, which
 * must by then have set its handler. */
static void other_state(void)
{
    volatile int *step = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (step == MAP_FAILED) {
        CHECK("state-mmap", 0);
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGINT, handler);
        *step = 1;
        while (*step == 1)
            ;
        *step = 3;
        pause();
        _exit(errno == EINTR ? 0 : 1);
    }
    while (*step != 1)
        ;
    CHECK("state-computing-R", state_of(pid) == 'R');
    *step = 2;
    while (*step != 3)
        ;
    /* Until it reaches pause() it is 'R'; it then stays 'S'. */
    char s;
    while ((s = state_of(pid)) == 'R')
        usleep(1000);
    CHECK("state-pause-S", s == 'S');
    kill(pid, SIGINT);
    int st = -1;
    waitpid(pid, &st, 0);
    CHECK("state-pause-interrupted", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    munmap((void *)step, 4096);
}

static void sys_vm(void)
{
    char buf[64];
    long over = strtol(slurp_into("/proc/sys/vm/overcommit_memory", buf, sizeof buf), NULL, 10);
    CHECK("vm-overcommit_memory", buf[0] && over >= 0 && over <= 2);
    CHECK("vm-max_map_count", strtol(slurp_into("/proc/sys/vm/max_map_count", buf, sizeof buf), NULL, 10) >= 1024);
    CHECK("vm-min_free_kbytes", strtol(slurp_into("/proc/sys/vm/min_free_kbytes", buf, sizeof buf), NULL, 10) > 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    memory();
    signals();
    ids();
    task();
    other_state();
    sys_vm();
    return check_failures ? 1 : 0;
}
