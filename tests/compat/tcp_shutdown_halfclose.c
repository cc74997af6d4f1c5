/* tcp_shutdown_halfclose.c - shutdown(SHUT_WR) sends FIN, reading goes on; EPIPE after; ENOTCONN/EINVAL. */
/* syscalls: shutdown socket connect accept sendto recvfrom poll */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

static void tcp_pair(int *l, int *c, int *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	*l = socket(AF_INET, SOCK_STREAM, 0);
	bind(*l, (void *)&a, sizeof(a));
	listen(*l, 4);
	getsockname(*l, (void *)&a, &len);
	*c = socket(AF_INET, SOCK_STREAM, 0);
	connect(*c, (void *)&a, sizeof(a));
	*s = accept(*l, NULL, NULL);
}

int main(void)
{
	int l, c, s, u;
	char buf[64];
	struct pollfd p;

	TAP_PLAN(10);
	tcp_pair(&l, &c, &s);
	TAP_OK(c >= 0 && s >= 0 && shutdown(c, SHUT_WR) == 0, "shutdown(SHUT_WR)");
	TAP_OK(recv(s, buf, sizeof(buf), 0) == 0, "peer reads EOF");
	p = (struct pollfd){ .fd = s, .events = POLLIN | POLLRDHUP | POLLOUT };
	TAP_OK(poll(&p, 1, 1000) == 1 && (p.revents & POLLRDHUP) && (p.revents & POLLIN) &&
		       (p.revents & POLLOUT) && !(p.revents & POLLHUP),
	       "peer: POLLIN|POLLRDHUP|POLLOUT, no POLLHUP (revents %#x)", p.revents);
	TAP_OK(send(s, "reply", 5, 0) == 5 && recv(c, buf, 5, MSG_WAITALL) == 5 &&
		       !memcmp(buf, "reply", 5), "half-closed side still reads");
	TAP_ERRNO(send(c, "x", 1, MSG_NOSIGNAL), EPIPE, "send after SHUT_WR -> EPIPE");
	TAP_OK(shutdown(s, SHUT_WR) == 0 && recv(c, buf, sizeof(buf), 0) == 0, "second FIN -> EOF");
	p = (struct pollfd){ .fd = s, .events = POLLIN };
	TAP_OK(poll(&p, 1, 1000) == 1 && (p.revents & POLLHUP), "both directions shut -> POLLHUP");
	TAP_ERRNO(shutdown(c, 7), EINVAL, "bad how -> EINVAL");
	u = socket(AF_INET, SOCK_STREAM, 0);
	TAP_ERRNO(shutdown(u, SHUT_RDWR), ENOTCONN, "unconnected -> ENOTCONN");
	TAP_OK(shutdown(l, SHUT_WR) == 0, "SHUT_WR on a listener is a no-op");
	return TAP_DONE();
}
