/* dup2_dup3.c - dup2 replaces the target; dup2 same fd is a no-op; dup3 flags and EINVAL. */
/* syscalls: dup2 dup3 */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	char c;
	int a, b;

	TAP_PLAN(7);
	tap_write_file(tap_path("f"), "Z");
	a = open(tap_path("f"), O_RDONLY);
	b = open("/dev/null", O_RDONLY);
	TAP_OK(syscall(SYS_dup2, a, b) == b, "dup2 returns newfd");
	TAP_OK(read(b, &c, 1) == 1 && c == 'Z', "newfd now refers to the file");
	TAP_OK(syscall(SYS_dup2, a, a) == a, "dup2(fd, fd) returns fd");
	TAP_ERRNO(syscall(SYS_dup2, 999, b), EBADF, "dup2 bad oldfd -> EBADF");
	TAP_OK(dup3(a, 50, O_CLOEXEC) == 50 && fcntl(50, F_GETFD) == FD_CLOEXEC, "dup3 O_CLOEXEC");
	TAP_ERRNO(dup3(a, a, 0), EINVAL, "dup3 same fd -> EINVAL");
	TAP_ERRNO(dup3(a, 51, O_NONBLOCK), EINVAL, "dup3 bad flag -> EINVAL");
	return TAP_DONE();
}
