/* tcp_linger_rst.c - RST on close: SO_LINGER {1,0}, and close with unread data; the peer gets ECONNRESET then EOF, EPIPE. */
/* syscalls: setsockopt getsockopt close recvfrom sendto poll */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

static int lsn(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	*a = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	bind(l, (void *)a, sizeof(*a));
	listen(l, 4);
	getsockname(l, (void *)a, &len);
	return l;
}

static bool wait_in(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 2000) == 1;
}

int main(void)
{
	struct sockaddr_in a;
	struct linger lg = { 1, 0 }, got;
	socklen_t gl = sizeof(got);
	int l, c, s;
	char buf[16];

	TAP_PLAN(8);
	l = lsn(&a);
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof(a));
	s = accept(l, NULL, NULL);
	TAP_OK(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0 &&
		       getsockopt(c, SOL_SOCKET, SO_LINGER, &got, &gl) == 0 && got.l_onoff == 1 && got.l_linger == 0,
	       "SO_LINGER {1,0} set/get");
	close(c);
	TAP_OK(wait_in(s), "peer readable after the abortive close");
	TAP_ERRNO(recv(s, buf, sizeof(buf), 0), ECONNRESET, "linger 0 -> ECONNRESET");
	TAP_OK(recv(s, buf, sizeof(buf), 0) == 0, "then EOF");
	TAP_ERRNO(send(s, "x", 1, MSG_NOSIGNAL), EPIPE, "send after reset -> EPIPE");
	close(s);
	/* close with unread data */
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof(a));
	s = accept(l, NULL, NULL);
	send(c, "unread", 6, 0);
	TAP_OK(wait_in(s), "data arrived");
	close(s);
	TAP_OK(wait_in(c), "closer's peer readable");
	TAP_ERRNO(recv(c, buf, sizeof(buf), 0), ECONNRESET, "close with unread data -> RST");
	return TAP_DONE();
}
