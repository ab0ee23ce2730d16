/* picovm as two processes: the one the caller started (the front) and the
 * monitor that owns the VM (the back).
 *
 * When a program exits, the host kernel still has to destroy its VM, which
 * waits for SRCU grace periods (about 13 ms on the PVM host, longer than the
 * whole run of a small program).  The front hands the exit status to its
 * caller as soon as the back reports it; the back closes its copies of the
 * caller's stdio first, so a shell reading our output sees EOF at once, and
 * the teardown finishes in the background. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "proc.h"
#include "core/pal_server.h"
#include "core/upcall.h"
#include "dev/vsock/vsock.h"
#include "base/appdir.h"
#include "base/log.h"

struct exit_report {
    int status;
    long peak_rss_kb;
};

static int report_fd = -1;
static pid_t back_pid, front_pid;
static bool first = true;   /* the monitor of the program the user started */

/* Host signals for the program.  The terminal sends ^C (^\, a hangup) to
 * its whole foreground process group, the front and every monitor alike.
 * The application takes them once, through the front: the front passes
 * them on to its monitor, whose program (the first process) hands them to the
 * application's foreground process group, as a terminal would.  So a
 * monitor with a front takes them only as the front passes them on, and a
 * forked monitor only when they were sent to it alone (kill, not the
 * terminal).  The front passes a signal on as the value of a real-time
 * one: those queue, where a second SIGINT pending beside the monitor's own
 * copy would be merged into it and lost. */
static int forward_signal;
#define FRONT_GONE_SIGNAL (SIGRTMIN + 5)

static void forward(int sig) { sigqueue(back_pid, forward_signal, (union sigval){ .sival_int = sig }); }

static void post(int sig)
{
    int saved = errno;
    upcall_post(1ull << (sig - 1), 0, 0);
    errno = saved;
}

static void take_host_signal(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (report_fd < 0 && (first || si->si_code != SI_KERNEL))
        post(sig);
}

static void take_forwarded(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    int passed = si->si_value.sival_int;
    if (report_fd >= 0 && si->si_code == SI_QUEUE && si->si_pid == front_pid && passed > 0 && passed < 64)
        post(passed);
}

/* The front died without removing the application's directories (SIGKILL,
 * say): no picoprocess outlives it, and none is left to write into them as
 * they go. */
static void front_gone(int sig)
{
    (void)sig;
    pidns_kill_others();
    appdir_remove_all();
    _exit(128 + SIGKILL);
}

static long peak_rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[128];
    long kb = -1;
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb;
}

/* The front outlives every monitor of the application: the application's
 * directories (the vsock switch's, the tmpfs mounts') go with it. */
static __attribute__((noreturn)) void front_exit(int status)
{
    appdir_remove_all();
    _exit(status);
}

static const int host_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static void handle_host_signals(struct sigaction *sa)
{
    sigemptyset(&sa->sa_mask);
    for (size_t i = 0; i < sizeof(host_signals) / sizeof(host_signals[0]); i++)
        sigaction(host_signals[i], sa, NULL);
}

static __attribute__((noreturn)) void front(int rd, bool stats)
{
    struct sigaction sa = { .sa_handler = forward, .sa_flags = SA_RESTART };
    handle_host_signals(&sa);
    struct exit_report r;
    ssize_t n;
    while ((n = read(rd, &r, sizeof(r))) < 0 && errno == EINTR)
        ;
    if (n == (ssize_t)sizeof(r)) {
        if (stats)
            fprintf(stderr, "picovm: monitor peak RSS %ld KB\n", r.peak_rss_kb);
        front_exit(r.status & 0xff);
    }
    /* The monitor died without reporting: tell how. */
    int st;
    while (waitpid(back_pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(st)) {
        fprintf(stderr, "picovm: the monitor was killed by SIG%s\n", sigabbrev_np(WTERMSIG(st)) ?: "?");
        front_exit(128 + WTERMSIG(st));
    }
    front_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 70);
}

void launcher_split(bool stats)
{
    /* The monitor's way to take them (the front installs its own). */
    struct sigaction sa = { .sa_sigaction = take_host_signal, .sa_flags = SA_SIGINFO | SA_RESTART };
    handle_host_signals(&sa);
    forward_signal = SIGRTMIN + 4;
    struct sigaction fw = { .sa_sigaction = take_forwarded, .sa_flags = SA_SIGINFO | SA_RESTART };
    sigemptyset(&fw.sa_mask);
    sigaction(forward_signal, &fw, NULL);
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return;   /* run in one process: correct, only slower to exit */
    front_pid = getpid();
    if (vsock_switch_create() < 0)
        mlog(LOG_DEBUG, "vsock: no switch directory: the picoprocesses cannot connect to each other");
    back_pid = fork();
    if (back_pid < 0) {
        front_pid = 0;
        close(p[0]);
        close(p[1]);
        return;
    }
    if (back_pid > 0) {
        close(p[1]);
        front(p[0], stats);
    }
    close(p[0]);
    report_fd = p[1];
    /* The monitor must not outlive the process its caller waits for, and
     * it cleans up after a front that was killed. */
    struct sigaction gone = { .sa_handler = front_gone };
    sigemptyset(&gone.sa_mask);
    sigaction(FRONT_GONE_SIGNAL, &gone, NULL);
    prctl(PR_SET_PDEATHSIG, FRONT_GONE_SIGNAL);
    if (getppid() != front_pid)
        _exit(70);
}

bool launcher_is_first(void) { return first; }

/* A first monitor that could not split off is its own front: the
 * application's directories go when it ends. */
static void end_as_front(void)
{
    if (first && !front_pid)
        appdir_remove_all();
}

void launcher_detach(void)
{
    first = false;
    if (report_fd >= 0)
        close(report_fd);
    report_fd = -1;
}

void monitor_die_by_signal(int sig)
{
    if (report_fd >= 0)
        monitor_exit(128 + sig);
    handles_close_all();
    children_report_status(sig);
    /* No core file of the monitor: the program's crash was reported already. */
    struct rlimit none = { 0, 0 };
    setrlimit(RLIMIT_CORE, &none);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    end_as_front();
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);
}

void monitor_exit(int status)
{
    /* The program's files close before anyone hears it ended: a pipe's
     * reader sees end of file once its parent's wait returns, as on Linux. */
    handles_close_all();
    children_report_status((status & 0xff) << 8);
    if (report_fd >= 0) {
        struct exit_report r = { status, peak_rss_kb() };
        close(0);
        close(1);
        close(2);
        if (write(report_fd, &r, sizeof(r)) != sizeof(r))
            _exit(status);
    }
    end_as_front();
    _exit(status);
}
