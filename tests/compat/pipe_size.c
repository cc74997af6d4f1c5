/* pipe_size.c - F_GETPIPE_SZ default 64 KiB, F_SETPIPE_SZ rounds up; EBUSY when too small. */
/* syscalls: pipe2 fcntl */
#include "tap.h"

int main(void)
{
	static char buf[8192];
	int p[2];

	TAP_PLAN(4);
	pipe2(p, O_NONBLOCK);
	TAP_OK(fcntl(p[0], F_GETPIPE_SZ) == 65536, "default 65536");
	TAP_OK(fcntl(p[0], F_SETPIPE_SZ, 5000) == 8192 && fcntl(p[1], F_GETPIPE_SZ) == 8192,
	       "set 5000 -> 8192 (page rounded, power of two)");
	write(p[1], buf, 8192);
	TAP_ERRNO(fcntl(p[0], F_SETPIPE_SZ, 4096), EBUSY, "shrink below contents -> EBUSY");
	TAP_ERRNO(fcntl(p[0], F_SETPIPE_SZ, 1 << 30), EPERM, "above pipe-max-size... -> EPERM");
	return TAP_DONE();
}
