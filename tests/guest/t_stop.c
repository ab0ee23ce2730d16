// Job control: SIGSTOP stops a child (waitpid's WUNTRACED sees it once, SIGCHLD
// comes with CLD_STOPPED), a signal sent meanwhile waits (its handler runs only
// after SIGCONT), SIGCONT lets it go on (WCONTINUED, CLD_CONTINUED), SA_NOCLDSTOP
// keeps SIGCHLD quiet, waitid's WSTOPPED and WCONTINUED, SIGKILL ends a stopped
// child, a child that stops itself, and /proc/PID/stat's state letter.
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t chld_code, chld_status;
static int report_fd = -1;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    chld_code = si->si_code;
    chld_status = si->si_status;
}

static void on_usr1(int sig)
{
    (void)sig;
    write(report_fd, "u", 1);
}

static void sigchld_action(int flags)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);
}

/* A child that says 'r', then pauses forever; SIGUSR1 makes it say 'u'. */
static pid_t pauser(int fds[2])
{
    pipe(fds);
    pid_t p = fork();
    if (p == 0) {
        close(fds[0]);
        report_fd = fds[1];
        signal(SIGUSR1, on_usr1);
        write(report_fd, "r", 1);
        for (;;)
            pause();
    }
    close(fds[1]);
    char c;
    read(fds[0], &c, 1);
    return p;
}

/* Up to 2 s for SIGCHLD with code. */
static int chld_seen(int code)
{
    for (int i = 0; i < 200 && chld_code != code; i++)
        usleep(10000);
    return chld_code == code;
}

/* The state letter in /proc/PID/stat. */
static char proc_state(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    return p && p[1] == ' ' ? p[2] : '?';
}

/* The child goes back to pause() after its handler in its own time: its
 * state is looked at until it sleeps (as LTP's TST_PROCESS_STATE_WAIT),
 * for up to 10 s. */
static char state_once_settled(pid_t pid, char want)
{
    char s = proc_state(pid);
    for (int i = 0; i < 1000 && s != want; i++) {
        usleep(10000);
        s = proc_state(pid);
    }
    return s;
}

static int readable(int fd, int ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, ms) == 1;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    sigchld_action(0);
    int fds[2], st = 0;
    char c;

    pid_t p = pauser(fds);
    chld_code = 0;
    CHECK("kill-stop", kill(p, SIGSTOP) == 0);
    CHECK("wait-stopped", waitpid(p, &st, WUNTRACED) == p && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    CHECK("sigchld-stopped", chld_seen(CLD_STOPPED) && chld_status == SIGSTOP);
    CHECK("stop-reported-once", waitpid(p, &st, WUNTRACED | WNOHANG) == 0);
    CHECK("proc-state-stopped", proc_state(p) == 'T');
    CHECK("plain-wait-ignores-stop", waitpid(p, &st, WNOHANG) == 0);
    CHECK("kill-usr1-while-stopped", kill(p, SIGUSR1) == 0);
    CHECK("signal-waits-while-stopped", !readable(fds[0], 200));
    chld_code = 0;
    CHECK("kill-cont", kill(p, SIGCONT) == 0);
    CHECK("wait-continued", waitpid(p, &st, WCONTINUED) == p && WIFCONTINUED(st));
    CHECK("sigchld-continued", chld_seen(CLD_CONTINUED) && chld_status == SIGCONT);
    CHECK("handler-after-cont", readable(fds[0], 2000) && read(fds[0], &c, 1) == 1 && c == 'u');
    CHECK("proc-state-sleeping", state_once_settled(p, 'S') == 'S');
    kill(p, SIGKILL);
    CHECK("killed", waitpid(p, &st, 0) == p && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    close(fds[0]);

    /* SIGKILL ends a stopped child. */
    p = pauser(fds);
    kill(p, SIGSTOP);
    CHECK("stopped-again", waitpid(p, &st, WUNTRACED) == p && WIFSTOPPED(st));
    CHECK("kill-stopped", kill(p, SIGKILL) == 0 && waitpid(p, &st, 0) == p && WIFSIGNALED(st) &&
                              WTERMSIG(st) == SIGKILL);
    close(fds[0]);

    /* SA_NOCLDSTOP: no SIGCHLD for stops and continues; waitid sees them. */
    sigchld_action(SA_NOCLDSTOP);
    p = pauser(fds);
    chld_code = 0;
    kill(p, SIGSTOP);
    siginfo_t si = { 0 };
    CHECK("waitid-stopped", waitid(P_PID, (id_t)p, &si, WSTOPPED) == 0 && si.si_pid == p &&
                                si.si_code == CLD_STOPPED && si.si_status == SIGSTOP);
    kill(p, SIGCONT);
    CHECK("waitid-continued", waitid(P_PID, (id_t)p, &si, WCONTINUED) == 0 && si.si_pid == p &&
                                  si.si_code == CLD_CONTINUED && si.si_status == SIGCONT);
    usleep(100000);
    CHECK("nocldstop-quiet", chld_code == 0);
    kill(p, SIGKILL);
    waitpid(p, &st, 0);
    close(fds[0]);
    sigchld_action(0);

    /* A child that stops itself, then exits once it goes on. */
    p = fork();
    if (p == 0) {
        raise(SIGSTOP);
        _exit(4);
    }
    CHECK("self-stopped", waitpid(p, &st, WUNTRACED) == p && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    kill(p, SIGCONT);
    CHECK("self-stopped-exits", waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 4);
    CHECK("no-children", wait(&st) == -1 && errno == ECHILD);
    return check_exit_status();
}
