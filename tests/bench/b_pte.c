/* b_pte MODE [ITER]: what a page-table edit costs, the figures behind the
 * choice in libos/mm/mm.c (frames at map time, one flush per call):
 *   new      mmap of one page, never touched, and its munmap: an entry made
 *            (under picovm, a plain store) and taken away (a flush)
 *   change   mprotect of one touched page to read-only and back: two changed
 *            entries, two flushes
 *   fault    mmap of one page, one write, munmap: the entry, the first touch
 *            (a shadow fault on PVM hosts), the flush
 * Nanoseconds per operation (per mmap+munmap, per mprotect). */
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

#define PAGE 4096

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "new";
	long iter = arg_count(argc, argv, 2, 20000);
	int change = !strcmp(mode, "change"), touch = !strcmp(mode, "fault");
	if (!change && !touch && strcmp(mode, "new")) {
		fprintf(stderr, "b_pte: mode is new, change or fault\n");
		return 2;
	}
	volatile char *keep = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (keep == MAP_FAILED)
		die("mmap");
	keep[0] = 1;
	double t0 = now_ns();
	for (long i = 0; i < iter; i++) {
		if (change) {
			if (mprotect((void *)keep, PAGE, PROT_READ) || mprotect((void *)keep, PAGE, PROT_READ | PROT_WRITE))
				die("mprotect");
			continue;
		}
		volatile char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		if (touch)
			p[0] = 1;
		if (munmap((void *)p, PAGE))
			die("munmap");
	}
	printf("%.1f ns/op\n", (now_ns() - t0) / (double)(change ? 2 * iter : iter));
	return 0;
}
