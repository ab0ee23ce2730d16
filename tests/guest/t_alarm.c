// alarm and ITIMER_REAL: alarm(1) ends pause() with EINTR after the handler
// ran; a periodic setitimer fires while the program spins in its own code
// (no system calls), as many times as asked; nanosleep cut short by
// SIGALRM returns EINTR with the time left in rem; getitimer and the values
// alarm and setitimer return; an unhandled SIGALRM kills (in a child).
#define _GNU_SOURCE
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

static void install(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void alarm_pause(void)
{
    alarms = 0;
    double t0 = now();
    CHECK("alarm-first-returns-0", alarm(1) == 0);
    errno = 0;
    int r = pause();
    double took = now() - t0;
    CHECK("pause-eintr", r == -1 && errno == EINTR);
    CHECK("pause-handler-ran", alarms == 1);
    CHECK("pause-about-1s", took > 0.9 && took < 3.0);
    CHECK("alarm-after-expiry-returns-0", alarm(0) == 0);
    alarm(5);
    CHECK("alarm-returns-left", alarm(0) == 5);
}

static void periodic_spin(void)
{
    alarms = 0;
    struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, cur, old;
    CHECK("setitimer-periodic", setitimer(ITIMER_REAL, &it, NULL) == 0);
    CHECK("getitimer-interval", getitimer(ITIMER_REAL, &cur) == 0 && cur.it_interval.tv_sec == 0 &&
                                cur.it_interval.tv_usec == 20000);
    CHECK("getitimer-value", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 20000);
    /* Pure computation: only an interrupt of the program can run the handler. */
    double t0 = now();
    volatile unsigned long spins = 0;
    while (alarms < 5 && spins < 4000000000ul)
        spins++;
    double took = now() - t0;
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    CHECK("setitimer-off-returns-old", setitimer(ITIMER_REAL, &off, &old) == 0 && old.it_interval.tv_usec == 20000);
    CHECK("periodic-fired-while-spinning", alarms >= 5);
    CHECK("periodic-took-about-100ms", took > 0.07 && took < 2.0);
    int seen = alarms;
    struct timespec wait = { 0, 60 * 1000 * 1000 };
    nanosleep(&wait, NULL);
    CHECK("disarmed-stays-quiet", alarms == seen);
    CHECK("getitimer-disarmed", getitimer(ITIMER_REAL, &cur) == 0 && cur.it_value.tv_sec == 0 &&
                                cur.it_value.tv_usec == 0);
}

static void sleep_interrupted(void)
{
    alarms = 0;
    struct itimerval it = { { 0, 0 }, { 0, 200000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    struct timespec req = { 2, 0 }, rem = { -1, -1 };
    errno = 0;
    int r = nanosleep(&req, &rem);
    CHECK("nanosleep-eintr", r == -1 && errno == EINTR);
    CHECK("nanosleep-handler-ran", alarms == 1);
    double left = (double)rem.tv_sec + (double)rem.tv_nsec / 1e9;
    CHECK("nanosleep-rem", left > 1.0 && left < 1.85);
}

static void bad_arguments(void)
{
    struct itimerval bad = { { 0, 0 }, { 0, 1000000 } };
    CHECK("setitimer-usec-einval", FAILS_WITH(setitimer(ITIMER_REAL, &bad, NULL), EINVAL));
    CHECK("setitimer-which-einval", FAILS_WITH(setitimer(7, &bad, NULL), EINVAL));
    CHECK("getitimer-efault", FAILS_WITH(getitimer(ITIMER_REAL, (void *)8), EFAULT));
}

static void unhandled_kills(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGALRM, SIG_DFL);
        alarm(1);
        for (;;)
            pause();
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK("unhandled-alarm-kills", WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    install();
    alarm_pause();
    periodic_spin();
    sleep_interrupted();
    bad_arguments();
    unhandled_kills();
    return check_exit_status();
}
