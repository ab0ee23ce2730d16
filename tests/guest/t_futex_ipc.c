// A process asleep in FUTEX_WAIT on shared memory is still there for the
// others: the first process (picovm's leader, which every fork asks) waits
// while its child forks a grandchild and only then wakes it; a signal another
// process sends interrupts the wait (EINTR, the handler runs); a child's end
// with SIGCHLD at its default does not.  Each wait has a 10 s timeout, which
// is what a wait that serves nobody ran into.
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* <linux/futex.h>: musl-gcc sees no kernel headers. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

static long futex_wait(volatile uint32_t *word)
{
    struct timespec limit = { .tv_sec = 10 };
    return syscall(SYS_futex, word, FUTEX_WAIT, 0, &limit, NULL, 0);
}

static void set_and_wake(volatile uint32_t *word)
{
    __atomic_store_n(word, 1, __ATOMIC_SEQ_CST);
    syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static int reaped(pid_t pid)
{
    int st;
    return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig) { (void)sig, got_usr1 = 1; }

int main(void)
{
    volatile uint32_t *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (w == MAP_FAILED) {
        perror("mmap");
        return 1;
    }

    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000);
        pid_t g = fork();
        if (g == 0)
            _exit(0);
        int ok = g > 0 && reaped(g);
        set_and_wake(&w[0]);
        _exit(ok ? 0 : 1);
    }
    long r = 0;
    while (__atomic_load_n(&w[0], __ATOMIC_SEQ_CST) == 0 && r == 0)
        r = futex_wait(&w[0]);   /* 0, or EAGAIN once the word is set: both fine */
    CHECK("waiter-woken-by-a-child-that-forked", !(r == -1 && errno == ETIMEDOUT));
    CHECK("child-forked-and-reaped-its-child", reaped(pid));

    signal(SIGUSR1, on_usr1);
    pid_t parent = getpid();
    pid = fork();
    if (pid == 0) {
        usleep(100000);
        _exit(kill(parent, SIGUSR1) == 0 ? 0 : 1);
    }
    r = futex_wait(&w[1]);
    CHECK("signal-interrupts-wait", r == -1 && errno == EINTR && got_usr1);
    CHECK("signal-sender-reaped", reaped(pid));

    pid_t quick = fork();
    if (quick == 0)
        _exit(0);
    pid = fork();
    if (pid == 0) {
        usleep(300000);
        set_and_wake(&w[2]);
        _exit(0);
    }
    r = futex_wait(&w[2]);
    CHECK("child-end-does-not-interrupt-wait", !(r == -1 && errno == EINTR) && w[2] == 1);
    CHECK("children-reaped", reaped(quick) && reaped(pid));
    return check_exit_status();
}
