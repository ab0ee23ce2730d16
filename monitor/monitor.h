/* Monitor internals: one picoprocess = this process + one KVM VM. */
#ifndef PICOVM_MONITOR_H
#define PICOVM_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "manifest.h"
#include "bootinfo.h"   /* LOG_* levels, MOUNT_* types */

struct vm;

/* Host side of guest memory.  Every guest-supplied address goes through
 * gpa_range(): NULL unless [gpa, gpa+len) lies entirely inside guest RAM. */
void *gpa_range(struct vm *vm, uint64_t gpa, uint64_t len);
/* A guest string of at most max bytes including its NUL; NULL if it is not all inside RAM or not terminated. */
const char *gpa_string(struct vm *vm, uint64_t gpa, uint64_t len);
/* An eventfd in every HC_POLL wait: writing 1 to it ends a blocked wait with
 * -EINTR (a signal for the guest), or the next one if none is in progress. */
int vm_wakeup_fd(struct vm *vm);

/* Host handles the guest opened through policy.  0..2 are the monitor's stdio
 * (freeing them frees the slot, never the monitor's own fds).  Calls run on
 * several threads, so a user of a handle's fd holds a reference: handle_get()
 * -> host fd or -EBADF, and then exactly one handle_put(handle).  A concurrent
 * handle_free() closes the fd only after the last put, so the fd number cannot
 * be reused by the host while a call still uses it. */
int handle_alloc(int host_fd);                 /* -> handle or -EMFILE (caller still owns host_fd then) */
int handle_get(int64_t handle);
void handle_put(int64_t handle);
int handle_free(int64_t handle);               /* closes the host fd (once unused); -EBADF if not open */
void handles_close_all(void);

/* File-system policy from the manifest's mounts (chroot mounts only; tmpfs lives in the guest). */
int policy_init(const struct pv_config *cfg, char *err, size_t errlen);
/* Opens uri ("file:/abs/host/path") with Linux open flags, confined beneath the
 * mount that owns it (no escape by "..", absolute or relative symlinks) and
 * read-only unless that mount is writable.  -> host fd or negative errno.
 * Flags are masked to a safe set (O_CLOEXEC always added); O_PATH is kept for
 * the monitor's own metadata lookups (HC_STAT), callers passing guest flags
 * strip it. */
int policy_open(const char *uri, int flags, int mode);
/* Splits uri into the dirfd of its parent beneath the owning mount and the
 * final component, for calls that act on a name (mkdir, unlink, rename, stat,
 * readlink).  want_write demands a writable mount (-EROFS). -> 0 or negative errno.
 * The caller closes *dirfd.  name is "" when uri is a mount root itself (then
 * *dirfd is that root; with want_write that is -EBUSY). */
int policy_parent(const char *uri, bool want_write, int *dirfd, char *name, size_t namelen);

/* A PAL call: args are guest-supplied and hostile. Returns >= 0 or -errno. */
typedef int64_t (*hc_handler)(struct vm *vm, const uint64_t args[6]);
extern const hc_handler hc_handlers[];   /* indexed by enum hc_nr */
/* For calls on a handle (args[0]): runs op on its host fd while holding a
 * reference (handle_get/handle_put), or answers -EBADF. */
typedef int64_t (*hc_fd_op)(struct vm *vm, int fd, const uint64_t args[6]);
int64_t hc_on_handle(struct vm *vm, const uint64_t args[6], hc_fd_op op);

/* Splits picovm into the process its caller waits for and the monitor; the
 * caller's process never returns from here (launcher.c). */
void launcher_split(bool stats);
/* Ends the monitor with the program's status, handing it to the caller first. */
__attribute__((noreturn)) void monitor_exit(int status);
/* Ends it as the program ended, killed by sig: a parent monitor's waitpid()
 * then sees exactly what a Linux parent would. */
__attribute__((noreturn)) void monitor_die_by_signal(int sig);
/* In a forked monitor: the caller waits for the first monitor only. */
void launcher_detach(void);
bool launcher_is_first(void);   /* the monitor of the program the user started */

