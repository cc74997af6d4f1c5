/* epoll_edge.c - EPOLLET reports a change once; new data re-arms; EPOLLHUP on writer close. */
/* syscalls: epoll_create1 epoll_ctl epoll_wait */
#include "tap.h"
#include <sys/epoll.h>

int main(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET }, out[2];
	char buf[8];
	int ep, p[2];

	TAP_PLAN(5);
	ep = epoll_create1(0);
	pipe(p);
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	write(p[1], "a", 1);
	TAP_OK(epoll_wait(ep, out, 2, 1000) == 1, "edge reported");
	TAP_OK(epoll_wait(ep, out, 2, 0) == 0, "not reported again without new data");
	write(p[1], "b", 1);
	TAP_OK(epoll_wait(ep, out, 2, 1000) == 1, "new data -> new edge");
	read(p[0], buf, 8);
	close(p[1]);
	TAP_OK(epoll_wait(ep, out, 2, 1000) == 1 && (out[0].events & EPOLLHUP), "EPOLLHUP after writer close");
	TAP_OK(epoll_wait(ep, out, 2, 0) == 0, "hangup edge reported once");
	return TAP_DONE();
}
