/*
 * write_null.c - write() of 64 bytes to /dev/null: a trapped call that copies a small
 * buffer in from the app's memory.
 */
#include <fcntl.h>
#include <unistd.h>
#include "micro.h"

int main(int argc, char **argv)
{
	long iters = micro_iters(argc, argv, 1000000);
	static char buf[64];
	int fd = open("/dev/null", O_WRONLY);

	if (fd < 0)
		micro_die("/dev/null");
	MICRO_LOOP(iters, {
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			micro_die("write");
	});
	return 0;
}
