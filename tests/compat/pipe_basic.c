/* pipe_basic.c - pipe(2): data flows in order, EOF after writer closes, EBADF wrong end. */
/* syscalls: pipe read write close */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	char buf[16] = { 0 };
	int p[2];

	TAP_PLAN(6);
	TAP_OK(syscall(SYS_pipe, p) == 0 && p[0] >= 0 && p[1] > p[0], "pipe returns two fds");
	TAP_OK(write(p[1], "ab", 2) == 2 && write(p[1], "cd", 2) == 2, "two writes");
	TAP_OK(read(p[0], buf, 16) == 4 && !strcmp(buf, "abcd"), "one read gets both in order");
	TAP_ERRNO(write(p[0], "x", 1), EBADF, "write to read end -> EBADF");
	close(p[1]);
	TAP_OK(read(p[0], buf, 16) == 0, "EOF after writer closed");
	TAP_ERRNO(syscall(SYS_pipe, tap_badptr()), EFAULT, "bad pointer -> EFAULT");
	return TAP_DONE();
}
