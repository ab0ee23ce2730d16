// Waits by process group: waitpid(0) takes only children in the caller's group,
// waitpid(-pgid) and waitid(P_PGID) only those in group pgid, ECHILD when the
// group has no child of ours (even if other children live), and a child that
// moves to another group after the fork is waited for in its new group.
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

/* A child in its own group (setpgid on both sides: no race) that exits with
 * code once go[0] has a byte. */
static pid_t child_in_own_group(int code, int go)
{
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        char c;
        if (read(go, &c, 1) != 1)
            _exit(99);
        _exit(code);
    }
    setpgid(pid, pid);
    return pid;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int go_a[2], go_b[2];
    if (pipe(go_a) || pipe(go_b))
        return 1;
    pid_t a = child_in_own_group(3, go_a[0]);
    pid_t b = fork();
    if (b == 0) {
        char c;
        _exit(read(go_b[0], &c, 1) == 1 ? 4 : 99);
    }
    int st = 0;
    CHECK("own-group-nohang-none-yet", waitpid(0, &st, WNOHANG) == 0);
    CHECK("group-nohang-none-yet", waitpid(-a, &st, WNOHANG) == 0);
    CHECK("group-without-children", waitpid(-getpid() - 1000000, &st, WNOHANG) == -1 && errno == ECHILD);

    /* b (our group) ends; a wait for a's group does not take it. */
    write(go_b[1], "x", 1);
    usleep(200000);
    CHECK("other-group-not-taken", waitpid(-a, &st, WNOHANG) == 0);
    CHECK("own-group-takes-b", waitpid(0, &st, 0) == b && WIFEXITED(st) && WEXITSTATUS(st) == 4);
    CHECK("own-group-now-empty", waitpid(0, &st, WNOHANG) == -1 && errno == ECHILD);

    /* a ends: found by its group, blocking. */
    write(go_a[1], "x", 1);
    CHECK("group-takes-a", waitpid(-a, &st, 0) == a && WIFEXITED(st) && WEXITSTATUS(st) == 3);
    CHECK("group-now-empty", waitpid(-a, &st, WNOHANG) == -1 && errno == ECHILD);

    /* waitid by group, and 0 for our own group. */
    int go_c[2];
    if (pipe(go_c))
        return 1;
    pid_t c = child_in_own_group(5, go_c[0]);
    siginfo_t si = { 0 };
    CHECK("waitid-group-nohang", waitid(P_PGID, (id_t)c, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0);
    CHECK("waitid-own-group-empty", waitid(P_PGID, 0, &si, WEXITED | WNOHANG) == -1 && errno == ECHILD);
    write(go_c[1], "x", 1);
    CHECK("waitid-group", waitid(P_PGID, (id_t)c, &si, WEXITED) == 0 && si.si_pid == c &&
                              si.si_code == CLD_EXITED && si.si_status == 5);
    CHECK("all-gone", wait(&st) == -1 && errno == ECHILD);
    return check_exit_status();
}
