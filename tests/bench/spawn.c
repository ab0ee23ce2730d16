/* spawn N CMD [ARGS...]: runs CMD N times, one after the other, stdin and stdout
 * on /dev/null, and prints "MEDIAN_US MEDIAN_MAXRSS_KB": the median wall time
 * from fork to reaped exit, and the median peak RSS of the process it ran (the
 * rusage wait4 reports).  Any run that fails makes it fail. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s N CMD [ARGS...]\n", argv[0]);
		return 2;
	}
	int n = (int)arg_count(argc, argv, 1, 0);
	double *us = calloc(n, sizeof *us), *rss = calloc(n, sizeof *rss);
	if (!us || !rss)
		die("calloc");
	for (int i = 0; i < n; i++) {
		double t0 = now_ns();
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			int null = open("/dev/null", O_RDWR);
			if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
				_exit(126);
			execv(argv[2], argv + 2);
			_exit(127);
		}
		int status;
		struct rusage ru;
		if (wait4(pid, &status, 0, &ru) != pid)
			die("wait4");
		us[i] = (now_ns() - t0) / 1e3;
		rss[i] = ru.ru_maxrss;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "%s: %s failed (status %#x)\n", argv[0], argv[2], status);
			return 1;
		}
	}
	printf("%.0f %.0f\n", median(us, n), median(rss, n));
	return 0;
}
