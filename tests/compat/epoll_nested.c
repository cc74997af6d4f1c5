/* epoll_nested.c - an epoll fd inside another epoll reports readiness; self-add is EINVAL. */
/* syscalls: epoll_create1 epoll_ctl epoll_wait epoll_create */
#include "tap.h"
#include <sys/epoll.h>
#include <sys/syscall.h>

int main(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, out[2];
	int inner, outer, p[2];

	TAP_PLAN(5);
	inner = syscall(SYS_epoll_create, 1);
	TAP_OK(inner >= 0, "legacy epoll_create");
	outer = epoll_create1(0);
	pipe(p);
	epoll_ctl(inner, EPOLL_CTL_ADD, p[0], &ev);
	ev.data.fd = inner;
	TAP_OK(epoll_ctl(outer, EPOLL_CTL_ADD, inner, &ev) == 0, "add inner epoll to outer");
	TAP_OK(epoll_wait(outer, out, 2, 0) == 0, "nothing ready");
	write(p[1], "x", 1);
	TAP_OK(epoll_wait(outer, out, 2, 1000) == 1 && out[0].data.fd == inner, "outer sees inner ready");
	TAP_ERRNO(epoll_ctl(outer, EPOLL_CTL_ADD, outer, &ev), EINVAL, "add to itself -> EINVAL");
	return TAP_DONE();
}
