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

/* Linux's can_do_mlock: a limit of 0 forbids locking without CAP_IPC_LOCK. */
static bool may_lock(void) { return rlimit_soft(RLIMIT_MEMLOCK) || cred_capable(CAP_IPC_LOCK); }

/* Locked bytes past the limit are refused, those locked already aside. */
static bool within_limit(uint64_t more)
{
    return cred_capable(CAP_IPC_LOCK) || more + mm_user_bytes(VMA_LOCKED) <= rlimit_soft(RLIMIT_MEMLOCK);
}

/* The range rounded out to pages, as Linux does: its start, its length. */
static void pages(uint64_t *addr, uint64_t *len)
{
    *len = ALIGN_UP(*len + (*addr & (PAGE - 1)), PAGE);
    *addr = ALIGN_DOWN(*addr, PAGE);
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

/* Linux's order: the permission, the limit, a range that wraps, then one not wholly mapped. */
static long set_lock(uint64_t addr, uint64_t len, bool on)
{
    pages(&addr, &len);
    if (on) {
        if (!may_lock())
            return -EPERM;
        if (!within_limit(addr + len < addr ? len : unlocked_in(addr, len)))
            return -ENOMEM;
    }
    if (addr + len < addr)
        return -EINVAL;
    return len ? mm_advise(addr, len, VMA_LOCKED, on) : 0;
}

long sys_mlock(uint64_t addr, uint64_t len) { return set_lock(addr, len, true); }

long sys_mlock2(uint64_t addr, uint64_t len, unsigned int flags)
{
    /* MLOCK_ONFAULT locks pages as they come: the same here, where none go. */
    if (flags & ~MLOCK_ONFAULT)
        return -EINVAL;
    return set_lock(addr, len, true);
}

long sys_munlock(uint64_t addr, uint64_t len) { return set_lock(addr, len, false); }

long sys_mlockall(int flags)
{
    if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
        return -EINVAL;
    if (!may_lock())
        return -EPERM;
    if (flags & MCL_CURRENT) {
        /* Linux weighs the whole address space against the limit. */
        if (!cred_capable(CAP_IPC_LOCK) && mm_user_bytes(0) > rlimit_soft(RLIMIT_MEMLOCK))
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
