/* flock_basic.c - flock(2): shared/exclusive, LOCK_NB EWOULDBLOCK across descriptions. */
/* syscalls: flock */
#include "tap.h"
#include <sys/file.h>

int main(void)
{
	int a, b;

	TAP_PLAN(6);
	a = open(tap_path("f"), O_RDWR | O_CREAT, 0600);
	b = open(tap_path("f"), O_RDWR);
	TAP_OK(flock(a, LOCK_SH) == 0 && flock(b, LOCK_SH | LOCK_NB) == 0, "two shared locks");
	TAP_ERRNO(flock(a, LOCK_EX | LOCK_NB), EWOULDBLOCK, "upgrade with other shared -> EWOULDBLOCK");
	TAP_OK(flock(b, LOCK_UN) == 0 && flock(a, LOCK_EX | LOCK_NB) == 0, "unlock then exclusive");
	TAP_ERRNO(flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK, "shared vs exclusive -> EWOULDBLOCK");
	TAP_ERRNO(flock(a, 0), EINVAL, "no operation -> EINVAL");
	close(a);
	TAP_OK(flock(b, LOCK_EX | LOCK_NB) == 0, "close releases");
	return TAP_DONE();
}
