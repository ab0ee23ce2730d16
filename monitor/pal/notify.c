/* What the host kernel tells about a guest's streams by signal: leases and
 * their breaks (F_SETLEASE), readiness of an O_ASYNC stream.
 *
 * Leases are the host's, taken on the guest's host fd: the host then sees
 * every open of the file by any process (every picoprocess is a monitor of
 * its own), refuses a write lease while another open exists, and makes a
 * conflicting opener wait (files.c, fifo.c) until the holder gives way or
 * the host's lease-break-time passes.  O_ASYNC is the host's too, on the
 * same fd: the host signals each write into a pipe, each byte at a terminal,
 * as Linux signals its own processes, so no helper thread has to watch the
 * fds and guess at edges from levels.
 *
 * Both signal IO_SIGNAL (F_SETSIG, so the siginfo names the fd and the band)
 * to the thread that runs the process's events (core/upcall.c), which is
 * ready for signals anyway: it is kicked out of KVM_RUN by them.  The
 * handler adds the band to the fd's record and posts an upcall; the guest
 * then takes each record of the files it armed (HC_ASYNC take) and sends its
 * program the signal Linux would.  A record holds the bands since the last
 * take, so signals that come together make one.
 *
 * The guest's lease-break-time (HC_LEASE's third argument) is kept by a
 * reaper thread: when a break is that old, the reaper gives the lease up,
 * or downgrades it, as Linux does when the holder does not.  (The host's
 * own lease-break-time ends a longer one first.)  It sets the lease to the
 * type F_GETLEASE names, the break's target: on an fd reused since, or a
 * lease not being broken, that changes nothing. */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "calls.h"
#include "base/clock.h"
#include "base/thread.h"
#include "core/pal_server.h"
#include "core/upcall.h"
#include "hypercall.h"

/* launcher.c has SIGRTMIN + 4 and + 5, fifo.c + 6. */
#define IO_SIGNAL (SIGRTMIN + 7)
/* Host fds with a record: more than the handles (HC_MAX_HANDLES) plus the
 * monitor's own; a signal for a higher fd is dropped. */
#define MAX_RECORDS 4096

#define REAPER_STACK (64 << 10)
#define POLLMSG_BAND 0x400   /* Linux's POLLMSG: what a lease break signals */

static unsigned int bands[MAX_RECORDS];
/* Per fd: the guest's break time for its lease (seconds), and when a break
 * under way is due (CLOCK_MONOTONIC ns; 0: none). */
static unsigned int break_secs[MAX_RECORDS];
static uint64_t due[MAX_RECORDS];
static uint32_t reaper_seq;   /* futex: the reaper looks again when it changes */
static pid_t reaper_of;       /* the monitor whose reaper runs (a forked one starts its own) */

