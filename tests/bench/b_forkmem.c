/* b_forkmem [MB] [ITER]: microseconds per fork+_exit+wait of a parent that
 * holds MB megabytes (default 64) of private anonymous memory, every page
 * written before the loop: the cost of copying (or sharing copy on write)
 * a populated address space. */
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long mb = arg_count(argc, argv, 1, 64);
	long iter = arg_count(argc, argv, 2, 50);
	size_t len = (size_t)mb << 20;
	char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	memset(mem, 1, len);
	double t0 = now_ns();
	for (long i = 0; i < iter; i++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0)
			_exit(0);
		int st;
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			die("waitpid");
	}
	printf("%.1f us/op\n", (now_ns() - t0) / iter / 1000);
	return mem[len - 1] == 1 ? 0 : 1;
}
