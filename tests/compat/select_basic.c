/* select_basic.c - select(2): readable/writable sets, timeout updated, EBADF, EINVAL. */
/* syscalls: select */
#include "tap.h"
#include <sys/select.h>
#include <sys/syscall.h>

int main(void)
{
	struct timeval tv = { 0, 20000 };
	fd_set r, w;
	int p[2];

	TAP_PLAN(5);
	pipe(p);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	TAP_OK(syscall(SYS_select, p[0] + 1, &r, NULL, NULL, &tv) == 0 && !FD_ISSET(p[0], &r) &&
		       tv.tv_sec == 0 && tv.tv_usec == 0, "timeout: set cleared, tv consumed");
	write(p[1], "x", 1);
	FD_SET(p[0], &r);
	FD_ZERO(&w);
	FD_SET(p[1], &w);
	tv = (struct timeval){ 1, 0 };
	TAP_OK(syscall(SYS_select, p[1] + 1, &r, &w, NULL, &tv) == 2 && FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w),
	       "both ready -> 2");
	FD_ZERO(&r);
	FD_SET(20, &r);
	close(20);
	tv = (struct timeval){ 0, 0 };
	TAP_ERRNO(syscall(SYS_select, 21, &r, NULL, NULL, &tv), EBADF, "closed fd in set -> EBADF");
	TAP_ERRNO(syscall(SYS_select, -1, NULL, NULL, NULL, &tv), EINVAL, "nfds < 0 -> EINVAL");
	tv = (struct timeval){ 0, -1 };
	TAP_ERRNO(syscall(SYS_select, 0, NULL, NULL, NULL, &tv), EINVAL, "negative usec -> EINVAL");
	return TAP_DONE();
}
