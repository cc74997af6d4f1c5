/*
 * read_zero.c - read() of 4 KiB from /dev/zero: a trapped call that copies a page out to
 * the app's memory.
 */
#include <fcntl.h>
#include <unistd.h>
#include "micro.h"

int main(int argc, char **argv)
{
	long iters = micro_iters(argc, argv, 1000000);
	static char buf[4096];
	int fd = open("/dev/zero", O_RDONLY);

	if (fd < 0)
		micro_die("/dev/zero");
	MICRO_LOOP(iters, {
		if (read(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			micro_die("read");
	});
	return 0;
}
