// PICOVM-ONLY
// EXPECT-EXIT: 3
// The first process ends while its child lives on: as on a host, the child
// finishes its work and its output is not lost; picovm returns when the
// last process has ended, with the first one's status.  The child learns of
// its parent's end from a pipe (the parent's end closes with it) and then
// writes; its parent is pid 1, which adopts it, as an orphan's.
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    if (pipe(p))
        return 1;
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        close(p[1]);
        char c;
        ssize_t n = read(p[0], &c, 1);   /* 0: every write end closed, the parent's too */
        const char *msg = n == 0 ? "child outlived its parent\n" : "FAIL child read something\n";
        (void)!write(1, msg, strlen(msg));
        return 0;
    }
    close(p[0]);
    (void)!write(1, "parent done\n", 12);
    return 3;
}
