/* b_children N: forks N children that sleep SECONDS (default 3) and reaps
 * them; prints "ready" once all exist, so a driver can measure the host
 * memory they take meanwhile. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long n = arg_count(argc, argv, 1, 8), secs = arg_count(argc, argv, 2, 3);
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			sleep((unsigned)secs);
			_exit(0);
		}
	}
	printf("ready\n");
	fflush(stdout);
	while (wait(NULL) > 0)
		;
	return 0;
}
