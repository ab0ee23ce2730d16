// Process identity and system information.  Identifiers are compared with
// each other, never printed.
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "check.h"

static void names(void)
{
    struct utsname u;
    CHECK("uname", uname(&u) == 0);
    check_str("uname-sysname", u.sysname, "Linux");
    check_str("uname-machine", u.machine, "x86_64");
    CHECK("uname-release", u.release[0] != 0 && memchr(u.release, 0, sizeof u.release));
    CHECK("uname-nodename", memchr(u.nodename, 0, sizeof u.nodename) != NULL);
    CHECK("uname-efault", FAILS_WITH(syscall(SYS_uname, (void *)8), EFAULT));
}

static void ids(void)
{
    pid_t pid = getpid();
    CHECK("getpid", pid > 0 && getpid() == pid);
    CHECK("getppid", getppid() >= 0 && getppid() != pid);
    CHECK("gettid-is-pid", gettid() == pid && syscall(SYS_gettid) == pid);
    static int clear_tid;
    CHECK("set-tid-address", syscall(SYS_set_tid_address, &clear_tid) == pid);

    uid_t r, e, s;
    gid_t gr, ge, gs;
    CHECK("getresuid", getresuid(&r, &e, &s) == 0);
    CHECK("getuid-matches", getuid() == r && geteuid() == e);
    CHECK("getresgid", getresgid(&gr, &ge, &gs) == 0);
    CHECK("getgid-matches", getgid() == gr && getegid() == ge);
}

static int all_zero(const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i])
            return 0;
    return 1;
}

static void randomness(void)
{
    unsigned char a[64] = { 0 }, b[64] = { 0 };
    CHECK("getrandom", getrandom(a, sizeof a, 0) == sizeof a && !all_zero(a, sizeof a));
    CHECK("getrandom-nonblock", getrandom(b, sizeof b, GRND_NONBLOCK) == sizeof b && !all_zero(b, sizeof b));
    CHECK("getrandom-differs", memcmp(a, b, sizeof a) != 0);
    CHECK("getrandom-zero-len", getrandom(a, 0, 0) == 0);
    static unsigned char big[1 << 16];
    CHECK("getrandom-large", getrandom(big, sizeof big, 0) == sizeof big && !all_zero(big + sizeof big - 64, 64));
    CHECK("getrandom-bad-flags-einval", FAILS_WITH(getrandom(a, sizeof a, 0x1000), EINVAL));
    CHECK("getrandom-efault", FAILS_WITH(syscall(SYS_getrandom, (void *)8, 16, 0), EFAULT));
}

static void limits(void)
{
    struct rlimit rl, rl2;
    CHECK("prlimit-stack", prlimit(0, RLIMIT_STACK, NULL, &rl) == 0 && rl.rlim_cur <= rl.rlim_max);
    CHECK("stack-at-least-128k", rl.rlim_cur >= (128u << 10));
    CHECK("getrlimit-raw-stack", syscall(SYS_getrlimit, RLIMIT_STACK, &rl2) == 0 &&
                                 rl2.rlim_cur == rl.rlim_cur && rl2.rlim_max == rl.rlim_max);
    CHECK("prlimit-nofile", prlimit(0, RLIMIT_NOFILE, NULL, &rl) == 0 && rl.rlim_cur <= rl.rlim_max &&
                            rl.rlim_cur >= 64);
    CHECK("getrlimit-nofile", getrlimit(RLIMIT_NOFILE, &rl2) == 0 && rl2.rlim_cur == rl.rlim_cur);
    CHECK("prlimit-self-pid", prlimit(getpid(), RLIMIT_NOFILE, NULL, &rl2) == 0 && rl2.rlim_cur == rl.rlim_cur);
    CHECK("getrlimit-bad-resource-einval", FAILS_WITH(syscall(SYS_getrlimit, 1000, &rl2), EINVAL));
    CHECK("prlimit-bad-resource-einval", FAILS_WITH(prlimit(0, 1000, NULL, &rl2), EINVAL));
    /* Lowering the soft limit is always allowed; put it back after. */
    struct rlimit low = { 64, rl.rlim_max };
    CHECK("setrlimit-lower", setrlimit(RLIMIT_NOFILE, &low) == 0 && getrlimit(RLIMIT_NOFILE, &rl2) == 0 &&
                             rl2.rlim_cur == 64);
    CHECK("setrlimit-restore", setrlimit(RLIMIT_NOFILE, &rl) == 0);
}

static void system_info(void)
{
    struct sysinfo si;
    CHECK("sysinfo", sysinfo(&si) == 0);
    CHECK("sysinfo-totalram", si.totalram > 0 && si.mem_unit >= 1);
    CHECK("sysinfo-freeram", si.freeram <= si.totalram);
    CHECK("sysinfo-procs", si.procs >= 1);
    CHECK("sysinfo-uptime", (unsigned long)si.uptime < 10ul * 366 * 86400); /* long in glibc */

    cpu_set_t set;
    CPU_ZERO(&set);
    CHECK("sched-getaffinity", sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) >= 1);
    CHECK("sched-getaffinity-raw", syscall(SYS_sched_getaffinity, 0, sizeof set, &set) > 0);
    CHECK("sched-getaffinity-small-einval", FAILS_WITH(syscall(SYS_sched_getaffinity, 0, 1, &set), EINVAL));
    CHECK("sysconf-nprocessors", sysconf(_SC_NPROCESSORS_ONLN) >= 1);
    CHECK("sched-yield", sched_yield() == 0);
}

static void umasks(void)
{
    mode_t first = umask(027);
    CHECK("umask-returns-previous", umask(022) == 027);
    CHECK("umask-keeps-9-bits", umask(07777) == 022 && umask(first) == 0777);
}

int main(void)
{
    names();
    ids();
    randomness();
    limits();
    system_info();
    umasks();
    return check_exit_status();
}
