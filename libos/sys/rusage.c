/* getrusage and times: the CPU time of this process and of its children
 * that were waited for (bookkeep/cputime.c measures it), and their largest
 * resident sets. */
#include "libos.h"
#include "ktime.h"
#include "bookkeep/cputime.h"
#include "mm/mm.h"
#include "syscall/handlers.h"
#include <linux/resource.h>
#include <linux/times.h>

/* Linux's clock ticks as user space sees them (USER_HZ). */
#define NSEC_PER_TICK 10000000ull

long sys_getrusage(int who, struct rusage *ru)
{
    struct rusage r;
    switch (who) {
    case RUSAGE_SELF:
    case RUSAGE_THREAD:   /* the only thread */
        cputime_rusage(cputime_self(), &r);
        r.ru_maxrss = (long)mm_maxrss_kb();
        break;
    case RUSAGE_CHILDREN:
        cputime_rusage(cputime_children(), &r);
        r.ru_maxrss = (long)cputime_children_maxrss();
        break;
    default:
        return -EINVAL;
    }
    if (!user_range_ok(ru, sizeof r, true))
        return -EFAULT;
    memcpy(ru, &r, sizeof r);
    return 0;
}

long sys_times(struct tms *buf)
{
    if (buf) {
        struct cpu_times self = cputime_self(), kids = cputime_children();
        struct tms t = {
            .tms_utime = (long)(self.user_ns / NSEC_PER_TICK),
            .tms_stime = (long)(self.sys_ns / NSEC_PER_TICK),
            .tms_cutime = (long)(kids.user_ns / NSEC_PER_TICK),
            .tms_cstime = (long)(kids.sys_ns / NSEC_PER_TICK),
        };
        if (!user_range_ok(buf, sizeof t, true))
            return -EFAULT;
        memcpy(buf, &t, sizeof t);
    }
    /* Ticks since boot: our monotonic clock is the host's. */
    return (long)(pal->time_monotonic_ns() / NSEC_PER_TICK);
}
