/* close_range_basic.c - close_range(2): close a range, CLOSE_RANGE_CLOEXEC, EINVAL. */
/* syscalls: close_range close */
#include "tap.h"
#include <linux/close_range.h>
#include <sys/syscall.h>

int main(void)
{
	TAP_PLAN(5);
	for (int i = 40; i < 50; i++)
		dup2(0, i);
	TAP_OK(syscall(SYS_close_range, 40, 44, 0) == 0, "close_range 40..44");
	TAP_OK(fcntl(40, F_GETFD) < 0 && fcntl(44, F_GETFD) < 0 && fcntl(45, F_GETFD) == 0, "40-44 closed, 45 open");
	TAP_OK(syscall(SYS_close_range, 45, ~0U, CLOSE_RANGE_CLOEXEC) == 0 && fcntl(49, F_GETFD) == FD_CLOEXEC,
	       "CLOSE_RANGE_CLOEXEC marks fds");
	TAP_ERRNO(syscall(SYS_close_range, 10, 5, 0), EINVAL, "first > last -> EINVAL");
	TAP_ERRNO(syscall(SYS_close_range, 45, 50, 0x80), EINVAL, "bad flag -> EINVAL");
	return TAP_DONE();
}
