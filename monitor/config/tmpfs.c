/* tmpfs mounts, shared by the application's processes.
 *
 * Each picoprocess runs its own library OS, so a tmpfs in guest memory would
 * be private to one process (a child forked from it has a copy, a program it
 * runs starts with none).  Instead every tmpfs mount is a directory of its
 * own ("0", "1", ... by mount index) in one private directory of the
 * application on a host tmpfs, served like a writable chroot mount: the
 * host kernel keeps it coherent between processes (names, offsets, locks,
 * shared mappings), and the library OS makes it look like tmpfs (statfs,
 * /proc/mounts, st_dev).  The host tmpfs's own size limit is the only one. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tmpfs.h"
#include "base/appdir.h"

/* Linux's /tmp and /dev/shm: anyone may create, only the owner remove. */
#define TMPFS_ROOT_MODE 01777

/* The mount that holds guest path (normalised), or NULL. */
static const struct pv_mount *holder(const struct pv_config *cfg, const char *path)
{
    const struct pv_mount *best = NULL;
    for (size_t i = 0; i < cfg->nmounts; i++) {
        const char *mp = cfg->mounts[i].path;
        size_t n = strlen(mp);
        bool within = !strcmp(mp, "/") || (!strncmp(path, mp, n) && (path[n] == '/' || !path[n]));
        if (within && (!best || n > strlen(best->path)))
            best = &cfg->mounts[i];
    }
    return best;
}

static int add_tmpfs(struct pv_config *cfg, const char *path)
{
    struct pv_mount *n = realloc(cfg->mounts, (cfg->nmounts + 1) * sizeof(*n));
    if (!n)
        return -1;
    cfg->mounts = n;
    n[cfg->nmounts] = (struct pv_mount){ .path = strdup(path), .type = MOUNT_TMPFS, .writable = true };
    return n[cfg->nmounts++].path ? 0 : -1;
}

/* POSIX shared memory (shm_open) and memfd_create's files live in /dev/shm,
 * as on Linux and in Docker; programs expect a writable /tmp, as a container
 * has. */
static int add_defaults(struct pv_config *cfg)
{
    const struct pv_mount *shm = holder(cfg, "/dev/shm");
    if ((!shm || strcmp(shm->path, "/dev/shm")) && add_tmpfs(cfg, "/dev/shm") < 0)
        return -1;
    const struct pv_mount *tmp = holder(cfg, "/tmp");
    return (!tmp || !tmp->writable) ? add_tmpfs(cfg, "/tmp") : 0;
}

/* A host tmpfs if we may write there (most hosts mount one at /dev/shm),
 * else where the host keeps temporary files. */
static int make_app_dir(char *dir, size_t size)
{
    int r = access("/dev/shm", W_OK | X_OK) == 0 ? appdir_create("/dev/shm", dir, size) : -EACCES;
    const char *t = getenv("TMPDIR");
    if (r < 0 && t)
        r = appdir_create(t, dir, size);
    if (r < 0)
        r = appdir_create("/tmp", dir, size);
    return r;
}

int tmpfs_setup(struct pv_config *cfg, char *err, size_t errlen)
{
    if (add_defaults(cfg) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char dir[PATH_MAX];
    int r = make_app_dir(dir, sizeof(dir));
    if (r < 0) {
        snprintf(err, errlen, "cannot make a directory for the tmpfs mounts: %s", strerror(-r));
        return -1;
    }
    for (size_t i = 0; i < cfg->nmounts; i++) {
        struct pv_mount *m = &cfg->mounts[i];
        if (m->type != MOUNT_TMPFS)
            continue;
        char host[PATH_MAX + 32];
        snprintf(host, sizeof(host), "%s/%zu", dir, i);
        /* chmod: mkdir's mode goes through our umask. */
        if (mkdir(host, TMPFS_ROOT_MODE) < 0 || chmod(host, TMPFS_ROOT_MODE) < 0) {
            snprintf(err, errlen, "cannot make %s for the tmpfs at %s: %s", host, m->path, strerror(errno));
            return -1;
        }
        free(m->uri);
        if (asprintf(&m->uri, "file:%s", host) < 0) {
            m->uri = NULL;
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}
