/* PAL calls on host files: by handle (I/O straight into or out of guest
 * memory, over the iovecs of its pages, no bounce buffer) and by uri (through policy.c, which confines every
 * name beneath its mount). */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "calls.h"
#include "fifo.h"
#include "core/pal_server.h"
#include "config/policy.h"
#include "kvm/guest_mem.h"
#include "base/clock.h"
#include "hypercall.h"
#include "proc/proc.h"

/* The guest's struct hc_stat is Linux's struct stat, so the host's is copied as is. */
static_assert(sizeof(struct stat) == sizeof(struct hc_stat), "hc_stat size");
static_assert(offsetof(struct stat, st_ino) == offsetof(struct hc_stat, ino), "hc_stat ino");
static_assert(offsetof(struct stat, st_mode) == offsetof(struct hc_stat, mode), "hc_stat mode");
static_assert(offsetof(struct stat, st_rdev) == offsetof(struct hc_stat, rdev), "hc_stat rdev");
static_assert(offsetof(struct stat, st_size) == offsetof(struct hc_stat, size), "hc_stat size");
static_assert(offsetof(struct stat, st_blocks) == offsetof(struct hc_stat, blocks), "hc_stat blocks");
static_assert(offsetof(struct stat, st_atim) == offsetof(struct hc_stat, atime), "hc_stat atime");
static_assert(offsetof(struct stat, st_mtim) == offsetof(struct hc_stat, mtime), "hc_stat mtime");
static_assert(offsetof(struct stat, st_ctim) == offsetof(struct hc_stat, ctime), "hc_stat ctime");

/* As policy.c creates files: the guest never makes set-user/group-id files on the host. */
#define GUEST_MODE_MASK 01777
#define MAX_LINKS 40   /* Linux's MAXSYMLINKS */
/* Directory records per HC_GETDENTS go through a buffer on the stack: a
 * shorter answer is legal, the guest asks again. */
#define DENTS_MAX 32768

/* Copies the string of len bytes at gpa into out (size bytes) before
 * anything looks at it: the guest may rewrite it while we work.  A NUL within
 * len ends it, so len may count the terminator or not. */
static int copy_string(struct vm *vm, uint64_t va, uint64_t len, char *out, size_t size)
{
    if (len == 0)
        return -ENOENT;
    if (len >= size)
        return -ENAMETOOLONG;
    if (gva_read(vm, va, out, len))
        return -EFAULT;
    out[len] = '\0';
    return 0;
}

/* out has HC_MAX_URI bytes (calls.h). */
int copy_uri(struct vm *vm, uint64_t gpa, uint64_t len, char *out)
{
    return copy_string(vm, gpa, len, out, HC_MAX_URI);
}

/* Opens with O_NONBLOCK, so that neither a FIFO nor a leased file holds
 * the server in open(): fifo.c gives them open(2)'s answer.  O_NONBLOCK means nothing to regular
 * files and directories; anything else (a device) gets the guest's flags back. */
static int open_file(struct vm *vm, const char *uri, int flags, int mode)
{
    int fd = policy_open(uri, flags | O_NONBLOCK, mode);
    if (fd == -ENXIO || fd == -EROFS)
        return fifo_open_named(vm, uri, flags, fd);
    /* A regular file under another process's lease (notify.c): the host began its break. */
    if (fd == -EWOULDBLOCK && !(flags & O_NONBLOCK))
        return open_after_break(vm, uri, flags);
    if (fd < 0)
        return fd;
    struct stat st;
    int err = fstat(fd, &st) ? -errno : 0;
    if (!err && S_ISFIFO(st.st_mode))
        return fifo_opened(vm, fd, flags);
    if (!err && !(flags & O_NONBLOCK) && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) &&
        fcntl(fd, F_SETFL, flags & O_APPEND))
        err = -errno;
    if (err)
        close(fd);
    return err ? err : fd;
}

