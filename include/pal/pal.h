/* pal.h: the host ABI the library OS is written against.
 *
 * The library OS calls the host only through the table `pal`, never through
 * hypercalls, so a layer (tracing, checkpointing, path translation) can be
 * stacked by swapping the table at run time.  Errors are negative Linux errno
 * values; handles are small non-negative integers owned by the host side.
 * Its types and limits are its own: a PAL for another host, or a layer
 * stacked on this one, implements this header and nothing else. */
#ifndef PICOVM_PAL_H
#define PICOVM_PAL_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/* Limits of a single call. */
#define PAL_MAX_THREADS 8           /* threads of a process at once (a vCPU each) */
#define PAL_MAX_URI  4096           /* bytes of a uri, NUL included */
#define PAL_MAX_IO   (1ull << 30)   /* bytes one stream_read or stream_write moves */
#define PAL_PIPE_MAX_SIZE (1u << 20)   /* the largest pipe capacity (-EPERM above) */
#define PAL_POLL_MAX 2048           /* streams of one stream_poll */

enum { PAL_LOG_ERROR = 0, PAL_LOG_WARNING = 1, PAL_LOG_INFO = 2, PAL_LOG_DEBUG = 3, PAL_LOG_TRACE = 4 };

/* What the library OS starts with: the program, its environment and limits,
 * the file systems, who this process is, and the memory it may allocate. */
#define PAL_MAX_MOUNTS 34
enum { PAL_MOUNT_HOST = 1, PAL_MOUNT_TMPFS = 2 };
struct pal_mount {
    const char *path;           /* absolute path inside the process */
    const char *uri;            /* "file:/host/dir"; for tmpfs, a directory of the application's own */
    int type;                   /* PAL_MOUNT_* */
    int writable;
};
struct pal_public_state {
    int log_level;              /* PAL_LOG_* */
    const char *entrypoint;     /* path of the program inside the process */
    char *const *argv, *const *envp;   /* NULL-terminated */
    const char *start_dir;
    uint64_t stack_size, brk_max_size;
    unsigned int umask;
    int aslr;                   /* randomize the address space's layout */
    int end_with_first;         /* the others end when the first process does (else it waits for them) */
    unsigned int nmounts;
    struct pal_mount mounts[PAL_MAX_MOUNTS];
    int pid, ppid;              /* in the application's namespace; after a fork, the child's */
    int first_pid;              /* the program the user started: 2, its parent the init (pid 1); or 1 */
    unsigned int host_uid, host_gid;
    uint64_t ram_size;                 /* the pool of physical pages behind the address space */
    uint64_t shared_size;              /* the application's shared memory (guest/shared_pool.h) */
    uint64_t image_start, image_end;   /* picovm's own code and data: the program never runs there */
    uint64_t boot_realtime_ns, boot_monotonic_ns;
    uint64_t tsc_khz;                  /* the time-stamp counter's rate, 0 if unknown */
    char host_release[64];             /* the host kernel's release (uname -r), "" if unknown */
};
extern const struct pal_public_state *pal_state;

/* A stream's attributes: the layout of x86-64 Linux's struct stat. */
struct pal_stat {
    unsigned long long dev, ino, nlink;
    unsigned int mode, uid, gid, pad0;
    unsigned long long rdev;
    long long size, blksize, blocks;
    unsigned long long atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
    long long reserved[3];
};

/* What stream_set_attr changes.  Times are nanoseconds since the epoch.
 * PAL_ATTR_TOUCH sets both times to the host's now (the times given are
 * ignored), for which write access to the file is enough; mode keeps only
 * its permission bits, never set-user/group-id. */
enum { PAL_ATTR_MODE = 1, PAL_ATTR_UID = 2, PAL_ATTR_GID = 4, PAL_ATTR_ATIME = 8, PAL_ATTR_MTIME = 16,
       PAL_ATTR_TOUCH = 32 };
struct pal_attr {
    unsigned int valid;         /* PAL_ATTR_* */
    unsigned int mode, uid, gid;
    unsigned long long atime_ns, mtime_ns;
};

