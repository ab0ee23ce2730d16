// Children of a process that ignores SIGCHLD (SIG_IGN, or SA_NOCLDWAIT with a
// handler) are reaped on their own, as Linux does: no zombie (kill(pid, 0)
// finds nothing once the child ended, as LTP's TST_PROCESS_EXIT_WAIT looks),
// waitpid is ECHILD, a blocking wait returns ECHILD once the last child ended,
// and their CPU time and resident set are not RUSAGE_CHILDREN's.  A handler
// still gets SIGCHLD; back to SIG_DFL, a child is a zombie for wait again.
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* Polls kill(pid, 0) until pid is gone: 1 if it went within 10 s. */
static int gone(pid_t pid)
{
    for (int i = 0; i < 10000; i++) {
        if (kill(pid, 0) == -1 && errno == ESRCH)
            return 1;
        usleep(1000);
    }
    return 0;
}

/* A child that touches 16 MB, spins 100 ms of CPU and exits with 3. */
static pid_t busy_child(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *p = malloc(16 << 20);
        if (p)
            memset(p, 1, 16 << 20);
        struct timespec t0, t;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        do
            clock_gettime(CLOCK_MONOTONIC, &t);
        while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 100000000L);
        _exit(3);
    }
    return pid;
}

static volatile sig_atomic_t sigchld_seen;
static void on_sigchld(int sig) { (void)sig, sigchld_seen = 1; }

int main(int argc, char **argv)
{
    if (argc > 1)
        return 3;   /* the exec'd child */
    struct rusage before, after;
    getrusage(RUSAGE_CHILDREN, &before);

    signal(SIGCHLD, SIG_IGN);
    pid_t pid = busy_child();
    CHECK("ignored-child-leaves-no-zombie", pid > 0 && gone(pid));
    CHECK("ignored-child-waitpid-echild", FAILS_WITH(waitpid(pid, NULL, 0), ECHILD));
    getrusage(RUSAGE_CHILDREN, &after);
    CHECK("ignored-child-time-not-counted", after.ru_utime.tv_sec == before.ru_utime.tv_sec &&
                                            after.ru_utime.tv_usec == before.ru_utime.tv_usec);
    CHECK("ignored-child-maxrss-not-counted", after.ru_maxrss == before.ru_maxrss);

    pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", argv[0], "child", (char *)NULL);
        _exit(127);
    }
    CHECK("ignored-execed-child-leaves-no-zombie", pid > 0 && gone(pid));

    pid = fork();
    if (pid == 0) {
        usleep(200000);
        _exit(0);
    }
    CHECK("wait-echild-after-the-last-child", FAILS_WITH(wait(NULL), ECHILD) && kill(pid, 0) == -1 && errno == ESRCH);

    struct sigaction sa = { .sa_handler = on_sigchld, .sa_flags = SA_NOCLDWAIT };
    sigaction(SIGCHLD, &sa, NULL);
    pid = fork();
    if (pid == 0)
        _exit(0);
    CHECK("nocldwait-leaves-no-zombie", pid > 0 && gone(pid));
    CHECK("nocldwait-waitpid-echild", FAILS_WITH(waitpid(pid, NULL, WNOHANG), ECHILD));
    for (int i = 0; i < 1000 && !sigchld_seen; i++)
        usleep(1000);
    CHECK("nocldwait-handler-gets-sigchld", sigchld_seen);

    signal(SIGCHLD, SIG_DFL);
    pid = fork();
    if (pid == 0)
        _exit(5);
    int st;
    CHECK("default-child-is-waited-for", waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 5);
    return check_exit_status();
}
