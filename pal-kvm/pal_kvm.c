/* The PAL for KVM hosts: the `pal` table and the guest's start. */
#include "pal_kvm.h"
#include "clock.h"
#include "layout.h"
#include "frames.h"
#include "shared_pool.h"

const struct pal_ops *pal;
static void (*exception_handler)(struct pal_exception *e);

static void kvm_set_fs_base(uint64_t base)
{
    __asm__ volatile("wrfsbase %0" : : "r"(base));
}

static void kvm_set_exception_handler(void (*handler)(struct pal_exception *e)) { exception_handler = handler; }

static const struct pal_ops kvm_pal = {
    .process_exit = kvm_process_exit,
    .process_fork = kvm_process_fork,
    .process_wait = kvm_process_wait,
    .process_kill = kvm_process_kill,
    .process_state = kvm_process_state,
    .stream_pipe = kvm_stream_pipe,
    .stream_poll = kvm_stream_poll,
    .stream_nread = kvm_stream_nread,
    .stream_pipe_size = kvm_stream_pipe_size,
    .stream_lock = kvm_stream_lock,
    .stream_flock = kvm_stream_flock,
    .stream_lease = kvm_stream_lease,
    .stream_async = kvm_stream_async,
    .stream_eventfd = kvm_stream_eventfd,
    .stream_timerfd = kvm_stream_timerfd,
    .stream_timerfd_set = kvm_stream_timerfd_set,
    .stream_timerfd_get = kvm_stream_timerfd_get,
    .stream_statfs = kvm_stream_statfs,
    .stream_allocate = kvm_stream_allocate,
    .vsock_listen = kvm_vsock_listen,
    .vsock_accept = kvm_vsock_accept,
    .vsock_connect = kvm_vsock_connect,
    .set_upcall_handler = kvm_set_upcall_handler,
    .set_alarm = kvm_set_alarm,
    .resume = pal_resume,
    .stream_open = kvm_stream_open,
    .stream_close = kvm_stream_close,
    .stream_read = kvm_stream_read,
    .stream_write = kvm_stream_write,
    .stream_seek = kvm_stream_seek,
    .stream_attr = kvm_stream_attr,
    .stream_attr_uri = kvm_stream_attr_uri,
    .stream_set_length = kvm_stream_set_length,
    .stream_flush = kvm_stream_flush,
    .stream_readdir = kvm_stream_readdir,
    .stream_mkdir = kvm_stream_mkdir,
    .stream_delete = kvm_stream_delete,
    .stream_rename = kvm_stream_rename,
    .stream_readlink = kvm_stream_readlink,
    .stream_symlink = kvm_stream_symlink,
    .stream_link = kvm_stream_link,
    .stream_link_file = kvm_stream_link_file,
    .stream_mkfifo = kvm_stream_mkfifo,
    .stream_set_attr = kvm_stream_set_attr,
    .stream_tty = kvm_stream_tty,
    .time_realtime_ns = clock_realtime_ns,
    .time_monotonic_ns = clock_monotonic_ns,
    .sleep_ns = kvm_sleep_ns,
    .futex_wait = kvm_futex_wait,
    .futex_wake = kvm_futex_wake,
    .futex_requeue = kvm_futex_requeue,
    .random_bytes = kvm_random_bytes,
    .thread_start = kvm_thread_start,
    .thread_exit = kvm_thread_exit,
    .thread_kick = kvm_thread_kick,
    .set_wait_hooks = kvm_set_wait_hooks,
    .set_fs_base = kvm_set_fs_base,
    .set_exception_handler = kvm_set_exception_handler,
    .debug_log = kvm_debug_log,
};

/* Entered from fault_entry at CPL3 on the fault stack.  A handler that
 * returns wants the program to go on from the record's registers. */
void pal_fault_dispatch(struct fault_record *rec)
{
    if (exception_handler) {
        exception_handler((struct pal_exception *)rec);
        struct pal_context ctx;
        memcpy(&ctx, rec, sizeof ctx);
        __atomic_store_n(&rec->depth, 0, __ATOMIC_RELEASE);
        pal_upcall_before_resume(&ctx);
        pal_resume(&ctx);
    }
    struct pal_crash crash = { .signo = 11, .vector = rec->vector, .error = rec->error,
                              .rip = rec->rip, .addr = rec->cr2 };
    kvm_process_exit(128 + 11, &crash, NULL);
}

void pal_start(const struct bootinfo *bi)
{
    clock_init(bi);
    static const struct frames_host host = { kvm_release_frames, kvm_grow_memory };
    frames_init(bi->pool_start, bi->ram_size, bi->ram_ready, &host);
    /* The first picoprocess boots; every other one is a fork of it and finds the table made. */
    shared_pool_init(bi->shared_size, bi->pid == bi->first_pid, bi->shared_ready, &host);
    pal_state_init(bi);
    pal = &kvm_pal;
    libos_main();
}
