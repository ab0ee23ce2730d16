/* Open files and the file systems behind them: what every file system
 * implements (fs_type, file_ops) and what every open file is (struct file). */
#ifndef PICOVM_LIBOS_FILE_H
#define PICOVM_LIBOS_FILE_H

#include "libos.h"

struct stat;   /* Linux x86-64 struct stat, same layout as struct pal_stat */
struct file;
struct mount;
struct poll_wait;

/* Attribute changes (chmod, chown, utimens); times are nanoseconds since the epoch. */
enum { ATTR_MODE = 1, ATTR_UID = 2, ATTR_GID = 4, ATTR_ATIME = 8, ATTR_MTIME = 16,
       ATTR_TOUCH = 32 /* both times set to now: write access is enough */ };
struct vfs_attr {
    unsigned int valid;  /* ATTR_* */
    unsigned int mode;   /* permission bits only */
    unsigned int uid, gid;
    uint64_t atime_ns, mtime_ns;
};

/* A file system's open, stat or setattr may answer VFS_FOLLOW: the path names a
 * symbolic link to follow; the VFS reads it with readlink and starts over. */
#define VFS_FOLLOW 1

struct fs_type {
    const char *name;
    /* rel is relative to the mount root, without a leading '/', "" for the root. */
    long (*open)(struct mount *m, const char *rel, int flags, int mode, struct file **out);
    long (*stat)(struct mount *m, const char *rel, struct stat *st, bool nofollow);
    long (*mkdir)(struct mount *m, const char *rel, int mode);
    long (*unlink)(struct mount *m, const char *rel, bool is_dir);
    long (*rename)(struct mount *m, const char *old_rel, const char *new_rel);
    long (*readlink)(struct mount *m, const char *rel, char *buf, size_t len);
    long (*symlink)(struct mount *m, const char *rel, const char *target);  /* NULL: -EPERM */
    long (*setattr)(struct mount *m, const char *rel, const struct vfs_attr *a, bool nofollow);  /* NULL: -EPERM */
    /* A new name new_rel for old_rel (never followed), not a directory.  NULL: -EPERM */
    long (*link)(struct mount *m, const char *old_rel, const char *new_rel);
    long (*mkfifo)(struct mount *m, const char *rel, int mode);   /* NULL: -EPERM */
    /* A name new_rel for the unnamed file f (O_TMPFILE) made in m.  NULL: -EXDEV */
    long (*link_file)(struct mount *m, struct file *f, const char *new_rel);
    /* The open file a magic link (/proc/PID/fd/N) names, else NULL. */
    struct file *(*fd_link)(struct mount *m, const char *rel);
};

struct mount {
    char *path;          /* absolute mount point, "/" or without trailing '/' */
    size_t path_len;
    const struct fs_type *fs;
    char *host_uri;      /* host-backed mounts: "file:/host/dir" */
    bool writable;
    /* A tmpfs: a host directory that every process of the application
     * shares (the monitor's config/tmpfs.c), which looks like tmpfs. */
    bool tmpfs;
};

struct file_ops {
    /* pos is the file position to use and advance; NULL for streams without
     * one, and for files whose position the stream keeps (seek below). */
    long (*read)(struct file *f, void *buf, size_t len, uint64_t *pos);
    long (*write)(struct file *f, const void *buf, size_t len, uint64_t *pos);
    long (*stat)(struct file *f, struct stat *st);
    long (*getdents64)(struct file *f, void *buf, size_t len);  /* NULL: -ENOTDIR */
    long (*truncate)(struct file *f, uint64_t len);             /* NULL: -EINVAL */
    /* fallocate(2) mode 0 or FALLOC_FL_KEEP_SIZE; NULL: -EOPNOTSUPP */
    long (*allocate)(struct file *f, int mode, uint64_t off, uint64_t len);
    long (*ioctl)(struct file *f, unsigned long req, unsigned long arg);  /* NULL: -ENOTTY */
    long (*fsync)(struct file *f);                              /* NULL: -EINVAL */
    long (*setattr)(struct file *f, const struct vfs_attr *a);  /* NULL: -EPERM */
    void (*release)(struct file *f);                            /* last reference dropped */
    /* fcntl record locks (struct flock, l_whence SEEK_SET or SEEK_END); NULL:
     * no other process can reach the file, so nobody is in the way */
    long (*lock)(struct file *f, int cmd, void *flock);
    /* flock(2) LOCK_SH/EX/UN without waiting (-EWOULDBLOCK) on a file other
     * processes reach; NULL: the lock is kept here, for this process (fs/flock.c) */
    long (*flock)(struct file *f, int op);
    /* poll, select and epoll (fs/stream.h): returns the POLL* bits ready
     * now, and adds to pw (NULL when nobody will wait) the PAL streams to
     * wait on, whose revents are the file's too, and the signals whose
     * arrival must end the wait.  Console, pipes, eventfds and timerfds
     * answer through their streams.  NULL: always readable and writable, as
     * regular files are (and epoll refuses them, as Linux does). */
    short (*poll)(struct file *f, short events, struct poll_wait *pw);
    /* lseek(2) (any whence: SEEK_DATA and SEEK_HOLE too) of a position the stream keeps:
     * a host file's is the host descriptor's, which the picoprocesses forked
     * from the opener share, as Linux processes share an open file
     * description's offset.  NULL: the position is f->pos, this process's
     * own (of a file in /dev or /proc, which no other process shares). */
    long (*seek)(struct file *f, int64_t off, int whence);
    /* The PAL stream that O_ASYNC's signals and leases concern (fs/async.c):
     * a host file's, a pipe end's, the console's input.  NULL: none (files
     * of the library OS's own, which never signal and take no lease). */
    long (*async_handle)(struct file *f);
};

