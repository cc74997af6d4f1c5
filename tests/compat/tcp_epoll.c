/* tcp_epoll.c - epoll on TCP: level vs edge triggering, EPOLLRDHUP on FIN, EPOLLHUP, listener EPOLLIN. */
/* syscalls: epoll_create1 epoll_ctl epoll_wait socket connect accept shutdown */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	struct epoll_event ev, out[4];
	int l, c, s, lv, et, el;
	char buf[64];

	TAP_PLAN(10);
	l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	bind(l, (void *)&a, sizeof(a));
	listen(l, 4);
	getsockname(l, (void *)&a, &len);
	el = epoll_create1(0);
	ev = (struct epoll_event){ .events = EPOLLIN, .data.fd = l };
	epoll_ctl(el, EPOLL_CTL_ADD, l, &ev);
	TAP_OK(epoll_wait(el, out, 4, 0) == 0, "idle listener: nothing");
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof(a));
	TAP_OK(epoll_wait(el, out, 4, 2000) == 1 && (out[0].events & EPOLLIN), "pending connection -> EPOLLIN");
	s = accept(l, NULL, NULL);
	lv = epoll_create1(0);
	et = epoll_create1(0);
	ev = (struct epoll_event){ .events = EPOLLIN | EPOLLRDHUP, .data.fd = s };
	epoll_ctl(lv, EPOLL_CTL_ADD, s, &ev);
	ev.events |= EPOLLET;
	epoll_ctl(et, EPOLL_CTL_ADD, s, &ev);
	TAP_OK(epoll_wait(lv, out, 4, 0) == 0 && epoll_wait(et, out, 4, 0) == 0, "no data: nothing");
	send(c, "abc", 3, 0);
	TAP_OK(epoll_wait(lv, out, 4, 2000) == 1 && out[0].events == EPOLLIN, "level: EPOLLIN");
	TAP_OK(epoll_wait(et, out, 4, 2000) == 1 && out[0].events == EPOLLIN, "edge: EPOLLIN");
	TAP_OK(epoll_wait(lv, out, 4, 0) == 1 && epoll_wait(et, out, 4, 0) == 0,
	       "unread: level reports again, edge does not");
	send(c, "def", 3, 0);
	TAP_OK(epoll_wait(et, out, 4, 2000) == 1, "edge: new data is a new edge");
	recv(s, buf, sizeof(buf), 0);
	shutdown(c, SHUT_WR);
	TAP_OK(epoll_wait(et, out, 4, 2000) == 1 && (out[0].events & EPOLLRDHUP) && (out[0].events & EPOLLIN),
	       "FIN -> EPOLLIN|EPOLLRDHUP (%#x)", out[0].events);
	ev = (struct epoll_event){ .events = EPOLLOUT, .data.fd = s };
	epoll_ctl(lv, EPOLL_CTL_MOD, s, &ev);
	TAP_OK(epoll_wait(lv, out, 4, 0) == 1 && out[0].events == EPOLLOUT, "writable -> EPOLLOUT");
	shutdown(s, SHUT_WR);
	TAP_OK(epoll_wait(lv, out, 4, 0) == 1 && (out[0].events & EPOLLHUP), "both shut -> EPOLLHUP (%#x)",
	       out[0].events);
	return TAP_DONE();
}
