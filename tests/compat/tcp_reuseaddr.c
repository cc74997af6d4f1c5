/* tcp_reuseaddr.c - EADDRINUSE on a bound port; SO_REUSEADDR set/get; rebinding after close. */
/* syscalls: setsockopt getsockopt bind socket listen */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l, x, one = 1, v = 0;
	socklen_t vl = sizeof(v);

	TAP_PLAN(4);
	l = socket(AF_INET, SOCK_STREAM, 0);
	bind(l, (void *)&a, sizeof(a));
	listen(l, 1);
	getsockname(l, (void *)&a, &len);
	x = socket(AF_INET, SOCK_STREAM, 0);
	TAP_ERRNO(bind(x, (void *)&a, sizeof(a)), EADDRINUSE, "port in use -> EADDRINUSE");
	TAP_OK(setsockopt(x, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0 &&
		       getsockopt(x, SOL_SOCKET, SO_REUSEADDR, &v, &vl) == 0 && v == 1, "SO_REUSEADDR set/get");
	close(l);
	TAP_OK(bind(x, (void *)&a, sizeof(a)) == 0 && listen(x, 1) == 0, "rebind after close with SO_REUSEADDR");
	TAP_ERRNO(setsockopt(x, SOL_SOCKET, SO_REUSEADDR, &one, 1), EINVAL, "short optlen -> EINVAL");
	return TAP_DONE();
}
