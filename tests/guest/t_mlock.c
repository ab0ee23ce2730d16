// mlock, mlock2, munlock, mlockall and munlockall: Linux's errors (EINVAL,
// ENOMEM for unmapped ranges and past RLIMIT_MEMLOCK, EPERM with a limit of 0)
// and VmLck in /proc/self/status.  The limit binds a process without
// CAP_IPC_LOCK: a root run checks it in a child that became nobody.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "check.h"

#define KB 1024L
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

static long vmlck(void)
{
    static char buf[8192];
    int fd = open("/proc/self/status", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0)
        close(fd);
    buf[n > 0 ? n : 0] = 0;
    const char *l = strstr(buf, "\nVmLck:");
    return l ? strtol(l + 7, NULL, 10) : -1;
}

static void calls(char *p)
{
    CHECK("mlock", mlock(p, 64 * KB) == 0);
    CHECK("vmlck-64", vmlck() == 64);
    CHECK("mlock-again-counts-once", mlock(p, 64 * KB) == 0 && vmlck() == 64);
    CHECK("mlock-unaligned-rounds-out", mlock(p + 64 * KB + 10, 10) == 0 && vmlck() == 68);
    CHECK("munlock-part", munlock(p, 4 * KB) == 0 && vmlck() == 64);
    CHECK("munlock", munlock(p, 68 * KB) == 0 && vmlck() == 0);
    CHECK("mlock-len-0", mlock(p, 0) == 0);
    CHECK("mlock2-onfault", syscall(SYS_mlock2, p, 8 * KB, MLOCK_ONFAULT) == 0 && vmlck() == 8);
    CHECK("mlock2-bad-flags", FAILS_WITH(syscall(SYS_mlock2, p, 8 * KB, 2), EINVAL));
    CHECK("munlock-all-of-it", munlock(p, 8 * KB) == 0 && vmlck() == 0);
    /* The last page of the mapping is gone: the range is not wholly mapped. */
    CHECK("mlock-unmapped-enomem", FAILS_WITH(mlock(p + 124 * KB, 8 * KB), ENOMEM));
    CHECK("munlock-unmapped-enomem", FAILS_WITH(munlock(p + 124 * KB, 8 * KB), ENOMEM));
    CHECK("mlock-wraps-einval", FAILS_WITH(syscall(SYS_mlock, p, -8192L), EINVAL));
    CHECK("mlockall-0-einval", FAILS_WITH(mlockall(0), EINVAL));
    CHECK("mlockall-onfault-alone-einval", FAILS_WITH(mlockall(MCL_ONFAULT), EINVAL));
    CHECK("mlockall-bad-einval", FAILS_WITH(mlockall(64), EINVAL));
    CHECK("mlockall-current", mlockall(MCL_CURRENT) == 0 && vmlck() >= 124);
    CHECK("munlockall", munlockall() == 0 && vmlck() == 0);
    CHECK("mlockall-future", mlockall(MCL_FUTURE) == 0 && vmlck() == 0);
    char *q = mmap(NULL, 32 * KB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("future-mapping-locked", q != MAP_FAILED && vmlck() >= 32);
    CHECK("munlockall-future", munlockall() == 0 && vmlck() == 0);
    munmap(q, 32 * KB);
    q = mmap(NULL, 16 * KB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
    CHECK("map-locked", q != MAP_FAILED && vmlck() == 16);
    CHECK("msync-invalidate-locked-ebusy", FAILS_WITH(msync(q, 16 * KB, MS_INVALIDATE), EBUSY));
    CHECK("msync-sync-locked", msync(q, 16 * KB, MS_SYNC) == 0);
    CHECK("msync-invalidate-unlocked", munlock(q, 16 * KB) == 0 && msync(q, 16 * KB, MS_INVALIDATE) == 0);
    munmap(q, 16 * KB);
}

/* RLIMIT_MEMLOCK binds a process without CAP_IPC_LOCK. */
static void limits(char *p)
{
    struct rlimit lim = { 16 * KB, 16 * KB };
    CHECK("set-memlock-16K", setrlimit(RLIMIT_MEMLOCK, &lim) == 0);
    CHECK("mlock-within-limit", mlock(p, 16 * KB) == 0);
    CHECK("mlock-past-limit-enomem", FAILS_WITH(mlock(p + 16 * KB, 4 * KB), ENOMEM));
    CHECK("mlock-same-pages-again", mlock(p, 16 * KB) == 0);
    CHECK("mlockall-past-limit-enomem", FAILS_WITH(mlockall(MCL_CURRENT), ENOMEM));
    munlock(p, 16 * KB);
    lim.rlim_cur = 0;
    CHECK("set-memlock-0", setrlimit(RLIMIT_MEMLOCK, &lim) == 0);
    CHECK("mlock-limit-0-eperm", FAILS_WITH(mlock(p, 4 * KB), EPERM));
    CHECK("mlockall-limit-0-eperm", FAILS_WITH(mlockall(MCL_FUTURE), EPERM));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char *p = mmap(NULL, 128 * KB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 1;
    munmap(p + 124 * KB, 4 * KB);
    calls(p);
    /* A child does not inherit locks. */
    CHECK("relock", mlock(p, 8 * KB) == 0);
    pid_t pid = fork();
    if (pid == 0)
        _exit(vmlck() == 0 ? 0 : 1);
    int st = -1;
    waitpid(pid, &st, 0);
    CHECK("fork-child-has-no-locks", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    munlock(p, 8 * KB);
    if (geteuid() != 0) {
        limits(p);
    } else {
        pid = fork();
        if (pid == 0) {
            if (setuid(65534) != 0)
                _exit(2);
            limits(p);
            _exit(check_failures ? 1 : 0);
        }
        waitpid(pid, &st, 0);
        CHECK("limits-as-nobody", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    return check_failures ? 1 : 0;
}
