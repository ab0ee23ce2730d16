/* User and group ids: real, effective, saved and file-system ones, and the
 * supplementary groups, changed by the set*id calls as Linux's rules say.
 * They start as the host user that runs picovm (Gramine reports 0 by
 * default; mirroring the host keeps file ownership and the output of tests
 * compared with a native run the same).  Only the application sees them:
 * files on the host are still reached as that host user.
 *
 * Privilege is Linux's CAP_SETUID/CAP_SETGID (caps.c), which a program
 * that knows nothing of capabilities holds exactly while its effective uid
 * is 0 (Linux clears the effective set when euid leaves 0 and restores it
 * when euid comes back).  Fork copies this state with the rest of the memory. */
#include "sys/cred.h"
#include "syscall/handlers.h"
#include <linux/capability.h>

#define NGROUPS_MAX 65536
#define NO_ID ((unsigned int)-1)

static struct cred ids;
static bool ready;
static unsigned int *groups;   /* kmalloc'd, ngroups of them */
static int ngroups;

const struct cred *cred(void)
{
    if (!ready) {
        unsigned int u = (unsigned int)pal_state->host_uid, g = (unsigned int)pal_state->host_gid;
        ids = (struct cred){ u, u, u, u, g, g, g, g };
        ready = true;
    }
    return &ids;
}

static struct cred *cur(void) { return (struct cred *)cred(); }


bool cred_in_group(unsigned int gid)
{
    if (gid == cred()->fsgid)
        return true;
    for (int i = 0; i < ngroups; i++)
        if (groups[i] == gid)
            return true;
    return false;
}

void cred_fs_real(struct cred *saved)
{
    struct cred *c = cur();
    *saved = *c;
    c->fsuid = c->ruid;
    c->fsgid = c->rgid;
}

void cred_fs_restore(const struct cred *saved)
{
    struct cred *c = cur();
    c->fsuid = saved->fsuid;
    c->fsgid = saved->fsgid;
}

static bool one_of(unsigned int id, unsigned int a, unsigned int b, unsigned int c)
{
    return id == a || id == b || id == c;
}

/* The three ids of one kind and its fs id, in struct cred order, and the
 * capability that lets them change freely. */
struct idset {
    unsigned int *r, *e, *s, *fs;
    int cap;
};

static struct idset uids(void)
{
    struct cred *c = cur();
    return (struct idset){ &c->ruid, &c->euid, &c->suid, &c->fsuid, CAP_SETUID };
}

static struct idset gids(void)
{
    struct cred *c = cur();
    return (struct idset){ &c->rgid, &c->egid, &c->sgid, &c->fsgid, CAP_SETGID };
}

static bool privileged(struct idset v) { return cred_capable(v.cap); }

/* A change of user ids changes the capabilities (caps.c). */
static long uids_changed(const struct cred *old, long r)
{
    if (r >= 0)
        cred_uids_changed(old);
    return r;
}

/* setuid/setgid: all four with privilege, else the effective one to the real or saved. */
static long set_one(struct idset v, unsigned int id)
{
    if (id == NO_ID)
        return -EINVAL;
    if (privileged(v))
        *v.r = *v.s = id;
    else if (id != *v.r && id != *v.s)
        return -EPERM;
    *v.e = *v.fs = id;
    return 0;
}

/* setreuid/setregid: without privilege the real one may become the
 * effective one and the effective one any of the three.  The saved one
 * follows the effective one when the real one is set, or the effective one
 * becomes something else than the real one. */
static long set_re(struct idset v, unsigned int r, unsigned int e)
{
    unsigned int old_r = *v.r;
    if (!privileged(v) && ((r != NO_ID && r != *v.r && r != *v.e) ||
                          (e != NO_ID && !one_of(e, *v.r, *v.e, *v.s))))
        return -EPERM;
    if (r != NO_ID)
        *v.r = r;
    if (e != NO_ID)
        *v.e = e;
    if (r != NO_ID || (e != NO_ID && e != old_r))
        *v.s = *v.e;
    *v.fs = *v.e;
    return 0;
}

