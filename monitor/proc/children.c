/* The picoprocesses this monitor forked, by their application pid, and the
 * PAL calls that wait for and signal them.
 *
 * A child picoprocess is a child process of this monitor on the host.  Its
 * monitor reports the program's wait status on a pipe the moment the
 * program ends, before the host kernel spends ~13 ms destroying its VM, so
 * a parent's wait returns at once; the host process is reaped later.  When
 * the pipe closes with no report (the child monitor was killed on the host,
 * by SIGKILL say), waitpid() gives the status, which is then exactly what a
 * Linux parent would see.
 *
 * A parent hears of the end at once, as Linux's SIGCHLD: the child monitor
 * sends its monitor a host SIGCHLD right after the report (the host kernel
 * sends one too when a child monitor dies unreported), and the parent
 * monitor posts a `children` upcall, so the library OS waits in the monitor
 * for a status that is there, with no message between the VMs. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "proc.h"
#include "core/pal_server.h"
#include "core/upcall.h"
#include "kvm/gpa.h"
#include "kvm/guest_mem.h"
#include "base/log.h"
#include "base/waiting.h"
#include "hypercall.h"

#define MAX_CHILDREN 1024

struct child {
    int pid;        /* application pid */
    pid_t host;     /* its monitor process */
    int status_fd;  /* read end of its status pipe */
};

static struct child children[MAX_CHILDREN];
static int nchildren;
/* Host processes whose status was reported but that are not reaped yet. */
static pid_t unreaped[MAX_CHILDREN];
static int nunreaped;
/* What a child monitor writes on its status pipe: one write, smaller than PIPE_BUF. */
struct report {
    int32_t status, pad;
    uint64_t user_ns, sys_ns, maxrss_kb;
};

/* The program's CPU time, largest resident set and core flag, from its HC_EXIT. */
static struct report final;
static bool final_core;

/* In a child monitor: where to report (write end), -1 otherwise, and to whom. */
static int report_to_parent = -1;
static pid_t parent_monitor;

static void child_ended(int sig)
{
    (void)sig;
    int saved = errno;
    upcall_post(0, 0, 1);
    errno = saved;
}

static void hear_children(void)
{
    static bool listening;
    if (listening)
        return;
    struct sigaction sa = { .sa_handler = child_ended, .sa_flags = SA_RESTART | SA_NOCLDSTOP };
    sigemptyset(&sa.sa_mask);
    listening = sigaction(SIGCHLD, &sa, NULL) == 0;
}

int children_add(int pid, pid_t host, int status_fd)
{
    if (nchildren == MAX_CHILDREN)
        return -EAGAIN;
    hear_children();
    children[nchildren++] = (struct child){ pid, host, status_fd };
    return 0;
}

void children_become_child(int status_fd, pid_t parent)
{
    for (int i = 0; i < nchildren; i++)
        close(children[i].status_fd);
    nchildren = nunreaped = 0;
    report_to_parent = status_fd;
    parent_monitor = parent;
}

void children_note_exit(uint64_t user_ns, uint64_t sys_ns, uint64_t maxrss_kb, bool core)
{
    final.user_ns = user_ns;
    final.sys_ns = sys_ns;
    final.maxrss_kb = maxrss_kb;
    final_core = core;
}

void children_report_status(int wait_status)
{
    if (report_to_parent < 0)
        return;
    final.status = wait_status;
    if (final_core && WIFSIGNALED(wait_status))
        final.status |= 0x80;   /* WCOREDUMP */
    /* A write that fails (EPIPE) means the parent is gone: its pid may be
     * someone else's by now, so it gets no signal. */
    if (write(report_to_parent, &final, sizeof(final)) == sizeof(final))
        kill(parent_monitor, SIGCHLD);
    else
        mlog(LOG_DEBUG, "cannot report the exit status to the parent: %m");
}

static void reap_reported(void)
{
    for (int i = 0; i < nunreaped;) {
        if (waitpid(unreaped[i], NULL, WNOHANG) != 0)
            unreaped[i] = unreaped[--nunreaped];
        else
            i++;
    }
}

static struct child *by_pid(int pid)
{
    for (int i = 0; i < nchildren; i++)
        if (children[i].pid == pid)
            return &children[i];
    return NULL;
}

