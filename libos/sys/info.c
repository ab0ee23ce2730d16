/* What the program can ask about its machine and itself: uname, sysinfo,
 * resource limits, random bytes (user and group ids: cred.c). */
#include "libos.h"
#include "ktime.h"
#include "mm/mm.h"
#include "fs/vfs.h"
#include "ipc/ipc.h"
#include "signal/signal.h"
#include "syscall/handlers.h"
#include <linux/random.h>
#include <linux/resource.h>
#include <linux/sysinfo.h>
#include <linux/utsname.h>

/* Linux's longest single read from the urandom source (INT_MAX >> 6). */
#define GETRANDOM_MAX 33554431ul

/* The host's release, as a container reports: programs that test for a
 * kernel feature by version then see the kernel that serves them.  A PAL
 * that does not know gives a release recent enough for any C library's
 * minimum-kernel check. */
const char *uname_release(void)
{
    return pal_state->host_release[0] ? pal_state->host_release : "6.1.0";
}

long sys_uname(struct new_utsname *buf)
{
    struct new_utsname uts = {
        .sysname = "Linux",
        .nodename = UNAME_NODENAME,
        .version = "#1 picovm",
        .machine = "x86_64",
        .domainname = "(none)",
    };
    strlcpy(uts.release, uname_release(), sizeof uts.release);
    if (!user_range_ok(buf, sizeof uts, true))
        return -EFAULT;
    memcpy(buf, &uts, sizeof uts);
    return 0;
}

long sys_sysinfo(struct sysinfo *info)
{
    struct sysinfo si;
    memset(&si, 0, sizeof si);
    /* Rounded up, as Linux does. */
    si.uptime = (long)((uptime_ns() + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
    /* No load average is kept, no swap, no high memory; buffers and shared
     * memory live in the pool and count as used. */
    si.totalram = pal_state->ram_size;
    si.freeram = mm_free_bytes();
    si.procs = (unsigned short)ipc_nprocs(NULL);
    si.mem_unit = 1;
    if (!user_range_ok(info, sizeof si, true))
        return -EFAULT;
    memcpy(info, &si, sizeof si);
    return 0;
}

/* Resource limits.  Nothing lets a program raise a hard limit: picovm cannot
 * grant more than the manifest provides. */
static struct rlimit64 limits[RLIM_NLIMITS];

static struct rlimit64 *limit(unsigned int resource)
{
    static bool ready;
    if (!ready) {
        const struct pal_public_state *bi = pal_state;
        for (unsigned int i = 0; i < RLIM_NLIMITS; i++)
            limits[i] = (struct rlimit64){ RLIM64_INFINITY, RLIM64_INFINITY };
        /* The stack is made once at the manifest's size (sys.stack.size) and does not grow;
         * the break stops at sys.brk.max_size whatever RLIMIT_DATA says, as Linux's default
         * (infinity) does. */
        limits[RLIMIT_STACK] = (struct rlimit64){ bi->stack_size, RLIM64_INFINITY };
        limits[RLIMIT_NOFILE] = (struct rlimit64){ MAX_FDS, MAX_FDS };
        /* Linux's defaults for the rest (no core file is ever written). */
        limits[RLIMIT_CORE] = (struct rlimit64){ 0, RLIM64_INFINITY };
        limits[RLIMIT_MEMLOCK] = (struct rlimit64){ 8 << 20, 8 << 20 };
        limits[RLIMIT_MSGQUEUE] = (struct rlimit64){ 819200, 819200 };
        limits[RLIMIT_NICE] = (struct rlimit64){ 0, 0 };
        limits[RLIMIT_RTPRIO] = (struct rlimit64){ 0, 0 };
        /* Linux sizes it from RAM: half its thread limit, one thread per 128 KiB. */
        limits[RLIMIT_SIGPENDING].rlim_cur = limits[RLIMIT_SIGPENDING].rlim_max =
            bi->ram_size / (256 << 10);
        ready = true;
    }
    return &limits[resource];
}

uint64_t rlimit_soft(unsigned int resource)
{
    return limit(resource)->rlim_cur;
}

static long do_prlimit(unsigned int resource, const struct rlimit64 *new_lim,
                       struct rlimit64 *old_lim)
{
    if (resource >= RLIM_NLIMITS)
        return -EINVAL;
    struct rlimit64 *cur = limit(resource);
    if (new_lim) {
        if (new_lim->rlim_cur > new_lim->rlim_max)
            return -EINVAL;
        if (new_lim->rlim_max > cur->rlim_max)
            return -EPERM;
    }
    if (old_lim)
        *old_lim = *cur;
    if (new_lim)
        *cur = *new_lim;
    /* The CPU-time limit is a timer on the process's CPU clock. */
    if (new_lim && resource == RLIMIT_CPU)
        itimer_cpu_limit(cur->rlim_cur, cur->rlim_max);
    return 0;
}

static long get_user_rlimit(const void *p, struct rlimit64 *lim)
{
    if (!user_range_ok(p, sizeof *lim, false))
        return -EFAULT;
    memcpy(lim, p, sizeof *lim);
    return 0;
}

static long put_user_rlimit(void *p, const struct rlimit64 *lim)
{
    if (!user_range_ok(p, sizeof *lim, true))
        return -EFAULT;
    memcpy(p, lim, sizeof *lim);
    return 0;
}

/* On x86-64 struct rlimit and struct rlimit64 are the same two 64-bit words. */
long sys_getrlimit(unsigned int resource, void *rlim)
{
    struct rlimit64 old;
    long ret = do_prlimit(resource, NULL, &old);
    return ret < 0 ? ret : put_user_rlimit(rlim, &old);
}

long sys_setrlimit(unsigned int resource, const void *rlim)
{
    struct rlimit64 lim;
    long ret = get_user_rlimit(rlim, &lim);
    return ret < 0 ? ret : do_prlimit(resource, &lim, NULL);
}

long sys_prlimit64(int pid, unsigned int resource, const void *new_rlim, void *old_rlim)
{
    struct rlimit64 new_lim, old_lim;
    long ret;
    if (new_rlim && (ret = get_user_rlimit(new_rlim, &new_lim)) < 0)
        return ret;
    if (pid != 0 && pid != proc.pid)
        return -ESRCH;
    ret = do_prlimit(resource, new_rlim ? &new_lim : NULL, old_rlim ? &old_lim : NULL);
    /* As on Linux, a bad old_rlim still leaves the new limit set. */
    if (ret == 0 && old_rlim)
        ret = put_user_rlimit(old_rlim, &old_lim);
    return ret;
}

long sys_getrandom(void *buf, size_t count, unsigned int flags)
{
    if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
        return -EINVAL;
    /* The host's pool is ready long before picovm runs: no flag ever blocks. */
    count = MIN(count, GETRANDOM_MAX);
    if (!count)
        return 0;
    if (!user_range_ok(buf, count, true))
        return -EFAULT;
    return pal->random_bytes(buf, count);
}