static void poke_reaper(void)
{
    __atomic_fetch_add(&reaper_seq, 1, __ATOMIC_SEQ_CST);
    syscall(SYS_futex, &reaper_seq, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
}

/* Async-signal-safe: a break of fd's lease began now. */
static void break_began(int fd)
{
    uint64_t at = monotonic_ns() + (uint64_t)break_secs[fd] * NSEC_PER_SEC, none = 0;
    if (__atomic_compare_exchange_n(&due[fd], &none, at, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        poke_reaper();
}

static void *reaper_main(void *arg)
{
    (void)arg;
    for (;;) {
        uint32_t seq = __atomic_load_n(&reaper_seq, __ATOMIC_ACQUIRE);
        uint64_t now = monotonic_ns(), next = 0;
        for (int fd = 0; fd < MAX_RECORDS; fd++) {
            uint64_t at = __atomic_load_n(&due[fd], __ATOMIC_ACQUIRE);
            if (!at)
                continue;
            if (at > now) {
                next = next && next < at ? next : at;
                continue;
            }
            __atomic_store_n(&due[fd], 0, __ATOMIC_RELEASE);
            int target = fcntl(fd, F_GETLEASE);
            if (target >= 0)
                fcntl(fd, F_SETLEASE, target);
        }
        struct timespec until = ns_to_timespec(next);
        syscall(SYS_futex, &reaper_seq, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, seq, next ? &until : NULL,
                NULL, FUTEX_BITSET_MATCH_ANY);
    }
    return NULL;
}

static int start_reaper(void)
{
    if (reaper_of == getpid())
        return 0;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int err = thread_start(reaper_main, NULL, REAPER_STACK, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err)
        return -err;
    reaper_of = getpid();
    return 0;
}

static void on_io(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    if (si->si_code > 0 && si->si_fd >= 0 && si->si_fd < MAX_RECORDS) {
        __atomic_fetch_or(&bands[si->si_fd], (unsigned int)si->si_band | HC_ASYNC_SEEN, __ATOMIC_SEQ_CST);
        if (si->si_band & POLLMSG_BAND)
            break_began(si->si_fd);
        upcall_post_io();
    }
}

/* The host signals fd's news to the events thread, with IO_SIGNAL; the
 * record starts empty. */
static int arm(int fd)
{
    if (fd >= MAX_RECORDS)
        return -EMFILE;
    struct f_owner_ex owner = { .type = F_OWNER_TID, .pid = upcall_thread() };
    if (fcntl(fd, F_SETSIG, IO_SIGNAL) || fcntl(fd, F_SETOWN_EX, &owner))
        return -errno;
    __atomic_store_n(&bands[fd], 0, __ATOMIC_SEQ_CST);
    return 0;
}

/* (handle, F_RDLCK / F_WRLCK / F_UNLCK or HC_LEASE_GET, break time in seconds) */
static int64_t hc_lease(struct vm *vm, int fd, const uint64_t a[6])
{
    (void)vm;
    int type = (int)a[1];
    if (a[1] == HC_LEASE_GET) {
        int r = fcntl(fd, F_GETLEASE);
        return r < 0 ? -errno : r;
    }
    if (a[1] > INT32_MAX || (type != F_RDLCK && type != F_WRLCK && type != F_UNLCK))
        return -EINVAL;
    if (type != F_UNLCK) {
        int err = arm(fd);
        if (!err)
            err = start_reaper();
        if (err)
            return err;
        break_secs[fd] = a[2] < HC_LEASE_BREAK_MAX ? (unsigned int)a[2] : HC_LEASE_BREAK_MAX;
    }
    __atomic_store_n(&due[fd], 0, __ATOMIC_RELEASE);
    return fcntl(fd, F_SETLEASE, type) ? -errno : 0;
}

/* (handle, HC_ASYNC_ON / OFF / TAKE) */
static int64_t hc_async(struct vm *vm, int fd, const uint64_t a[6])
{
    (void)vm;
    if (a[1] == HC_ASYNC_TAKE)
        return fd < MAX_RECORDS ? __atomic_exchange_n(&bands[fd], 0, __ATOMIC_SEQ_CST) : 0;
    if (a[1] != HC_ASYNC_ON && a[1] != HC_ASYNC_OFF)
        return -EINVAL;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        return -errno;
    if (a[1] == HC_ASYNC_ON) {
        int err = arm(fd);
        if (err)
            return err;
    }
    flags = a[1] == HC_ASYNC_ON ? flags | O_ASYNC : flags & ~O_ASYNC;
    return fcntl(fd, F_SETFL, flags) ? -errno : 0;
}

void pal_notify_setup(void)
{
    struct sigaction sa = { .sa_sigaction = on_io, .sa_flags = SA_SIGINFO | SA_RESTART };
    sigfillset(&sa.sa_mask);
    sigaction(IO_SIGNAL, &sa, NULL);
    /* The host's fallback when IO_SIGNAL's queue is full: those news are
     * lost, never the monitor (SIGIO's default ends a process). */
    signal(SIGIO, SIG_IGN);
    pal_register_fd(HC_LEASE, hc_lease);
    pal_register_fd(HC_ASYNC, hc_async);
}
