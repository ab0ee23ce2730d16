/* b_mmap MB [ITER]: mmap of MB megabytes of private anonymous memory, one
 * write to every page, munmap; nanoseconds per page, so that the figure is
 * the cost of a first-touched page (the fault, the zeroed page, its share of
 * the mmap, munmap and flush). */
#include <sys/mman.h>

#include "bench.h"

#define PAGE 4096

int main(int argc, char **argv)
{
	long mb = arg_count(argc, argv, 1, 1);
	long iter = arg_count(argc, argv, 2, 200);
	size_t len = (size_t)mb << 20;
	double t0 = now_ns();
	for (long i = 0; i < iter; i++) {
		volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		for (size_t off = 0; off < len; off += PAGE)
			p[off] = 1;
		if (munmap((void *)p, len))
			die("munmap");
	}
	printf("%.1f ns/page\n", (now_ns() - t0) / ((double)iter * (len / PAGE)));
	return 0;
}
