/* Capabilities: capget and capset, and how the set*uid calls and execve
 * change them, as Linux does for a program that has no file capabilities
 * and no securebits.  They start as Linux gives a process of the host
 * user's ids: a root one holds every capability, any other none.  The
 * bounding set starts as every capability and the ambient set empty; prctl
 * changes both (cred_cap_prctl).  Privilege checks of the credentials model
 * (cred.c) ask cred_capable().
 *
 * Only this process's capabilities are kept here: another process of the
 * application is reported as its ids at start would have them, since its
 * state lives in its own VM. */
#include "sys/cred.h"
#include "ipc/ipc.h"
#include "syscall/handlers.h"
#include <linux/capability.h>
#include <linux/prctl.h>
#include <linux/securebits.h>

#define CAP_ALL ((1ull << (CAP_LAST_CAP + 1)) - 1)
/* What a change of the file-system uid to or from 0 takes or gives back (Linux's CAP_FS_MASK). */
#define CAP_FS ((1ull << CAP_CHOWN) | (1ull << CAP_MKNOD) | (1ull << CAP_DAC_OVERRIDE) |          \
                (1ull << CAP_DAC_READ_SEARCH) | (1ull << CAP_FOWNER) | (1ull << CAP_FSETID) |     \
                (1ull << CAP_MAC_OVERRIDE))

static struct {
    uint64_t eff, prm, inh;
    uint64_t bset, amb;   /* bounding and ambient sets */
    bool ready;
} caps;

static void initial(uint64_t *eff, uint64_t *prm)
{
    *prm = pal_state->host_uid == 0 ? CAP_ALL : 0;
    *eff = *prm;
}

static void ready(void)
{
    if (!caps.ready) {
        initial(&caps.eff, &caps.prm);
        caps.bset = CAP_ALL;
        caps.ready = true;
    }
}

bool cred_capable(int cap)
{
    ready();
    return caps.eff & (1ull << cap);
}

void cred_uids_changed(const struct cred *old)
{
    const struct cred *now = cred();
    ready();
    if ((!old->ruid || !old->euid || !old->suid) && now->ruid && now->euid && now->suid)
        caps.prm = caps.eff = caps.amb = 0;
    if (!old->euid && now->euid)
        caps.eff = 0;
    if (old->euid && !now->euid)
        caps.eff = caps.prm;
    if (!old->fsuid && now->fsuid)
        caps.eff &= ~CAP_FS;
    if (old->fsuid && !now->fsuid)
        caps.eff |= caps.prm & CAP_FS;
}

void cred_exec(void)
{
    const struct cred *c = cred();
    ready();
    /* Root's programs count as having every file capability (within the
     * bounding set, plus the inheritable ones), others none: the ambient
     * ones are what they keep. */
    bool root = !c->ruid || !c->euid;
    caps.prm = (root ? caps.bset | caps.inh : 0) | caps.amb;
    caps.eff = !c->euid ? caps.prm : caps.amb;
}

int cred_status_text(char *buf, size_t size)
{
    ready();
    return snprintf(buf, size, "CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\nCapBnd:\t%016lx\nCapAmb:\t%016lx\n",
                    (unsigned long)caps.inh, (unsigned long)caps.prm, (unsigned long)caps.eff,
                    (unsigned long)caps.bset, (unsigned long)caps.amb);
}

/* The header's version: how many 32-bit words each set has, or -EINVAL
 * after telling the caller the version this kernel prefers, as Linux does. */
static long words_of(struct __user_cap_header_struct *uh, struct __user_cap_header_struct *h)
{
    if (!user_range_ok(uh, sizeof(*h), false))
        return -EFAULT;
    memcpy(h, uh, sizeof(*h));
    if (h->version == _LINUX_CAPABILITY_VERSION_1)
        return 1;
    if (h->version == _LINUX_CAPABILITY_VERSION_2 || h->version == _LINUX_CAPABILITY_VERSION_3)
        return 2;
    uint32_t v = _LINUX_CAPABILITY_VERSION_3;
    if (!user_range_ok(&uh->version, sizeof(v), true))
        return -EFAULT;
    memcpy(&uh->version, &v, sizeof(v));
    return -EINVAL;
}