/* Asynchronous events for the guest (upcall.c).  upcall_start, from
 * hc_server_start on the thread that will run the vCPU (at boot and in a
 * forked monitor), starts the alarm's thread.  upcall_post, from any thread
 * or signal handler: host signals (bit n-1: signal n), alarm expiries and
 * ended children for the program; the guest is made to notice.  upcall_deliver, from the
 * vCPU loop when KVM_RUN returns EINTR: sends a vCPU stopped in the
 * program's code to the PAL's upcall entry. */
void upcall_start(struct vm *vm);
void upcall_post(uint64_t host_signals, uint64_t alarms, uint64_t children);
void upcall_deliver(struct vm *vm);
/* From the vsock device thread: news on the streams. */
void upcall_post_streams(void);
bool vcpu_in_guest(void);                 /* vcpu.c: inside KVM_RUN */
bool hc_call_in_flight(struct vm *vm);    /* hc_server.c: vCPU 0 has a PAL call out */
/* hc_server.c, in a monitor just forked: any CPU the host gave us, not the
 * one its parent's vCPU thread is pinned to, so that parent and child can
 * run side by side (a pipeline, signals back and forth). */
void hc_server_unpin(void);
/* For PAL calls that wait in the monitor: sleeps until deadline
 * (CLOCK_MONOTONIC) -> 0, or -EINTR as soon as an event is posted. */
struct timespec;
int upcall_sleep_until(struct vm *vm, const struct timespec *deadline);

/* A detached helper thread (thread.c); cpus NULL: anywhere.  -> 0 or a pthread error. */
#include <sched.h>
int thread_start(void *(*fn)(void *), void *arg, size_t stack_size, const cpu_set_t *cpus);

/* Processes (pidns.c, children.c, fork.c). */
int pidns_init(int max_processes);
int pidns_alloc(void);              /* application pid, or -EAGAIN past sys.max_processes */
void pidns_release(void);
int children_add(int pid, pid_t host, int status_fd);
/* In a forked monitor: no children of its own; report to its parent
 * (the monitor process parent) on status_fd. */
void children_become_child(int status_fd, pid_t parent);
/* Hands the program's wait status to the parent monitor (a no-op in the first one). */
void children_report_status(int wait_status);
struct hc_slot;
void proc_fork(struct vm *vm, struct hc_slot *slot);
/* The virtio-vsock device (vsock_vm.c): the VM's streams to the other
 * picoprocesses of the application, through the switch (vsock_switch.c). */
int vsock_attach(struct vm *vm, char *err, size_t errlen);   /* at boot, CID 3: -> 0 or -1 */
/* A forked monitor's vsock device starts over with no streams and its own
 * CID, listening socket and device thread. */
void vsock_after_fork(struct vm *vm, int new_cid);
/* Readable when the device has put something in the guest's used rings
 * since the guest last slept (HC_POLL adds it to its set; whoever wakes
 * on it reads it to reset it).  -1 without a device. */
int vsock_event_fd(struct vm *vm);
bool vsock_mmio_exit(struct vm *vm);   /* KVM_EXIT_MMIO: false if the address is not a device's */
void vsock_wait_exit(struct vm *vm);   /* KVM_EXIT_IO at PORT_VSOCK_WAIT */
/* The application's private directory of vsock sockets: the front makes it
 * before the split and removes it, with every socket in it, at the end
 * (vsock_switch_remove is async-signal-safe). */
int vsock_switch_create(void);
void vsock_switch_remove(void);

/* The last step of setup, before the guest first runs: no new privileges and
 * a seccomp allowlist for every thread of the monitor (lockdown.c).
 * -> 0, or -1 with a message in err. */
int monitor_lockdown(char *err, size_t errlen);

/* Reports a crash of the guest and the exit status picovm will use. */
void report_crash(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

extern int monitor_log_level;
void mlog(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