static int64_t hc_open(struct vm *vm, const uint64_t a[6])
{
    char uri[HC_MAX_URI];
    int err = copy_uri(vm, a[0], a[1], uri);
    if (err)
        return err;
    /* flags is a C int: its low 32 bits, as the kernel reads an int argument.
     * An O_PATH handle is no use to the guest: only the monitor opens those. */
    int fd = open_file(vm, uri, (int)(uint32_t)a[2] & ~O_PATH, (int)(a[3] & 07777));
    if (fd < 0)
        return fd;
    int h = handle_alloc(fd);
    if (h < 0)
        close(fd);
    return h;
}

static int64_t hc_close(struct vm *vm, const uint64_t a[6])
{
    (void)vm;
    return handle_free((int64_t)a[0]);
}

static int64_t hc_read(struct vm *vm, int fd, const uint64_t a[6])
{
    uint64_t len = a[2];
    int64_t off = (int64_t)a[3];
    if (len > HC_MAX_IO || off < -1)
        return -EINVAL;
    struct iovec iov[IOV_MAX];
    uint64_t bytes;
    int cnt = gva_iov(vm, a[1], len, true, iov, IOV_MAX, &bytes);
    if (cnt < 0)
        return cnt;
    for (;;) {
        ssize_t n = off < 0 ? readv(fd, iov, cnt) : preadv(fd, iov, cnt, off);
        if (n >= 0)
            return n;
        if (errno != EINTR)
            return -errno;
    }
}


static bool wait_writable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLOUT };
    return poll(&p, 1, -1) >= 0 || errno == EINTR;
}

static int64_t hc_write(struct vm *vm, int fd, const uint64_t a[6])
{
    uint64_t len = a[2];
    int64_t off = (int64_t)a[3];
    if (len > HC_MAX_IO || off < -1 || (off >= 0 && (uint64_t)off > INT64_MAX - len))
        return -EINVAL;
    /* The guest's stdout and stderr may be pipes or terminals: it gets no
     * short write there (a lost tail of output is worse than waiting). */
    bool all = a[0] == 1 || a[0] == 2;
    uint64_t done = 0;
    for (;;) {
        /* At most IOV_MAX segments at a time: after a short write the rest is translated anew. */
        struct iovec iov[IOV_MAX];
        uint64_t bytes;
        int cnt = gva_iov(vm, a[1] + done, len - done, false, iov, IOV_MAX, &bytes);
        if (cnt < 0)
            return done ? (int64_t)done : cnt;
        ssize_t n = off < 0 ? writev(fd, iov, cnt) : pwritev(fd, iov, cnt, off + (int64_t)done);
        if (n < 0) {
            if (errno == EINTR || (all && errno == EAGAIN && wait_writable(fd)))
                continue;
            return done ? (int64_t)done : -errno;
        }
        done += (uint64_t)n;
        if (!all || done == len || n == 0)
            return (int64_t)done;
    }
}


static int64_t copy_stat(struct vm *vm, uint64_t va, const struct stat *st)
{
    return gva_write(vm, va, st, sizeof *st);
}

static int64_t hc_fstat(struct vm *vm, int fd, const uint64_t a[6])
{
    struct stat st;
    if (fstat(fd, &st))
        return -errno;
    return copy_stat(vm, a[1], &st);
}


static int64_t hc_lock(struct vm *vm, int fd, const uint64_t a[6])
{
    int cmd = (int)a[1];
    if (cmd != F_GETLK && cmd != F_SETLK && cmd != F_SETLKW && cmd != F_OFD_GETLK && cmd != F_OFD_SETLK &&
        cmd != F_OFD_SETLKW)
        return -EINVAL;
    struct flock fl;
    if (gva_read(vm, a[2], &fl, sizeof fl))
        return -EFAULT;
    int r;
    while ((r = fcntl(fd, cmd, &fl)) < 0 && errno == EINTR && cmd != F_SETLKW && cmd != F_OFD_SETLKW)
        ;
    if (r < 0)
        return -errno;
    /* The holder as the guest knows it: a host pid means nothing there (the
     * host's -1 for an open-file-description lock stays). */
    if (fl.l_pid > 0)
        fl.l_pid = pidns_app_pid(fl.l_pid);
    return gva_write(vm, a[2], &fl, sizeof fl);
}


