/* mlock, mlock2, munlock, mlockall and munlockall.  Nothing is ever paged
 * out, so a lock changes no page: it is accounting only, as Linux's
 * checks see it (RLIMIT_MEMLOCK unless CAP_IPC_LOCK, ENOMEM for a range
 * not wholly mapped), and /proc/self/status's VmLck.  Mappings keep their
 * lock as VMA_LOCKED (mm/mm.c); a fork's child and a new program have none. */
#include "mm/mm.h"
#include "sys/cred.h"
#include "syscall/handlers.h"
#include <linux/capability.h>
#include <linux/mman.h>
#include <linux/resource.h>

#define PAGE 4096ull

/* Linux's can_do_mlock: a limit of 0 forbids locking without CAP_IPC_LOCK;
 * then locked bytes past the limit are refused, locked already ones aside. */
static long may_lock(uint64_t more)
{
    uint64_t limit = rlimit_soft(RLIMIT_MEMLOCK);
    if (cred_capable(CAP_IPC_LOCK))
        return 0;
    if (!limit)
        return -EPERM;
    return more + mm_user_bytes(VMA_LOCKED) > limit ? -ENOMEM : 0;
}

/* The range rounded out to pages, as Linux does; false if it wraps. */
static bool pages(uint64_t *addr, uint64_t *len)
{
    uint64_t start = ALIGN_DOWN(*addr, PAGE), end = *addr + *len;
    if (end < *addr || ALIGN_UP(end, PAGE) < end)
        return false;
    *addr = start;
    *len = ALIGN_UP(end, PAGE) - start;
    return true;
}

/* Bytes of [addr, addr+len) not locked yet. */
static uint64_t unlocked_in(uint64_t addr, uint64_t len)
{
    uint64_t n = len;
    for (int i = 0; mm_at(i); i++) {
        const struct vma *v = mm_at(i);
        if (v->kind == VMA_USER && (v->advice & VMA_LOCKED) && v->end > addr && v->start < addr + len)
            n -= MIN(v->end, addr + len) - MAX(v->start, addr);
    }
    return n;
}

static long lock(uint64_t addr, uint64_t len)
{
    if (!pages(&addr, &len))
        return -ENOMEM;
    if (!len)
        return 0;
    long r = may_lock(unlocked_in(addr, len));
    return r < 0 ? r : mm_advise(addr, len, VMA_LOCKED, true);
}

long sys_mlock(uint64_t addr, uint64_t len) { return lock(addr, len); }

long sys_mlock2(uint64_t addr, uint64_t len, unsigned int flags)
{
    /* MLOCK_ONFAULT locks pages as they come: the same here, where none go. */
    if (flags & ~MLOCK_ONFAULT)
        return -EINVAL;
    return lock(addr, len);
}

long sys_munlock(uint64_t addr, uint64_t len)
{
    if (!pages(&addr, &len))
        return -ENOMEM;
    return len ? mm_advise(addr, len, VMA_LOCKED, false) : 0;
}

long sys_mlockall(int flags)
{
    if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
        return -EINVAL;
    long r = may_lock(0);
    if (r < 0)
        return r;
    if (flags & MCL_CURRENT) {
        uint64_t all = mm_user_bytes(0);
        if (!cred_capable(CAP_IPC_LOCK) && all > rlimit_soft(RLIMIT_MEMLOCK))
            return -ENOMEM;
        mm_lock_all(true);
    }
    mm_lock_future(flags & MCL_FUTURE);
    return 0;
}

long sys_munlockall(void)
{
    mm_lock_all(false);
    mm_lock_future(false);
    return 0;
}
