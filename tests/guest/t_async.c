/* O_ASYNC: F_SETFL O_ASYNC on a pipe's read end, with F_SETOWN (the process,
 * its group), F_SETOWN_EX and F_SETSIG: a write into the pipe, by this
 * process or a child, sends the owner SIGIO (si_code SI_KERNEL), or the
 * F_SETSIG signal with si_fd, si_band and POLL_IN; no owner, no signal.
 * The same on a FIFO.  The waits are bounded sigtimedwait calls, never pauses. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define WAIT_S 20

static sigset_t set;

static int exit_status(pid_t pid)
{
    int st = -1;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Writes a byte into wr, from a child when by_child; -> the signal that came. */
static int provoke(int wr, bool by_child, siginfo_t *si)
{
    if (by_child) {
        pid_t c = fork();
        if (c == 0)
            _exit(write(wr, "c", 1) == 1 ? 0 : 1);
        if (exit_status(c) != 0)
            return -2;
    } else if (write(wr, "s", 1) != 1) {
        return -3;
    }
    struct timespec t = { WAIT_S, 0 };
    return sigtimedwait(&set, si, &t);
}

static void drain(int rd)
{
    char c;
    while (read(rd, &c, 1) == 1) {
    }
}

static void on_ends(const char *what, int rd, int wr)
{
    char n[64];
    siginfo_t si;
    CHECK("nonblock", fcntl(rd, F_SETFL, O_NONBLOCK) == 0);
    snprintf(n, sizeof n, "%s-setfl-async", what);
    CHECK(n, fcntl(rd, F_SETFL, O_ASYNC | O_NONBLOCK) == 0);
    snprintf(n, sizeof n, "%s-getfl", what);
    CHECK(n, (fcntl(rd, F_GETFL) & (O_ASYNC | O_NONBLOCK)) == (O_ASYNC | O_NONBLOCK));
    snprintf(n, sizeof n, "%s-owner-none", what);
    CHECK(n, fcntl(rd, F_GETOWN) == 0);

    CHECK("setown", fcntl(rd, F_SETOWN, getpid()) == 0);
    int got = provoke(wr, false, &si);
    snprintf(n, sizeof n, "%s-sigio-self", what);
    CHECK(n, got == SIGIO && si.si_code == SI_KERNEL);
    drain(rd);
    got = provoke(wr, true, &si);
    snprintf(n, sizeof n, "%s-sigio-child", what);
    CHECK(n, got == SIGIO);
    drain(rd);

    CHECK("setsig", fcntl(rd, F_SETSIG, SIGUSR1) == 0 && fcntl(rd, F_GETSIG) == SIGUSR1);
    got = provoke(wr, true, &si);
    snprintf(n, sizeof n, "%s-setsig", what);
    CHECK(n, got == SIGUSR1 && si.si_fd == rd && si.si_code == POLL_IN && (si.si_band & POLLIN));
    drain(rd);

    CHECK("setsig-rt", fcntl(rd, F_SETSIG, SIGRTMIN + 2) == 0);
    CHECK("setown-group", fcntl(rd, F_SETOWN, -getpgrp()) == 0 && fcntl(rd, F_GETOWN) == -getpgrp());
    got = provoke(wr, false, &si);
    snprintf(n, sizeof n, "%s-group", what);
    CHECK(n, got == SIGRTMIN + 2 && si.si_fd == rd);
    drain(rd);

    struct f_owner_ex ex = { F_OWNER_PID, getpid() }, back;
    CHECK("setown-ex", fcntl(rd, F_SETOWN_EX, &ex) == 0 && fcntl(rd, F_GETOWN_EX, &back) == 0 &&
                           back.type == F_OWNER_PID && back.pid == getpid());
    CHECK("setsig-default", fcntl(rd, F_SETSIG, 0) == 0);
    got = provoke(wr, true, &si);
    snprintf(n, sizeof n, "%s-owner-ex", what);
    CHECK(n, got == SIGIO);
    drain(rd);

    /* Off: the next signal is the marker's, not the pipe's. */
    CHECK("async-off", fcntl(rd, F_SETFL, O_NONBLOCK) == 0 && !(fcntl(rd, F_GETFL) & O_ASYNC));
    CHECK("write-quiet", write(wr, "q", 1) == 1);
    kill(getpid(), SIGUSR2);
    struct timespec t = { WAIT_S, 0 };
    snprintf(n, sizeof n, "%s-off", what);
    CHECK(n, sigtimedwait(&set, &si, &t) == SIGUSR2);
    drain(rd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    /* A group of its own: the group's signal must reach no harness. */
    setpgid(0, 0);
    sigemptyset(&set);
    sigaddset(&set, SIGIO);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGRTMIN + 2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int p[2];
    CHECK("pipe", pipe(p) == 0);
    on_ends("pipe", p[0], p[1]);
    close(p[0]);
    close(p[1]);

    char fifo[PATH_MAX];
    snprintf(fifo, sizeof fifo, "%s/asyncfifo", getenv("T_TMPFS"));
    unlink(fifo);
    CHECK("mkfifo", mkfifo(fifo, 0644) == 0);
    int rd = open(fifo, O_RDONLY | O_NONBLOCK), wr = open(fifo, O_WRONLY);
    CHECK("fifo-open", rd >= 0 && wr >= 0);
    on_ends("fifo", rd, wr);
    close(rd);
    close(wr);
    unlink(fifo);
    return check_exit_status();
}
