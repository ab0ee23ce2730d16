/* b_getpid MODE [ITER]: the cost of the cheapest system call, in ns per call.
 * MODE "libc": getpid() as programs call it (neither musl nor glibc since
 * 2.25 caches it).  MODE "syscall": through libc's generic syscall(), where
 * the number reaches rax from a register, so picovm cannot rewrite the site
 * and every call takes the `syscall` instruction (LSTAR) path. */
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	int generic = argc > 1 && !strcmp(argv[1], "syscall");
	long iter = arg_count(argc, argv, 2, 1000000);
	double t0 = now_ns();
	for (long i = 0; i < iter; i++) {
		if (generic)
			syscall(SYS_getpid);
		else
			getpid();
	}
	printf("%.1f ns/call\n", (now_ns() - t0) / iter);
	return 0;
}
