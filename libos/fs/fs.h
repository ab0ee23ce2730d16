/* Internals shared by the file-system files of the library OS: the mount
 * table, path lookup, the file-system types and small helpers.  Other rooms
 * use vfs.h only. */
#ifndef PICOVM_FS_H
#define PICOVM_FS_H

#include "fs/vfs.h"
#include "fs/path.h"
#include <asm/stat.h>
#include <linux/stat.h>
#include <linux/fcntl.h>

/* <linux/stat.h> leaves the file-type macros to the C library when it sees
 * one, as in the host-side unit tests; the guest has none. */
#ifndef S_IFMT
#define S_IFMT   00170000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFBLK  0060000
#define S_IFIFO  0010000
#define S_IFSOCK 0140000
#define S_ISUID  0004000
#define S_ISGID  0002000
#define S_ISVTX  0001000
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)
#endif

/* The mount table (vfs.c); entries never move, so struct mount pointers stay valid. */
#define MAX_MOUNTS (PAL_MAX_MOUNTS + 2)   /* the monitor's, and /dev, /proc */
extern struct mount vfs_mounts[MAX_MOUNTS];
extern int vfs_nmounts;

/* A path on its way to a file system (lookup.c).  Links in the parent
 * directories have been followed, so m and rel name the last component. */
struct lookup {
    struct mount *m;          /* NULL: outside every mount */
    const char *rel;          /* into path */
    bool must_dir;            /* trailing '/', "." or "..": must be a directory */
    bool synthetic;           /* answered by a mount-point parent directory (mountdir.c) */
    int links;                /* links followed so far, for ELOOP */
    size_t walk_from;         /* the walk starts at path's first this many bytes (its cwd or dirfd) */
    char path[PATH_MAX_LEN];  /* absolute and normalised */
};

/* Does the library OS follow the symbolic links of m itself?  Those of the
 * guest's file systems, and of a tmpfs, whose links name paths of the
 * program's tree, as they did when it made them; a chroot mount's the host
 * follows, beneath the mount. */
static inline bool mount_follows_links(const struct mount *m)
{
    return !m->host_uri || m->tmpfs;
}

/* abs (normalised, within m) relative to m's root: "" for the root itself. */
const char *mount_rel(const struct mount *m, const char *abs);

/* Fills *lk (on the caller's stack: the library OS heap gives large blocks back
 * to the host on free, too dear for every path); dirfd as in openat(2). */
long lookup_path(int dirfd, const char *path, struct lookup *lk);
/* The last component is a link: replace it by its target and look up again. */
long lookup_follow(struct lookup *lk);
/* Every link of lk->path followed, wherever it lies (chdir's path for getcwd). */
long lookup_canonical(struct lookup *lk);
/* The directory fd has open, as a base for relative paths: its stat and
 * absolute path (borrowed from the file). */
long fd_dir(int fd, struct stat *st, const char **path);

/* vfs.c: stat of a looked-up path, following links unless nofollow. */
long vfs_stat_lookup(struct lookup *lk, struct stat *st, bool nofollow);
/* A path from the program that must name an existing file: lk then names
 * it, its final link followed unless nofollow (statfs, the xattr calls). */
long vfs_lookup_existing(const char *path, bool nofollow, struct lookup *lk);

/* The flags an open file keeps (what F_GETFL reports): creation flags are
 * gone and, on x86-64, O_LARGEFILE is always set. */
static inline int fs_file_flags(int flags)
{
    return (flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)) | O_LARGEFILE;
}

/* A new open file with open(2)'s flags, holding priv (still the caller's if
 * this fails): 0 or -ENOMEM (file.c). */
long file_open(const struct file_ops *ops, int flags, struct mount *m, const char *path, void *priv,
               struct file **out);
/* The release of files whose priv is one heap block and nothing more. */
void file_free_priv(struct file *f);

/* File systems. */
extern const struct fs_type fs_host, fs_dev, fs_proc;
/* Console files over the host's standard streams (handles 0-2). */
long console_open(long rd, long wr, int flags, struct file **out);
long console_open_tty(int flags, struct file **out);

/* eventfd and timerfd files (evfd.c): flags O_NONBLOCK or 0; clock is
 * the host's CLOCK_REALTIME or CLOCK_MONOTONIC.  timerfd_handle: the host
 * timerfd behind f and its clock, or -EINVAL if f is no timerfd. */
long eventfd_file(unsigned int count, bool semaphore, int flags, struct file **out);
long timerfd_file(int clock, int flags, struct file **out);
long timerfd_handle(struct file *f, int *clock);
/* The stat of a file with no inode of the host (signalfd, epoll): Linux's
 * anonymous inode, mode 0600 and no file type (file.c). */
