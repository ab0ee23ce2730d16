/* pal-kvm internals: the functions behind the `pal` table. */
#ifndef PICOVM_PAL_KVM_H
#define PICOVM_PAL_KVM_H
#include "pal.h"
#include "hcall.h"
#include "hypercall.h"
#include "klib.h"

long kvm_stream_open(const char *uri, int flags, int mode);
long kvm_stream_close(long h);
long kvm_stream_read(long h, void *buf, size_t len, long long off);
long kvm_stream_write(long h, const void *buf, size_t len, long long off);
long kvm_stream_seek(long h, long long off, int whence);
long kvm_stream_attr(long h, struct hc_stat *st);
long kvm_stream_attr_uri(const char *uri, struct hc_stat *st, int nofollow);
long kvm_stream_set_length(long h, long long len);
long kvm_stream_flush(long h);
long kvm_stream_readdir(long h, void *buf, size_t len);
long kvm_stream_mkdir(const char *uri, int mode);
long kvm_stream_delete(const char *uri, int is_dir);
long kvm_stream_rename(const char *uri, const char *new_uri);
long kvm_stream_readlink(const char *uri, char *buf, size_t len);
long kvm_stream_symlink(const char *target, const char *uri);
long kvm_stream_set_attr(const char *uri, const struct hc_attr *attr, int nofollow);
long kvm_stream_tty(long h, int op, void *buf);

/* Multi-process entries, each in the file of its owner (process.c, pipe.c,
 * vsock_*.c, upcall.c). */
long kvm_process_fork(void);
long kvm_process_wait(long pid, int nohang, int *status);
long kvm_process_kill(long pid, int host_signal);
long kvm_stream_pipe(long handles[2], int flags);
long kvm_stream_poll(struct pal_poll *fds, int n, long long timeout_ns);
long kvm_stream_nread(long handle);
long kvm_vsock_listen(uint32_t port);
long kvm_vsock_accept(long listener, uint32_t *peer_cid);
long kvm_vsock_connect(uint32_t cid, uint32_t port);
void kvm_set_upcall_handler(void (*handler)(void *context));
long kvm_set_alarm(uint64_t ns, uint64_t interval_ns);

/* The library OS's start routine, called once the PAL is ready. */
__attribute__((noreturn)) void libos_main(void);
#endif
