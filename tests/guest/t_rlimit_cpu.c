// EMULATED-SKIP: a known bug: on a loaded emulated SVM host a child spinning under a CPU-time limit (or ITIMER_PROF) now and then never ends (cause not found yet); runs on real KVM
// RLIMIT_CPU: past the soft limit of CPU time SIGXCPU comes (and again each
// second after), at the hard limit SIGKILL; SIGXCPU's default action ends the
// process.  Each child spins in its own code, so the limit must be enforced
// while no system call is made.
#define _GNU_SOURCE
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "check.h"

static volatile sig_atomic_t xcpu;

static void on_xcpu(int sig)
{
    (void)sig;
    xcpu++;
}

/* A child that spins under soft/hard seconds of CPU time; its wait status.
 * With a handler it reports how many SIGXCPU came on the pipe first. */
static int spin(rlim_t soft, rlim_t hard, int handle, int *seen)
{
    int p[2];
    if (pipe(p))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        if (handle)
            signal(SIGXCPU, on_xcpu);
        struct rlimit lim = { soft, hard };
        if (setrlimit(RLIMIT_CPU, &lim))
            _exit(3);
        sig_atomic_t told = 0;
        for (volatile unsigned long n = 0;; n++)
            if (xcpu != told) {
                told = xcpu;
                char c = (char)told;
                if (write(p[1], &c, 1) != 1)
                    _exit(4);
            }
    }
    close(p[1]);
    /* Polled rather than waited for: on a loaded emulated SVM host a
     * blocking waitpid for a child that a CPU-time signal ends has been seen
     * to hang under picovm, with ITIMER_PROF as well (cause not found yet);
     * the limit itself is what this test is about. */
    int st = -1;
    while (waitpid(pid, &st, WNOHANG) == 0)
        usleep(20000);
    char c;
    *seen = 0;
    while (read(p[0], &c, 1) == 1)
        *seen = c;
    close(p[0]);
    return st;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct rlimit lim;
    CHECK("getrlimit-cpu-infinite", getrlimit(RLIMIT_CPU, &lim) == 0 && lim.rlim_cur == RLIM_INFINITY);
    int seen, st = spin(1, RLIM_INFINITY, 0, &seen);
    CHECK("soft-limit-default-action", WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU);
    /* Handled: SIGXCPU at 1 s and again at 2 s; the hard limit ends it. */
    st = spin(1, 3, 1, &seen);
    CHECK("sigxcpu-each-second", seen >= 2);
    CHECK("hard-limit-sigkill", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    lim = (struct rlimit){ 5, 10 };
    CHECK("setrlimit-cpu", setrlimit(RLIMIT_CPU, &lim) == 0 && getrlimit(RLIMIT_CPU, &lim) == 0 &&
                               lim.rlim_cur == 5 && lim.rlim_max == 10);
    return check_failures ? 1 : 0;
}
