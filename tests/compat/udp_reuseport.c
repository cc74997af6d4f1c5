/* udp_reuseport.c - UDP port sharing: SO_REUSEPORT groups (same user) spread senders over
 * their members, a socket without it is refused; SO_REUSEADDR sharers: the last bound
 * gets unicast. */
/* syscalls: socket setsockopt bind sendto recvfrom */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

static int sock_opt(int opt)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
	if (opt)
		setsockopt(s, SOL_SOCKET, opt, &one, sizeof(one));
	return s;
}

static int drain(int s)
{
	char b[8];
	int n = 0;
	struct pollfd p = {.fd = s, .events = POLLIN};
	while (poll(&p, 1, 200) == 1 && recv(s, b, sizeof(b), MSG_DONTWAIT) >= 0)
		n++;
	return n;
}

int main(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);

	TAP_PLAN(7);
	int x = sock_opt(SO_REUSEPORT), y = sock_opt(SO_REUSEPORT), z = sock_opt(0);
	TAP_OK(bind(x, (void *)&a, sizeof(a)) == 0 && getsockname(x, (void *)&a, &len) == 0,
	       "first SO_REUSEPORT bind");
	TAP_OK(bind(y, (void *)&a, sizeof(a)) == 0, "second SO_REUSEPORT bind to the same port");
	TAP_ERRNO(bind(z, (void *)&a, sizeof(a)), EADDRINUSE, "a socket without SO_REUSEPORT");
	for (int i = 0; i < 64; i++) {
		int t = socket(AF_INET, SOCK_DGRAM, 0);
		sendto(t, "x", 1, 0, (void *)&a, sizeof(a));
		close(t);
	}
	int nx = drain(x), ny = drain(y);
	TAP_OK(nx + ny == 64, "all 64 datagrams arrive (%d + %d)", nx, ny);
	TAP_OK(nx > 0 && ny > 0, "both members of the group get some");
	close(x);
	close(y);
	close(z);

	/* SO_REUSEADDR: the most recently bound takes unicast */
	a.sin_port = 0;
	x = sock_opt(SO_REUSEADDR);
	y = sock_opt(SO_REUSEADDR);
	len = sizeof(a);
	bind(x, (void *)&a, sizeof(a));
	getsockname(x, (void *)&a, &len);
	TAP_OK(bind(y, (void *)&a, sizeof(a)) == 0, "SO_REUSEADDR sharers");
	int t = socket(AF_INET, SOCK_DGRAM, 0);
	for (int i = 0; i < 4; i++)
		sendto(t, "u", 1, 0, (void *)&a, sizeof(a));
	ny = drain(y);
	nx = drain(x);
	TAP_OK(ny == 4 && nx == 0, "unicast to the last bound (%d, %d)", nx, ny);
	return TAP_DONE();
}
