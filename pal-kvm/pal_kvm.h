/* pal-kvm internals: the functions behind the `pal` table. */
#ifndef PICOVM_PAL_KVM_H
#define PICOVM_PAL_KVM_H
#include "pal.h"
#include "hcall.h"
#include "hypercall.h"
#include "klib.h"
#include "bootinfo.h"

/* The monitor's boot-info page, which pal_state is made from. */
extern const struct bootinfo *pal_bootinfo;
/* A forked child's pid and ppid, from the boot-info page the monitor rewrote. */
void pal_state_after_fork(void);

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
long kvm_stream_readlink(const char *uri, char *buf, size_t len);
long kvm_stream_symlink(const char *target, const char *uri);
long kvm_stream_set_attr(const char *uri, const struct pal_attr *attr, int nofollow);
long kvm_stream_tty(long h, int op, void *buf);

/* Multi-process entries, each in the file of its owner (process.c, pipe.c,
 * vsock_*.c, upcall.c). */
long kvm_process_fork(void);
long kvm_process_wait(long pid, int nohang, int *status);
long kvm_process_kill(long pid, int host_signal);
long kvm_stream_pipe(long handles[2], int flags);
long kvm_stream_poll(struct pal_poll *fds, int n, long long timeout_ns);
long kvm_stream_nread(long handle);
long kvm_stream_lock(long h, int cmd, void *flock);
long kvm_vsock_listen(uint32_t port);
long kvm_vsock_accept(long listener, uint32_t *peer_cid);
long kvm_vsock_connect(uint32_t cid, uint32_t port);
void kvm_set_upcall_handler(void (*handler)(void *context));
long kvm_set_alarm(uint64_t ns, uint64_t interval_ns);

/* Upcalls (upcall.c) and leaving for the program (context.S). */
void pal_upcall_after_call(void);                        /* at the end of every PAL call */
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
