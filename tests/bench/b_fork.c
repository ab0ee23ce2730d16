/* b_fork MODE [ITER]: microseconds per process made and reaped.
 * MODE "exit": fork, the child _exits, the parent waits.
 * MODE "exec": fork, the child execs this program with "child", the parent waits.
 * MODE "spawn": posix_spawn of this program with "child", then wait. */
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child"))
		return 0;
	const char *mode = argc > 1 ? argv[1] : "exit";
	long iter = arg_count(argc, argv, 2, 50);
	char *child_argv[] = { argv[0], "child", NULL };
	double t0 = now_ns();
	for (long i = 0; i < iter; i++) {
		pid_t pid;
		if (!strcmp(mode, "spawn")) {
			if (posix_spawn(&pid, argv[0], NULL, NULL, child_argv, environ))
				die("posix_spawn");
		} else {
			pid = fork();
			if (pid < 0)
				die("fork");
			if (pid == 0) {
				if (!strcmp(mode, "exec"))
					execve(argv[0], child_argv, environ);
				_exit(0);
			}
		}
		int st;
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			die("waitpid");
	}
	printf("%.1f us/op\n", (now_ns() - t0) / iter / 1000);
	return 0;
}
