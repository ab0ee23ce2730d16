// ARGS: main
/* fork, vfork, posix_spawn, execve and the wait calls: exit statuses,
 * deaths by signal, WNOHANG, waiting for a given child or any child, memory
 * copied (not shared) between parent and child, and #! scripts. */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

extern char **environ;
static int shared_looking = 1;

/* Re-executed as a child program: "exit N" or "abort". */
static int as_child(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "exit"))
        return atoi(argv[2]);
    if (argc > 1 && !strcmp(argv[1], "abort"))
        abort();
    if (argc > 1 && !strcmp(argv[1], "args")) {
        for (int i = 2; i < argc; i++)
            printf("arg %s\n", argv[i]);
        fflush(stdout);
        return 0;
    }
    return 100;
}

static int wait_status(pid_t pid)
{
    int st = -1;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return st;
}

int main(int argc, char **argv)
{
    /* Started with an empty argv: Linux (since 5.18) makes it {""}. */
    if (argc < 2)
        return argc == 1 && !argv[0][0] ? 33 : 34;
    if (strcmp(argv[1], "main"))
        return as_child(argc, argv);
    setvbuf(stdout, NULL, _IONBF, 0);

    pid_t p = fork();
    if (p == 0)
        _exit(7);
    int st = wait_status(p);
    CHECK("fork-exit-status", p > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 7);

    p = fork();
    if (p == 0) {
        shared_looking = 2;
        _exit(shared_looking);
    }
    st = wait_status(p);
    CHECK("memory-is-copied", WEXITSTATUS(st) == 2 && shared_looking == 1);

    p = fork();
    if (p == 0) {
        CHECK("child-getppid-is-parent", getppid() > 0);
        _exit(getpid() == getppid() ? 1 : 0);
    }
    st = wait_status(p);
    CHECK("child-has-own-pid", WIFEXITED(st) && WEXITSTATUS(st) == 0);

    p = fork();
    if (p == 0)
        raise(SIGKILL);
    st = wait_status(p);
    CHECK("child-killed-by-signal", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

    p = fork();
    if (p == 0) {
        char *args[] = { argv[0], "abort", NULL };
        execve(argv[0], args, environ);
        _exit(99);
    }
    st = wait_status(p);
    CHECK("exec-then-abort", WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);

    p = fork();
    if (p == 0) {
        char *args[] = { argv[0], "exit", "42", NULL };
        execve(argv[0], args, environ);
        _exit(99);
    }
    st = wait_status(p);
    CHECK("exec-exit-status", WIFEXITED(st) && WEXITSTATUS(st) == 42);

    /* By a relative name: the new program's /proc/self/exe is still absolute
     * (glibc's start-up asserts it). */
    p = fork();
    if (p == 0) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", argv[0]);
        char *slash = strrchr(dir, '/');
        if (slash) {
            *slash = 0;
            chdir(*dir ? dir : "/");
        }
        char *args[] = { "relative", "exit", "43", NULL };
        execve(slash ? slash + 1 : argv[0], args, environ);
        _exit(99);
    }
    st = wait_status(p);
    CHECK("exec-by-relative-name", WIFEXITED(st) && WEXITSTATUS(st) == 43);

    p = fork();
    if (p == 0) {
        char *none[] = { NULL };
        execve(argv[0], none, environ);
        _exit(99);
    }
    st = wait_status(p);
    CHECK("exec-empty-argv-gets-one-empty-arg", WIFEXITED(st) && WEXITSTATUS(st) == 33);

    p = vfork();
    if (p == 0) {
        char *args[] = { argv[0], "exit", "5", NULL };
        execve(argv[0], args, environ);
        _exit(99);
    }
    st = wait_status(p);
    CHECK("vfork-exec", WIFEXITED(st) && WEXITSTATUS(st) == 5);

    /* The vfork parent is suspended until its child execs or ends: the
     * child's byte comes first, however long the child takes. */
    int order[2];
    pipe(order);
    p = vfork();
    if (p == 0) {
        struct timespec pause = { 0, 50000000 };
        nanosleep(&pause, NULL);
        write(order[1], "c", 1);
        char *args[] = { argv[0], "exit", "6", NULL };
        execve(argv[0], args, environ);
        _exit(99);
    }
    write(order[1], "p", 1);
    char got[3] = { 0 };
    read(order[0], got, 2);
    st = wait_status(p);
    CHECK("vfork-parent-waits-for-exec", !strcmp(got, "cp") && WIFEXITED(st) && WEXITSTATUS(st) == 6);
    p = vfork();
    if (p == 0) {
        struct timespec pause = { 0, 50000000 };
        nanosleep(&pause, NULL);
        write(order[1], "e", 1);
        _exit(7);
    }
    write(order[1], "p", 1);
    read(order[0], got, 2);
    st = wait_status(p);
    CHECK("vfork-parent-waits-for-exit", !strcmp(got, "ep") && WIFEXITED(st) && WEXITSTATUS(st) == 7);
    close(order[0]);
    close(order[1]);

    /* Checked after the wait: the child prints too. */
    char *sargs[] = { argv[0], "args", "one", "two", NULL };
    int spawned = posix_spawn(&p, argv[0], NULL, NULL, sargs, environ) == 0;
    st = spawned ? wait_status(p) : -1;
    CHECK("posix_spawn", spawned);
    CHECK("posix_spawn-status", WIFEXITED(st) && WEXITSTATUS(st) == 0);

    CHECK("execve-enoent", execve("/no/such/program", sargs, environ) == -1 && errno == ENOENT);

    pid_t a = fork();
    if (a == 0)
        _exit(11);
    pid_t b = fork();
    if (b == 0)
        _exit(12);
    int seen = 0;
    for (int i = 0; i < 2; i++) {
        pid_t w = wait(&st);
        if (w == a && WEXITSTATUS(st) == 11)
            seen |= 1;
        if (w == b && WEXITSTATUS(st) == 12)
            seen |= 2;
    }
    CHECK("wait-any-two-children", seen == 3);
    CHECK("wait-no-children-echild", wait(&st) == -1 && errno == ECHILD);

    p = fork();
    if (p == 0) {
        usleep(100000);
        _exit(0);
    }
    CHECK("wnohang-running", waitpid(p, &st, WNOHANG) == 0);
    CHECK("waitpid-after", wait_status(p) == 0);

    siginfo_t si;
    p = fork();
    if (p == 0)
        _exit(3);
    memset(&si, 0, sizeof(si));
    CHECK("waitid", waitid(P_PID, p, &si, WEXITED) == 0 && si.si_pid == p && si.si_code == CLD_EXITED &&
                        si.si_status == 3);
    return check_exit_status();
}
