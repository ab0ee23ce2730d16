// ARGS: main
// Signals between processes: kill of a child waiting in sigsuspend() (its handler
// runs with the sender's pid and SI_USER, or the default action kills it),
// kill with signal 0, kill of pids that do not exist, bad signal numbers,
// process groups (setpgid by the child and by the parent, getpgid, getsid,
// kill of a group, setpgid's EPERM and EACCES, rt_sigqueueinfo's checks),
// a signal that reaches a child blocked reading a pipe, and one that reaches
// a child busy in its own code.
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

/* Surely nobody's: above Linux's largest pid_max. */
#define NO_PID 0x7ffffff0

static int report_fd = -1;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    char c = sig == SIGUSR1 && si->si_code == SI_USER && si->si_pid == getppid() ? 'u' : 'w';
    write(report_fd, &c, 1);
}

static void install(int sig)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static char get(int fd)
{
    char c = 0;
    return read(fd, &c, 1) == 1 ? c : '?';
}

static int wait_status(pid_t pid)
{
    int st = -1;
    return waitpid(pid, &st, 0) == pid ? st : -1;
}

/* A child that says 'r' when ready, then waits in sigsuspend() until its
 * handler ran (SIGUSR1 is blocked until then, so a signal that comes
 * early waits for it); own_group: it makes its own process group first. */
static pid_t waiting_child(int pipe_out[2], int own_group, int code)
{
    pid_t p = fork();
    if (p == 0) {
        sigset_t usr1, none;
        sigemptyset(&usr1);
        sigemptyset(&none);
        sigaddset(&usr1, SIGUSR1);
        sigprocmask(SIG_BLOCK, &usr1, NULL);
        close(pipe_out[0]);
        report_fd = pipe_out[1];
        install(SIGUSR1);
        if (own_group)
            setpgid(0, 0);
        write(report_fd, "r", 1);
        sigsuspend(&none);
        _exit(code);
    }
    return p;
}

