/* epoll_close_removes.c - closing the last fd of a file removes it from the epoll set. */
/* syscalls: epoll_create1 epoll_ctl epoll_wait close dup */
#include "tap.h"
#include <sys/epoll.h>

int main(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, out[2];
	int ep, p[2], d;

	TAP_PLAN(3);
	ep = epoll_create1(0);
	pipe(p);
	write(p[1], "x", 1);
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	d = dup(p[0]);
	close(p[0]);
	TAP_OK(epoll_wait(ep, out, 2, 0) == 1, "still reported while a dup is open");
	close(d);
	TAP_OK(epoll_wait(ep, out, 2, 0) == 0, "gone after last close");
	TAP_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), EBADF, "closed fd -> EBADF");
	return TAP_DONE();
}
