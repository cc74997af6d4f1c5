/* tcp_nonblock_connect.c - non-blocking connect: EINPROGRESS or 0, poll POLLOUT, SO_ERROR 0; refused. */
/* syscalls: connect poll getsockopt socket */
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
	int l, c, r, err = -1;

	TAP_PLAN(4);
	l = socket(AF_INET, SOCK_STREAM, 0);
	bind(l, (void *)&a, sizeof(a));
	listen(l, 1);
	getsockname(l, (void *)&a, &len);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	r = connect(c, (void *)&a, sizeof(a));
	TAP_OK(r == 0 || errno == EINPROGRESS, "connect returns 0 or EINPROGRESS");
	p = (struct pollfd){ .fd = c, .events = POLLOUT };
	TAP_OK(poll(&p, 1, 5000) == 1 && (p.revents & POLLOUT), "POLLOUT when connected");
	TAP_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0, "SO_ERROR 0");
	close(l);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	r = connect(c, (void *)&a, sizeof(a));
	if (r < 0 && errno == EINPROGRESS) {
		p = (struct pollfd){ .fd = c, .events = POLLOUT };
		poll(&p, 1, 5000);
		el = sizeof(int);
		getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el);
	} else {
		err = r < 0 ? errno : 0;
	}
	TAP_OK(err == ECONNREFUSED, "closed port -> ECONNREFUSED");
	return TAP_DONE();
}