long anon_file_stat(struct file *f, struct stat *st);

/* Pipes (fs_pipe.c): the two ends of a new pipe, [0] for reading and [1]
 * for writing, with flags O_NONBLOCK and O_DIRECT (packet mode). */
long pipe_files(int flags, struct file *ends[2]);
/* A FIFO opened by name with open(2)'s flags: a pipe end over its PAL
 * handle h, which it owns from here on (closed if this fails). */
long pipe_fifo_file(long h, int flags, struct file **out);
/* F_GETPIPE_SZ (set false) and F_SETPIPE_SZ: the capacity, -EBADF for a file that is no pipe. */
long pipe_capacity(struct file *f, bool set, unsigned int size);
/* Files over PAL streams: console, pipes, sockets (fs/stream.c).
 * A write's result: -EPIPE also raises SIGPIPE in this process, as on Linux; */
long write_sigpipe(long r);
/* FIONREAD: the bytes the stream holds, stored as an int at arg. */
long stream_fionread(long handle, unsigned long arg);

/* Read-only directories above mount points that no mounted file system holds (mountdir.c). */
bool mountdir_covers(const char *abs);
long mountdir_stat(const char *abs, struct stat *st);
long mountdir_open(const char *abs, int flags, struct file **out);

/* A path argument from the program: -EFAULT, -ENAMETOOLONG or 0. */
static inline long user_path_ok(const char *path)
{
    return user_string_ok(path, PATH_MAX_LEN);
}

/* Linux caps one read or write at this many bytes. */
#define MAX_RW_COUNT 0x7ffff000ul


/* Helpers of the in-guest file systems (fs_util.c). */
unsigned int fs_uid(void);
unsigned int fs_gid(void);
/* Must the library OS check permissions on host files itself?  Not for
 * root, who passes every check, nor for the host user's own ids, which the
 * host checks already as the monitor reaches the files: so neither pays. */
bool fs_must_check(void);
/* Owns the file, or is root (Linux's inode_owner_or_capable). */
bool fs_owner(const struct stat *st);
/* May the caller add a name to dir, or remove victim's (non-NULL) from it:
 * write and search on dir, and the sticky bit's rule.  0, -EACCES or -EPERM. */
long fs_may_change(const struct stat *dir, const struct stat *victim);
/* The checks of an open(2) with flags of the existing file st: 0, -EACCES or -EPERM. */
long fs_may_open(const struct stat *st, int flags);
/* May the caller make the changes of a (chmod, chown, utimens) to st: 0, -EPERM or -EACCES. */
long fs_may_setattr(const struct stat *st, const struct vfs_attr *a);
/* The mode a chmod to mode gives st: set-group-ID only for a member of its group, or root. */
unsigned int fs_chmod_mode(const struct stat *st, unsigned int mode);
uint64_t fs_hash(const char *s, size_t n);
void fs_synth_stat(struct stat *st, unsigned int mode, uint64_t ino, uint64_t dev, uint64_t rdev);
/* Appends one linux_dirent64 record at *used; false when it does not fit. */
bool dirent_put(void *buf, size_t len, size_t *used, uint64_t ino, uint64_t next_pos,
                unsigned char type, const char *name, size_t namelen);
/* getdents64's answer for a full buffer: what was written, or -EINVAL if nothing fit. */
static inline long dirent_result(size_t used) { return used ? (long)used : -EINVAL; }
/* read(2) on a directory. */
long fs_dir_read(struct file *f, void *buf, size_t len, uint64_t *pos);

#define DT_UNKNOWN 0
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

/* Device numbers of the in-guest file systems (Linux's anonymous major 0). */
#define DEV_MOUNTDIR 0x10
#define DEV_DEVFS    0x11
#define DEV_PROCFS   0x12
#define DEV_TMPFS    0x20   /* + mount index: each tmpfs is a device of its own, as on Linux */

static inline uint64_t makedev(unsigned int major, unsigned int minor)
{
    return ((uint64_t)(major & 0xfffff000) << 32) | ((uint64_t)(major & 0xfff) << 8) |
           ((uint64_t)(minor & 0xffffff00) << 12) | (minor & 0xff);
}

static inline unsigned int dev_major(uint64_t dev)
{
    return (unsigned int)(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff));
}

static inline unsigned int dev_minor(uint64_t dev)
{
    return (unsigned int)(((dev >> 12) & 0xffffff00) | (dev & 0xff));
}

#endif
