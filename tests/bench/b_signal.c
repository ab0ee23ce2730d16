/* b_signal [ITER]: a signal to a handler in another process and back, in
 * microseconds per round trip: the parent sends SIGUSR1 to its child, whose
 * handler answers with SIGUSR2, which the parent takes in sigsuspend. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static volatile sig_atomic_t got;

static void on_signal(int sig)
{
	(void)sig;
	got = 1;
}

int main(int argc, char **argv)
{
	long iter = arg_count(argc, argv, 1, 200);
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, &old);
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	pid_t parent = getpid(), child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		for (;;) {
			got = 0;
			while (!got)
				sigsuspend(&old);
			kill(parent, SIGUSR2);
		}
	}
	double t0 = now_ns();
	for (long i = 0; i < iter; i++) {
		got = 0;
		kill(child, SIGUSR1);
		while (!got)
			sigsuspend(&old);
	}
	double t1 = now_ns();
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	printf("%.1f us/round-trip\n", (t1 - t0) / iter / 1000);
	return 0;
}
