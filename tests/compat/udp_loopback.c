/* udp_loopback.c - UDP on 127.0.0.1: sendto/recvfrom with the sender's address; connect filter. */
/* syscalls: socket bind sendto recvfrom connect getsockname */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) }, b = a, from;
	socklen_t len = sizeof(a), flen = sizeof(from);
	char buf[32];
	int x, y;

	TAP_PLAN(4);
	x = socket(AF_INET, SOCK_DGRAM, 0);
	y = socket(AF_INET, SOCK_DGRAM, 0);
	bind(x, (void *)&a, sizeof(a));
	bind(y, (void *)&b, sizeof(b));
	getsockname(x, (void *)&a, &len);
	len = sizeof(b);
	getsockname(y, (void *)&b, &len);
	TAP_OK(sendto(y, "dgram", 5, 0, (void *)&a, sizeof(a)) == 5, "sendto");
	TAP_OK(recvfrom(x, buf, 32, 0, (void *)&from, &flen) == 5 && from.sin_port == b.sin_port &&
		       from.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "recvfrom with sender address");
	TAP_OK(connect(x, (void *)&b, sizeof(b)) == 0 && send(x, "r", 1, 0) == 1 && recv(y, buf, 32, 0) == 1,
	       "connected UDP send");
	TAP_ERRNO(recv(x, buf, 32, MSG_DONTWAIT), EAGAIN, "nothing queued -> EAGAIN");
	return TAP_DONE();
}
