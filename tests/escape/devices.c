/* tests/escape/devices.c - device nodes made with mknod(2): on a host-backed directory
 * (argv[1]: the Sentry holds no CAP_MKNOD, nothing reaches the host disk) and on the
 * sandbox's tmpfs (the node exists, but opening it reaches no host device). */
#define _GNU_SOURCE
#include "tap.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static const struct {
	const char *name;
	mode_t type;
	unsigned maj, min;
} devs[] = {
    {"mem", S_IFCHR, 1, 1},   {"kmem", S_IFCHR, 1, 2},	{"port", S_IFCHR, 1, 4},
    {"sda", S_IFBLK, 8, 0},   {"vda", S_IFBLK, 253, 0}, {"nvme0n1", S_IFBLK, 259, 0},
    {"kmsg", S_IFCHR, 1, 11}, {"loop0", S_IFBLK, 7, 0},
};

int main(int argc, char **argv)
{
	const char *hostdir = argc > 1 ? argv[1] : "/hostdir";
	char path[256], what[320], buf[16];

	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", hostdir, devs[i].name);
		snprintf(what, sizeof(what), "mknod %s (%u,%u) on a host-backed mount", path,
			 devs[i].maj, devs[i].min);
		int r = mknod(path, devs[i].type | 0666, makedev(devs[i].maj, devs[i].min));
		tap_errno(r, EPERM, EPERM, what);
		if (r == 0)
			unlink(path);
	}
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		snprintf(path, sizeof(path), "/tmp/%s", devs[i].name);
		if (mknod(path, devs[i].type | 0666, makedev(devs[i].maj, devs[i].min)) < 0) {
			snprintf(what, sizeof(what), "mknod %s in tmpfs: refused", path);
			tap(1, what, NULL);
			continue;
		}
		int fd = open(path, O_RDWR);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
		snprintf(what, sizeof(what), "open+read %s (%u,%u) made in tmpfs reaches no device",
			 path, devs[i].maj, devs[i].min);
		tap(fd < 0 || n < 0, what, "read host device data");
		if (fd >= 0)
			close(fd);
		unlink(path);
	}
	return tap_end();
}
