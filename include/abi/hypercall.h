/* The hypercall ABI between pal-kvm (guest) and the monitor: one header for both.
 *
 * A call is made through a slot of the call page at GPA_CALLPAGE (one slot per
 * vCPU).  The guest fills nr and args, then publishes state = HC_REQ.  A
 * monitor thread serves the slot: while it is awake it spins on the page, so
 * the call costs a shared-memory round trip; while it sleeps the guest rings
 * PORT_DOORBELL (an ioeventfd, no exit).  The guest spins for the answer and,
 * for a call that blocks for long, parks its vCPU with PORT_WAIT.
 *
 * Every pointer argument is a guest virtual address, translated through the
 * guest's page tables at GPA_PML4 (include/abi/layout.h): each page of the
 * range must be present (and writable where the monitor writes), and its
 * frame inside guest RAM or the shared memory; anything else is -EFAULT.  A
 * buffer need not be physically contiguous, and a read or write may be
 * served short when it is very scattered.  HC_VM_FREE alone takes a
 * physical range.  Results are >= 0 on success and a negative Linux errno
 * value on failure. */
#ifndef PICOVM_HYPERCALL_H
#define PICOVM_HYPERCALL_H

enum hc_state { HC_FREE = 0, HC_REQ = 1, HC_BUSY = 2, HC_DONE = 3 };