/* Never waits: a guest that wants to block tries again, and stays interruptible. */
static int64_t hc_flock(struct vm *vm, int fd, const uint64_t a[6])
{
    (void)vm;
    if (a[1] != LOCK_SH && a[1] != LOCK_EX && a[1] != LOCK_UN)
        return -EINVAL;
    while (flock(fd, (int)a[1] | LOCK_NB))
        if (errno != EINTR)
            return -errno;
    return 0;
}


static int stat_nofollow(const char *uri, struct stat *st)
{
    int dirfd;
    char name[NAME_MAX + 1];
    int err = policy_parent(uri, false, &dirfd, name, sizeof name);
    if (err)
        return err;
    /* AT_EMPTY_PATH: name is "" for a mount root, then dirfd itself is stat'ed. */
    err = fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) ? -errno : 0;
    close(dirfd);
    return err;
}

static int stat_follow(const char *uri, struct stat *st)
{
    /* O_PATH: no read permission needed, and no open side effects (fifos, devices). */
    int fd = policy_open(uri, O_PATH, 0);
    if (fd < 0)
        return fd;
    int err = fstat(fd, st) ? -errno : 0;
    close(fd);
    return err;
}

static int64_t hc_stat(struct vm *vm, const uint64_t a[6])
{
    char uri[HC_MAX_URI];
    int err = copy_uri(vm, a[0], a[1], uri);
    if (err)
        return err;
    struct stat st;
    err = a[3] ? stat_nofollow(uri, &st) : stat_follow(uri, &st);
    if (err)
        return err;
    return copy_stat(vm, a[2], &st);
}

static int64_t hc_truncate(struct vm *vm, int fd, const uint64_t a[6])
{
    (void)vm;
    while (ftruncate(fd, (off_t)a[1]))
        if (errno != EINTR)
            return -errno;
    return 0;
}


static int64_t hc_getdents(struct vm *vm, int fd, const uint64_t a[6])
{
    uint64_t len = a[2];
    if (len > HC_MAX_IO)
        return -EINVAL;
    /* Found writable before records are taken from the directory, so a bad
     * buffer loses none of them. */
    struct iovec iov[GVA_PAGES(DENTS_MAX)];
    uint64_t bytes;
    int cnt = gva_iov(vm, a[1], len < DENTS_MAX ? len : DENTS_MAX, true, iov, GVA_PAGES(DENTS_MAX), &bytes);
    if (cnt < 0)
        return cnt;
    char buf[DENTS_MAX];
    long n = syscall(SYS_getdents64, fd, buf, (unsigned)bytes);
    if (n < 0)
        return -errno;
    iov_fill(iov, buf, (size_t)n);
    return n;
}


/* Runs a name-based call on the uri at a[0] (a[1] bytes): op gets the
 * confined parent directory and the final name. */
typedef int64_t (*name_op)(struct vm *vm, int dirfd, const char *name, const uint64_t a[6]);

static int64_t on_name(struct vm *vm, const uint64_t a[6], bool want_write, name_op op)
{
    char uri[HC_MAX_URI], name[NAME_MAX + 1];
    int err = copy_uri(vm, a[0], a[1], uri);
    if (err)
        return err;
    int dirfd;
    err = policy_parent(uri, want_write, &dirfd, name, sizeof name);
    if (err)
        return err;
    int64_t ret = op(vm, dirfd, name, a);
    close(dirfd);
    return ret;
}

static int64_t do_mkdir(struct vm *vm, int dirfd, const char *name, const uint64_t a[6])
{
    (void)vm;
    return mkdirat(dirfd, name, (mode_t)(a[2] & GUEST_MODE_MASK)) ? -errno : 0;
}

static int64_t hc_mkdir(struct vm *vm, const uint64_t a[6])
{
    return on_name(vm, a, true, do_mkdir);
}

static int64_t do_unlink(struct vm *vm, int dirfd, const char *name, const uint64_t a[6])
{
    (void)vm;
    return unlinkat(dirfd, name, a[2] ? AT_REMOVEDIR : 0) ? -errno : 0;
}