struct file {
    int refcount;
    const struct file_ops *ops;
    int flags;           /* O_ACCMODE | O_APPEND | O_NONBLOCK | ... as opened */
    uint64_t pos;        /* unused when ops->seek keeps the position */
    bool seekable;       /* false for the console, pipes and sockets: lseek gives -ESPIPE */
    struct mount *mnt;
    char *path;          /* absolute guest path it was opened by (for /proc/self/fd, fchdir) */
    void *priv;
    bool unnamed;        /* made by O_TMPFILE: no name yet (linkat through /proc/self/fd gives one) */
    bool notified;       /* the host tells of news on it: O_ASYNC or a lease (fs/async.c) */
    bool leased;         /* F_SETLEASE took a lease, not given up since (the host may break it) */
    int owner_type, owner_pid;   /* F_SETOWN(_EX): whom O_ASYNC and a lease break signal (pid 0: nobody) */
    int io_signal;       /* F_SETSIG: the signal they send, 0 for SIGIO */
    /* reads and writes that found nothing to do (-EAGAIN): an
     * edge-triggered epoll item reports again after one (fs/epoll.c) */
    uint32_t io_seq;
    int map_key_known;   /* mm/filemap.c: 1 map_key is the file's, -1 it has none (not a regular file) */
    uint64_t map_key[2];
};

/* Reads until len bytes or end of file (a mapping or a loader wants it all). */
long file_pread(struct file *f, void *buf, size_t len, uint64_t off);
long file_stat(struct file *f, struct stat *st);
/* The file position (ops->seek or pos), or -errno. */
long file_tell(struct file *f);
long file_setattr(struct file *f, const struct vfs_attr *a);

struct file *file_new(const struct file_ops *ops, int flags, struct mount *m, const char *path);
void file_get(struct file *f);
void file_put(struct file *f);
struct flock;
/* fcntl's record-lock commands on f, with the program's struct flock (fs/reclock.c). */
long file_record_lock(struct file *f, int cmd, struct flock *ufl);
/* A descriptor of f is being closed: as on Linux, this process's record locks
 * on the file go, whichever descriptor set them (not F_OFD_ locks, which
 * belong to the open file description and go with its last reference). */
void file_record_locks_close(struct file *f);
/* flock(2): LOCK_SH, LOCK_EX or LOCK_UN, | LOCK_NB (fs/flock.c). */
long file_flock(struct file *f, int op);
/* The last reference to f is gone: its flock lock with it. */
void file_flock_release(struct file *f);
/* fs/async.c: F_SETFL's O_ASYNC on or off; F_SETLEASE (F_RDLCK, F_WRLCK,
 * F_UNLCK) by the host's rules, -EINVAL for a file without a stream, and
 * F_GETLEASE (PAL_LEASE_GET).  Their signals come at the signal room's
 * safe points, once file_async_init has registered with it. */
long file_set_async(struct file *f, bool on);
long file_lease(struct file *f, int type);
void file_async_init(void);
/* /proc/sys/fs/lease-break-time: seconds a lease holder has to give way. */
extern int file_lease_break_secs;

#endif
