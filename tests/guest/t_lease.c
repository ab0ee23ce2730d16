/* File leases (fcntl F_SETLEASE, F_GETLEASE) on a writable host mount and a
 * tmpfs: which opens allow which lease, and the break: another process's
 * open or truncate of the file waits while the holder is told (SIGIO, or
 * its F_SETSIG signal with si_fd and POLL_MSG), then goes on once the holder
 * downgrades or gives the lease up; an O_NONBLOCK open is EWOULDBLOCK
 * instead.  And /proc/sys/fs/lease-break-time. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define BREAK_WAIT_S 20   /* a bound on the wait for the holder's signal, never a pause */

static char path[PATH_MAX];

static int exit_status(pid_t pid)
{
    int st = -1;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void rules(void)
{
    int rw = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("write-lease-alone", fcntl(rw, F_SETLEASE, F_WRLCK) == 0);
    CHECK("getlease-write", fcntl(rw, F_GETLEASE) == F_WRLCK);
    CHECK("unlock", fcntl(rw, F_SETLEASE, F_UNLCK) == 0);
    CHECK("getlease-none", fcntl(rw, F_GETLEASE) == F_UNLCK);
    CHECK("read-lease-on-writer", FAILS_WITH(fcntl(rw, F_SETLEASE, F_RDLCK), EAGAIN));
    int ro = open(path, O_RDONLY);
    CHECK("write-lease-other-open", FAILS_WITH(fcntl(rw, F_SETLEASE, F_WRLCK), EAGAIN));
    CHECK("read-lease-other-writer", FAILS_WITH(fcntl(ro, F_SETLEASE, F_RDLCK), EAGAIN));
    close(rw);
    CHECK("read-lease", fcntl(ro, F_SETLEASE, F_RDLCK) == 0);
    CHECK("getlease-read", fcntl(ro, F_GETLEASE) == F_RDLCK);
    int ro2 = open(path, O_RDONLY);
    CHECK("reader-no-break", fcntl(ro, F_GETLEASE) == F_RDLCK);
    CHECK("second-read-lease", fcntl(ro2, F_SETLEASE, F_RDLCK) == 0);
    CHECK("bad-type", FAILS_WITH(fcntl(ro, F_SETLEASE, 7), EINVAL));
    close(ro2);
    close(ro);
    int p[2];
    CHECK("pipe", pipe(p) == 0);
    CHECK("pipe-lease", FAILS_WITH(fcntl(p[0], F_SETLEASE, F_RDLCK), EINVAL));
    close(p[0]);
    close(p[1]);
}

enum breaker { OPEN_RDONLY, OPEN_WRONLY, TRUNCATE, OPEN_NONBLOCK };

/* The child: breaks the lease, and says whether the break ended as wanted. */
static int breaker_main(enum breaker how)
{
    int fd = -1;
    switch (how) {
    case OPEN_RDONLY: fd = open(path, O_RDONLY); break;
    case OPEN_WRONLY: fd = open(path, O_WRONLY); break;
    case TRUNCATE: return truncate(path, 0) == 0 ? 0 : 10;
    case OPEN_NONBLOCK: return FAILS_WITH(open(path, O_RDONLY | O_NONBLOCK), EWOULDBLOCK) ? 0 : 11;
    }
    return fd >= 0 ? 0 : 12;
}

/* The holder takes lease on a read-only descriptor, a child breaks it;
 * the holder waits for its signal and answers with answer (after trying
 * refused, if not 0: a read lease while a writer opens). */
static void one_break(const char *name, int lease, enum breaker how, int sig, int refused, int answer)
{
    char n[64];
    close(open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644));
    int fd = open(path, O_RDONLY);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_BLOCK, &set, NULL);
    if (sig != SIGIO)
        fcntl(fd, F_SETSIG, sig);
    snprintf(n, sizeof n, "%s-lease", name);
    CHECK(n, fcntl(fd, F_SETLEASE, lease) == 0);
    snprintf(n, sizeof n, "%s-owner-is-holder", name);
    CHECK(n, fcntl(fd, F_GETOWN) == getpid());
    pid_t child = fork();
    if (child == 0)
        _exit(breaker_main(how));
    siginfo_t si;
    struct timespec t = { BREAK_WAIT_S, 0 };
    int got = sigtimedwait(&set, &si, &t);
    snprintf(n, sizeof n, "%s-signal", name);
    CHECK(n, got == sig);
    if (sig != SIGIO) {
        snprintf(n, sizeof n, "%s-siginfo", name);
        CHECK(n, si.si_fd == fd && si.si_code == POLL_MSG);
    }
    if (refused) {
        snprintf(n, sizeof n, "%s-refused", name);
        CHECK(n, FAILS_WITH(fcntl(fd, F_SETLEASE, refused), EAGAIN));
    }
    snprintf(n, sizeof n, "%s-answer", name);
    CHECK(n, fcntl(fd, F_SETLEASE, answer) == 0);
    snprintf(n, sizeof n, "%s-breaker-done", name);
    CHECK(n, exit_status(child) == 0);
    snprintf(n, sizeof n, "%s-after", name);
    CHECK(n, fcntl(fd, F_GETLEASE) == answer);
    fcntl(fd, F_SETLEASE, F_UNLCK);
    close(fd);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void breaks(void)
{
    one_break("wr-by-reader", F_WRLCK, OPEN_RDONLY, SIGIO, 0, F_RDLCK);
    one_break("wr-by-writer", F_WRLCK, OPEN_WRONLY, SIGIO, F_RDLCK, F_UNLCK);
    one_break("wr-by-truncate", F_WRLCK, TRUNCATE, SIGIO, F_RDLCK, F_UNLCK);
    one_break("rd-by-writer", F_RDLCK, OPEN_WRONLY, SIGRTMIN + 1, 0, F_UNLCK);
    one_break("rd-by-truncate", F_RDLCK, TRUNCATE, SIGUSR1, 0, F_UNLCK);
    one_break("wr-nonblock", F_WRLCK, OPEN_NONBLOCK, SIGIO, 0, F_UNLCK);
}

static void break_time(void)
{
    FILE *f = fopen("/proc/sys/fs/lease-break-time", "r");
    int v = -1;
    CHECK("break-time-read", f && fscanf(f, "%d", &v) == 1 && v >= 0);
    if (f)
        fclose(f);
    struct stat st;
    CHECK("break-time-mode", stat("/proc/sys/fs/lease-break-time", &st) == 0 && (st.st_mode & 0777) == 0644);
    if (geteuid() != 0)
        return;
    /* Written back as it was: a native run must not change the host. */
    f = fopen("/proc/sys/fs/lease-break-time", "w");
    CHECK("break-time-write", f && fprintf(f, "%d\n", v) > 0 && fclose(f) == 0);
    f = fopen("/proc/sys/fs/lease-break-time", "r");
    int again = -2;
    CHECK("break-time-kept", f && fscanf(f, "%d", &again) == 1 && again == v);
    if (f)
        fclose(f);
    int fd = open("/proc/sys/fs/lease-break-time", O_WRONLY);
    CHECK("break-time-bad", fd >= 0 && FAILS_WITH(write(fd, "x\n", 2), EINVAL));
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *dirs[] = { getenv("T_RW"), getenv("T_TMPFS") };
    const char *prefixes[] = { "rw:", "tmpfs:" };
    for (int i = 0; i < 2; i++) {
        if (!dirs[i])
            continue;
        check_prefix = prefixes[i];
        snprintf(path, sizeof path, "%s/leasefile", dirs[i]);
        rules();
        breaks();
        unlink(path);
    }
    check_prefix = "";
    break_time();
    return check_exit_status();
}
