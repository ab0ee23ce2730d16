/* pal-kvm internals: the functions behind the `pal` table. */
#ifndef PICOVM_PAL_KVM_H
#define PICOVM_PAL_KVM_H
#include "pal.h"
#include "hypercall.h"
#include "klib.h"
#include "bootinfo.h"

/* One call to the monitor (host_calls.c). */
long hcall(unsigned int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);
/* The same, but parks the vCPU in the monitor at once rather than spinning:
 * for a call that waits for long or will not return (exit), so the monitor's
 * exit does not wait for a vCPU still running guest code to be kicked out. */
long hcall_parked(unsigned int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, bool park);

/* The monitor's boot-info page, which pal_state is made from (start_info.c). */
extern const struct bootinfo *pal_bootinfo;
void pal_state_init(const struct bootinfo *bi);
/* A forked child's pid and ppid, from the boot-info page the monitor rewrote. */
void pal_state_after_fork(void);

/* The functions of the pal table that are one call each (host_calls.c). */
long kvm_stream_open(const char *uri, int flags, int mode);
long kvm_stream_close(long h);
long kvm_stream_read(long h, void *buf, size_t len, long long off);
long kvm_stream_write(long h, const void *buf, size_t len, long long off);
long kvm_stream_seek(long h, long long off, int whence);
long kvm_stream_attr(long h, struct pal_stat *st);
long kvm_stream_attr_uri(const char *uri, struct pal_stat *st, int nofollow);
long kvm_stream_set_length(long h, long long len);
long kvm_stream_flush(long h);
long kvm_stream_readdir(long h, void *buf, size_t len);
long kvm_stream_mkdir(const char *uri, int mode);
long kvm_stream_delete(const char *uri, int is_dir);
long kvm_stream_rename(const char *uri, const char *new_uri);
long kvm_stream_link(const char *uri, const char *new_uri);
long kvm_stream_link_file(long handle, const char *new_uri);
long kvm_stream_mkfifo(const char *uri, int mode);
long kvm_stream_flock(long h, int op);
long kvm_stream_lease(long h, int type, unsigned int break_s);
long kvm_stream_async(long h, int op);
long kvm_stream_statfs(const char *uri, struct pal_statfs *sf);
long kvm_stream_allocate(long h, int mode, long long offset, long long len);
long kvm_stream_pipe_size(long h, unsigned long size);
long kvm_stream_readlink(const char *uri, char *buf, size_t len);
long kvm_stream_symlink(const char *target, const char *uri);
long kvm_stream_set_attr(const char *uri, const struct pal_attr *attr, int nofollow);
long kvm_stream_tty(long h, int op, void *buf);

long kvm_stream_pipe(long handles[2], int flags);
long kvm_stream_eventfd(unsigned int count, int flags);
long kvm_stream_timerfd(int clock);
long kvm_stream_timerfd_set(long h, int flags, const struct pal_itimerspec *new_value, struct pal_itimerspec *old);
long kvm_stream_timerfd_get(long h, struct pal_itimerspec *cur);
long kvm_stream_nread(long handle);
long kvm_stream_lock(long h, int cmd, void *flock);
long kvm_process_fork(void);
long kvm_process_wait(long pid, int nohang, int *status, struct pal_usage *usage);
long kvm_process_kill(long pid, int host_signal);
long kvm_process_state(long pid);
__attribute__((noreturn)) void kvm_process_exit(int status, const struct pal_crash *crash,
                                                const struct pal_usage *usage);
void kvm_release_frames(uint64_t pa, uint64_t len);   /* physical: guest/frames.h's release */
uint64_t kvm_grow_memory(uint64_t end);   /* physical: guest/frames.h's grow (HC_VM_GROW) */
long kvm_sleep_ns(uint64_t ns);
long kvm_futex_wait(uint32_t *uaddr, uint32_t val, int64_t timeout_ns);
long kvm_futex_wake(uint32_t *uaddr, int count);
long kvm_futex_requeue(int op, uint32_t *uaddr, int nr_wake, int nr_move, uint32_t *uaddr2, uint32_t val3);
long kvm_random_bytes(void *buf, size_t len);
long kvm_set_alarm(uint64_t ns, uint64_t interval_ns);
void kvm_debug_log(int level, const char *buf, size_t len);

/* Waiting on streams (poll.c), vsock streams (vsock_stream.c), upcalls (upcall.c). */
long kvm_stream_poll(struct pal_poll *fds, int n, long long timeout_ns);
long kvm_vsock_listen(uint32_t port);
long kvm_vsock_accept(long listener, uint32_t *peer_cid);
long kvm_vsock_connect(uint32_t cid, uint32_t port);
void kvm_set_upcall_handler(void (*handler)(void *context));

/* Upcalls (upcall.c) and leaving for the program (context.S). */
void pal_upcall_after_call(void);                        /* at the end of every PAL call */
void pal_upcall_thread_init(void);                       /* on a new thread's vCPU: upcalls on */
/* threads.c */
long kvm_thread_start(int vcpu, void (*fn)(void *arg), void *arg);
long kvm_thread_exit(void);
long kvm_thread_kick(int vcpu);
void kvm_set_wait_hooks(bool (*leave)(void), void (*enter)(void));
bool pal_wait_begin(void);        /* before a call that may wait: -> whether the library OS let its lock go */
void pal_wait_end(bool left);
void pal_upcall_before_resume(struct pal_context *ctx);  /* before a faulting program goes on */
__attribute__((noreturn)) void pal_resume(const struct pal_context *ctx);

/* vsock streams (vsock_stream.c): the handles vsock_listen/accept/connect
 * return are not the monitor's; stream calls on them come here. */
bool vsock_handle(long h);
long vsock_read(long h, void *buf, size_t len, long long off);
long vsock_write(long h, const void *buf, size_t len, long long off);
long vsock_close(long h);
long vsock_nread(long h);   /* bytes a read returns now without waiting */
/* What a vsock handle is ready for now (POLLIN/POLLOUT among events, and
 * POLLHUP; POLLNVAL if it is not open); never waits.  To wait, HC_POLL
 * returns early when vsock traffic arrives (vm_news_fd in the monitor). */
int vsock_poll_ready(long handle, short events);

/* The library OS's start routine, called once the PAL is ready. */
#endif
