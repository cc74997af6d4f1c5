/* tcp_sockname.c - getsockname/getpeername on both ends agree; ENOTCONN before connect. */
/* syscalls: getsockname getpeername socket connect accept */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) }, cl, cp, sl, sp;
	socklen_t len = sizeof(a);
	int l, c, s;

	TAP_PLAN(3);
	l = socket(AF_INET, SOCK_STREAM, 0);
	bind(l, (void *)&a, sizeof(a));
	listen(l, 1);
	getsockname(l, (void *)&a, &len);
	c = socket(AF_INET, SOCK_STREAM, 0);
	TAP_ERRNO(getpeername(c, (void *)&cp, &len), ENOTCONN, "unconnected -> ENOTCONN");
	connect(c, (void *)&a, sizeof(a));
	s = accept(l, NULL, NULL);
	len = sizeof(a);
	getsockname(c, (void *)&cl, &len);
	len = sizeof(a);
	getpeername(c, (void *)&cp, &len);
	len = sizeof(a);
	getsockname(s, (void *)&sl, &len);
	len = sizeof(a);
	getpeername(s, (void *)&sp, &len);
	TAP_OK(cp.sin_port == a.sin_port && sl.sin_port == a.sin_port, "client's peer = server's local = listen port");
	TAP_OK(sp.sin_port == cl.sin_port && sp.sin_addr.s_addr == cl.sin_addr.s_addr, "server's peer = client's local");
	return TAP_DONE();
}