/* setresuid/setresgid: without privilege, each to one of the current three. */
static long set_res(struct idset v, unsigned int r, unsigned int e, unsigned int s)
{
    if (!privileged(v)) {
        unsigned int a = *v.r, b = *v.e, c = *v.s;
        if ((r != NO_ID && !one_of(r, a, b, c)) || (e != NO_ID && !one_of(e, a, b, c)) ||
            (s != NO_ID && !one_of(s, a, b, c)))
            return -EPERM;
    }
    if (r != NO_ID)
        *v.r = r;
    if (e != NO_ID)
        *v.e = e;
    if (s != NO_ID)
        *v.s = s;
    *v.fs = *v.e;
    return 0;
}

/* setfsuid/setfsgid: the old value, always; a change only to one of the four, or with privilege. */
static long set_fs(struct idset v, unsigned int id)
{
    unsigned int old = *v.fs;
    if (id != NO_ID && (privileged(v) || one_of(id, *v.r, *v.e, *v.s)))
        *v.fs = id;
    return old;
}

long sys_setuid(unsigned int uid)
{
    struct cred old = *cred();
    return uids_changed(&old, set_one(uids(), uid));
}

long sys_setreuid(unsigned int ruid, unsigned int euid)
{
    struct cred old = *cred();
    return uids_changed(&old, set_re(uids(), ruid, euid));
}

long sys_setresuid(unsigned int r, unsigned int e, unsigned int s)
{
    struct cred old = *cred();
    return uids_changed(&old, set_res(uids(), r, e, s));
}

long sys_setfsuid(unsigned int uid)
{
    struct cred old = *cred();
    return uids_changed(&old, set_fs(uids(), uid));
}

long sys_setgid(unsigned int gid) { return set_one(gids(), gid); }
long sys_setregid(unsigned int rgid, unsigned int egid) { return set_re(gids(), rgid, egid); }
long sys_setresgid(unsigned int r, unsigned int e, unsigned int s) { return set_res(gids(), r, e, s); }
long sys_setfsgid(unsigned int gid) { return set_fs(gids(), gid); }

long sys_getuid(void) { return cred()->ruid; }
long sys_geteuid(void) { return cred()->euid; }
long sys_getgid(void) { return cred()->rgid; }
long sys_getegid(void) { return cred()->egid; }

/* Writes the three in order; Linux stops at the first fault. */
static long put_three_ids(unsigned int a, unsigned int b, unsigned int c, unsigned int *pa,
                          unsigned int *pb, unsigned int *pc)
{
    unsigned int v[3] = { a, b, c }, *dst[3] = { pa, pb, pc };
    for (int i = 0; i < 3; i++) {
        if (!user_range_ok(dst[i], sizeof v[i], true))
            return -EFAULT;
        memcpy(dst[i], &v[i], sizeof v[i]);
    }
    return 0;
}

long sys_getresuid(unsigned int *ruid, unsigned int *euid, unsigned int *suid)
{
    const struct cred *c = cred();
    return put_three_ids(c->ruid, c->euid, c->suid, ruid, euid, suid);
}

long sys_getresgid(unsigned int *rgid, unsigned int *egid, unsigned int *sgid)
{
    const struct cred *c = cred();
    return put_three_ids(c->rgid, c->egid, c->sgid, rgid, egid, sgid);
}

/* No supplementary groups at start: the host's are not passed to the guest
 * (a root container process typically has none either). */
long sys_getgroups(int size, unsigned int *list)
{
    if (size < 0)
        return -EINVAL;
    if (!size)
        return ngroups;
    if (size < ngroups)
        return -EINVAL;
    if (ngroups && !user_range_ok(list, ngroups * sizeof(*list), true))
        return -EFAULT;
    memcpy(list, groups, ngroups * sizeof(*list));
    return ngroups;
}

long sys_setgroups(int size, const unsigned int *list)
{
    if (size < 0 || size > NGROUPS_MAX)
        return -EINVAL;
    if (!cred_capable(CAP_SETGID))
        return -EPERM;
    unsigned int *g = NULL;
    if (size) {
        if (!user_range_ok(list, size * sizeof(*list), false))
            return -EFAULT;
        if (!(g = kmalloc(size * sizeof(*g))))
            return -ENOMEM;
        memcpy(g, list, size * sizeof(*g));
        /* Linux keeps them sorted, and getgroups shows that order. */
        for (int i = 1; i < size; i++)
            for (int j = i; j > 0 && g[j - 1] > g[j]; j--) {
                unsigned int t = g[j];
                g[j] = g[j - 1];
                g[j - 1] = t;
            }
    }
    kfree(groups);
    groups = g;
    ngroups = size;
    return 0;
}
