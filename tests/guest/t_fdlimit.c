/* RLIMIT_NOFILE bounds the descriptor table: every call that makes a
 * descriptor fails with EMFILE at the soft limit, F_DUPFD past it with
 * EINVAL, dup2 onto it with EBADF; getdtablesize and sysconf follow it.
 * Then a table of 1024 filled with pipes: every descriptor is a host file of
 * the monitor, which must not run out first. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "check.h"

#define SMALL 16

/* Opens /dev/null until EMFILE: the lowest descriptor that failed to come. */
static int fill(void)
{
    int fd, last = -1;
    while ((fd = open("/dev/null", O_RDONLY)) >= 0)
        last = fd;
    return errno == EMFILE ? last + 1 : -1;
}

static void close_from(int first, int end)
{
    for (int fd = first; fd < end; fd++)
        close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct rlimit old, lim;
    CHECK("getrlimit", getrlimit(RLIMIT_NOFILE, &old) == 0 && old.rlim_max >= 1024);
    lim = (struct rlimit){ SMALL, old.rlim_max };
    CHECK("lower-soft", setrlimit(RLIMIT_NOFILE, &lim) == 0);
    CHECK("getdtablesize", getdtablesize() == SMALL);
    CHECK("sysconf-open-max", sysconf(_SC_OPEN_MAX) == SMALL);
    int first = open("/dev/null", O_RDONLY);
    close(first);
    CHECK("fill-to-limit", fill() == SMALL);
    int p[2];
    CHECK("open-emfile", FAILS_WITH(open("/dev/null", O_RDONLY), EMFILE));
    CHECK("creat-emfile", FAILS_WITH(creat("/dev/null", 0644), EMFILE));
    CHECK("dup-emfile", FAILS_WITH(dup(0), EMFILE));
    CHECK("dupfd-emfile", FAILS_WITH(fcntl(0, F_DUPFD, 1), EMFILE));
    CHECK("dupfd-at-limit-einval", FAILS_WITH(fcntl(0, F_DUPFD, SMALL), EINVAL));
    CHECK("dupfd-cloexec-at-limit-einval", FAILS_WITH(fcntl(0, F_DUPFD_CLOEXEC, SMALL), EINVAL));
    CHECK("dup2-at-limit-ebadf", FAILS_WITH(dup2(0, SMALL), EBADF));
    CHECK("dup3-at-limit-ebadf", FAILS_WITH(dup3(0, SMALL, O_CLOEXEC), EBADF));
    CHECK("dup2-below-limit", dup2(0, SMALL - 1) == SMALL - 1);
    close(SMALL - 1);
    CHECK("pipe-one-free-emfile", FAILS_WITH(pipe(p), EMFILE));
    CHECK("one-free-open", open("/dev/null", O_RDONLY) == SMALL - 1);
    close_from(first, SMALL);
    CHECK("raise-soft-again", setrlimit(RLIMIT_NOFILE, &old) == 0 && getdtablesize() == (int)old.rlim_cur);
    CHECK("dupfd-past-small", fcntl(0, F_DUPFD, SMALL) == SMALL);
    close(SMALL);

    /* 1024, Linux's default soft limit: all of it pipes. */
    lim = (struct rlimit){ 1024, old.rlim_max };
    CHECK("soft-1024", setrlimit(RLIMIT_NOFILE, &lim) == 0);
    int pipes = 0;
    while (pipe(p) == 0)
        pipes++;
    CHECK("pipes-until-emfile", errno == EMFILE);
    CHECK("pipes-fill-the-table", pipes == (1024 - first) / 2);
    close_from(first, 1024);
    CHECK("fill-1024-files", fill() == 1024);
    close_from(first, 1024);
    return check_exit_status();
}
