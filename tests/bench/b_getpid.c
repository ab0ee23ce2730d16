/* b_getpid [ITER]: the cost of the cheapest system call, in ns per call.
 * syscall() rather than getpid(): no libc may cache it. */
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long iter = arg_count(argc, argv, 1, 1000000);
	double t0 = now_ns();
	for (long i = 0; i < iter; i++)
		syscall(SYS_getpid);
	printf("%.1f ns/call\n", (now_ns() - t0) / iter);
	return 0;
}
