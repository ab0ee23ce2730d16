/* PAL streams: each call is one hypercall; URIs are checked by the monitor's policy. */
#include "pal_kvm.h"

long kvm_stream_open(const char *uri, int flags, int mode)
{
    return hcall(HC_OPEN, (uint64_t)uri, strlen(uri) + 1, flags, mode);
}

long kvm_stream_close(long h) { return vsock_handle(h) ? vsock_close(h) : hcall(HC_CLOSE, h, 0, 0, 0); }

long kvm_stream_read(long h, void *buf, size_t len, long long off)
{
    if (vsock_handle(h))
        return vsock_read(h, buf, len, off);
    return hcall(HC_READ, h, (uint64_t)buf, len, (uint64_t)off);
}

long kvm_stream_write(long h, const void *buf, size_t len, long long off)
{
    if (vsock_handle(h))
        return vsock_write(h, buf, len, off);
    return hcall(HC_WRITE, h, (uint64_t)buf, len, (uint64_t)off);
}

long kvm_stream_seek(long h, long long off, int whence) { return hcall(HC_SEEK, h, off, whence, 0); }
long kvm_stream_attr(long h, struct pal_stat *st) { return hcall(HC_FSTAT, h, (uint64_t)st, 0, 0); }

long kvm_stream_attr_uri(const char *uri, struct pal_stat *st, int nofollow)
{
    return hcall(HC_STAT, (uint64_t)uri, strlen(uri) + 1, (uint64_t)st, nofollow);
}

long kvm_stream_set_length(long h, long long len) { return hcall(HC_TRUNCATE, h, len, 0, 0); }
long kvm_stream_flush(long h) { return hcall(HC_FSYNC, h, 0, 0, 0); }
long kvm_stream_readdir(long h, void *buf, size_t len) { return hcall(HC_GETDENTS, h, (uint64_t)buf, len, 0); }

long kvm_stream_mkdir(const char *uri, int mode)
{
    return hcall(HC_MKDIR, (uint64_t)uri, strlen(uri) + 1, mode, 0);
}

long kvm_stream_delete(const char *uri, int is_dir)
{
    return hcall(HC_UNLINK, (uint64_t)uri, strlen(uri) + 1, is_dir, 0);
}

long kvm_stream_rename(const char *uri, const char *new_uri)
{
    return hcall(HC_RENAME, (uint64_t)uri, strlen(uri) + 1, (uint64_t)new_uri, strlen(new_uri) + 1);
}

long kvm_stream_readlink(const char *uri, char *buf, size_t len)
{
    return hcall(HC_READLINK, (uint64_t)uri, strlen(uri) + 1, (uint64_t)buf, len);
}

long kvm_stream_symlink(const char *target, const char *uri)
{
    return hcall(HC_SYMLINK, (uint64_t)target, strlen(target) + 1, (uint64_t)uri, strlen(uri) + 1);
}

long kvm_stream_set_attr(const char *uri, const struct pal_attr *attr, int nofollow)
{
    return hcall(HC_SETATTR, (uint64_t)uri, strlen(uri) + 1, (uint64_t)attr, nofollow);
}

long kvm_stream_tty(long h, int op, void *buf) { return hcall(HC_TTY, h, op, (uint64_t)buf, 0); }

long kvm_stream_lock(long h, int cmd, void *flock) { return hcall(HC_LOCK, h, cmd, (uint64_t)flock, 0); }
