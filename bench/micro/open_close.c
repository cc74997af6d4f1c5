/*
 * open_close.c - open("/etc/passwd", O_RDONLY) followed by close():
 * path walk, file-description creation and teardown.
 */
#include <fcntl.h>
#include <unistd.h>
#include "micro.h"

int main(int argc, char **argv)
{
	long iters = micro_iters(argc, argv, 500000);
	const char *path = "/etc/passwd";
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		micro_die(path);
	close(fd);
	MICRO_LOOP(iters, {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			micro_die(path);
		close(fd);
	});
	return 0;
}