/* Re-executed as "sleeper FD": says 'e' on FD, then waits to be killed. */
static __attribute__((noreturn)) int as_sleeper(char **argv)
{
    int fd = atoi(argv[2]);
    write(fd, "e", 1);
    for (;;)
        pause();
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "sleeper"))
        return as_sleeper(argv);
    setvbuf(stdout, NULL, _IONBF, 0);
    int fds[2];

    /* A handler in the child, with the sender's identity. */
    pipe(fds);
    pid_t p = waiting_child(fds, 0, 3);
    close(fds[1]);
    CHECK("child-ready", get(fds[0]) == 'r');
    CHECK("kill-0-alive", kill(p, 0) == 0);
    CHECK("kill-bad-signal", FAILS_WITH(kill(p, 1000), EINVAL));
    CHECK("kill-usr1", kill(p, SIGUSR1) == 0);
    CHECK("handler-ran-with-siginfo", get(fds[0]) == 'u');
    int st = wait_status(p);
    CHECK("sigsuspend-returned", WIFEXITED(st) && WEXITSTATUS(st) == 3);
    close(fds[0]);
    CHECK("kill-reaped-esrch", FAILS_WITH(kill(p, 0), ESRCH));
    CHECK("kill-no-pid", FAILS_WITH(kill(NO_PID, SIGUSR1), ESRCH));
    CHECK("kill-no-pid-bad-signal", FAILS_WITH(kill(NO_PID, 1000), ESRCH));

    /* The default action of SIGTERM ends the child. */
    pipe(fds);
    p = fork();
    if (p == 0) {
        write(fds[1], "r", 1);
        for (;;)
            pause();
    }
    close(fds[1]);
    get(fds[0]);
    CHECK("kill-term", kill(p, SIGTERM) == 0);
    st = wait_status(p);
    CHECK("term-status", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    close(fds[0]);

    /* A child blocked reading an empty pipe is reached too. */
    int data[2];
    pipe(fds);
    pipe(data);
    p = fork();
    if (p == 0) {
        close(data[1]);
        write(fds[1], "r", 1);
        char c;
        read(data[0], &c, 1);
        _exit(9);
    }
    close(fds[1]);
    get(fds[0]);
    kill(p, SIGKILL);
    st = wait_status(p);
    CHECK("kill-reader", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    close(fds[0]);
    close(data[0]);
    close(data[1]);

    /* The child's own group: kill(-pgid) reaches it. */
    pipe(fds);
    p = waiting_child(fds, 1, 4);
    close(fds[1]);
    get(fds[0]);
    CHECK("getpgid-child", getpgid(p) == p);
    CHECK("getsid-child", getsid(p) == getsid(0));
    CHECK("kill-group", kill(-p, SIGUSR1) == 0);
    CHECK("group-handler-ran", get(fds[0]) == 'u');
    st = wait_status(p);
    CHECK("group-child-status", WIFEXITED(st) && WEXITSTATUS(st) == 4);
    close(fds[0]);
    CHECK("kill-gone-group", FAILS_WITH(kill(-p, SIGUSR1), ESRCH));

    /* The parent moves its child to a new group, as shells do. */
    pipe(fds);
    p = waiting_child(fds, 0, 5);
    close(fds[1]);
    get(fds[0]);
    CHECK("parent-setpgid", setpgid(p, p) == 0);
    CHECK("parent-setpgid-seen", getpgid(p) == p);
    CHECK("parent-setpgid-other-session-group", FAILS_WITH(setpgid(p, NO_PID), EPERM));
    CHECK("kill-moved-group", kill(-p, SIGUSR1) == 0);
    CHECK("moved-handler-ran", get(fds[0]) == 'u');
    st = wait_status(p);
    CHECK("moved-child-status", WIFEXITED(st) && WEXITSTATUS(st) == 5);
    close(fds[0]);

    /* Our own group (made first: natively we share one with the test
     * runner), with a child in it: kill(0) reaches the child, and us, who
     * ignore it. */
    setpgid(0, 0);
    pipe(fds);
    p = waiting_child(fds, 0, 6);
    close(fds[1]);
    get(fds[0]);
    signal(SIGUSR1, SIG_IGN);
    CHECK("kill-own-group", kill(0, SIGUSR1) == 0);
    CHECK("own-group-handler-ran", get(fds[0]) == 'u');
    st = wait_status(p);
    CHECK("own-group-child-status", WIFEXITED(st) && WEXITSTATUS(st) == 6);
    close(fds[0]);

    /* setpgid: our own group cannot be one that does not exist; a child
     * that ran execve cannot be moved. */
    CHECK("setpgid-no-group", FAILS_WITH(setpgid(0, NO_PID), EPERM));
    CHECK("setpgid-no-pid", FAILS_WITH(setpgid(NO_PID, 0), ESRCH));
    CHECK("getpgid-no-pid", FAILS_WITH(getpgid(NO_PID), ESRCH));
    pipe(fds);
    p = fork();
    if (p == 0) {
        char fd[16];
        snprintf(fd, sizeof fd, "%d", fds[1]);
        close(fds[0]);
        execl("/proc/self/exe", argv[0], "sleeper", fd, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    CHECK("sleeper-ready", get(fds[0]) == 'e');
    CHECK("setpgid-after-exec", FAILS_WITH(setpgid(p, p), EACCES));
    kill(p, SIGKILL);
    st = wait_status(p);
    CHECK("sleeper-killed", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    close(fds[0]);

    /* A child in a session of its own, blocked: setpgid on it is refused
     * for the session, whatever it is doing; rt_sigqueueinfo checks the
     * signal number and the claimed origin before the target. */
    pipe(fds);
    p = fork();
    if (p == 0) {
        close(fds[0]);
        setsid();
        write(fds[1], "r", 1);
        pause();
        _exit(0);
    }
    close(fds[1]);
    CHECK("session-child-ready", get(fds[0]) == 'r');
    CHECK("setpgid-other-session", FAILS_WITH(setpgid(p, getpgrp()), EPERM));
    CHECK("setpgid-into-other-sessions-group", FAILS_WITH(setpgid(0, p), EPERM));
    siginfo_t si = { .si_code = SI_QUEUE };
    CHECK("sigqueueinfo-bad-signal", FAILS_WITH(syscall(SYS_rt_sigqueueinfo, p, -1, &si), EINVAL));
    CHECK("sigqueueinfo-signal-65", FAILS_WITH(syscall(SYS_rt_sigqueueinfo, p, 65, &si), EINVAL));
    CHECK("sigqueueinfo-no-target", FAILS_WITH(syscall(SYS_rt_sigqueueinfo, -1, SIGUSR1, &si), ESRCH));
    si.si_code = SI_USER;
    CHECK("sigqueueinfo-as-kill-eperm", FAILS_WITH(syscall(SYS_rt_sigqueueinfo, p, SIGUSR1, &si), EPERM));
    si.si_code = SI_TKILL;
    CHECK("sigqueueinfo-as-tkill-eperm", FAILS_WITH(syscall(SYS_rt_sigqueueinfo, p, SIGUSR1, &si), EPERM));
    kill(p, SIGKILL);
    st = wait_status(p);
    CHECK("session-child-killed", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    close(fds[0]);

    /* A child busy in its own code (no system calls) still takes signals:
     * a handler, then the default action. */
    pipe(fds);
    p = fork();
    if (p == 0) {
        report_fd = fds[1];
        install(SIGUSR1);
        write(fds[1], "r", 1);
        for (volatile unsigned long i = 0;; i++)
            ;
    }
    close(fds[1]);
    CHECK("spinner-ready", get(fds[0]) == 'r');
    CHECK("kill-spinner-handler", kill(p, SIGUSR1) == 0 && get(fds[0]) == 'u');
    CHECK("kill-spinner", kill(p, SIGTERM) == 0);
    st = wait_status(p);
    CHECK("spinner-killed", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    close(fds[0]);
    return check_exit_status();
}
