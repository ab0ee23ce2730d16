// Threads: pthread_create and join, detach, mutexes, condition variables,
// rwlocks, barriers, thread-local storage and thread-specific data, gettid,
// and the threads running at once (a spin handshake between two of them).
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

static __thread int tls_value = 7;
static pthread_key_t key;
static int key_destroyed;

static void key_dtor(void *p) { __atomic_add_fetch(&key_destroyed, 1, __ATOMIC_SEQ_CST); (void)p; }

static void *echo(void *arg)
{
    tls_value += (int)(intptr_t)arg;
    pthread_setspecific(key, arg);
    return (void *)(intptr_t)(tls_value * 2);
}

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *add_many(void *arg)
{
    for (int i = 0; i < 20000; i++) {
        pthread_mutex_lock(&m);
        counter++;
        pthread_mutex_unlock(&m);
    }
    return arg;
}

static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn, rounds_done;

/* Two threads take turns 200 times through one mutex and condition variable. */
static void *ping(void *arg)
{
    int me = (int)(intptr_t)arg;
    for (int i = 0; i < 200; i++) {
        pthread_mutex_lock(&m);
        while (turn != me)
            pthread_cond_wait(&cv, &m);
        turn = !me;
        rounds_done++;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&m);
    }
    return NULL;
}

static pthread_barrier_t barrier;
static atomic_int before, after_ok = 1;

static void *at_barrier(void *arg)
{
    atomic_fetch_add(&before, 1);
    pthread_barrier_wait(&barrier);
    if (atomic_load(&before) != 4)
        atomic_store(&after_ok, 0);
    return arg;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int shared_data;

static void *reader(void *arg)
{
    (void)arg;
    int ok = 1;
    for (int i = 0; i < 2000; i++) {
        pthread_rwlock_rdlock(&rw);
        ok &= shared_data % 2 == 0;
        pthread_rwlock_unlock(&rw);
    }
    return (void *)(intptr_t)ok;
}

static void *writer(void *arg)
{
    for (int i = 0; i < 2000; i++) {
        pthread_rwlock_wrlock(&rw);
        shared_data++;
        shared_data++;
        pthread_rwlock_unlock(&rw);
    }
    return arg;
}

static atomic_int flag;

/* Both threads must run at once: each waits, spinning, for the other's store. */
static void *spin_partner(void *arg)
{
    atomic_store(&flag, 1);
    for (long i = 0; i < 2000000000L && atomic_load(&flag) != 2; i++)
        sched_yield();
    return arg;
}

static atomic_int detached_ran;

static void *detached(void *arg)
{
    atomic_store(&detached_ran, 1);
    return arg;
}

static void *tid_of(void *arg)
{
    *(pid_t *)arg = (pid_t)syscall(SYS_gettid);
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    void *ret;

    CHECK("key-create", pthread_key_create(&key, key_dtor) == 0);
    CHECK("create", pthread_create(&t[0], NULL, echo, (void *)(intptr_t)5) == 0);
    CHECK("join", pthread_join(t[0], &ret) == 0);
    CHECK("join-value", (intptr_t)ret == 24);
    CHECK("tls-own-copy", tls_value == 7);
    CHECK("key-destructor-ran", key_destroyed == 1);

    for (int i = 0; i < 4; i++)
        CHECK("create-adders", pthread_create(&t[i], NULL, add_many, NULL) == 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    CHECK("mutex-counts", counter == 80000);

    pthread_create(&t[0], NULL, ping, (void *)0);
    pthread_create(&t[1], NULL, ping, (void *)1);
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
    CHECK("condvar-ping-pong", rounds_done == 400);

    pthread_barrier_init(&barrier, NULL, 4);
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, at_barrier, NULL);
    at_barrier(NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    CHECK("barrier", atomic_load(&after_ok) == 1);

    pthread_create(&t[0], NULL, writer, NULL);
    pthread_create(&t[1], NULL, reader, NULL);
    pthread_create(&t[2], NULL, reader, NULL);
    int readers_ok = 1;
    pthread_join(t[0], NULL);
    pthread_join(t[1], &ret);
    readers_ok &= (intptr_t)ret;
    pthread_join(t[2], &ret);
    readers_ok &= (intptr_t)ret;
    CHECK("rwlock", readers_ok && shared_data == 4000);

    pthread_create(&t[0], NULL, spin_partner, NULL);
    long waited = 0;
    while (atomic_load(&flag) != 1 && waited++ < 2000000000L)
        sched_yield();
    atomic_store(&flag, 2);
    pthread_join(t[0], NULL);
    CHECK("run-at-once", waited < 2000000000L);

    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    CHECK("create-detached", pthread_create(&t[0], &a, detached, NULL) == 0);
    for (int i = 0; i < 1000000 && !atomic_load(&detached_ran); i++)
        sched_yield();
    CHECK("detached-ran", atomic_load(&detached_ran) == 1);

    pid_t other = 0;
    pthread_create(&t[0], NULL, tid_of, &other);
    pthread_join(t[0], NULL);
    CHECK("gettid-differs", other > 0 && other != getpid());
    CHECK("gettid-main", syscall(SYS_gettid) == getpid());
    return check_exit_status();
}