enum hc_nr {
    HC_EXIT = 1,      /* (status, crash: struct hc_crash * or 0, user_ns, sys_ns: the CPU time
                       * of the program and of its waited-for children, maxrss_kb: the
                       * largest resident set of either) never returns */
    HC_LOG,           /* (level, buf, len) */
    HC_OPEN,          /* (uri, urilen, flags, mode) -> handle.  uri "file:/abs/host/path" */
    HC_CLOSE,         /* (handle) */
    HC_READ,          /* (handle, buf, len, offset or -1 for the stream position) -> bytes */
    HC_WRITE,         /* (handle, buf, len, offset or -1) -> bytes */
    HC_FSTAT,         /* (handle, struct hc_stat *) */
    HC_STAT,          /* (uri, urilen, struct hc_stat *, nofollow) */
    HC_TRUNCATE,      /* (handle, length) */
    HC_GETDENTS,      /* (handle, buf, len) -> bytes of struct linux_dirent64 records */
    HC_MKDIR,         /* (uri, urilen, mode) */
    HC_UNLINK,        /* (uri, urilen, is_dir) */
    HC_RENAME,        /* (uri, urilen, uri2, urilen2) */
    HC_READLINK,      /* (uri, urilen, buf, buflen) -> bytes */
    HC_TTY,           /* (handle, op HC_TTY_*, buf) */
    HC_RANDOM,        /* (buf, len) */
    HC_SLEEP,         /* (nanoseconds) -> 0, or -EINTR when an upcall event is posted */
    HC_VM_FREE,       /* (gpa, len) guest-physical, page aligned, at or above GPA_RAM_POOL, all in
                       * RAM or all in the shared memory: give the pages back to the host.  They read
                       * as zero after; shared pages so for every picoprocess that maps them */
    HC_FSYNC,         /* (handle) */
    HC_SEEK,          /* (handle, offset, whence) -> new offset (stream position of a host file) */
    HC_SYMLINK,       /* (target, targetlen, uri, urilen): a symlink at uri whose content is
                       * target, any text shorter than PATH_MAX (4096) bytes */
    HC_SETATTR,       /* (uri, urilen, struct hc_attr *, nofollow) */
    HC_LINK,          /* (uri, urilen, uri2, urilen2): a hard link uri2 to uri, neither followed;
                       * both in writable mounts (a new name must not make a read-only file writable) */
    HC_MKFIFO,        /* (uri, urilen, mode) a FIFO at uri, in a writable mount; mode's permission
                       * bits only.  HC_OPEN of a FIFO is open(2)'s: O_RDWR and O_NONBLOCK never
                       * wait (a writer without a reader: -ENXIO), a blocking reader waits for a
                       * writer and a blocking writer for a reader, -EINTR when the monitor has
                       * an event for the guest (a signal); the handle is always non-blocking on
                       * the host, as HC_PIPE's */
    HC_LINK_FILE,     /* (handle, uri, urilen): a name at uri, in a writable mount, for the regular
                       * file the handle holds open for writing (an O_TMPFILE file): opened writable,
                       * it lies in a writable mount, so the name makes nothing writable that was not */
    HC_VM_GROW,       /* (end): guest-physical memory up to end (in RAM, or in the shared memory) is
                       * given to the VM before the guest uses it -> how far RAM, or the shared
                       * memory, is given now (>= end), -EINVAL for an end past either.  The VM starts
                       * with little: KVM's cost of a memory slot grows with its size (0.7 ms per GB
                       * on PVM hosts), paid at every start and every fork */
    /* Multi-process calls, in ranges so their owners can add calls independently. */
    HC_FORK = 48,     /* () a parked call; parent: process handle of the child, child: 0 */
    HC_PROC_WAIT,     /* (pid or -1 for any child, nohang, struct hc_wait_result *) -> 0, -ECHILD */
    HC_PROC_KILL,     /* (pid, host signal) for a child that does not answer (SIGKILL) */
    HC_PROC_STATE,    /* (application pid) -> 'S' while that process waits in its monitor for an
                       * event (a sleep, a poll or futex with a timeout, its children, a FIFO's
                       * other end, IPC news), 'R' otherwise; -ESRCH for a pid no monitor runs */
    HC_THREAD_START,  /* (vCPU id, rip, rsp, arg) a parked call: vCPU id (< GUEST_MAX_VCPUS, not
                       * running a thread) runs from rip with rsp, rdi = arg and rsi = id, with the
                       * caller's segments (its own per-CPU GS base and TSS), FPU state and page
                       * tables -> a new thread id in the application's pid space; -EBUSY (that
                       * vCPU's thread is still ending), -EAGAIN */
    HC_THREAD_EXIT,   /* () a parked call: this vCPU stops for good (never returns); -EBUSY for
                       * the last one running: that is the process's end, HC_EXIT */
    HC_THREAD_KICK,   /* (vCPU id) an upcall event `kicks` for that vCPU: it ends its waits in the
                       * monitor and leaves the program's code for the PAL's upcall entry */
    HC_VSOCK_BASE = 64,   /* 64..79: virtio-vsock device control, if any (monitor/vsock_*.c) */
    HC_SIGNAL_BASE = 80,  /* 80..95: timers and upcalls (signals) */
    HC_SET_ALARM = HC_SIGNAL_BASE,   /* (ns, interval_ns): the alarm's first expiry ns from now (0:
                       * off), then one every interval_ns (0: none); expiries arrive as upcall
                       * events (struct upcall_area in include/abi/layout.h), not yet taken ones of an
                       * earlier alarm are dropped */
    HC_PIPE = 96,     /* (int64_t handles[2], flags O_NONBLOCK|O_CLOEXEC|O_DIRECT) host pipe:
                       * handles[0] reads, handles[1] writes; the host fds are always close-on-exec */
    HC_POLL,          /* (struct hc_pollfd *, n <= HC_POLL_MAX, timeout_ns or < 0 forever) -> number
                       * of entries with revents != 0; -EINTR when the monitor wakes the guest for
                       * an event of its own (a signal); 0 on timeout, or early when vsock traffic
                       * arrived (the PAL checks its own streams then) */
    HC_NREAD,         /* (handle) -> bytes a read would return now without waiting (FIONREAD) */
    HC_PIPE_SIZE,     /* (handle of a host pipe, new capacity in bytes or 0 to keep it) -> the
                       * capacity (F_SETPIPE_SZ/F_GETPIPE_SZ); above HC_PIPE_MAX_SIZE -EPERM */
    HC_LOCK = 112,    /* (handle, Linux F_GETLK/F_SETLK/F_SETLKW/F_OFD_* command, struct flock *)
                       * a record lock on the host file, so picoprocesses (host processes) exclude
                       * each other as Linux processes do */
    HC_FUTEX = 113,   /* (op HC_FUTEX_*, uint32_t *uaddr 4-byte aligned, val, timeout_ns or count): a
                       * futex the host keeps, so that picoprocesses sharing memory (the shared memory
                       * at GPA_SHARED) wait and wake each other; private memory's futexes are the
                       * guest's own business.  WAIT (uaddr readable): -> 0 when woken, -EAGAIN if
                       * *uaddr != val, -ETIMEDOUT after timeout_ns (< 0: none), -EINTR when the
                       * monitor posts an upcall event (a wake of the word at the same time wins).  WAKE: wakes at most count (up to INT_MAX)
                       * waiters -> how many it woke */
    HC_FLOCK = 114,   /* (handle, LOCK_SH/LOCK_EX/LOCK_UN) flock(2) on the host fd, never waiting
                       * (-EWOULDBLOCK: the guest waits and tries again), so picoprocesses sharing
                       * the file exclude each other as Linux processes do */
    HC_LEASE = 115,   /* (handle, F_RDLCK/F_WRLCK/F_UNLCK or HC_LEASE_GET, break time in seconds up
                       * to HC_LEASE_BREAK_MAX) a lease on the host file (fcntl F_SETLEASE,
                       * F_GETLEASE): the host's rules and breaks, for opens by any process; a break
                       * is news for HC_ASYNC_TAKE (POLLMSG) and an upcall, and once it is as old as
                       * the break time the monitor gives way for the holder */
    HC_ASYNC = 116,   /* (handle, HC_ASYNC_ON/OFF/TAKE) O_ASYNC on the host fd: the host's news on it
                       * (a lease break too) arrive as upcall events (upcall_area.io); TAKE -> the
                       * POLL* bands since the last TAKE, | HC_ASYNC_SEEN if any, 0 if none */
    HC_STATFS = 120,  /* (uri, urilen, struct hc_statfs *) the figures of the host file system
                       * holding uri (statfs(2) of a host mount, for the guest's statfs) */
    HC_FALLOCATE = 121,   /* (handle, mode 0 or FALLOC_FL_KEEP_SIZE, offset, len) fallocate(2) on
                           * the host file; other modes -EOPNOTSUPP */
    HC_EVENTFD = 122, /* (initial count < 2^32, flags HC_EFD_SEMAPHORE) -> handle of a host eventfd,
                       * read and written with HC_READ/HC_WRITE (8 bytes), waited on with HC_POLL;
                       * the host fd is always non-blocking */
    HC_TIMERFD = 123, /* (CLOCK_REALTIME, CLOCK_MONOTONIC or CLOCK_BOOTTIME) -> handle of a host
                       * timerfd, non-blocking, read with HC_READ (8 bytes: expirations) */
    HC_TIMERFD_SET = 124,   /* (handle, flags HC_TIMER_*, const struct hc_itimerspec *new,
                             * struct hc_itimerspec *old or 0) timerfd_settime(2) */
    HC_TIMERFD_GET = 125,   /* (handle, struct hc_itimerspec *) timerfd_gettime(2) */
    HC_NR_CALLS = 128
};

