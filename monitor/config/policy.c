/* File-system policy: the guest names host files by URI, and may reach only
 * what lies beneath a mount of its manifest (a chroot mount, or the
 * directory of a tmpfs mount), writing only where that mount is writable.
 *
 * A guest path is first normalized lexically (so "/m/ro/../ro" and "/m//ro"
 * both name "/m/ro" and pick the same owning mount), then resolved by the
 * kernel with openat2(RESOLVE_BENEATH) relative to the owning mount's root
 * fd: "..", absolute symlinks and relative symlinks that would leave the root
 * fail there, race-free, instead of in a user-space path walk. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "policy.h"
#include "base/log.h"
#include "bootinfo.h"

struct root {
    char *host;          /* normalized host path of the mount's root */
    size_t len;
    int fd;              /* O_PATH directory fd of the root */
    bool writable;
    /* A read-only mount lies beneath this writable one.  A symlink here could
     * lead into it while staying beneath this root, so writes through this
     * mount refuse symlinks altogether. */
    bool has_ro_below;
};

static struct root *roots;
static size_t nroots;

/* Flags a guest may ask for; anything else (O_ASYNC, O_DIRECT, O_PATH from
 * the guest, ...) is dropped.  O_TMPFILE makes a file in no directory, as
 * memfd_create's are: it takes write access, and no call can name it later. */
#define GUEST_OPEN_FLAGS (O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_NONBLOCK | \
                          O_DSYNC | O_SYNC | O_DIRECTORY | O_NOFOLLOW | O_TMPFILE)
#define PATH_OPEN_FLAGS  (O_PATH | O_DIRECTORY | O_NOFOLLOW)
/* A guest never creates set-user/group-id files on the host. */
#define CREATE_MODE_MASK 01777
/* openat2 asks for a retry when a concurrent rename raced a ".." check. */
#define RACE_RETRIES 8

/* Writes the lexical normal form of absolute path in into out: no "//", no
 * "." and ".." removes the previous component (never above "/").  This is
 * only used to choose the owning mount; the kernel resolves the rest. */
static int normalize(const char *in, char *out, size_t outsize)
{
    if (in[0] != '/')
        return -EINVAL;
    size_t n = 0;
    for (const char *p = in; *p;) {
        while (*p == '/')
            p++;
        const char *c = p;
        while (*p && *p != '/')
            p++;
        size_t clen = (size_t)(p - c);
        if (clen == 0 || (clen == 1 && c[0] == '.'))
            continue;
        if (clen == 2 && c[0] == '.' && c[1] == '.') {
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0)
                n--;
            continue;
        }
        if (n + 1 + clen + 1 > outsize)
            return -ENAMETOOLONG;
        out[n++] = '/';
        memcpy(out + n, c, clen);
        n += clen;
    }
    if (n == 0)
        out[n++] = '/';
    out[n] = '\0';
    return 0;
}

/* Is normalized path at or beneath root host path r?  -> the rest of path
 * relative to r ("" for r itself), or NULL. */
static char *beneath(char *path, const char *r, size_t rlen)
{
    if (rlen == 1)
        return path + 1;
    if (strncmp(path, r, rlen) != 0 || (path[rlen] != '\0' && path[rlen] != '/'))
        return NULL;
    return path + rlen + (path[rlen] == '/');
}

/* Parses uri into path (PATH_MAX bytes) and finds the mount owning it: the
 * one whose root is the longest component prefix. */
static int lookup(const char *uri, char *path, const struct root **owner, char **rel)
{
    if (strncmp(uri, "file:", 5) != 0)
        return -EINVAL;
    int err = normalize(uri + 5, path, PATH_MAX);
    if (err)
        return err;
    *owner = NULL;
    for (size_t i = 0; i < nroots; i++) {
        char *r = beneath(path, roots[i].host, roots[i].len);
        if (r && (!*owner || roots[i].len > (*owner)->len)) {
            *owner = &roots[i];
            *rel = r;
        }
    }
    return *owner ? 0 : -EACCES;
}

static int open_beneath(const struct root *r, const char *rel, uint64_t flags, uint64_t mode,
                        bool write)
{
    bool no_symlinks = write && r->has_ro_below;
    struct open_how how = {
        .flags = flags | O_CLOEXEC,
        .mode = mode,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | (no_symlinks ? RESOLVE_NO_SYMLINKS : 0),
    };
    for (int tries = 0;; tries++) {
        long fd = syscall(SYS_openat2, r->fd, *rel ? rel : ".", &how, sizeof how);
        if (fd >= 0)
            return (int)fd;
        if (errno == EINTR || (errno == EAGAIN && tries < RACE_RETRIES))
            continue;
        /* EXDEV: the path tried to leave the root; ELOOP under no_symlinks: a
         * symlink policy refused.  Both are "not allowed", not a broken path. */
        if (errno == EXDEV || (errno == ELOOP && no_symlinks))
            return -EACCES;
        return -errno;
    }
}

