/* tcp_refused.c - connect to a closed port: ECONNREFUSED (blocking and not), SO_ERROR, poll bits. */
/* syscalls: connect socket bind getsockname getsockopt poll */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a), el = sizeof(int);
	struct pollfd p;
	int t, c, r, err = -1;

	TAP_PLAN(7);
	/* a port nobody listens on: bound, then closed */
	t = socket(AF_INET, SOCK_STREAM, 0);
	bind(t, (void *)&a, sizeof(a));
	getsockname(t, (void *)&a, &len);
	close(t);
	c = socket(AF_INET, SOCK_STREAM, 0);
	TAP_ERRNO(connect(c, (void *)&a, sizeof(a)), ECONNREFUSED, "blocking connect -> ECONNREFUSED");
	TAP_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0,
	       "the error was reported by connect (SO_ERROR %d)", err);
	TAP_ERRNO(connect(c, (void *)&a, sizeof(a)), ECONNREFUSED, "the socket can try again");
	close(c);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	r = connect(c, (void *)&a, sizeof(a));
	TAP_OK(r < 0 && (errno == EINPROGRESS || errno == ECONNREFUSED), "non-blocking: EINPROGRESS");
	p = (struct pollfd){ .fd = c, .events = POLLOUT };
	TAP_OK(poll(&p, 1, 5000) == 1 && (p.revents & POLLERR) && (p.revents & POLLHUP),
	       "POLLERR|POLLHUP (revents %#x)", p.revents);
	TAP_ERRNO(connect(c, (void *)&a, sizeof(a)), ECONNREFUSED, "connect again reports the error");
	close(c);
	c = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_family = AF_INET6;
	TAP_ERRNO(connect(c, (void *)&a, sizeof(a)), EAFNOSUPPORT, "wrong family -> EAFNOSUPPORT");
	return TAP_DONE();
}
