// ARGS: main
/* ru_maxrss as Linux keeps it: a process's largest resident set (execve
 * keeps it), and for RUSAGE_CHILDREN the largest of any child waited for or
 * of that child's own waited-for descendants; a child that ended but is not
 * waited for yet does not count, and a fork's child starts with none from
 * children.  Sizes are checked within a margin (LTP's getrusage03 allows
 * 20 MB): the libc's pages and the system's own differ. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define SLACK_KB (20 * 1024)

static long maxrss(int who)
{
    struct rusage ru;
    return getrusage(who, &ru) ? -1 : ru.ru_maxrss;
}

static int near(long kb, int mb) { return kb >= mb * 1024L - SLACK_KB && kb <= mb * 1024L + SLACK_KB; }

/* mb megabytes made resident and kept. */
static void touch_mb(int mb)
{
    char *p = malloc((size_t)mb << 20);
    if (!p)
        exit(90);
    memset(p, 1, (size_t)mb << 20);
    __asm__ volatile("" : : "r"(p) : "memory");
}

static int wait_status(pid_t p)
{
    int st = -1;
    waitpid(p, &st, 0);
    return st;
}

/* Re-executed: "touch MB", "grand MB" (a child of ours touches them), or
 * "compare SELF_KB CHILDREN_KB" (what getrusage said before the execve). */
static int as_child(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "touch")) {
        touch_mb(atoi(argv[2]));
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "grand")) {
        pid_t p = fork();
        if (p == 0) {
            touch_mb(atoi(argv[2]));
            _exit(0);
        }
        return WIFEXITED(wait_status(p)) ? 0 : 91;
    }
    if (argc == 4 && !strcmp(argv[1], "compare")) {
        long self = maxrss(RUSAGE_SELF), kids = maxrss(RUSAGE_CHILDREN);
        return labs(self - atol(argv[2])) <= SLACK_KB && kids == atol(argv[3]) ? 0 : 92;
    }
    return 93;
}

static pid_t run(char **argv, const char *what, const char *mb)
{
    pid_t p = fork();
    if (p == 0) {
        char *args[] = { argv[0], (char *)what, (char *)mb, NULL };
        execv(argv[0], args);
        _exit(94);
    }
    return p;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "main"))
        return as_child(argc, argv);
    setvbuf(stdout, NULL, _IONBF, 0);

    CHECK("children-none-yet", maxrss(RUSAGE_CHILDREN) < SLACK_KB);
    pid_t p = run(argv, "touch", "60");
    siginfo_t si;
    CHECK("ended-not-waited", waitid(P_PID, (id_t)p, &si, WEXITED | WNOWAIT) == 0 &&
                                  maxrss(RUSAGE_CHILDREN) < SLACK_KB);
    struct rusage ru;
    int st;
    CHECK("wait4-rusage", wait4(p, &st, 0, &ru) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
                              near(ru.ru_maxrss, 60));
    CHECK("children-after-wait", near(maxrss(RUSAGE_CHILDREN), 60));

    p = run(argv, "grand", "100");
    st = wait_status(p);
    CHECK("grandchild-counts", WIFEXITED(st) && WEXITSTATUS(st) == 0 && near(maxrss(RUSAGE_CHILDREN), 100));
    /* The largest stays. */
    p = run(argv, "touch", "30");
    wait_status(p);
    CHECK("largest-kept", near(maxrss(RUSAGE_CHILDREN), 100));

    p = fork();
    if (p == 0)
        _exit(maxrss(RUSAGE_CHILDREN) == 0 ? 0 : 1);
    st = wait_status(p);
    CHECK("fork-child-has-no-children", WIFEXITED(st) && WEXITSTATUS(st) == 0);

    /* A process's own figure survives its execve. */
    p = fork();
    if (p == 0) {
        touch_mb(50);
        char self[32], kids[32];
        snprintf(self, sizeof self, "%ld", maxrss(RUSAGE_SELF));
        snprintf(kids, sizeof kids, "%ld", maxrss(RUSAGE_CHILDREN));
        char *args[] = { argv[0], "compare", self, kids, NULL };
        execv(argv[0], args);
        _exit(94);
    }
    st = wait_status(p);
    CHECK("execve-keeps-self", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    touch_mb(40);
    CHECK("self-grows", maxrss(RUSAGE_SELF) >= 40 * 1024 - SLACK_KB);
    return check_exit_status();
}
