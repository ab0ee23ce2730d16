/* The core-dump bit of a wait status: set for a signal whose default action
 * dumps core once RLIMIT_CORE allows a core file, as LTP's kill11 and
 * waitpid01 expect, and never with RLIMIT_CORE 0 or for other signals.
 * Natively the core file goes where core_pattern says (with a pipe there,
 * to a helper): the check is on the status only, and the child changes
 * directory to a scratch one first.  And WNOWAIT, which leaves a status
 * for the next wait. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

/* The status of a child that kills itself with sig under a core limit of lim. */
static int status_of(int sig, rlim_t lim)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit r = { lim, RLIM_INFINITY };
        const char *dir = getenv("T_TMPFS");
        if (setrlimit(RLIMIT_CORE, &r) || (dir && chdir(dir)))
            _exit(100);
        signal(sig, SIG_DFL);
        kill(getpid(), sig);
        _exit(101);
    }
    int st = 0;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return st;
}

int main(void)
{
    static const int dumping[] = { SIGQUIT, SIGILL, SIGABRT, SIGFPE, SIGSEGV, SIGBUS, SIGSYS, SIGTRAP,
                                   SIGXCPU, SIGXFSZ };
    char name[64];
    for (size_t i = 0; i < sizeof dumping / sizeof dumping[0]; i++) {
        int sig = dumping[i];
        int st = status_of(sig, 0);
        snprintf(name, sizeof name, "no-core-%d", sig);
        CHECK(name, WIFSIGNALED(st) && WTERMSIG(st) == sig && !WCOREDUMP(st));
        st = status_of(sig, RLIM_INFINITY);
        snprintf(name, sizeof name, "core-%d", sig);
        CHECK(name, WIFSIGNALED(st) && WTERMSIG(st) == sig && WCOREDUMP(st));
    }
    int st = status_of(SIGTERM, RLIM_INFINITY);
    CHECK("sigterm-no-core", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM && !WCOREDUMP(st));
    st = status_of(SIGKILL, RLIM_INFINITY);
    CHECK("sigkill-no-core", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && !WCOREDUMP(st));
    siginfo_t si;
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };
        const char *dir = getenv("T_TMPFS");
        if (setrlimit(RLIMIT_CORE, &r) || (dir && chdir(dir)))
            _exit(100);
        abort();
    }
    CHECK("waitid-dumped", waitid(P_PID, pid, &si, WEXITED) == 0 && si.si_code == CLD_DUMPED &&
                           si.si_status == SIGABRT);

    pid = fork();
    if (pid == 0)
        _exit(7);
    CHECK("wnowait", waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == pid &&
                     si.si_code == CLD_EXITED && si.si_status == 7);
    CHECK("wnowait-any-again", waitid(P_ALL, 0, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == pid);
    CHECK("wait4-wnowait-einval", FAILS_WITH(wait4(pid, &st, WNOWAIT, NULL), EINVAL));
    CHECK("wait-after-wnowait", waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7);
    CHECK("reaped-once", FAILS_WITH(waitpid(pid, &st, WNOHANG), ECHILD));
    return check_exit_status();
}
