/* udp_connect_unspec.c - UDP connect(AF_UNSPEC) dissolves the association: ENOTCONN,
 * EDESTADDRREQ, datagrams from anyone again; a port named by bind(2) is kept, an
 * ephemeral one (bind to port 0, or autobind) is released. */
/* syscalls: socket bind connect getsockname getpeername sendto recvfrom */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static int udp_bound(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	a->sin_family = AF_INET;
	a->sin_port = 0;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (void *)a, sizeof(*a)) || getsockname(s, (void *)a, &len))
		return -1;
	return s;
}

int main(void)
{
	struct sockaddr_in a, b, c, peer, self;
	struct sockaddr un = {.sa_family = AF_UNSPEC};
	socklen_t len;
	char buf[16];

	TAP_PLAN(12);
	int x = udp_bound(&a), y = udp_bound(&b), z = udp_bound(&c);
	/* x binds its port explicitly: take the ephemeral one it got, on a fresh socket */
	close(x);
	x = socket(AF_INET, SOCK_DGRAM, 0);
	if (x >= 0 && bind(x, (void *)&a, sizeof(a)))
		x = -1;
	TAP_OK(x >= 0 && y >= 0 && z >= 0, "three bound UDP sockets");
	TAP_OK(connect(x, (void *)&b, sizeof(b)) == 0, "connect to y");
	len = sizeof(peer);
	TAP_OK(getpeername(x, (void *)&peer, &len) == 0 && peer.sin_port == b.sin_port,
	       "getpeername names y");
	/* connected: z's datagram is filtered out */
	sendto(z, "z", 1, 0, (void *)&a, sizeof(a));
	sendto(y, "y", 1, 0, (void *)&a, sizeof(a));
	TAP_OK(recv(x, buf, sizeof(buf), 0) == 1 && buf[0] == 'y', "only the peer's datagram");
	TAP_ERRNO(connect(x, &un, 1), EINVAL, "AF_UNSPEC with a 1-byte address");
	TAP_OK(connect(x, &un, sizeof(un)) == 0, "connect(AF_UNSPEC) disconnects");
	len = sizeof(peer);
	TAP_ERRNO(getpeername(x, (void *)&peer, &len), ENOTCONN, "getpeername after disconnect");
	TAP_ERRNO(send(x, "q", 1, 0), EDESTADDRREQ, "send without a peer");
	len = sizeof(self);
	TAP_OK(getsockname(x, (void *)&self, &len) == 0 && self.sin_port == a.sin_port &&
		       self.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	       "explicit bind kept");
	sendto(z, "Z", 1, 0, (void *)&a, sizeof(a));
	TAP_OK(recv(x, buf, sizeof(buf), 0) == 1 && buf[0] == 'Z', "datagrams from anyone again");
	/* bound to port 0: the address stays, the port goes */
	struct sockaddr_in e;
	int u = udp_bound(&e);
	connect(u, (void *)&b, sizeof(b));
	connect(u, &un, sizeof(un));
	len = sizeof(self);
	TAP_OK(getsockname(u, (void *)&self, &len) == 0 && self.sin_port == 0 &&
		       self.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	       "an ephemeral port from bind(port 0) is released, the address kept");
	/* an autobound socket loses its port with the association */
	int w = socket(AF_INET, SOCK_DGRAM, 0);
	connect(w, (void *)&a, sizeof(a));
	connect(w, &un, sizeof(un));
	len = sizeof(self);
	TAP_OK(getsockname(w, (void *)&self, &len) == 0 && self.sin_port == 0 &&
		       self.sin_addr.s_addr == 0,
	       "autobound port and address released");
	return TAP_DONE();
}
