/* mknod_devices.c - device nodes made with mknod(2) on a tmpfs (as runc makes /dev inside a
 * container's rootfs) open the kernel's devices: null, zero, full, random, urandom, tty;
 * an unknown device number is ENXIO; mknod of a device needs CAP_MKNOD. */
/* syscalls: mknodat openat read write unshare mount */
#include "mount_isolate.h"
#include <sys/sysmacros.h>

static int node(const char *base, const char *name, unsigned maj, unsigned min, char *out)
{
	sprintf(out, "%s/%s", base, name);
	return mknod(out, S_IFCHR | 0666, makedev(maj, min));
}

int main(void)
{
	char p[256], buf[8];
	struct stat st;

	TAP_PLAN(8);
	const char *base = mnt_isolate();
	TAP_OK(node(base, "null", 1, 3, p) == 0 && stat(p, &st) == 0 && S_ISCHR(st.st_mode) &&
		       st.st_rdev == makedev(1, 3),
	       "mknod c 1 3 makes a character device node");
	int fd = open(p, O_RDWR);
	TAP_OK(fd >= 0 && write(fd, "abc", 3) == 3 && read(fd, buf, 8) == 0, "it is /dev/null");
	close(fd);
	node(base, "zero", 1, 5, p);
	fd = open(p, O_RDONLY);
	memset(buf, 1, sizeof(buf));
	TAP_OK(fd >= 0 && read(fd, buf, 8) == 8 && !memcmp(buf, "\0\0\0\0\0\0\0\0", 8),
	       "c 1 5 is /dev/zero");
	close(fd);
	node(base, "full", 1, 7, p);
	fd = open(p, O_WRONLY);
	TAP_ERRNO(write(fd, "x", 1), ENOSPC, "c 1 7 is /dev/full");
	close(fd);
	node(base, "urandom", 1, 9, p);
	fd = open(p, O_RDONLY);
	TAP_OK(fd >= 0 && read(fd, buf, 8) == 8, "c 1 9 is /dev/urandom");
	close(fd);
	TAP_OK(node(base, "nodev", 240, 77, p) == 0, "mknod of an unregistered number succeeds");
	TAP_ERRNO(open(p, O_RDONLY), ENXIO, "but opening it is ENXIO");
	chmod(base, 01777); /* the caller may create: only CAP_MKNOD is missing */
	pid_t pid = fork();
	if (pid == 0) {
		if (setresuid(65534, 65534, 65534))
			_exit(2);
		_exit(node(base, "x", 1, 3, p) == -1 && errno == EPERM ? 0 : 1);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "without CAP_MKNOD: EPERM");
	return TAP_DONE();
}
