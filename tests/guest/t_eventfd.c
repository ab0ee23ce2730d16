// eventfd and eventfd2: the 8-byte counter, semaphore mode, EAGAIN when
// there is nothing to read or no room, the overflow rules, poll and select
// readiness, the flags, and one counter shared by parent and child across
// fork (each blocks until the other writes).
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static short poll1(int fd, short events)
{
    struct pollfd p = { .fd = fd, .events = events };
    return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static int put(int fd, uint64_t v)
{
    return write(fd, &v, sizeof v) == sizeof v;
}

static uint64_t get(int fd)
{
    uint64_t v = 0;
    return read(fd, &v, sizeof v) == sizeof v ? v : (uint64_t)-1;
}

static void counter(void)
{
    int fd = eventfd(3, EFD_NONBLOCK);
    CHECK("create", fd >= 0);
    CHECK("flags", fcntl(fd, F_GETFL) == (O_RDWR | O_NONBLOCK));
    CHECK("readable", poll1(fd, POLLIN | POLLOUT) == (POLLIN | POLLOUT));
    CHECK("read-initial", get(fd) == 3);
    uint64_t v;
    CHECK("read-empty-eagain", FAILS_WITH(read(fd, &v, sizeof v), EAGAIN));
    CHECK("not-readable", poll1(fd, POLLIN | POLLOUT) == POLLOUT);
    CHECK("write-adds", put(fd, 5) && put(fd, 6) && get(fd) == 11);
    char big[16];
    CHECK("read-short-einval", FAILS_WITH(read(fd, big, 4), EINVAL));
    CHECK("write-short-einval", FAILS_WITH(write(fd, big, 4), EINVAL));
    CHECK("write-max-einval", FAILS_WITH(write(fd, &(uint64_t){ UINT64_MAX }, 8), EINVAL));
    put(fd, 9);
    CHECK("read-long-is-8", read(fd, big, sizeof big) == 8);
    CHECK("fill-to-max", put(fd, UINT64_MAX - 1));
    CHECK("no-room-eagain", FAILS_WITH(write(fd, &(uint64_t){ 1 }, 8), EAGAIN));
    CHECK("full-not-writable", poll1(fd, POLLIN | POLLOUT) == POLLIN);
    CHECK("write-zero-full", put(fd, 0));
    CHECK("read-full", get(fd) == UINT64_MAX - 1);
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(fd, &r);
    FD_SET(fd, &w);
    struct timeval tv = { 0, 0 };
    CHECK("select-writable", select(fd + 1, &r, &w, NULL, &tv) == 1 && FD_ISSET(fd, &w) && !FD_ISSET(fd, &r));
    struct stat st;
    CHECK("fstat-anon", fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == 0 && (st.st_mode & 0777) == 0600);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    CHECK("proc-link", link_is(path, "anon_inode:[eventfd]"));
    close(fd);
}

static void semaphore(void)
{
    int fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
    CHECK("sem-cloexec", fcntl(fd, F_GETFD) == FD_CLOEXEC);
    CHECK("sem-read-one", get(fd) == 1 && get(fd) == 1);
    uint64_t v;
    CHECK("sem-empty-eagain", FAILS_WITH(read(fd, &v, sizeof v), EAGAIN));
    close(fd);
    CHECK("bad-flags", FAILS_WITH(eventfd(0, 0x10), EINVAL));
    CHECK("eventfd-syscall", syscall(SYS_eventfd, 1) >= 0);
}

/* Both processes share one counter: each blocks in read until the other writes. */
static void across_fork(void)
{
    int fd = eventfd(0, 0);
    int back = eventfd(0, 0);
    pid_t pid = fork();
    if (pid == 0) {
        if (!put(fd, 7))
            _exit(1);
        _exit(get(back) == 42 ? 0 : 2);
    }
    CHECK("fork-parent-reads-child", get(fd) == 7);
    CHECK("fork-parent-writes", put(back, 42));
    int status = -1;
    waitpid(pid, &status, 0);
    CHECK("fork-child-read-parent", WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct pollfd p = { .fd = fd, .events = POLLIN };
    CHECK("fork-drained", poll(&p, 1, 0) == 0);
    close(fd);
    close(back);
}

int main(void)
{
    counter();
    semaphore();
    across_fork();
    return check_exit_status();
}
