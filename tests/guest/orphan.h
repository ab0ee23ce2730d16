/* An orphan, for the tests of who adopts one (t_init, t_orphan). */
#ifndef ORPHAN_H
#define ORPHAN_H

#include <unistd.h>

/* Forks a middle process that forks a grandchild, writes the grandchild's
 * pid (an int) on report and ends.  The grandchild waits for the middle
 * process to be gone and for its adoption by pid 1 (whose word may come
 * just after), writes its getppid() (an int) on report and exits with 5
 * if that is 1, else 6.  -> the middle process's pid. */
static pid_t orphan_make(int report)
{
    int link[2];
    if (pipe(link))
        return -1;
    pid_t middle = fork();
    if (middle == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            close(link[1]);
            char c;
            if (read(link[0], &c, 1) != 0)   /* EOF: the middle process is gone */
                _exit(9);
            for (int i = 0; i < 1000 && getppid() != 1; i++)
                usleep(10000);
            int ppid = getppid();
            _exit(write(report, &ppid, sizeof ppid) == sizeof ppid && ppid == 1 ? 5 : 6);
        }
        int gc = (int)grandchild;
        _exit(grandchild > 0 && write(report, &gc, sizeof gc) == sizeof gc ? 0 : 1);
    }
    close(link[0]);
    close(link[1]);
    return middle;
}

#endif
