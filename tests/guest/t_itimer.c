/* ITIMER_VIRTUAL and ITIMER_PROF: they count CPU time, so they fire while
 * the program spins (SIGVTALRM, SIGPROF), periodically with an interval,
 * and not while it sleeps; getitimer shows what is left.  No check
 * depends on the machine's speed: spins last until a signal comes. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define SPIN_LIMIT_S 60

static volatile sig_atomic_t hits[65];
static volatile unsigned long sink;

static void on_signal(int sig) { hits[sig]++; }

static long long wall_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000ll + t.tv_nsec;
}

/* Spins until sig came n times in all; false if the wall clock ran out. */
static int spin_for(int sig, int n)
{
    long long end = wall_ns() + SPIN_LIMIT_S * 1000000000ll;
    while (hits[sig] < n) {
        for (int i = 0; i < 100000; i++)
            sink += i;
        if (wall_ns() > end)
            return 0;
    }
    return 1;
}

static void one(int which, int sig, const char *name)
{
    char n[64];
    struct itimerval it = { { 0, 0 }, { 0, 50000 } }, cur;
    snprintf(n, sizeof n, "%s-set", name);
    CHECK(n, setitimer(which, &it, NULL) == 0);
    snprintf(n, sizeof n, "%s-get", name);
    /* Linux adds a tick (1 to 10 ms) to a CPU timer's first expiry. */
    CHECK(n, getitimer(which, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 40000 &&
             cur.it_value.tv_usec <= 60000 && cur.it_interval.tv_usec == 0);
    /* Asleep for longer than the timer: it does not fire. */
    struct timespec nap = { 0, 200000000 };
    nanosleep(&nap, NULL);
    snprintf(n, sizeof n, "%s-not-while-asleep", name);
    CHECK(n, hits[sig] == 0);
    snprintf(n, sizeof n, "%s-fires", name);
    CHECK(n, spin_for(sig, 1));
    snprintf(n, sizeof n, "%s-disarmed-after", name);
    CHECK(n, getitimer(which, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
    struct itimerval every = { { 0, 20000 }, { 0, 20000 } }, off = { { 0, 0 }, { 0, 0 } }, old;
    snprintf(n, sizeof n, "%s-periodic", name);
    CHECK(n, setitimer(which, &every, NULL) == 0 && spin_for(sig, 4));
    snprintf(n, sizeof n, "%s-off", name);
    CHECK(n, setitimer(which, &off, &old) == 0 && old.it_interval.tv_usec == 20000);
}

int main(void)
{
    signal(SIGVTALRM, on_signal);
    signal(SIGPROF, on_signal);
    one(ITIMER_VIRTUAL, SIGVTALRM, "virtual");
    one(ITIMER_PROF, SIGPROF, "prof");
    /* The real timer still works beside them. */
    struct itimerval prof = { { 0, 0 }, { 0, 30000 } }, real = { { 0, 0 }, { 0, 10000 } };
    signal(SIGALRM, on_signal);
    int before = hits[SIGPROF];
    CHECK("both-set", setitimer(ITIMER_PROF, &prof, NULL) == 0 && setitimer(ITIMER_REAL, &real, NULL) == 0);
    CHECK("both-fire", spin_for(SIGALRM, 1) && spin_for(SIGPROF, before + 1));
    return check_exit_status();
}