/* Only FIFOs: device nodes need a privilege the guest never has, sockets
 * are made by bind.  A FIFO is never executed, so its set-id bits give no
 * privilege: they are kept, as Linux keeps them (the host strips set-group-ID
 * where its own rules say so, as in a directory of a group not ours). */
static int64_t do_mkfifo(struct vm *vm, int dirfd, const char *name, const uint64_t a[6])
{
    (void)vm;
    return mknodat(dirfd, name, S_IFIFO | (mode_t)(a[2] & 07777), 0) ? -errno : 0;
}

static int64_t hc_mkfifo(struct vm *vm, const uint64_t a[6])
{
    return on_name(vm, a, true, do_mkfifo);
}

static int64_t hc_unlink(struct vm *vm, const uint64_t a[6])
{
    return on_name(vm, a, true, do_unlink);
}

static int64_t do_readlink(struct vm *vm, int dirfd, const char *name, const uint64_t a[6])
{
    uint64_t len = a[3];
    if (len == 0 || len > HC_MAX_IO)
        return -EINVAL;
    char buf[PATH_MAX];
    ssize_t n = readlinkat(dirfd, name, buf, len < sizeof buf ? len : sizeof buf);
    if (n < 0)
        return -errno;
    if (gva_write(vm, a[2], buf, (size_t)n))
        return -EFAULT;
    return n;
}

static int64_t hc_readlink(struct vm *vm, const uint64_t a[6])
{
    return on_name(vm, a, false, do_readlink);
}

/* Runs a call on two names (uri at a[0], a[1] bytes; uri2 at a[2], a[3]
 * bytes), both as for a write: op gets each confined parent and final name. */
typedef int (*two_names_op)(int fdir, const char *fname, int tdir, const char *tname);

static int64_t on_two_names(struct vm *vm, const uint64_t a[6], two_names_op op)
{
    char from[HC_MAX_URI], to[HC_MAX_URI], fname[NAME_MAX + 1], tname[NAME_MAX + 1];
    int err = copy_uri(vm, a[0], a[1], from);
    if (!err)
        err = copy_uri(vm, a[2], a[3], to);
    if (err)
        return err;
    int fdir, tdir;
    err = policy_parent(from, true, &fdir, fname, sizeof fname);
    if (err)
        return err;
    err = policy_parent(to, true, &tdir, tname, sizeof tname);
    if (!err) {
        err = op(fdir, fname, tdir, tname) ? -errno : 0;
        close(tdir);
    }
    close(fdir);
    return err;
}

static int64_t hc_rename(struct vm *vm, const uint64_t a[6])
{
    return on_two_names(vm, a, renameat);
}

/* Neither name is followed: the guest follows links itself. */
static int do_link(int fdir, const char *fname, int tdir, const char *tname)
{
    return linkat(fdir, fname, tdir, tname, 0);
}

/* The old name too must be in a writable mount: a link in a writable mount
 * to a file of a read-only one would let the guest write that file. */
static int64_t hc_link(struct vm *vm, const uint64_t a[6])
{
    return on_two_names(vm, a, do_link);
}

/* Through /proc/self/fd: linkat's AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH on the host. */
static int64_t hc_link_file(struct vm *vm, int fd, const uint64_t a[6])
{
    char uri[HC_MAX_URI], name[NAME_MAX + 1], self[32];
    int err = copy_uri(vm, a[1], a[2], uri);
    if (err)
        return err;
    struct stat st;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fstat(fd, &st))
        return -errno;
    if ((fl & O_ACCMODE) == O_RDONLY || !S_ISREG(st.st_mode))
        return -EPERM;
    int dirfd;
    if ((err = policy_parent(uri, true, &dirfd, name, sizeof name)))
        return err;
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    err = linkat(AT_FDCWD, self, dirfd, name, AT_SYMLINK_FOLLOW) ? -errno : 0;
    close(dirfd);
    return err;
}

