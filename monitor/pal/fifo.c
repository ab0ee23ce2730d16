/* FIFOs opened by name: open(2)'s rendezvous, without ever holding the PAL
 * server in a host call it cannot take back.  The same waiting open serves
 * a file another process holds a lease on (open_after_break, at the end).
 *
 * HC_OPEN opens every file with O_NONBLOCK, which a FIFO answers at once: a
 * reader, or an O_RDWR open, succeeds, a writer without a reader is -ENXIO.
 * That is all a guest asking for O_NONBLOCK or O_RDWR gets.  A blocking
 * reader waits for a writer, a blocking writer for a reader: a helper thread
 * makes the host's blocking open while the server thread waits for it or for
 * an event for the guest (pal_wait_any).  An event ends the wait with
 * -EINTR, and the guest's library OS restarts the open or returns EINTR as
 * Linux does.  The helper is then interrupted by a signal whose handler does
 * not restart the open, sent again until the helper says it is done: one that
 * lands just before the helper enters open() is not lost that way.  The
 * helper is joined and what it opened closed, so a guest that gives up (or
 * dies, which ends the monitor) leaves no thread and no fd behind.
 *
 * The helper reopens the FIFO through /proc/self/fd/N of a descriptor policy
 * gave (policy.c): the same inode, whatever is done to its name meanwhile.
 * Like a host pipe's (pipes.c), a FIFO's host fd is non-blocking: the library
 * OS does its waits itself, on the stream. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "calls.h"
#include "fifo.h"
#include "config/policy.h"

/* launcher.c has SIGRTMIN + 4 and + 5. */
#define CANCEL_SIGNAL (SIGRTMIN + 6)
#define CANCEL_RETRY_MS 1
#define OPENER_STACK (64 << 10)

/* The FIFO fd refers to, opened anew with flags (O_CLOEXEC added). */
static int reopen(int fd, int flags)
{
    char path[40];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct open_how how = { .flags = (unsigned)flags | O_CLOEXEC | O_NOCTTY };
    long r = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
    return r < 0 ? -errno : (int)r;
}

struct opener {
    int fifo;      /* the FIFO, any descriptor of it */
    int flags;     /* O_RDONLY or O_WRONLY, blocking */
    int fd;        /* the open's answer, once done says so */
    int done;      /* eventfd, written when fd is set */
};

static void *opener_main(void *arg)
{
    struct opener *o = arg;
    /* Created with every signal blocked: only the cancel reaches it. */
    sigset_t cancel;
    sigemptyset(&cancel);
    sigaddset(&cancel, CANCEL_SIGNAL);
    pthread_sigmask(SIG_UNBLOCK, &cancel, NULL);
    o->fd = reopen(o->fifo, o->flags);
    uint64_t one = 1;
    if (write(o->done, &one, sizeof one) < 0) {
        /* An eventfd of our own, far from full: cannot fail. */
    }
    return NULL;
}

/* Only there to end the helper's open with EINTR (no SA_RESTART). */
static void on_cancel(int sig)
{
    (void)sig;
}

/* Interrupts the helper until it is done. */
static void cancel(struct opener *o, pthread_t t)
{
    struct pollfd p = { .fd = o->done, .events = POLLIN };
    do
        pthread_kill(t, CANCEL_SIGNAL);
    while (poll(&p, 1, CANCEL_RETRY_MS) != 1);
}

/* Is fd readable, or hung up, now? */
static bool ready(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, 0) == 1;
}

/* The blocking open of fifo with flags, in a helper thread -> its fd;
 * -EAGAIN if early (-1: none) turned readable or hung up first; -EINTR for
 * an event for the guest.  The other end may come while the helper is being
 * stopped: the open is done then, as Linux's is when a signal comes with
 * the partner. */
static int open_waiting(struct vm *vm, int fifo, int flags, int early)
{
    struct sigaction sa = { .sa_handler = on_cancel };
    sigemptyset(&sa.sa_mask);
    struct opener o = { .fifo = fifo, .flags = flags, .done = eventfd(0, EFD_CLOEXEC) };
    if (o.done < 0 || sigaction(CANCEL_SIGNAL, &sa, NULL)) {
        int err = -errno;
        if (o.done >= 0)
            close(o.done);
        return err;
    }
    pthread_attr_t attr;
    pthread_t t;
    sigset_t all, old;
    sigfillset(&all);
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, OPENER_STACK);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int err = pthread_create(&t, &attr, opener_main, &o);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (err) {
        close(o.done);
        return -err;
    }
    const int fds[2] = { o.done, early };
    int r = pal_wait_any(vm, fds, early >= 0 ? 2 : 1);
    if (r != 0)
        cancel(&o, t);
    pthread_join(t, NULL);
    close(o.done);
    if (r == 0 || o.fd >= 0)
        return o.fd;
    return r > 0 || (early >= 0 && ready(early)) ? -EAGAIN : r;
}

int fifo_opened(struct vm *vm, int fd, int flags)
{
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_NONBLOCK))
        return fd;
    /* fd counts as a reader while we wait, as Linux counts one blocked in
     * open: writers waiting for one go on.  The helper's open only waits: it
     * returns when a writer is there or comes.  One that came and went (or
     * wrote) before the helper started leaves fd readable or hung up, which
     * the wait sees too. */
    int w = open_waiting(vm, fd, O_RDONLY, fd);
    if (w >= 0)
        close(w);
    if (w >= 0 || w == -EAGAIN)
        return fd;
    close(fd);
    return w;
}

int fifo_open_named(struct vm *vm, const char *uri, int flags, int err)
{
    int fifo = policy_open(uri, O_PATH | (flags & O_NOFOLLOW), 0);
    if (fifo < 0)
        return err;
    struct stat st;
    int fd = err;
    if (fstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode)) {
        fd = reopen(fifo, (flags & O_ACCMODE) | O_NONBLOCK);
        if (fd >= 0) {
            fd = fifo_opened(vm, fd, flags);
        } else if (fd == -ENXIO && !(flags & O_NONBLOCK)) {
            /* A writer without a reader waits for one; its fd goes non-blocking
             * then.  (A reader that comes and goes before the helper is in
             * open() is missed: Linux would count the writer as waiting.) */
            fd = open_waiting(vm, fifo, flags & O_ACCMODE, -1);
            if (fd >= 0 && fcntl(fd, F_SETFL, O_NONBLOCK)) {
                int e = -errno;
                close(fd);
                fd = e;
            }
        }
    }
    close(fifo);
    return fd;
}

/* Flags of a reopen: the file exists, and is no directory (leases are on
 * regular files); the rest policy_open already passed. */
#define REOPEN_FLAGS (O_ACCMODE | O_TRUNC | O_APPEND | O_DSYNC | O_SYNC)

int open_after_break(struct vm *vm, const char *uri, int flags)
{
    int file = policy_open(uri, O_PATH | (flags & O_NOFOLLOW), 0);
    if (file < 0)
        return file;
    int fd = open_waiting(vm, file, flags & REOPEN_FLAGS, -1);
    close(file);
    return fd;
}
