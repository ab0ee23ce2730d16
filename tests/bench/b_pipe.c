/* b_pipe [ITER]: round trip of one byte between a parent and its child over
 * two pipes, in microseconds. */
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long iter = arg_count(argc, argv, 1, 2000);
	int ping[2], pong[2];
	char c = 'x';
	if (pipe(ping) || pipe(pong))
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(ping[1]);
		close(pong[0]);
		while (read(ping[0], &c, 1) == 1)
			if (write(pong[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(ping[0]);
	close(pong[1]);
	double t0 = now_ns();
	for (long i = 0; i < iter; i++)
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			die("ping-pong");
	double t1 = now_ns();
	close(ping[1]);
	int st;
	waitpid(pid, &st, 0);
	printf("%.1f us/round-trip\n", (t1 - t0) / iter / 1000);
	return 0;
}
