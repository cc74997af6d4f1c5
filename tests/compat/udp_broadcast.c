/* udp_broadcast.c - broadcast on loopback's 127.255.255.255 (a broadcast route of lo):
 * sending needs SO_BROADCAST (EACCES, also for connect), receiving does not, and every
 * socket bound to the wildcard address and the port gets a copy. Nothing leaves lo. */
/* syscalls: socket setsockopt getsockopt bind connect sendto recvfrom */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

static bool got(int s, const char *what)
{
	char b[16];
	struct pollfd p = {.fd = s, .events = POLLIN};
	return poll(&p, 1, 2000) == 1 && recv(s, b, sizeof(b), MSG_DONTWAIT) == (ssize_t)strlen(what) &&
	       memcmp(b, what, strlen(what)) == 0;
}

int main(void)
{
	struct sockaddr_in any = {.sin_family = AF_INET}, bc = {.sin_family = AF_INET};
	socklen_t len = sizeof(any);
	int one = 1, v = -1;

	TAP_PLAN(8);
	int x = socket(AF_INET, SOCK_DGRAM, 0), y = socket(AF_INET, SOCK_DGRAM, 0),
	    s = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(x, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(y, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	bind(x, (void *)&any, sizeof(any));
	getsockname(x, (void *)&any, &len);
	TAP_OK(bind(y, (void *)&any, sizeof(any)) == 0, "two receivers on 0.0.0.0:port");
	inet_pton(AF_INET, "127.255.255.255", &bc.sin_addr);
	bc.sin_port = any.sin_port;
	len = sizeof(v);
	TAP_OK(getsockopt(s, SOL_SOCKET, SO_BROADCAST, &v, &len) == 0 && v == 0,
	       "SO_BROADCAST off by default");
	TAP_ERRNO(sendto(s, "b", 1, 0, (void *)&bc, sizeof(bc)), EACCES,
		  "sendto a broadcast address without SO_BROADCAST");
	TAP_ERRNO(connect(s, (void *)&bc, sizeof(bc)), EACCES,
		  "connect to a broadcast address without SO_BROADCAST");
	TAP_OK(setsockopt(s, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) == 0, "SO_BROADCAST on");
	TAP_OK(sendto(s, "all", 3, 0, (void *)&bc, sizeof(bc)) == 3, "broadcast sent");
	TAP_OK(got(x, "all") && got(y, "all"), "every bound socket gets a copy");
	TAP_OK(connect(s, (void *)&bc, sizeof(bc)) == 0, "connect with SO_BROADCAST");
	return TAP_DONE();
}
