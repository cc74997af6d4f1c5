/* epoll_oneshot.c - EPOLLONESHOT disables after one event; EPOLL_CTL_MOD re-arms. */
/* syscalls: epoll_create1 epoll_ctl epoll_wait */
#include "tap.h"
#include <sys/epoll.h>

int main(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT }, out[2];
	int ep, p[2];

	TAP_PLAN(4);
	ep = epoll_create1(0);
	pipe(p);
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	write(p[1], "a", 1);
	TAP_OK(epoll_wait(ep, out, 2, 1000) == 1, "first event");
	TAP_OK(epoll_wait(ep, out, 2, 0) == 0, "disabled afterwards though still readable");
	TAP_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev) == 0, "EPOLL_CTL_MOD re-arms");
	TAP_OK(epoll_wait(ep, out, 2, 1000) == 1, "event again");
	return TAP_DONE();
}
