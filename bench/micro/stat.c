/*
 * stat.c - stat("/usr/bin/env"): a path walk of three components and a stat copy-out.
 * Calls the stat(2) family through libc (fstatat/newfstatat on x86-64 glibc).
 */
#include <sys/stat.h>
#include "micro.h"

int main(int argc, char **argv)
{
	long iters = micro_iters(argc, argv, 1000000);
	const char *path = "/usr/bin/env";
	struct stat st;

	MICRO_LOOP(iters, {
		if (stat(path, &st) < 0)
			micro_die(path);
	});
	return 0;
}