enum { HC_TTY_TCGETS = 1, HC_TTY_WINSZ = 2, HC_TTY_ISATTY = 3 };
enum { HC_EFD_SEMAPHORE = 1 };
enum { HC_TIMER_ABSTIME = 1, HC_TIMER_CANCEL_ON_SET = 2 };
/* Linux's struct itimerspec: seconds and nanoseconds of the interval, then of the value. */
struct hc_itimerspec {
    long long interval_sec, interval_nsec, value_sec, value_nsec;
};
/* Linux's FUTEX_WAIT, FUTEX_WAKE, FUTEX_REQUEUE, FUTEX_CMP_REQUEUE and FUTEX_WAKE_OP.  The last
 * three take (op, uaddr, nr_wake, nr_requeue or nr_wake2, uaddr2, val3) as Linux's do. */
enum { HC_FUTEX_WAIT = 0, HC_FUTEX_WAKE = 1, HC_FUTEX_REQUEUE = 3, HC_FUTEX_CMP_REQUEUE = 4, HC_FUTEX_WAKE_OP = 5 };
#define HC_LEASE_BREAK_MAX 2147483647u   /* Linux's lease-break-time is an int */
#define HC_LEASE_GET 0xffffffffu   /* HC_LEASE's question: which lease is held (F_GETLEASE) */
enum { HC_ASYNC_OFF = 0, HC_ASYNC_ON = 1, HC_ASYNC_TAKE = 2 };
#define HC_ASYNC_SEEN 0x40000000u   /* in TAKE's answer: news came (its band may be 0) */

