// ARGS: main
/* Many children released at once, each exec'ing a program that asks about
 * other processes (as LTP's execve05 does with 32): every one runs to its
 * end.  Under picovm they all connect to the first process together, which
 * refuses some for a while; none may take that for its death. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define CHILDREN 40

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "child")) {
        /* The parent's group and session (ours, inherited), another
         * process's: asked of others.  A session may be 0 (a process the
         * kernel's init started without one). */
        pid_t parent = (pid_t)atoi(argv[2]);
        return getpgid(parent) == getpgid(0) && getsid(parent) == getsid(0) && getppid() == parent ? 0 : 1;
    }
    if (argc < 2 || strcmp(argv[1], "main"))
        return 2;
    setvbuf(stdout, NULL, _IONBF, 0);
    int go[2];
    CHECK("pipe", pipe(go) == 0);
    char self[16];
    snprintf(self, sizeof self, "%d", (int)getpid());
    int forked = 0;
    for (int i = 0; i < CHILDREN; i++) {
        pid_t p = fork();
        if (p == 0) {
            char c;
            close(go[1]);
            if (read(go[0], &c, 1) != 0)   /* EOF: all of them go */
                _exit(3);
            char *args[] = { argv[0], "child", self, NULL };
            execv(argv[0], args);
            _exit(4);
        }
        forked += p > 0;
    }
    CHECK("forked", forked == CHILDREN);
    close(go[0]);
    close(go[1]);
    int ok = 0, st;
    while (wait(&st) > 0)
        ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
    CHECK("all-ran-to-their-end", ok == CHILDREN);
    return check_exit_status();
}
