/* tcp_accept_nonblock.c - accept/accept4: EAGAIN non-blocking, EINVAL on a non-listener and bad flags, flags of the new fd, peer address. */
/* syscalls: accept accept4 listen socket connect poll fcntl */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) }, peer, cl;
	socklen_t len = sizeof(a), pl = sizeof(peer);
	struct pollfd p;
	int l, c, s, u;

	TAP_PLAN(8);
	u = socket(AF_INET, SOCK_STREAM, 0);
	TAP_ERRNO(accept(u, NULL, NULL), EINVAL, "accept on a non-listener -> EINVAL");
	l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	bind(l, (void *)&a, sizeof(a));
	listen(l, 4);
	getsockname(l, (void *)&a, &len);
	TAP_ERRNO(accept(l, NULL, NULL), EAGAIN, "nothing pending, non-blocking -> EAGAIN");
	TAP_ERRNO(accept4(l, NULL, NULL, 0x4000000), EINVAL, "accept4 bad flags -> EINVAL");
	c = socket(AF_INET, SOCK_STREAM, 0);
	TAP_OK(connect(c, (void *)&a, sizeof(a)) == 0, "connect");
	p = (struct pollfd){ .fd = l, .events = POLLIN };
	TAP_OK(poll(&p, 1, 2000) == 1 && (p.revents & POLLIN), "listener POLLIN");
	s = accept4(l, (void *)&peer, &pl, SOCK_NONBLOCK | SOCK_CLOEXEC);
	TAP_OK(s >= 0 && (fcntl(s, F_GETFL) & O_NONBLOCK) && (fcntl(s, F_GETFD) & FD_CLOEXEC),
	       "accept4 SOCK_NONBLOCK|SOCK_CLOEXEC");
	len = sizeof(cl);
	getsockname(c, (void *)&cl, &len);
	TAP_OK(pl == sizeof(peer) && peer.sin_port == cl.sin_port && peer.sin_addr.s_addr == cl.sin_addr.s_addr,
	       "peer address = the client's name");
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof(a));
	poll(&p, 1, 2000);
	s = accept(l, NULL, NULL);
	TAP_OK(s >= 0 && !(fcntl(s, F_GETFL) & O_NONBLOCK), "accept does not inherit O_NONBLOCK");
	return TAP_DONE();
}
