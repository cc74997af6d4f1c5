/* read_directory.c - read(2), pread(2) and readv(2) of a directory are EISDIR (Go's os
 * package probes a directory fd with pread). */
/* syscalls: read pread64 readv openat */
#include "tap.h"
#include <sys/uio.h>

int main(void)
{
	char b[64];
	struct iovec iov = { b, sizeof(b) };
	TAP_PLAN(4);
	int fd = open(tap_tmpdir(), O_RDONLY | O_DIRECTORY);
	TAP_ERRNO(read(fd, b, sizeof(b)), EISDIR, "read of a directory");
	TAP_ERRNO(pread(fd, b, sizeof(b), 0), EISDIR, "pread of a directory");
	TAP_ERRNO(readv(fd, &iov, 1), EISDIR, "readv of a directory");
	int pfd = open("/proc", O_RDONLY | O_DIRECTORY);
	TAP_ERRNO(read(pfd, b, sizeof(b)), EISDIR, "read of /proc");
	return TAP_DONE();
}
