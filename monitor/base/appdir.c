/* Private host directories that live as long as the application.
 *
 * The front makes each one (mkdtemp, mode 0700) before the first monitor
 * splits off, and holds a shared lock on it that every monitor inherits
 * through fork().  The front removes them when the application ends; if the
 * front is killed, its monitor does (launcher.c).  A directory whose
 * application was killed whole (SIGKILL to all) is found unlocked and
 * removed by a later start in the same base.
 *
 * A guest writes into some of them (tmpfs mounts), so the removal trusts
 * nothing it finds there: it never follows a symbolic link, gives back the
 * permissions a guest's chmod took away, and does not recurse, since a guest
 * can nest directories deeper than any stack (renaming one into another). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "appdir.h"

#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif

#define STALE_AFTER_S 60   /* a younger directory may be one whose front is still locking it */
#define MAX_DIRS 2         /* the vsock switch's and the tmpfs mounts' */
/* Bounds on the work of one removal, against a guest that keeps writing into
 * a directory while it goes (the other monitors may still run when a killed
 * front's monitor cleans up): what is left then goes at a later start. */
#define MAX_PASSES 64
#define MAX_FRESH_TRIES 64

static struct appdir {
    char path[PATH_MAX];
    int lock_fd;   /* open on the directory, with its shared lock */
} dirs[MAX_DIRS];
static int ndirs;

/* The names in a directory, read with system calls only: this runs in a
 * signal handler too (launcher.c). */
struct entries {
    int fd;
    long n, off;
    char buf[4096];
};

static const char *next_name(struct entries *it)
{
    for (;;) {
        if (it->off >= it->n) {
            it->n = syscall(SYS_getdents64, it->fd, it->buf, sizeof(it->buf));
            it->off = 0;
            if (it->n <= 0)
                return NULL;
        }
        struct {
            uint64_t ino;
            int64_t off;
            unsigned short reclen;
            unsigned char type;
            char name[];
        } *e = (void *)(it->buf + it->off);
        it->off += e->reclen;
        if (strcmp(e->name, ".") && strcmp(e->name, ".."))
            return e->name;
    }
}

/* The directory name in parent, never through a symbolic link, readable and
 * writable by us again whatever mode a guest gave it.  openat2 and fchmodat2:
 * the seccomp filter lets both through with these flags (openat only plain
 * O_RDONLY); name is one component or our own absolute path. */
static int open_dir(int parent, const char *name)
{
    syscall(__NR_fchmodat2, parent, name, S_IRWXU, AT_SYMLINK_NOFOLLOW);
    struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC };
    return (int)syscall(SYS_openat2, parent, name, &how, sizeof(how));
}

static bool remove_name(int dir, const char *name)
{
    return unlinkat(dir, name, 0) == 0 || unlinkat(dir, name, AT_REMOVEDIR) == 0;
}

/* "~N", in a signal handler (no printf). */
static void fresh_name(unsigned long n, char out[24])
{
    char digits[20];
    int k = 0;
    do
        digits[k++] = (char)('0' + n % 10);
    while ((n /= 10));
    out[0] = '~';
    for (int i = 0; i < k; i++)
        out[1 + i] = digits[k - 1 - i];
    out[k + 1] = 0;
}

/* Moves directory name (in dir) into top, under a name not taken there. */
static void lift(int dir, const char *name, int top, unsigned long *fresh)
{
    for (int tries = 0; tries < MAX_FRESH_TRIES; tries++) {
        char to[24];
        fresh_name((*fresh)++, to);
        if (renameat(dir, name, top, to) == 0 || (errno != ENOTEMPTY && errno != EEXIST && errno != ENOTDIR))
            return;
    }
}

/* Removes name from top, lifting the directories it holds into top. */
static void clear(int top, const char *name, unsigned long *fresh)
{
    if (remove_name(top, name))
        return;
    struct entries in = { .fd = open_dir(top, name) };
    if (in.fd < 0)
        return;
    const char *s;
    while ((s = next_name(&in)))
        if (!remove_name(in.fd, s))
            lift(in.fd, s, top, fresh);
    close(in.fd);
    unlinkat(top, name, AT_REMOVEDIR);
}

/* One pass over top, clearing each name and at once what that lifted (so a
 * chain of any depth goes in one pass).  -> whether top held anything. */
static bool empty_pass(int top, unsigned long *fresh)
{
    lseek(top, 0, SEEK_SET);
    struct entries it = { .fd = top };
    bool found = false;
    const char *e;
    while ((e = next_name(&it))) {
        found = true;
        unsigned long lifted = *fresh;
        clear(top, e, fresh);
        for (; lifted < *fresh; lifted++) {
            char name[24];
            fresh_name(lifted, name);
            clear(top, name, fresh);
        }
    }
    return found;
}

/* Removes directory name (in parent) and everything beneath it. */
static void remove_tree(int parent, const char *name)
{
    int top = open_dir(parent, name);
    if (top >= 0) {
        unsigned long fresh = 0;
        for (int pass = 0; pass < MAX_PASSES && empty_pass(top, &fresh); pass++)
            ;
        close(top);
    }
    unlinkat(parent, name, AT_REMOVEDIR);
}

/* Directories of applications that were killed whole: nobody holds their lock. */
static void sweep(const char *base)
{
    struct entries it = { .fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC) };
    if (it.fd < 0)
        return;
    const char *e;
    while ((e = next_name(&it))) {
        struct stat st;
        if (strncmp(e, "picovm-", 7) || strlen(e) != 13 || fstatat(it.fd, e, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
            !S_ISDIR(st.st_mode) || st.st_uid != getuid() || st.st_mtime > time(NULL) - STALE_AFTER_S)
            continue;
        int fd = openat(it.fd, e, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
            remove_tree(it.fd, e);
        if (fd >= 0)
            close(fd);
    }
    close(it.fd);
}

int appdir_create(const char *base, char *path, size_t size)
{
    if (ndirs == MAX_DIRS)
        return -ENOMEM;
    struct appdir *d = &dirs[ndirs];
    if (!base || base[0] != '/' || size > sizeof(d->path) ||
        snprintf(path, size, "%s/picovm-XXXXXX", base) >= (int)size)
        return -ENAMETOOLONG;
    sweep(base);
    if (!mkdtemp(path))
        return -errno;
    /* Held by every process of the application: inherited at fork. */
    d->lock_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d->lock_fd >= 0 && flock(d->lock_fd, LOCK_SH) == 0) {
        strcpy(d->path, path);
        ndirs++;
        return 0;
    }
    int e = errno;
    if (d->lock_fd >= 0)
        close(d->lock_fd);
    rmdir(path);
    return -e;
}

void appdir_remove_all(void)
{
    while (ndirs > 0) {
        struct appdir *d = &dirs[--ndirs];
        remove_tree(AT_FDCWD, d->path);
        close(d->lock_fd);
    }
}
