/* b_read FILE: sequential read(2) of FILE to its end in 64 KiB reads, in MB/s
 * (10^6 bytes per second). */
#include <fcntl.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	static char buf[64 * 1024];
	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		die(argv[1]);
	long long total = 0;
	ssize_t n;
	double t0 = now_ns();
	while ((n = read(fd, buf, sizeof buf)) > 0)
		total += n;
	double t = now_ns() - t0;
	if (n < 0)
		die("read");
	printf("%.1f MB/s\n", total / (t / 1e9) / 1e6);
	return 0;
}
