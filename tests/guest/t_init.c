// PICOVM-ONLY
/* By default the program is pid 2 under an init (pid 1), as with `docker run
 * --init` (so no native run: natively the ids are the host's): its parent is
 * pid 1, which it cannot signal; it is its own group in the init's session;
 * an orphan goes to the init, which reaps it, so the program never waits
 * for it; /proc shows the init.  t_orphan tests picovm.init = false. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "orphan.h"

static const char *yes(int c) { return c ? "yes" : "no"; }

static int proc_stat_has(int pid, const char *what)
{
    char path[64], buf[512] = "";
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n > 0 && strstr(buf, what) != NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("pid %d, parent %d\n", (int)getpid(), (int)getppid());
    printf("group %d, session %d; init's group %d, session %d\n", (int)getpgid(0), (int)getsid(0),
           (int)getpgid(1), (int)getsid(1));
    printf("setsid as a group leader: %s\n", setsid() < 0 && errno == EPERM ? "EPERM" : "succeeded");
    printf("/proc/1/stat names the init: %s\n", yes(proc_stat_has(1, "1 (init) S 0 1 1")));
    printf("kill(1, 0): %d; kill(1, SIGKILL): %d, and we live on\n", kill(1, 0), kill(1, SIGKILL));
    printf("kill(1, 99): %s\n", kill(1, 99) < 0 && errno == EINVAL ? "EINVAL" : "other");

    int back[2];
    if (pipe(back))
        return 1;
    pid_t child = orphan_make(back[1]);
    close(back[1]);
    int st;
    pid_t w = waitpid(child, &st, 0);
    printf("middle process ended: %s\n", yes(w == child && WIFEXITED(st) && WEXITSTATUS(st) == 0));
    /* Two ints, each written whole (at most PIPE_BUF: one piece each). */
    int gc = 0, ppid = 0;
    if (read(back[0], &gc, sizeof gc) != sizeof gc || read(back[0], &ppid, sizeof ppid) != sizeof ppid)
        return 1;
    printf("the orphan's parent is the init: %s\n", yes(ppid == 1));
    printf("the orphan is not ours to wait for: %s\n", wait(&st) == -1 && errno == ECHILD ? "ECHILD" : "ours");
    /* The init reaps it: its /proc entry goes once it has ended. */
    char path[64];
    snprintf(path, sizeof path, "/proc/%d", gc);
    struct stat sb;
    int gone = 0;
    for (int i = 0; i < 1000 && !gone; i++) {
        gone = stat(path, &sb) < 0 && errno == ENOENT;
        if (!gone)
            usleep(10000);
    }
    printf("the init reaped it: %s\n", yes(gone));
    return 0;
}
