// PICOVM-ONLY
// MANIFEST: sys.max_processes = 8
/* A fork bomb stops at the manifest's sys.max_processes with EAGAIN, the
 * application keeps working, and every child is reaped.  The children wait
 * for the end of the bomb (EOF on a pipe), not for a while: one that ended
 * early would give its slot to another fork, however slow the host. */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int made = 0, err = 0, done[2];
    if (pipe(done))
        return 1;
    for (int i = 0; i < 100; i++) {
        pid_t p = fork();
        if (p == 0) {
            char c;
            close(done[1]);
            _exit(read(done[0], &c, 1) == 0 ? 0 : 1);
        }
        if (p < 0) {
            err = errno;
            break;
        }
        made++;
    }
    close(done[1]);
    printf("children before the limit: %d, then %s\n", made, err == EAGAIN ? "EAGAIN" : "something else");
    int reaped = 0, st;
    while (wait(&st) > 0)
        reaped += WIFEXITED(st) && WEXITSTATUS(st) == 0;
    printf("reaped: %d\n", reaped);
    pid_t p = fork();
    if (p == 0)
        _exit(0);
    printf("fork after the children ended: %s\n", p > 0 && waitpid(p, &st, 0) == p ? "works" : "fails");
    return 0;
}