/* Handles 0, 1 and 2 are the monitor's own stdin, stdout and stderr.  Twice
 * the guest's descriptor limit (1024): a program may fill its whole table
 * with pipes or files and still have handles for what is not a descriptor
 * (its executable, mapped files, directories being read). */
#define HC_MAX_HANDLES 2048
#define HC_MAX_URI     4096
#define HC_MAX_IO      (1ull << 30)
/* Linux's default /proc/sys/fs/pipe-max-size: what an unprivileged process may ask for. */
#define HC_PIPE_MAX_SIZE (1u << 20)

/* One stream of HC_POLL, as Linux's struct pollfd but with a 64-bit handle:
 * events and revents are Linux POLL* bits.  A negative handle is skipped
 * (revents 0), one that is not open gets POLLNVAL. */
#define HC_POLL_MAX 2048
struct hc_pollfd {
    long long handle;
    short events, revents;
    int pad;
};

/* Same layout as x86-64 Linux struct stat, so the monitor copies the host's. */
struct hc_stat {
    unsigned long long dev, ino, nlink;
    unsigned int mode, uid, gid, pad0;
    unsigned long long rdev;
    long long size, blksize, blocks;
    unsigned long long atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
    long long reserved[3];
};

/* HC_STATFS's answer: the host's struct statfs figures a guest may see. */
struct hc_statfs {
    unsigned long long bsize, blocks, bfree, bavail, files, ffree, namelen, frsize;
};

/* What HC_SETATTR changes: the library OS's struct vfs_attr, passed through.
 * Times are nanoseconds since the epoch.  HC_ATTR_TOUCH sets both times to
 * the host's now (the times given are ignored), for which write access to the
 * file is enough; mode keeps only its permission bits, never set-user/group-id. */
enum { HC_ATTR_MODE = 1, HC_ATTR_UID = 2, HC_ATTR_GID = 4, HC_ATTR_ATIME = 8, HC_ATTR_MTIME = 16,
       HC_ATTR_TOUCH = 32 };
struct hc_attr {
    unsigned int valid;   /* HC_ATTR_* */
    unsigned int mode, uid, gid;
    unsigned long long atime_ns, mtime_ns;
};

/* A reaped child: pid 0 when nohang found none exited yet.  status is a
 * Linux wait status (exit code << 8, or the terminating signal, | 0x80 for
 * a core dump); user_ns and sys_ns its CPU time as its HC_EXIT said, or as
 * the host measured its monitor when it ended without one; maxrss_kb as
 * its HC_EXIT said, or 0. */
struct hc_wait_result {
    long long pid, status;
    unsigned long long user_ns, sys_ns, maxrss_kb;
};

/* How a program died, for the monitor's report.  vector is the CPU
 * exception, or ~0 for a signal the program raised itself; core: the wait
 * status says a core was dumped (RLIMIT_CORE allowed one; none is written). */
struct hc_crash {
    unsigned long long signo, vector, error, rip, addr, core;
};

struct hc_slot {
    volatile unsigned int state;
    unsigned int nr;
    unsigned long long args[6];
    volatile long long ret;
    volatile unsigned int server_awake;   /* set by the monitor while its thread for this slot polls it */
    unsigned int pad0;
    unsigned long long pad[6];
};

struct hc_page {
    unsigned int pad[16];
    struct hc_slot slot[8];
};


#endif