static int64_t hc_symlink(struct vm *vm, const uint64_t a[6])
{
    /* The target is only text here: what it names is confined when something
     * is opened through it, since policy resolves links beneath the mount. */
    char target[PATH_MAX], uri[HC_MAX_URI], name[NAME_MAX + 1];
    int err = copy_string(vm, a[0], a[1], target, sizeof target);
    if (!err)
        err = copy_uri(vm, a[2], a[3], uri);
    if (err)
        return err;
    int dirfd;
    err = policy_parent(uri, true, &dirfd, name, sizeof name);
    if (err)
        return err;
    err = symlinkat(target, dirfd, name) ? -errno : 0;
    close(dirfd);
    return err;
}

/* The parent directory and name of the file a metadata change acts on, as
 * for a write (policy_parent with want_write), following a final symlink
 * unless nofollow.  The host must not follow it: an *at() call would follow
 * it anywhere.  So each hop becomes a uri of its own ("<uri>/../<target>",
 * which normalizes to the link's directory), checked by policy like any uri
 * the guest sends: a link reaches nothing the guest could not name itself,
 * and one into a read-only mount gives -EROFS.  An absolute target is
 * refused, as RESOLVE_BENEATH refuses it for open and stat.  uri (HC_MAX_URI
 * bytes) is rewritten in place; name has NAME_MAX + 1 bytes. */
static int setattr_target(char *uri, bool follow, int *dirfd, char *name)
{
    for (int links = 0;; links++) {
        int err = policy_parent(uri, true, dirfd, name, NAME_MAX + 1);
        /* A writable mount's root itself (chmod 1777 /tmp): name "", the root's
         * descriptor in *dirfd, which set_attr changes. */
        if (err == -EBUSY)
            err = policy_parent(uri, false, dirfd, name, NAME_MAX + 1);
        if (err || !follow)
            return err;
        char target[PATH_MAX];
        ssize_t n = readlinkat(*dirfd, name, target, sizeof target);
        if (n < 0)
            return 0;   /* not a link, or missing: the change itself reports that */
        close(*dirfd);
        if (links == MAX_LINKS)
            return -ELOOP;
        if (target[0] == '/')
            return -EACCES;
        size_t len = strlen(uri);
        if (len + 4 + (size_t)n >= HC_MAX_URI)
            return -ENAMETOOLONG;
        memcpy(uri + len, "/../", 4);
        memcpy(uri + len + 4, target, (size_t)n);
        uri[len + 4 + (size_t)n] = '\0';
    }
}

static struct timespec attr_time(const struct hc_attr *at, unsigned int bit, uint64_t ns)
{
    if (!(at->valid & bit))
        return (struct timespec){ .tv_nsec = UTIME_OMIT };
    return ns_to_timespec(ns);
}

/* chmod of the directory open at fd (O_PATH): through its /proc link, as
 * glibc's own fchmodat does for an O_PATH descriptor. */
static int chmod_fd(int fd, mode_t mode)
{
    char path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return chmod(path, mode);
}

/* Set-group-ID is kept on a directory, where it only gives new entries the
 * directory's group (and new subdirectories the bit), no privilege: Linux
 * programs (and LTP) rely on it.  A FIFO keeps both set-id bits (do_mkfifo).
 * Never on other files (GUEST_MODE_MASK). */
static mode_t guest_chmod_mode(int dirfd, const char *name, unsigned int mode)
{
    struct stat st;
    int flags = AT_SYMLINK_NOFOLLOW | (*name ? 0 : AT_EMPTY_PATH);
    if (!(mode & (S_ISUID | S_ISGID)) || fstatat(dirfd, name, &st, flags))
        return (mode_t)(mode & GUEST_MODE_MASK);
    if (S_ISFIFO(st.st_mode))
        return (mode_t)(mode & 07777);
    if (S_ISDIR(st.st_mode))
        return (mode_t)(mode & (GUEST_MODE_MASK | S_ISGID));
    return (mode_t)(mode & GUEST_MODE_MASK);
}

/* Never follows name: setattr_target did that.  name "" is the directory
 * dirfd itself (a mount's root).  Whether the caller may make the change is
 * the host's to say (its errno comes back as is). */
