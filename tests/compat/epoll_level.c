/* epoll_level.c - level-triggered epoll: reports readiness until drained; timeout 0; EPOLLOUT. */
/* syscalls: epoll_create1 epoll_ctl epoll_wait epoll_pwait */
#include "tap.h"
#include <sys/epoll.h>

int main(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 }, out[4];
	char buf[8];
	int ep, p[2];

	TAP_PLAN(7);
	ep = epoll_create1(EPOLL_CLOEXEC);
	pipe(p);
	TAP_OK(ep >= 0 && fcntl(ep, F_GETFD) == FD_CLOEXEC, "epoll_create1 EPOLL_CLOEXEC");
	TAP_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "add read end");
	TAP_OK(epoll_wait(ep, out, 4, 0) == 0, "nothing ready, timeout 0");
	write(p[1], "ab", 2);
	TAP_OK(epoll_wait(ep, out, 4, 1000) == 1 && out[0].data.u64 == 42 && (out[0].events & EPOLLIN),
	       "ready with data.u64 kept");
	TAP_OK(epoll_wait(ep, out, 4, 0) == 1, "still ready (level)");
	read(p[0], buf, 8);
	TAP_OK(epoll_pwait(ep, out, 4, 0, NULL) == 0, "drained: not ready (epoll_pwait)");
	ev = (struct epoll_event){ .events = EPOLLOUT, .data.fd = p[1] };
	epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev);
	TAP_OK(epoll_wait(ep, out, 4, 0) == 1 && out[0].data.fd == p[1] && out[0].events == EPOLLOUT,
	       "write end EPOLLOUT");
	return TAP_DONE();
}
