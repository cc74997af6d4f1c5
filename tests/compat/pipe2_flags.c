/* pipe2_flags.c - pipe2(2) O_CLOEXEC / O_NONBLOCK / O_DIRECT (packet mode); EINVAL. */
/* syscalls: pipe2 fcntl */
#include "tap.h"

int main(void)
{
	char buf[16];
	int p[2];

	TAP_PLAN(5);
	TAP_OK(pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0, "pipe2 O_CLOEXEC|O_NONBLOCK");
	TAP_OK(fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC &&
		       (fcntl(p[0], F_GETFL) & O_NONBLOCK) && (fcntl(p[1], F_GETFL) & O_NONBLOCK),
	       "both ends have the flags");
	TAP_ERRNO(pipe2(p, O_APPEND), EINVAL, "bad flag -> EINVAL");
	TAP_OK(pipe2(p, O_DIRECT) == 0 && write(p[1], "abc", 3) == 3 && write(p[1], "de", 2) == 2, "O_DIRECT");
	TAP_OK(read(p[0], buf, 16) == 3, "packet mode: one read returns one write");
	return TAP_DONE();
}