static int set_attr(int dirfd, const char *name, const struct hc_attr *at)
{
    unsigned int v = at->valid;
    int flags = AT_SYMLINK_NOFOLLOW | (*name ? 0 : AT_EMPTY_PATH);
    /* A change of nothing still checks that the file is there, as chown(path, -1, -1) does. */
    if ((v & (HC_ATTR_UID | HC_ATTR_GID)) || !v) {
        uid_t uid = (v & HC_ATTR_UID) ? at->uid : (uid_t)-1;
        gid_t gid = (v & HC_ATTR_GID) ? at->gid : (gid_t)-1;
        if (fchownat(dirfd, name, uid, gid, flags))
            return -errno;
    }
    /* On a symlink itself this is -EOPNOTSUPP, as lchmod is on Linux. */
    mode_t mode = guest_chmod_mode(dirfd, name, at->mode);
    if ((v & HC_ATTR_MODE) && (*name ? fchmodat(dirfd, name, mode, AT_SYMLINK_NOFOLLOW) : chmod_fd(dirfd, mode)))
        return -errno;
    if (v & HC_ATTR_TOUCH)
        return utimensat(dirfd, name, NULL, flags) ? -errno : 0;
    if (v & (HC_ATTR_ATIME | HC_ATTR_MTIME)) {
        const struct timespec ts[2] = { attr_time(at, HC_ATTR_ATIME, at->atime_ns),
                                        attr_time(at, HC_ATTR_MTIME, at->mtime_ns) };
        return utimensat(dirfd, name, ts, flags) ? -errno : 0;
    }
    return 0;
}

static int64_t hc_setattr(struct vm *vm, const uint64_t a[6])
{
    char uri[HC_MAX_URI], name[NAME_MAX + 1];
    int err = copy_uri(vm, a[0], a[1], uri);
    if (err)
        return err;
    struct hc_attr at;
    if (gva_read(vm, a[2], &at, sizeof at))
        return -EFAULT;
    if (at.valid & ~(unsigned int)(HC_ATTR_MODE | HC_ATTR_UID | HC_ATTR_GID | HC_ATTR_ATIME |
                                   HC_ATTR_MTIME | HC_ATTR_TOUCH))
        return -EINVAL;
    int dirfd;
    err = setattr_target(uri, !a[3], &dirfd, name);
    if (err)
        return err;
    err = set_attr(dirfd, name, &at);
    close(dirfd);
    return err;
}

static int64_t hc_fsync(struct vm *vm, int fd, const uint64_t a[6])
{
    (void)vm;
    (void)a;
    while (fsync(fd))
        if (errno != EINTR)
            return -errno;
    return 0;
}


static int64_t hc_seek(struct vm *vm, int fd, const uint64_t a[6])
{
    (void)vm;
    if (a[2] > INT_MAX)
        return -EINVAL;
    off_t off = lseek(fd, (off_t)a[1], (int)a[2]);
    return off < 0 ? -errno : off;
}

void pal_files_setup(void)
{
    pal_register(HC_OPEN, hc_open);
    pal_register(HC_CLOSE, hc_close);
    pal_register_fd(HC_READ, hc_read);
    pal_register_fd(HC_WRITE, hc_write);
    pal_register_fd(HC_FSTAT, hc_fstat);
    pal_register(HC_STAT, hc_stat);
    pal_register_fd(HC_TRUNCATE, hc_truncate);
    pal_register_fd(HC_GETDENTS, hc_getdents);
    pal_register(HC_MKDIR, hc_mkdir);
    pal_register(HC_UNLINK, hc_unlink);
    pal_register(HC_RENAME, hc_rename);
    pal_register(HC_READLINK, hc_readlink);
    pal_register_fd(HC_FSYNC, hc_fsync);
    pal_register_fd(HC_SEEK, hc_seek);
    pal_register(HC_SYMLINK, hc_symlink);
    pal_register(HC_SETATTR, hc_setattr);
    pal_register(HC_LINK, hc_link);
    pal_register_fd(HC_LINK_FILE, hc_link_file);
    pal_register(HC_MKFIFO, hc_mkfifo);
    pal_register_fd(HC_LOCK, hc_lock);
    pal_register_fd(HC_FLOCK, hc_flock);
}