int policy_open(const char *uri, int flags, int mode)
{
    char path[PATH_MAX], *rel;
    const struct root *r;
    int err = lookup(uri, path, &r, &rel);
    if (err)
        return err;
    if (flags & O_PATH)
        return open_beneath(r, rel, (unsigned)flags & PATH_OPEN_FLAGS, 0, false);
    bool write = (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC | O_APPEND));
    if (write && !r->writable)
        return -EROFS;
    uint64_t oflags = ((unsigned)flags & GUEST_OPEN_FLAGS) | O_NOCTTY;
    uint64_t omode = (flags & (O_CREAT | __O_TMPFILE)) ? ((unsigned)mode & CREATE_MODE_MASK) : 0;
    return open_beneath(r, rel, oflags, omode, write);
}

int policy_parent(const char *uri, bool want_write, int *dirfd, char *name, size_t namelen)
{
    char path[PATH_MAX], *rel;
    const struct root *r;
    int err = lookup(uri, path, &r, &rel);
    if (err)
        return err;
    if (want_write && !r->writable)
        return -EROFS;
    /* After normalize() the last component is never "." or ".." and holds no
     * '/'; it is empty only for the mount root, which is not a name to act on. */
    char *slash = strrchr(rel, '/');
    const char *base = slash ? slash + 1 : rel;
    if (!*base && want_write)
        return -EBUSY;
    size_t blen = strlen(base);
    if (blen >= namelen)
        return -ENAMETOOLONG;
    memcpy(name, base, blen + 1);
    if (slash)
        *slash = '\0';
    int fd = open_beneath(r, slash ? rel : "", O_PATH | O_DIRECTORY, 0, want_write);
    if (fd < 0)
        return fd;
    *dirfd = fd;
    return 0;
}

static void policy_reset(void)
{
    for (size_t i = 0; i < nroots; i++) {
        close(roots[i].fd);
        free(roots[i].host);
    }
    free(roots);
    roots = NULL;
    nroots = 0;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    policy_reset();
    return -1;
}

static struct root *find_root(const char *host)
{
    for (size_t i = 0; i < nroots; i++)
        if (strcmp(roots[i].host, host) == 0)
            return &roots[i];
    return NULL;
}

int policy_init(const struct pv_config *cfg, char *err, size_t errlen)
{
    policy_reset();
    roots = calloc(cfg->nmounts ? cfg->nmounts : 1, sizeof *roots);
    if (!roots)
        return fail(err, errlen, "policy: out of memory");
    for (size_t i = 0; i < cfg->nmounts; i++) {
        /* tmpfs mounts too: each is a host directory (tmpfs.c). */
        const struct pv_mount *m = &cfg->mounts[i];
        if (!m->uri || strncmp(m->uri, "file:", 5) != 0)
            return fail(err, errlen, "mount '%s': uri '%s' is not a file: uri", m->path,
                        m->uri ? m->uri : "");
        const char *hostpath = m->uri + 5;
        char host[PATH_MAX];
        if (normalize(hostpath, host, sizeof host))
            return fail(err, errlen, "mount '%s': host path '%s' is not an absolute path",
                        m->path, hostpath);
        /* The same host directory mounted twice is writable if either says so. */
        struct root *dup = find_root(host);
        if (dup) {
            dup->writable |= m->writable;
            continue;
        }
        int fd = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT)
                return fail(err, errlen, "mount '%s': host path '%s' does not exist", m->path,
                            hostpath);
            return fail(err, errlen, "mount '%s': host path '%s': %s", m->path, hostpath,
                        strerror(errno));
        }
        char *copy = strdup(host);
        if (!copy) {
            close(fd);
            return fail(err, errlen, "policy: out of memory");
        }
        roots[nroots++] = (struct root){ .host = copy, .len = strlen(copy), .fd = fd,
                                         .writable = m->writable };
    }
    for (size_t i = 0; i < nroots; i++)
        for (size_t j = 0; j < nroots; j++)
            if (roots[i].writable && !roots[j].writable &&
                beneath(roots[j].host, roots[i].host, roots[i].len))
                roots[i].has_ro_below = true;
    return 0;
}