/* How a program died, for the host's report.  vector is the CPU exception,
 * or ~0 for a signal the program raised itself. */
struct pal_crash {
    unsigned long long signo, vector, error, rip, addr;
    unsigned long long core;    /* the wait status says a core was dumped (none is written) */
};

/* CPU time a process used and its largest resident set (KB), its
 * waited-for descendants' included, for its parent's wait (the library OS
 * measures them). */
struct pal_usage {
    uint64_t user_ns, sys_ns;
    uint64_t maxrss_kb;
};

/* The figures of a host file system (stream_statfs), as Linux's struct statfs has them. */
struct pal_statfs {
    unsigned long long bsize, blocks, bfree, bavail, files, ffree, namelen, frsize;
};
/* stream_allocate's modes: Linux's fallocate 0 and FALLOC_FL_KEEP_SIZE. */
enum { PAL_ALLOC_KEEP_SIZE = 1 };

/* stream_lease's question, stream_async's operations and answer. */
#define PAL_LEASE_GET (-1)
enum { PAL_ASYNC_OFF = 0, PAL_ASYNC_ON = 1, PAL_ASYNC_TAKE = 2 };
#define PAL_ASYNC_SEEN 0x40000000   /* news came (with these bands, maybe none) */
#define PAL_ASYNC_BREAK 0x400       /* Linux's POLLMSG: the lease is being broken */

/* stream_tty's questions. */
enum { PAL_TTY_TCGETS = 1, PAL_TTY_WINSZ = 2, PAL_TTY_ISATTY = 3 };

/* One stream to wait on with stream_poll (POLLIN/POLLOUT/POLLHUP/POLLERR bits). */
struct pal_poll {
    long handle;
    short events, revents;
};

/* Event descriptors (stream_eventfd, stream_timerfd): read and written
 * with stream_read and stream_write (8 bytes), waited on with stream_poll,
 * never blocking (-EAGAIN), shared with the processes forked after. */
enum { PAL_EFD_SEMAPHORE = 1 };
enum { PAL_TIMER_ABSTIME = 1, PAL_TIMER_CANCEL_ON_SET = 2 };
struct pal_itimerspec {
    long long interval_sec, interval_nsec, value_sec, value_nsec;
};

/* The program's registers as the PAL saves and resumes them: the order of
 * the first words of Linux's struct sigcontext. */
struct pal_context {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, rflags;
};

/* A CPU exception in the program or the library OS, for the exception
 * handler: when it returns, the program goes on from ctx. */
struct pal_exception {
    struct pal_context ctx;
    uint64_t vector, error, cs;
    uint64_t addr;              /* the faulting address of a page fault (CR2) */
};

/* What the upcall handler gets (its `context`): the events that arrived,
 * and where the program was.  regs is the program interrupted in its own
 * code: it resumes from there (changed or not) when the handler returns.
 * regs is NULL when the library OS itself was running (at the end of a PAL
 * call): the handler must then only take note of the events, atomically. */
struct pal_upcall {
    uint64_t host_signals;     /* bit n-1: host signal n was sent to the program */
    uint64_t alarms;           /* expiries of the set_alarm timer */
    uint64_t children;         /* children that ended: process_wait has them now */
    uint64_t streams;          /* vsock streams have news (data, a new stream) */
    uint64_t io;               /* streams with a lease or O_ASYNC have news: stream_async TAKE says which */
    uint64_t kicks;            /* another thread asked this one to look at its news (thread_kick) */
    struct pal_context *regs;
};