static uint64_t tv_ns(struct timeval tv) { return (uint64_t)tv.tv_sec * 1000000000ull + (uint64_t)tv.tv_usec * 1000; }

/* The report of a child whose pipe is readable, or what the host says: its
 * status, and the CPU time of its whole monitor process (whose resident set
 * is not the program's: none is told). */
static struct report collect(struct child *c)
{
    struct report r;
    ssize_t n;
    while ((n = read(c->status_fd, &r, sizeof(r))) < 0 && errno == EINTR)
        ;
    if (n == sizeof(r)) {
        if (nunreaped < MAX_CHILDREN)
            unreaped[nunreaped++] = c->host;
    } else {
        int status = 0;
        struct rusage ru = { 0 };
        while (wait4(c->host, &status, 0, &ru) < 0 && errno == EINTR)
            ;
        r = (struct report){ status, 0, tv_ns(ru.ru_utime), tv_ns(ru.ru_stime), 0 };
    }
    close(c->status_fd);
    return r;
}

static int64_t hc_proc_wait(struct vm *vm, const uint64_t args[6])
{
    int pid = (int)args[0];
    /* Found writable before a child is reaped, so a bad address loses no status. */
    struct hc_wait_result r = { 0, 0, 0, 0, 0 };
    struct iovec out[GVA_PAGES(sizeof r)];
    uint64_t bytes;
    if (gva_iov(vm, args[2], sizeof r, true, out, GVA_PAGES(sizeof r), &bytes) < 0)
        return -EFAULT;
    reap_reported();
    /* The last entry is the VM's wakeup eventfd: a signal for the program
     * (upcall.c) ends the wait with -EINTR. */
    struct pollfd fds[MAX_CHILDREN + 1];
    int idx[MAX_CHILDREN], n = 0;
    for (int i = 0; i < nchildren; i++)
        if (pid == -1 || children[i].pid == pid) {
            fds[n] = (struct pollfd){ .fd = children[i].status_fd, .events = POLLIN };
            idx[n++] = i;
        }
    if (!n)
        return -ECHILD;
    fds[n] = (struct pollfd){ .fd = vm_wakeup_fd(vm), .events = POLLIN };
    int ready;
    if (!args[1])
        waiting_begin();
    while ((ready = poll(fds, n + 1, args[1] ? 0 : -1)) < 0 && errno == EINTR)
        ;
    if (!args[1])
        waiting_end();
    if (ready < 0)
        return -errno;
    if (fds[n].revents) {
        uint64_t v;
        if (read(fds[n].fd, &v, sizeof(v)) < 0)
            mlog(LOG_DEBUG, "wakeup: %m");
        if (ready == 1)
            return -EINTR;
    }
    for (int k = 0; k < n && ready; k++) {
        if (!fds[k].revents)
            continue;
        struct child *c = &children[idx[k]];
        r.pid = c->pid;
        struct report rep = collect(c);
        r.status = rep.status;   /* host and Linux wait statuses are the same encoding */
        r.user_ns = rep.user_ns;
        r.sys_ns = rep.sys_ns;
        r.maxrss_kb = rep.maxrss_kb;
        *c = children[--nchildren];
        break;
    }
    iov_fill(out, &r, sizeof r);
    return 0;
}

/* The others' /proc/PID/stat state: the monitors' shared page knows who waits. */
static int64_t hc_proc_state(struct vm *vm, const uint64_t args[6])
{
    (void)vm;
    return args[0] > INT32_MAX ? -ESRCH : pidns_state((int)args[0]);
}

static int64_t hc_proc_kill(struct vm *vm, const uint64_t args[6])
{
    (void)vm;
    struct child *c = by_pid((int)args[0]);
    if (!c)
        return -ESRCH;
    if (args[1] != SIGKILL && args[1] != SIGTERM)
        return -EINVAL;
    return kill(c->host, (int)args[1]) < 0 ? -errno : 0;
}

void proc_calls_setup(void)
{
    pal_register_vcpu(HC_EXIT, proc_exit);
    pal_register_vcpu(HC_FORK, proc_fork);
    pal_register(HC_PROC_WAIT, hc_proc_wait);
    pal_register(HC_PROC_KILL, hc_proc_kill);
    pal_register(HC_PROC_STATE, hc_proc_state);
}
