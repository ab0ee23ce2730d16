// Futex operations between threads: WAIT and WAKE, REQUEUE, CMP_REQUEUE
// (and its EAGAIN), WAKE_OP, WAIT_BITSET with absolute timeouts on
// CLOCK_MONOTONIC and CLOCK_REALTIME, and FUTEX_WAIT's relative timeout.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* Linux's values (musl ships no <linux/futex.h>). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_OP(op, oparg, cmp, cmparg) (((op & 0xf) << 28) | ((cmp & 0xf) << 24) | ((oparg & 0xfff) << 12) | (cmparg & 0xfff))

static long futex(atomic_uint *w, int op, unsigned val, const void *t, atomic_uint *w2, unsigned val3)
{
    return syscall(SYS_futex, w, op | FUTEX_PRIVATE_FLAG, val, t, w2, val3);
}

static atomic_uint a, b;
static atomic_int asleep, woken;

/* Waits once on *arg (0), counting itself asleep first and woken after. */
static void *sleeper(void *arg)
{
    atomic_uint *w = arg;
    atomic_fetch_add(&asleep, 1);
    futex(w, FUTEX_WAIT, 0, NULL, NULL, 0);
    atomic_fetch_add(&woken, 1);
    return NULL;
}

/* Waits until n threads said they sleep, and a little more so they really do. */
static void let_sleep(int n)
{
    while (atomic_load(&asleep) < n)
        usleep(1000);
    usleep(50000);
}

/* Wakes on w until a wake finds a sleeper: -> what that wake said. */
static long wake_one(atomic_uint *w)
{
    long r = 0;
    for (int i = 0; i < 2000 && r == 0; i++) {
        r = futex(w, FUTEX_WAKE, 1, NULL, NULL, 0);
        if (r == 0)
            usleep(1000);
    }
    return r;
}

static long ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

int main(void)
{
    pthread_t t[2];

    /* CMP_REQUEUE: one woken, one moved to b, where a plain wake finds it. */
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, sleeper, &a);
    let_sleep(2);
    CHECK("cmp-requeue-eagain", futex(&a, FUTEX_CMP_REQUEUE, 1, (void *)1, &b, 7) == -1 && errno == EAGAIN);
    CHECK("cmp-requeue", futex(&a, FUTEX_CMP_REQUEUE, 1, (void *)1, &b, 0) == 2);
    while (atomic_load(&woken) < 1)
        usleep(1000);
    CHECK("requeued-wakes-on-b", wake_one(&b) == 1);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    CHECK("both-woken", atomic_load(&woken) == 2);

    /* REQUEUE: nothing woken, the sleeper moved. */
    atomic_store(&a, 0);
    atomic_store(&asleep, 0);
    atomic_store(&woken, 0);
    pthread_create(&t[0], NULL, sleeper, &a);
    let_sleep(1);
    CHECK("requeue", futex(&a, FUTEX_REQUEUE, 0, (void *)1, &b, 0) == 1);
    CHECK("requeue-none-left-on-a", futex(&a, FUTEX_WAKE, 1, NULL, NULL, 0) == 0);
    CHECK("requeued-on-b", wake_one(&b) == 1);
    pthread_join(t[0], NULL);

    /* WAKE_OP: b = 1 (was 0, and 0 == 0), the sleeper on b wakes. */
    atomic_store(&a, 0);
    atomic_store(&b, 0);
    atomic_store(&asleep, 0);
    static atomic_uint c;
    pthread_create(&t[0], NULL, sleeper, &c);
    let_sleep(1);
    CHECK("wake-op", futex(&a, FUTEX_WAKE_OP, 1, (void *)1, &c, FUTEX_OP(0, 1, 0, 0)) == 1);
    CHECK("wake-op-wrote", atomic_load(&c) == 1);
    pthread_join(t[0], NULL);

    /* Timeouts. */
    struct timespec t0, abs;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    abs = t0;
    abs.tv_nsec += 100000000;
    if (abs.tv_nsec >= 1000000000) {
        abs.tv_sec++;
        abs.tv_nsec -= 1000000000;
    }
    atomic_store(&a, 0);
    CHECK("bitset-monotonic-timeout", futex(&a, FUTEX_WAIT_BITSET, 0, &abs, NULL, ~0u) == -1 && errno == ETIMEDOUT &&
                                          ms_since(&t0) >= 100);
    clock_gettime(CLOCK_REALTIME, &abs);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    abs.tv_sec += 1;
    abs.tv_nsec = 0;
    CHECK("bitset-realtime-timeout",
          futex(&a, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &abs, NULL, ~0u) == -1 && errno == ETIMEDOUT);
    struct timespec rel = { 0, 50000000 };
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK("wait-relative-timeout", futex(&a, FUTEX_WAIT, 0, &rel, NULL, 0) == -1 && errno == ETIMEDOUT &&
                                       ms_since(&t0) >= 50);
    CHECK("wait-value-changed", futex(&a, FUTEX_WAIT, 5, &rel, NULL, 0) == -1 && errno == EAGAIN);
    return check_exit_status();
}
