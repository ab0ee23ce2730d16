/* b_shmpingpong MODE [ITER]: round trip between a parent and its child over
 * one MAP_SHARED anonymous page, in nanoseconds.  The parent sets a word to
 * 1, the child sees it and sets it back to 0.
 * MODE "spin": each side polls the word, and yields the CPU after SPINS
 *   polls, so that it also works with fewer cores than processes.
 * MODE "futex": each side sleeps in a shared FUTEX_WAIT and is woken by the
 *   other's FUTEX_WAKE (the cross-process wake path). */
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

/* <linux/futex.h>: musl-gcc sees no kernel headers. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define SPINS 1000

static int use_futex;

/* Waits until *word == want. */
static void await_value(volatile uint32_t *word, uint32_t want)
{
	for (long i = 0; __atomic_load_n(word, __ATOMIC_ACQUIRE) != want; i++) {
		if (use_futex)
			syscall(SYS_futex, word, FUTEX_WAIT, !want, NULL, NULL, 0);
		else if (i >= SPINS)
			sched_yield();
		else
			__builtin_ia32_pause();
	}
}

static void set_value(volatile uint32_t *word, uint32_t v)
{
	__atomic_store_n(word, v, __ATOMIC_RELEASE);
	if (use_futex)
		syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "spin";
	long iter = arg_count(argc, argv, 2, 20000);
	if (strcmp(mode, "spin") && strcmp(mode, "futex")) {
		fprintf(stderr, "%s: MODE is spin or futex\n", argv[0]);
		return 2;
	}
	use_futex = !strcmp(mode, "futex");
	volatile uint32_t *word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (word == MAP_FAILED)
		die("mmap");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (long i = 0; i < iter; i++) {
			await_value(word, 1);
			set_value(word, 0);
		}
		_exit(0);
	}
	double t0 = now_ns();
	for (long i = 0; i < iter; i++) {
		set_value(word, 1);
		await_value(word, 0);
	}
	double t1 = now_ns();
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		die("waitpid");
	printf("%.1f ns/round-trip\n", (t1 - t0) / iter);
	return 0;
}
