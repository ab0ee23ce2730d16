/* The virtual file system: mounts, open files and the descriptor table.
 *
 * A path the program gives is made absolute (against the cwd or a dirfd),
 * normalised lexically ("." and ".." removed, no escape above "/"), and handed
 * to the mount with the longest matching mount point, as a path relative to
 * that mount ("" for its root).  Host-backed mounts turn it into a PAL URI;
 * tmpfs and /dev live in guest memory. */
#ifndef PICOVM_VFS_H
#define PICOVM_VFS_H

#include "libos.h"

struct stat;   /* Linux x86-64 struct stat, same layout as struct pal_stat */
struct file;
struct mount;

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
};

struct mount {
    char *path;          /* absolute mount point, "/" or without trailing '/' */
    size_t path_len;
    const struct fs_type *fs;
    char *host_uri;      /* host-backed mounts: "file:/host/dir" */
    bool writable;
    void *data;          /* per-file-system state (tmpfs root, ...) */
};

struct file_ops {
    /* pos is the file position to use and advance; NULL for streams without one. */
    long (*read)(struct file *f, void *buf, size_t len, uint64_t *pos);
    long (*write)(struct file *f, const void *buf, size_t len, uint64_t *pos);
    long (*stat)(struct file *f, struct stat *st);
    long (*getdents64)(struct file *f, void *buf, size_t len);  /* NULL: -ENOTDIR */
    long (*truncate)(struct file *f, uint64_t len);             /* NULL: -EINVAL */
    long (*ioctl)(struct file *f, unsigned long req, unsigned long arg);  /* NULL: -ENOTTY */
    long (*fsync)(struct file *f);                              /* NULL: -EINVAL */
    long (*setattr)(struct file *f, const struct vfs_attr *a);  /* NULL: -EPERM */
    void (*release)(struct file *f);                            /* last reference dropped */
    /* fcntl record locks (struct flock, l_whence SEEK_SET or SEEK_END); NULL:
     * no other process can reach the file, so nobody is in the way */
    long (*lock)(struct file *f, int cmd, void *flock);
    /* poll and select (poll.h): returns the POLL* bits ready now, and may name
     * in wait[] (FILE_POLL_STREAMS entries, handles -1 on entry) the PAL
     * streams to wait on, whose revents are the file's too.  Console, pipes
     * and sockets answer through their streams.  NULL: always readable and
     * writable, as regular files are. */
    short (*poll)(struct file *f, short events, struct pal_poll wait[]);
};
#define FILE_POLL_STREAMS 2

struct file {
    int refcount;
    const struct file_ops *ops;
    int flags;           /* O_ACCMODE | O_APPEND | O_NONBLOCK | ... as opened */
    uint64_t pos;
    bool seekable;       /* false for the console, pipes and sockets: lseek gives -ESPIPE */
    struct mount *mnt;
    char *path;          /* absolute guest path it was opened by (for /proc/self/fd, fchdir) */
    void *priv;
};

/* Set up mounts from the boot info, /dev, and descriptors 0-2 on the console. */
long vfs_init(const struct pal_public_state *ps);

/* Absolute, normalised form of path as seen from dirfd (AT_FDCWD for the cwd). */
long vfs_abspath(int dirfd, const char *path, char *out, size_t outlen);
/* Mount owning an absolute normalised path; *rel points into abs. */
struct mount *vfs_mount_of(const char *abs, const char **rel);

/* Path operations; mode has the umask applied by the caller. */
long vfs_open(int dirfd, const char *path, int flags, int mode, struct file **out);
long vfs_stat(int dirfd, const char *path, struct stat *st, bool nofollow);
long vfs_mkdir(int dirfd, const char *path, int mode);
long vfs_unlink(int dirfd, const char *path, bool is_dir);
long vfs_rename(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
long vfs_readlink(int dirfd, const char *path, char *buf, size_t len);
long vfs_symlink(const char *target, int dirfd, const char *path);
long vfs_setattr(int dirfd, const char *path, const struct vfs_attr *a, bool nofollow);
/* access(2) mode R_OK|W_OK|X_OK (0: existence); AT_EACCESS and AT_SYMLINK_NOFOLLOW flags. */
long vfs_access(int dirfd, const char *path, int mode, int flags);
/* Makes path the working directory (it must be a searchable directory). */
long vfs_chdir(int dirfd, const char *path);

/* Reads until len bytes or end of file (a mapping or a loader wants it all). */
long file_pread(struct file *f, void *buf, size_t len, uint64_t off);
long file_stat(struct file *f, struct stat *st);
long file_setattr(struct file *f, const struct vfs_attr *a);

struct file *file_new(const struct file_ops *ops, int flags, struct mount *m, const char *path);
void file_get(struct file *f);
void file_put(struct file *f);

/* Descriptor table. */
#define MAX_FDS 1024
long fd_install(struct file *f, int min_fd, bool cloexec);  /* takes the caller's reference, drops it on failure */
/* The table itself, written only by fdtable.c: every read and write looks
 * a descriptor up, so the lookup is inline. */
extern struct file *fd_table[MAX_FDS];
static inline struct file *fd_file(int fd)   /* borrowed; NULL if not open */
{
    return fd >= 0 && fd < MAX_FDS ? fd_table[fd] : NULL;
}
long fd_close(int fd);
/* dup2: installs f at exactly fd, closing what was there. Takes the reference. */
long fd_install_at(int fd, struct file *f, bool cloexec);
bool fd_get_cloexec(int fd);
void fd_set_cloexec(int fd, bool cloexec);
void fd_close_on_exec(void);

#endif
