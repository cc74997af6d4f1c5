/* poll_basic.c - poll(2): POLLIN/POLLOUT/POLLHUP/POLLNVAL, timeout, negative fds ignored. */
/* syscalls: poll */
#include "tap.h"
#include <poll.h>
#include <sys/syscall.h>

int main(void)
{
	struct pollfd f[3];
	int p[2];

	TAP_PLAN(6);
	pipe(p);
	f[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	f[1] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	f[2] = (struct pollfd){ .fd = -1, .events = POLLIN };
	TAP_OK(syscall(SYS_poll, f, 3, 1000) == 1 && f[1].revents == POLLOUT && f[0].revents == 0 &&
		       f[2].revents == 0, "only write end ready; negative fd ignored");
	write(p[1], "x", 1);
	TAP_OK(syscall(SYS_poll, f, 1, 1000) == 1 && f[0].revents == POLLIN, "POLLIN after write");
	close(p[1]);
	read(p[0], (char[1]){ 0 }, 1);
	TAP_OK(syscall(SYS_poll, f, 1, 1000) == 1 && (f[0].revents & POLLHUP), "POLLHUP after writer close");
	f[0].fd = 999;
	TAP_OK(syscall(SYS_poll, f, 1, 0) == 1 && f[0].revents == POLLNVAL, "bad fd -> POLLNVAL");
	TAP_OK(syscall(SYS_poll, NULL, 0, 10) == 0, "no fds: plain timeout");
	TAP_ERRNO(syscall(SYS_poll, tap_badptr(), 1, 0), EFAULT, "bad pointer -> EFAULT");
	return TAP_DONE();
}
