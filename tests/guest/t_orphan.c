// PICOVM-ONLY
// MANIFEST: picovm.init = false
/* Without the init (picovm.init = false) the first process is pid 1 and
 * orphans go to it, as in a container's PID namespace without --init (so no
 * native run: natively the host's init adopts them): a grandchild whose
 * parent ended sees getppid() == 1, and pid 1 (this program) reaps it with
 * its exit status.  t_init tests the default. */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "orphan.h"

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("first process is pid %d\n", (int)getpid());
    int report[2];
    if (pipe(report))
        return 1;
    pid_t child = orphan_make(report[1]);
    int st;
    pid_t w = waitpid(child, &st, 0);
    printf("middle process ended: %s\n", w == child && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "yes" : "no");
    w = wait(&st);
    printf("adopted orphan reaped: %s, status %d (5: it saw pid 1 as its parent)\n",
           w > 0 && w != child ? "yes" : "no", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    printf("then no children: %s\n", wait(&st) == -1 && errno == ECHILD ? "ECHILD" : "more");
    return 0;
}
