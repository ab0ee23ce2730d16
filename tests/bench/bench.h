/* Shared by the benchmark programs: each times its loop with CLOCK_MONOTONIC
 * inside the program (so that start-up cost stays out of the figure) and prints
 * one line "VALUE UNIT", which scripts/bench.sh reads. */
#ifndef BENCH_H
#define BENCH_H
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* arg_count(argc, argv, i, dflt): argv[i] as a positive count, or dflt. */
static inline long arg_count(int argc, char **argv, int i, long dflt)
{
	long n = argc > i ? atol(argv[i]) : dflt;
	if (n <= 0) {
		fprintf(stderr, "%s: bad count\n", argv[0]);
		exit(2);
	}
	return n;
}

static inline void die(const char *what)
{
	perror(what);
	exit(1);
}
#endif
