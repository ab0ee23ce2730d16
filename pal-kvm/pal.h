/* pal.h: the host ABI the library OS is written against.
 *
 * The library OS calls the host only through the table `pal`, never through
 * hypercalls, so a layer (tracing, checkpointing, path translation) can be
 * stacked by swapping the table at run time.  Errors are negative Linux errno
 * values; handles are small non-negative integers owned by the host side. */
#ifndef PICOVM_PAL_H
#define PICOVM_PAL_H

#include <stddef.h>
#include <stdint.h>

struct hc_stat;
struct hc_attr;
struct hc_crash;

/* One stream to wait on with stream_poll (POLLIN/POLLOUT/POLLHUP/POLLERR bits). */
struct pal_poll {
    long handle;
    short events, revents;
};

/* The program's registers as the PAL saves and resumes them: the order of
 * the first words of Linux's struct sigcontext (guest/layout.h's fault
 * record begins with them too). */
struct pal_context {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, rflags;
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
    struct pal_context *regs;
};

/* Stream open flags are Linux O_* values: the PAL passes them through policy. */
struct pal_ops {
    /* processes */
    void (*process_exit)(int status, const struct hc_crash *crash) __attribute__((noreturn));
    long (*process_fork)(void);                     /* parent: the child's pid; child: 0 */
    long (*process_wait)(long pid, int nohang, int *status);  /* pid (-1: any child) -> pid reaped, 0 if none yet */
    long (*process_kill)(long pid, int host_signal);
    /* pipes and waiting on several streams */
    long (*stream_pipe)(long handles[2], int flags);            /* O_NONBLOCK | O_CLOEXEC | O_DIRECT */
    /* -> number ready, 0 on timeout (or early: check the clock), -EINTR when
     * woken for an asynchronous event (a signal) */
    long (*stream_poll)(struct pal_poll *fds, int n, long long timeout_ns);   /* < 0: forever */
    long (*stream_nread)(long handle);   /* bytes readable now without waiting (FIONREAD) */
    long (*stream_lock)(long handle, int cmd, void *flock);   /* fcntl record lock, Linux struct flock */
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
    long (*stream_attr)(long handle, struct hc_stat *st);
    long (*stream_attr_uri)(const char *uri, struct hc_stat *st, int nofollow);
    long (*stream_set_length)(long handle, long long length);
    long (*stream_flush)(long handle);
    long (*stream_readdir)(long handle, void *buf, size_t len);
    long (*stream_mkdir)(const char *uri, int mode);
    long (*stream_delete)(const char *uri, int is_dir);
    long (*stream_rename)(const char *uri, const char *new_uri);
    long (*stream_readlink)(const char *uri, char *buf, size_t len);
    long (*stream_symlink)(const char *target, const char *uri);   /* makes uri a link to target */
    long (*stream_set_attr)(const char *uri, const struct hc_attr *attr, int nofollow);
    long (*stream_tty)(long handle, int op, void *buf);
    /* memory */
    long (*vm_free)(void *addr, size_t len);
    long (*vm_protect)(void *addr, size_t len, int prot);   /* PROT_* bits */
    /* time and randomness */
    uint64_t (*time_realtime_ns)(void);
    uint64_t (*time_monotonic_ns)(void);
    long (*sleep_ns)(uint64_t ns);
    long (*random_bytes)(void *buf, size_t len);
    /* segment bases */
    void (*set_fs_base)(uint64_t base);
    /* exceptions: handler gets the fault record (guest/layout.h); when it
     * returns, the program continues from the record's registers */
    void (*set_exception_handler)(void (*handler)(void *fault_record));
    /* debug log */
    void (*debug_log)(int level, const char *buf, size_t len);
};

extern const struct pal_ops *pal;

/* Filled by pal-kvm before the library OS starts. */
struct bootinfo;
extern const struct bootinfo *pal_bootinfo;

#endif
