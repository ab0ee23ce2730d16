// Threads and the rest of the process: fork and execve from a thread (only
// the caller goes on), signals for one thread (tgkill) and for the process
// (taken by a thread that does not block them), per-thread masks,
// cancellation, the main thread ending first, exit_group from a thread, and
// a stress of 8 threads (the most a picoprocess runs at once) for a while.
// ARGS: self
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static const char *self;
static atomic_int handled_tid, handled_count;

static void on_usr1(int sig)
{
    (void)sig;
    atomic_store(&handled_tid, (int)syscall(SYS_gettid));
    atomic_fetch_add(&handled_count, 1);
}

static atomic_int stop;
static atomic_int worker_tid;

static void *waiter(void *arg)
{
    (void)arg;
    atomic_store(&worker_tid, (int)syscall(SYS_gettid));
    while (!atomic_load(&stop))
        usleep(1000);
    return NULL;
}

static void *forker(void *arg)
{
    (void)arg;
    pid_t pid = fork();
    if (pid == 0) {
        /* Only this thread lives on in the child; it can make threads again. */
        pthread_t t;
        atomic_store(&stop, 1);
        int ok = pthread_create(&t, NULL, waiter, NULL) == 0 && pthread_join(t, NULL) == 0;
        _exit(ok ? 42 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return (void *)(intptr_t)(WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void *execer(void *arg)
{
    (void)arg;
    char *const argv[] = { (char *)self, "exec-child", NULL };
    execv(self, argv);
    return NULL;
}

static void *canceled(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

static void *last_one(void *arg)
{
    (void)arg;
    usleep(20000);
    printf("ok last-thread-after-main\n");
    exit(check_exit_status());
}

static atomic_long total;

static void *stress(void *arg)
{
    pthread_mutex_t *m = arg;
    struct timespec end, now;
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += 2;
    long n = 0;
    do {
        pthread_mutex_lock(m);
        n++;
        pthread_mutex_unlock(m);
        if (n % 64 == 0)
            sched_yield();
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (now.tv_sec < end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec));
    atomic_fetch_add(&total, n);
    return NULL;
}

int main(int argc, char **argv)
{
    self = argv[0];
    if (argc > 1 && !strcmp(argv[1], "exec-child")) {
        printf("ok exec-from-thread\n");
        return 0;
    }
    signal(SIGUSR1, on_usr1);
    pthread_t t;

    /* tgkill: the handler runs on that thread. */
    atomic_store(&stop, 0);
    pthread_create(&t, NULL, waiter, NULL);
    while (!atomic_load(&worker_tid))
        usleep(1000);
    CHECK("tgkill", syscall(SYS_tgkill, getpid(), atomic_load(&worker_tid), SIGUSR1) == 0);
    for (int i = 0; i < 5000 && !atomic_load(&handled_count); i++)
        usleep(1000);
    CHECK("tgkill-handler-on-target", atomic_load(&handled_tid) == atomic_load(&worker_tid));

    /* A process signal the main thread blocks goes to the thread that does not. */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL);
    atomic_store(&handled_count, 0);
    atomic_store(&handled_tid, 0);
    kill(getpid(), SIGUSR1);
    for (int i = 0; i < 5000 && !atomic_load(&handled_count); i++)
        usleep(1000);
    CHECK("process-signal-to-unblocking-thread", atomic_load(&handled_tid) == atomic_load(&worker_tid));
    pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
    atomic_store(&stop, 1);
    pthread_join(t, NULL);

    /* fork from a thread. */
    void *ret;
    pthread_create(&t, NULL, forker, NULL);
    pthread_join(t, &ret);
    CHECK("fork-from-thread", (intptr_t)ret == 42);

    /* cancellation of a thread blocked in pause(). */
    pthread_create(&t, NULL, canceled, NULL);
    usleep(10000);
    CHECK("cancel", pthread_cancel(t) == 0 && pthread_join(t, &ret) == 0 && ret == PTHREAD_CANCELED);

    /* 8 threads (7 and main) on a mutex for 2 s. */
    static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_t many[7];
    int made = 0;
    for (int i = 0; i < 7; i++)
        made += pthread_create(&many[i], NULL, stress, &m) == 0;
    stress(&m);
    for (int i = 0; i < made; i++)
        pthread_join(many[i], NULL);
    CHECK("stress-8-threads", made == 7 && atomic_load(&total) > 8);

    /* execve from a thread: the others end, the new program runs. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        atomic_store(&stop, 0);
        pthread_t w;
        pthread_create(&w, NULL, waiter, NULL);
        pthread_create(&t, NULL, execer, NULL);
        pthread_join(t, NULL);
        _exit(1);
    }
    int st;
    waitpid(pid, &st, 0);
    CHECK("exec-child-status", WIFEXITED(st) && WEXITSTATUS(st) == 0);

    /* The main thread ends first; the process lives on in the other. */
    fflush(stdout);
    pthread_create(&t, NULL, last_one, NULL);
    pthread_exit(NULL);
}
