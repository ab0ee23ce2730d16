/* fcntl's pipe sizes, leases and owners, as Linux answers a single process. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int p[2];
    CHECK("pipe", pipe(p) == 0);
    CHECK("getpipe-default", fcntl(p[0], F_GETPIPE_SZ) == 65536);
    CHECK("setpipe", fcntl(p[1], F_SETPIPE_SZ, 8192) == 8192);
    CHECK("getpipe-other-end", fcntl(p[0], F_GETPIPE_SZ) == 8192);
    CHECK("setpipe-rounds-up", fcntl(p[1], F_SETPIPE_SZ, 1) == 4096);
    CHECK("setpipe-max", fcntl(p[1], F_SETPIPE_SZ, 1 << 20) == 1 << 20);
    /* Rounding comes before the limit: a size past 2^31 cannot be rounded. */
    CHECK("setpipe-unroundable", FAILS_WITH(fcntl(p[1], F_SETPIPE_SZ, (1u << 31) + 1), EINVAL));
    CHECK("setpipe-busy", write(p[1], "x", 1) == 1 && fcntl(p[1], F_SETPIPE_SZ, 4096) == 4096);

    char path[4096];
    snprintf(path, sizeof path, "%s/f", getenv("T_RW"));
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("getpipe-not-pipe", FAILS_WITH(fcntl(fd, F_GETPIPE_SZ), EBADF));
    CHECK("getlease-none", fcntl(fd, F_GETLEASE) == F_UNLCK);
    CHECK("rdlease-on-writable", FAILS_WITH(fcntl(fd, F_SETLEASE, F_RDLCK), EAGAIN));
    CHECK("lease-bad-type", FAILS_WITH(fcntl(fd, F_SETLEASE, 7), EINVAL));
    CHECK("lease-on-pipe", FAILS_WITH(fcntl(p[0], F_SETLEASE, F_RDLCK), EINVAL));
    int rd = open(path, O_RDONLY);
    CHECK("rdlease-while-writer", FAILS_WITH(fcntl(rd, F_SETLEASE, F_RDLCK), EAGAIN));
    close(fd);
    fd = rd;
    CHECK("rdlease", fcntl(rd, F_SETLEASE, F_RDLCK) == 0);
    CHECK("getlease-rd", fcntl(rd, F_GETLEASE) == F_RDLCK);
    CHECK("unlease", fcntl(rd, F_SETLEASE, F_UNLCK) == 0 && fcntl(rd, F_GETLEASE) == F_UNLCK);

    struct f_owner_ex o = { .type = F_OWNER_PID, .pid = getpid() }, got = { 0 };
    CHECK("setown-ex", fcntl(fd, F_SETOWN_EX, &o) == 0);
    CHECK("getown-ex", fcntl(fd, F_GETOWN_EX, &got) == 0 && got.type == F_OWNER_PID && got.pid == getpid());
    CHECK("getown", fcntl(fd, F_GETOWN) == getpid());
    o.type = 9;
    CHECK("setown-ex-bad-type", FAILS_WITH(fcntl(fd, F_SETOWN_EX, &o), EINVAL));
    CHECK("setown-ex-efault", FAILS_WITH(fcntl(fd, F_SETOWN_EX, (void *)8), EFAULT));
    CHECK("setown-pgrp", fcntl(fd, F_SETOWN, -getpgrp()) == 0);
    CHECK("getown-pgrp", fcntl(fd, F_GETOWN) == -getpgrp());
    CHECK("getsig-default", fcntl(fd, F_GETSIG) == 0);
    CHECK("setsig", fcntl(fd, F_SETSIG, SIGUSR1) == 0 && fcntl(fd, F_GETSIG) == SIGUSR1);
    CHECK("setsig-65-einval", FAILS_WITH(fcntl(fd, F_SETSIG, 65), EINVAL));
    CHECK("setsig-0", fcntl(fd, F_SETSIG, 0) == 0 && fcntl(fd, F_GETSIG) == 0);
    return check_exit_status();
}
