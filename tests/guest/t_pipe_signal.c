// Signals that arrive while a pipe wait blocks (an ITIMER_REAL 20 ms away):
// read and write end with EINTR, or start over after a handler with
// SA_RESTART; a write interrupted after part of the data went in returns
// that part; poll and select end with EINTR even with SA_RESTART; ppoll's
// mask lets the signal in for the wait only.
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"

#define CAPACITY 65536

static int handler_writes_to = -1;
static volatile int fired;

static void on_alarm(int sig)
{
    (void)sig;
    fired++;
    if (handler_writes_to >= 0)
        write(handler_writes_to, "s", 1);
}

/* SIGALRM in 20 ms, to a handler with or without SA_RESTART that writes a
 * byte to fd (unless it is -1). */
static void arm(int flags, int fd)
{
    struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = flags };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    handler_writes_to = fd;
    fired = 0;
    struct itimerval it = { { 0, 0 }, { 0, 20000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

int main(void)
{
    int p[2], q[2];
    if (pipe(p) || pipe(q)) {
        CHECK("pipe", 0);
        return 1;
    }
    char c;
    arm(0, -1);
    CHECK("read-eintr", FAILS_WITH(read(p[0], &c, 1), EINTR) && fired == 1);
    arm(SA_RESTART, p[1]);
    CHECK("read-restarted", read(p[0], &c, 1) == 1 && c == 's' && fired == 1);
    arm(SA_RESTART, -1);
    struct pollfd fd = { p[0], POLLIN, 0 };
    CHECK("poll-eintr-despite-sa-restart", FAILS_WITH(poll(&fd, 1, -1), EINTR) && fired == 1);
    arm(SA_RESTART, -1);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK("select-eintr-despite-sa-restart", FAILS_WITH(select(p[0] + 1, &r, NULL, NULL, NULL), EINTR) && fired == 1);
    static char big[CAPACITY + 4096];
    arm(0, -1);
    CHECK("write-interrupted-returns-part", write(q[1], big, sizeof big) == CAPACITY && fired == 1);
    arm(0, -1);
    CHECK("write-full-eintr", FAILS_WITH(write(q[1], big, 1), EINTR) && fired == 1);
    /* Blocked outside the wait, let through by ppoll's mask, blocked again after. */
    sigset_t alrm, none, now;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &alrm, NULL);
    arm(0, -1);
    CHECK("ppoll-mask-eintr", FAILS_WITH(ppoll(&fd, 1, NULL, &none), EINTR) && fired == 1);
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK("ppoll-mask-restored", sigismember(&now, SIGALRM));
    arm(0, -1);
    FD_SET(p[0], &r);
    CHECK("pselect-mask-eintr", FAILS_WITH(pselect(p[0] + 1, &r, NULL, NULL, NULL, &none), EINTR) && fired == 1);
    sigprocmask(SIG_UNBLOCK, &alrm, NULL);
    return check_exit_status();
}
