/* open_cloexec.c - O_CLOEXEC sets FD_CLOEXEC; lowest free fd number is returned. */
/* syscalls: openat fcntl close */
#include "tap.h"

int main(void)
{
	int a, b, c;

	TAP_PLAN(4);
	a = open("/dev/null", O_RDONLY | O_CLOEXEC);
	TAP_OK(a >= 0 && fcntl(a, F_GETFD) == FD_CLOEXEC, "O_CLOEXEC -> FD_CLOEXEC");
	b = open("/dev/null", O_RDONLY);
	TAP_OK(b == a + 1 && fcntl(b, F_GETFD) == 0, "no O_CLOEXEC -> flag clear, next fd");
	close(a);
	c = open("/dev/null", O_RDONLY);
	TAP_OK(c == a, "lowest free fd reused");
	TAP_ERRNO(close(c + 100), EBADF, "close unused fd -> EBADF");
	close(b);
	close(c);
	return TAP_DONE();
}