long sys_capget(struct __user_cap_header_struct *hdrp, struct __user_cap_data_struct *datap)
{
    struct __user_cap_header_struct h;
    long words = words_of(hdrp, &h);
    /* Without data it is a probe of the version: told, and no error. */
    if (!datap)
        return words == -EINVAL ? 0 : MIN(words, 0);
    if (words < 0)
        return words;
    if (h.pid < 0)
        return -EINVAL;
    uint64_t eff, prm, inh = 0;
    ready();
    if (!h.pid || h.pid == proc.pid) {
        eff = caps.eff, prm = caps.prm, inh = caps.inh;
    } else if (ipc_pid_exists(h.pid)) {
        initial(&eff, &prm);
    } else {
        return -ESRCH;
    }
    struct __user_cap_data_struct d[2];
    for (int i = 0; i < 2; i++)
        d[i] = (struct __user_cap_data_struct){ (uint32_t)(eff >> 32 * i), (uint32_t)(prm >> 32 * i),
                                                (uint32_t)(inh >> 32 * i) };
    if (!user_range_ok(datap, (size_t)words * sizeof(d[0]), true))
        return -EFAULT;
    memcpy(datap, d, (size_t)words * sizeof(d[0]));
    return 0;
}

/* Linux's rules: the inheritable set within the old inheritable and
 * permitted ones (any bounded one with CAP_SETPCAP), the permitted set
 * never larger, the effective one within the new permitted one; an
 * ambient capability goes when it leaves either. */
long sys_capset(struct __user_cap_header_struct *hdrp, const struct __user_cap_data_struct *datap)
{
    struct __user_cap_header_struct h;
    long words = words_of(hdrp, &h);
    if (words < 0)
        return words;
    if (h.pid && h.pid != proc.pid)
        return -EPERM;
    struct __user_cap_data_struct d[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
    if (!user_range_ok(datap, (size_t)words * sizeof(d[0]), false))
        return -EFAULT;
    memcpy(d, datap, (size_t)words * sizeof(d[0]));
    uint64_t eff = (d[0].effective | (uint64_t)d[1].effective << 32) & CAP_ALL;
    uint64_t prm = (d[0].permitted | (uint64_t)d[1].permitted << 32) & CAP_ALL;
    uint64_t inh = (d[0].inheritable | (uint64_t)d[1].inheritable << 32) & CAP_ALL;
    ready();
    uint64_t inh_room = (cred_capable(CAP_SETPCAP) ? CAP_ALL : caps.inh | caps.prm) & (caps.inh | caps.bset);
    if ((inh & ~inh_room) || (prm & ~caps.prm) || (eff & ~prm))
        return -EPERM;
    caps.eff = eff, caps.prm = prm, caps.inh = inh;
    caps.amb &= prm & inh;
    return 0;
}

/* Linux's cap_valid, for the unsigned arguments of prctl. */
static bool known_cap(unsigned long cap) { return cap <= CAP_LAST_CAP; }

/* PR_CAP_AMBIENT: only a capability both permitted and inheritable may be raised. */
static long ambient(unsigned long op, unsigned long cap, unsigned long rest)
{
    if (op == PR_CAP_AMBIENT_CLEAR_ALL) {
        if (cap || rest)
            return -EINVAL;
        caps.amb = 0;
        return 0;
    }
    if (!known_cap(cap) || rest)
        return -EINVAL;
    uint64_t bit = 1ull << cap;
    switch (op) {
    case PR_CAP_AMBIENT_IS_SET:
        return !!(caps.amb & bit);
    case PR_CAP_AMBIENT_RAISE:
        if (!(caps.prm & caps.inh & bit))
            return -EPERM;
        caps.amb |= bit;
        return 0;
    case PR_CAP_AMBIENT_LOWER:
        caps.amb &= ~bit;
        return 0;
    default:
        return -EINVAL;
    }
}

/* No securebits are ever set: what they change (setuid and execve keeping or
 * dropping capabilities) is not modelled, so a request to set any is refused
 * with EINVAL, after Linux's own refusals (EPERM). */
static long set_securebits(unsigned long bits)
{
    static bool warned;
    if ((bits & ~(unsigned long)(SECURE_ALL_BITS | SECURE_ALL_LOCKS)) || !cred_capable(CAP_SETPCAP))
        return -EPERM;
    if (!bits)
        return 0;
    if (!warned)
        log_warning("prctl(PR_SET_SECUREBITS, %#lx): securebits are not supported: returning -EINVAL", bits);
    warned = true;
    return -EINVAL;
}

long cred_cap_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)
{
    ready();
    switch (option) {
    case PR_CAPBSET_READ:
        return known_cap(arg2) ? !!(caps.bset & (1ull << arg2)) : -EINVAL;
    case PR_CAPBSET_DROP:
        if (!known_cap(arg2))
            return -EINVAL;
        if (!cred_capable(CAP_SETPCAP))
            return -EPERM;
        caps.bset &= ~(1ull << arg2);
        return 0;
    case PR_CAP_AMBIENT:
        return ambient(arg2, arg3, arg4 | arg5);
    case PR_GET_SECUREBITS:
        return 0;
    case PR_SET_SECUREBITS:
        return set_securebits(arg2);
    default:
        return -EINVAL;
    }
}
