/* b_write [ITER]: write(2) of 1 byte to /dev/null, in ns per call. */
#include <fcntl.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long iter = arg_count(argc, argv, 1, 1000000);
	int fd = open("/dev/null", O_WRONLY);
	if (fd < 0)
		die("/dev/null");
	double t0 = now_ns();
	for (long i = 0; i < iter; i++)
		if (write(fd, "x", 1) != 1)
			die("write");
	printf("%.1f ns/call\n", (now_ns() - t0) / iter);
	return 0;
}
