// Pipes between a parent and its children: data both ways, end of file only
// when the last writer anywhere closes, blocking reads and writes that wait
// for the other process (a transfer far bigger than the pipe), poll woken
// by another process, PIPE_BUF writes from two children never interleaved,
// and a child killed by SIGPIPE.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define BIG (1 << 20)

static char buf[PIPE_BUF * 4];

static int wait_status(pid_t pid)
{
    int st = -1;
    return waitpid(pid, &st, 0) == pid ? st : -1;
}

static int exited_ok(pid_t pid)
{
    int st = wait_status(pid);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Reads until end of file: -> bytes, or -1. */
static long read_all(int fd, char *out, size_t size)
{
    size_t got = 0;
    for (;;) {
        ssize_t n = read(fd, out + got, size - got);
        if (n < 0)
            return -1;
        if (n == 0 || (got += (size_t)n) == size)
            return (long)got;
    }
}

static void sleep_ms(int ms)
{
    struct timespec ts = { 0, ms * 1000000L };
    nanosleep(&ts, NULL);
}

/* pipe(), reported as a failed check when it fails: -> 0, or -1. */
static int new_pipe(int p[2])
{
    if (pipe(p) == 0)
        return 0;
    CHECK("pipe", 0);
    return -1;
}

static void child_to_parent(void)
{
    int p[2];
    if (new_pipe(p))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        /* The parent is blocked in read by now, most likely. */
        sleep_ms(20);
        _exit(write(p[1], "hello from child", 16) == 16 ? 0 : 1);
    }
    /* While the parent's own write end is open, the child's exit is no end of file. */
    CHECK("blocking-read-from-child", read(p[0], buf, sizeof buf) == 16 && memcmp(buf, "hello from child", 16) == 0);
    CHECK("child-exit", exited_ok(pid));
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    CHECK("no-eof-while-parent-writes", read(p[0], buf, 1) == -1 && errno == EAGAIN);
    close(p[1]);
    CHECK("eof-after-last-writer", read(p[0], buf, 1) == 0);
    close(p[0]);
}

static void parent_to_child(void)
{
    int down[2], up[2];
    if (new_pipe(down) || new_pipe(up))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        /* Counts and sums everything until end of file, then reports. */
        static char in[BIG];
        long n = read_all(down[0], in, sizeof in);
        uint32_t sum = 0;
        for (long i = 0; i < n; i++)
            sum = sum * 31 + (unsigned char)in[i];
        char msg[64];
        int len = snprintf(msg, sizeof msg, "%ld %u", n, sum);
        _exit(write(up[1], msg, (size_t)len) == len ? 0 : 1);
    }
    close(down[0]);
    close(up[1]);
    /* Sixteen times the pipe's capacity: the writes wait for the child to read. */
    static char out[BIG];
    uint32_t sum = 0;
    for (long i = 0; i < BIG; i++) {
        out[i] = (char)(i * 7 + i / 4096);
        sum = sum * 31 + (unsigned char)out[i];
    }
    CHECK("big-blocking-write", write(down[1], out, BIG) == BIG);
    close(down[1]);
    char want[64], got[64] = { 0 };
    snprintf(want, sizeof want, "%d %u", BIG, sum);
    long n = read_all(up[0], got, sizeof got - 1);
    CHECK("child-got-it-all", n > 0 && strcmp(got, want) == 0);
    CHECK("child-exit", exited_ok(pid));
    close(up[0]);
}

static void poll_woken(void)
{
    int p[2];
    if (new_pipe(p))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        sleep_ms(20);
        write(p[1], "x", 1);
        sleep_ms(20);
        _exit(0);
    }
    close(p[1]);
    struct pollfd fd = { p[0], POLLIN, 0 };
    CHECK("poll-woken-by-child", poll(&fd, 1, 5000) == 1 && fd.revents == POLLIN);
    read(p[0], buf, 1);
    CHECK("poll-hup-when-child-exits", poll(&fd, 1, 5000) == 1 && fd.revents == POLLHUP);
    CHECK("child-exit", exited_ok(pid));
    close(p[0]);
}

/* Two children write whole PIPE_BUF records of their own letter at once. */
static void atomic_writers(void)
{
    int p[2];
    if (new_pipe(p))
        return;
    enum { RECORDS = 64 };
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        if ((kids[k] = fork()) == 0) {
            close(p[0]);
            memset(buf, 'a' + k, PIPE_BUF);
            for (int i = 0; i < RECORDS; i++)
                if (write(p[1], buf, PIPE_BUF) != PIPE_BUF)
                    _exit(1);
            _exit(0);
        }
    }
    close(p[1]);
    int whole = 1, records = 0;
    long n;
    while ((n = read_all(p[0], buf, PIPE_BUF)) == PIPE_BUF) {
        records++;
        for (int i = 1; i < PIPE_BUF; i++)
            whole &= buf[i] == buf[0];
    }
    CHECK("pipe-buf-records-whole", whole && n == 0 && records == 2 * RECORDS);
    CHECK("writers-exit", exited_ok(kids[0]) && exited_ok(kids[1]));
    close(p[0]);
}

static void sigpipe_kills(void)
{
    int p[2];
    if (new_pipe(p))
        return;
    close(p[0]);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        write(p[1], "x", 1);
        _exit(0);
    }
    int st = wait_status(pid);
    CHECK("child-killed-by-sigpipe", WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
    close(p[1]);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    child_to_parent();
    parent_to_child();
    poll_woken();
    atomic_writers();
    sigpipe_kills();
    return check_exit_status();
}
