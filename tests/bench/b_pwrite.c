/* b_pwrite FILE [ITER]: pwrite(2) of 1 byte at offset 0 of FILE (created), in
 * ns per call: the path of a small write to a host-backed file. */
#include <fcntl.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE [ITER]\n", argv[0]);
		return 2;
	}
	long iter = arg_count(argc, argv, 2, 100000);
	int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(argv[1]);
	double t0 = now_ns();
	for (long i = 0; i < iter; i++)
		if (pwrite(fd, "x", 1, 0) != 1)
			die("pwrite");
	printf("%.1f ns/call\n", (now_ns() - t0) / iter);
	return 0;
}
