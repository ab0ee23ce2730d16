/* b_threads MODE [ITER]: threads of one process, in microseconds.
 *   create   pthread_create + pthread_join of a thread that returns at once
 *   condvar  round trip between two threads through a mutex and a
 *            condition variable (each waits for its turn)
 *   futex    round trip between two threads through raw futex wait and wake
 *            on two words (the threads on different CPUs when there are two) */
#include <sys/syscall.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

/* Linux's FUTEX_WAIT and FUTEX_WAKE with FUTEX_PRIVATE_FLAG (musl ships no <linux/futex.h>). */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static void *nothing(void *arg) { return arg; }

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn;
static long rounds;

static void *condvar_partner(void *arg)
{
	(void)arg;
	for (long i = 0; i < rounds; i++) {
		pthread_mutex_lock(&m);
		while (turn != 1)
			pthread_cond_wait(&cv, &m);
		turn = 0;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&m);
	}
	return NULL;
}

static atomic_int words[2];

static void futex_wait(atomic_int *w, int val)
{
	syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(atomic_int *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Waits until *w is set, then clears it. */
static void take(atomic_int *w)
{
	while (!atomic_exchange(w, 0))
		futex_wait(w, 0);
}

static void give(atomic_int *w)
{
	atomic_store(w, 1);
	futex_wake(w);
}

static void *futex_partner(void *arg)
{
	(void)arg;
	for (long i = 0; i < rounds; i++) {
		take(&words[0]);
		give(&words[1]);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "create";
	rounds = arg_count(argc, argv, 2, 1000);
	pthread_t t;
	double t0 = now_ns();
	if (!strcmp(mode, "create")) {
		for (long i = 0; i < rounds; i++)
			if (pthread_create(&t, NULL, nothing, NULL) || pthread_join(t, NULL))
				die("pthread_create");
	} else if (!strcmp(mode, "condvar")) {
		if (pthread_create(&t, NULL, condvar_partner, NULL))
			die("pthread_create");
		for (long i = 0; i < rounds; i++) {
			pthread_mutex_lock(&m);
			turn = 1;
			pthread_cond_signal(&cv);
			while (turn != 0)
				pthread_cond_wait(&cv, &m);
			pthread_mutex_unlock(&m);
		}
		pthread_join(t, NULL);
	} else if (!strcmp(mode, "futex")) {
		if (pthread_create(&t, NULL, futex_partner, NULL))
			die("pthread_create");
		for (long i = 0; i < rounds; i++) {
			give(&words[0]);
			take(&words[1]);
		}
		pthread_join(t, NULL);
	} else {
		die("mode: create, condvar or futex");
	}
	double t1 = now_ns();
	printf("%.1f us/op\n", (t1 - t0) / rounds / 1000);
	return 0;
}
