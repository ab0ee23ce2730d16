// A shared futex woken by a child that ends at once: the parent sleeps in
// FUTEX_WAIT on a MAP_SHARED word that nobody changes (as LTP's checkpoints
// do), the child wakes until a wake finds it asleep, then _exits.  The wake
// and the child's end reach the parent together; the wait must return 0 for
// the wake, never run into its timeout (the wake was counted by the child and
// is not made again).  As in LTP, the rounds run in a process of their own
// while the first process waits for it.
#define _GNU_SOURCE
#include <limits.h>
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
#define ROUNDS 200

/* As LTP's tst_checkpoint_wait: an interrupted wait is made again. */
static long wait_on(volatile uint32_t *word)
{
    struct timespec limit = { .tv_sec = 5 };
    long r;
    do
        r = syscall(SYS_futex, word, FUTEX_WAIT, 0, &limit, NULL, 0);
    while (r == -1 && errno == EINTR);
    return r;
}

/* As LTP's tst_checkpoint_wake: wakes until one sleeper was found. */
static int wake_one(volatile uint32_t *word)
{
    for (int tries = 0; tries < 5000; tries++) {
        if (syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0) > 0)
            return 1;
        usleep(1000);
    }
    return 0;
}

static void rounds(void)
{
    volatile uint32_t *word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (word == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    int lost = 0, unwoken = 0, failed = 0;
    for (int i = 0; i < ROUNDS && !lost && !failed; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            exit(1);
        }
        if (pid == 0)
            _exit(wake_one(word) ? 0 : 1);
        if (wait_on(word) != 0)
            lost++;
        int st;
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
            failed++;
        else if (WEXITSTATUS(st))
            unwoken++;
    }
    CHECK("wake-then-exit-never-lost", lost == 0);
    CHECK("child-found-the-sleeper", unwoken == 0);
    CHECK("children-reaped", failed == 0);
}

int main(void)
{
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        rounds();
        exit(check_exit_status());
    }
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return 1;
    return WEXITSTATUS(st);
}