/* Stream open flags are Linux O_* values: the PAL passes them through policy. */
struct pal_ops {
    /* processes */
    void (*process_exit)(int status, const struct pal_crash *crash, const struct pal_usage *usage)
        __attribute__((noreturn));
    long (*process_fork)(void);                     /* parent: the child's pid; child: 0 */
    /* pid (-1: any child) -> pid reaped, 0 if none yet; usage (may be NULL): its CPU time */
    long (*process_wait)(long pid, int nohang, int *status, struct pal_usage *usage);
    long (*process_kill)(long pid, int host_signal);
    /* 'S' while process pid (of the application) sleeps waiting for an event, 'R' else, or -errno */
    long (*process_state)(long pid);
    /* pipes and waiting on several streams */
    long (*stream_pipe)(long handles[2], int flags);            /* O_NONBLOCK | O_CLOEXEC | O_DIRECT */
    /* -> number ready, 0 on timeout (or early: check the clock), -EINTR when
     * woken for an asynchronous event (a signal) */
    long (*stream_poll)(struct pal_poll *fds, int n, long long timeout_ns);   /* < 0: forever */
    long (*stream_nread)(long handle);   /* bytes readable now without waiting (FIONREAD) */
    long (*stream_pipe_size)(long handle, unsigned long size);   /* a pipe's capacity (size 0: unchanged) */
    long (*stream_lock)(long handle, int cmd, void *flock);   /* fcntl record lock, Linux struct flock */
    long (*stream_flock)(long handle, int op);   /* LOCK_SH/EX/UN, never waits: -EWOULDBLOCK */
    /* Linux's leases on a host file (F_RDLCK, F_WRLCK, F_UNLCK; PAL_LEASE_GET:
     * -> the one held), by the host's rules for opens of every process: a
     * conflicting open waits until the holder gives way, or break_s seconds
     * pass (Linux's lease-break-time; the host's own, if shorter), and the
     * holder hears of it as news of the stream (PAL_ASYNC_BREAK) */
    long (*stream_lease)(long handle, int type, unsigned int break_s);
    /* O_ASYNC: PAL_ASYNC_ON/OFF, news of the stream (its POLL* bands) as
     * upcalls (pal_upcall.io); PAL_ASYNC_TAKE -> the bands since the last
     * take, | PAL_ASYNC_SEEN if any news came, else 0 */
    long (*stream_async)(long handle, int op);
    long (*stream_eventfd)(unsigned int count, int flags);   /* PAL_EFD_* */
    long (*stream_timerfd)(int clock);   /* Linux's CLOCK_REALTIME, CLOCK_MONOTONIC or CLOCK_BOOTTIME */
    /* timerfd_settime (flags PAL_TIMER_*; old may be NULL) and timerfd_gettime */
    long (*stream_timerfd_set)(long handle, int flags, const struct pal_itimerspec *new_value,
                               struct pal_itimerspec *old);
    long (*stream_timerfd_get)(long handle, struct pal_itimerspec *cur);
    /* vsock: streams between the picoprocesses of one application; use
     * stream_read/write/close/poll on the handles they return */
    long (*vsock_listen)(uint32_t port);
    long (*vsock_accept)(long listener, uint32_t *peer_cid);
    long (*vsock_connect)(uint32_t cid, uint32_t port);
    /* asynchronous events (signals, timers, incoming messages): the PAL calls
     * the handler at a point where the library OS may run, with a struct
     * pal_upcall */
    void (*set_upcall_handler)(void (*handler)(void *context));
    /* the first expiry ns from now (0: cancel), then one every interval_ns (0: none) */
    long (*set_alarm)(uint64_t ns, uint64_t interval_ns);
    /* continues the program with every register of ctx (rt_sigreturn) */
    void (*resume)(const struct pal_context *ctx) __attribute__((noreturn));
    /* streams: uri is "file:/host/path" */
    long (*stream_open)(const char *uri, int flags, int mode);
    long (*stream_close)(long handle);
    long (*stream_read)(long handle, void *buf, size_t len, long long offset);   /* offset < 0: stream position */
    long (*stream_write)(long handle, const void *buf, size_t len, long long offset);
    long (*stream_seek)(long handle, long long offset, int whence);
    long (*stream_attr)(long handle, struct pal_stat *st);
    long (*stream_attr_uri)(const char *uri, struct pal_stat *st, int nofollow);
    long (*stream_set_length)(long handle, long long length);
    long (*stream_flush)(long handle);
    long (*stream_readdir)(long handle, void *buf, size_t len);
    long (*stream_mkdir)(const char *uri, int mode);
    long (*stream_delete)(const char *uri, int is_dir);
    long (*stream_rename)(const char *uri, const char *new_uri);
    long (*stream_readlink)(const char *uri, char *buf, size_t len);
    long (*stream_symlink)(const char *target, const char *uri);   /* makes uri a link to target */
    long (*stream_link)(const char *uri, const char *new_uri);     /* a hard link new_uri to uri */
    /* a name new_uri for the regular file handle holds open for writing (an O_TMPFILE file) */
    long (*stream_link_file)(long handle, const char *new_uri);
    /* a FIFO at uri; stream_open of a FIFO waits as open(2) does, and any
     * asynchronous event (a signal, vsock traffic) ends that wait with -EINTR */
    long (*stream_mkfifo)(const char *uri, int mode);
    long (*stream_set_attr)(const char *uri, const struct pal_attr *attr, int nofollow);
    long (*stream_tty)(long handle, int op, void *buf);   /* op: PAL_TTY_* */
    /* the host file system that holds uri (a mount's root): its size and use */
    long (*stream_statfs)(const char *uri, struct pal_statfs *sf);
    /* reserves [offset, offset+len) of a file (mode 0 or PAL_ALLOC_KEEP_SIZE); others -EOPNOTSUPP */
    long (*stream_allocate)(long handle, int mode, long long offset, long long len);
    /* time and randomness */
    uint64_t (*time_realtime_ns)(void);
    uint64_t (*time_monotonic_ns)(void);
    long (*sleep_ns)(uint64_t ns);
    /* Futexes on memory shared between processes: a wait in one process is
     * woken by a wake in another.  wait: 0 woken, -EAGAIN (*uaddr != val),
     * -ETIMEDOUT after timeout_ns (< 0: none), -EINTR for an event of the
     * process's own (a signal); wake: how many it woke. */
    long (*futex_wait)(uint32_t *uaddr, uint32_t val, int64_t timeout_ns);
    long (*futex_wake)(uint32_t *uaddr, int count);
    /* Linux's FUTEX_REQUEUE (3), FUTEX_CMP_REQUEUE (4) or FUTEX_WAKE_OP (5) as op, with
     * their arguments: nr_move is nr_requeue or nr_wake2 -> what Linux's returns */
    long (*futex_requeue)(int op, uint32_t *uaddr, int nr_wake, int nr_move, uint32_t *uaddr2, uint32_t val3);
    long (*random_bytes)(void *buf, size_t len);
    /* Threads, a vCPU each (up to PAL_MAX_THREADS): vcpu, one the library OS
     * has no thread on, runs fn(arg) on that vCPU's own stacks with the
     * caller's FPU state -> its thread id (unique in the application's pid
     * space), -EBUSY (its last thread is still ending), or -errno.  thread_exit ends the calling thread (-EBUSY if it is the last
     * one: that is the process's exit).  thread_kick makes vcpu's thread take
     * an upcall (pal_upcall.kicks) soon, wherever it is. */
    long (*thread_start)(int vcpu, void (*fn)(void *arg), void *arg);
    long (*thread_exit)(void);
    long (*thread_kick)(int vcpu);
    /* The library OS's lock around itself: the PAL lets it go across a call
     * that may wait (leave -> whether it let it go), and takes it back after. */
    void (*set_wait_hooks)(bool (*leave)(void), void (*enter)(void));
    /* segment bases */
    void (*set_fs_base)(uint64_t base);
    /* exceptions: when the handler returns, the program continues from e->ctx */
    void (*set_exception_handler)(void (*handler)(struct pal_exception *e));
    /* debug log, level PAL_LOG_* */
    void (*debug_log)(int level, const char *buf, size_t len);
};

extern const struct pal_ops *pal;

/* The library OS's entry, called by the PAL once pal and pal_state are set. */
__attribute__((noreturn)) void libos_main(void);

#endif
