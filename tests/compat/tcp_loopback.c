/* tcp_loopback.c - TCP on 127.0.0.1: listen on port 0, connect, accept, echo, close -> EOF. */
/* syscalls: socket bind listen accept connect getsockname sendto recvfrom shutdown */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	char buf[64] = { 0 };
	int l, c, s;

	TAP_PLAN(6);
	l = socket(AF_INET, SOCK_STREAM, 0);
	TAP_OK(l >= 0 && bind(l, (void *)&a, sizeof(a)) == 0 && listen(l, 4) == 0, "bind 127.0.0.1:0 + listen");
	TAP_OK(getsockname(l, (void *)&a, &len) == 0 && a.sin_port != 0, "ephemeral port %d", ntohs(a.sin_port));
	c = socket(AF_INET, SOCK_STREAM, 0);
	TAP_OK(connect(c, (void *)&a, sizeof(a)) == 0, "connect");
	s = accept(l, NULL, NULL);
	TAP_OK(s >= 0, "accept");
	TAP_OK(send(c, "echo me", 7, 0) == 7 && recv(s, buf, 64, 0) == 7 && send(s, buf, 7, 0) == 7 &&
		       recv(c, buf, 7, MSG_WAITALL) == 7 && !memcmp(buf, "echo me", 7), "echo round trip");
	shutdown(s, SHUT_WR);
	TAP_OK(recv(c, buf, 64, 0) == 0, "EOF after peer shutdown");
	return TAP_DONE();
}
