/* ns_net_loopback.c - a new network namespace's lo: down and without an address until it
 * is brought up (SIOCSIFFLAGS; `ip link set lo up` in net_veth.sh), then 127.0.0.1/8
 * appears on it by itself (inetdev_event's NETDEV_UP), TCP and UDP work on 127.0.0.1 and
 * the rest of 127/8; bringing lo up again adds nothing; an address of a down interface
 * stays local (bind works). */
/* syscalls: unshare socket ioctl bind listen connect accept sendto recvfrom */
#include "tap.h"
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

static int set_lo(int s, bool up)
{
	struct ifreq ifr = {0};
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr))
		return -1;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	return ioctl(s, SIOCSIFFLAGS, &ifr);
}

/* lo's first address as SIOCGIFADDR answers it (0 and errno set when it has none). */
static uint32_t lo_addr(int s)
{
	struct ifreq ifr = {0};
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFADDR, &ifr))
		return 0;
	return ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr;
}

/* The number of IPv4 addresses SIOCGIFCONF lists on lo. */
static int lo_addr_count(int s)
{
	struct ifreq reqs[16];
	struct ifconf ifc = {.ifc_len = sizeof(reqs), .ifc_req = reqs};
	int n = 0;
	if (ioctl(s, SIOCGIFCONF, &ifc))
		return -1;
	for (size_t i = 0; i < ifc.ifc_len / sizeof(reqs[0]); i++)
		if (!strcmp(reqs[i].ifr_name, "lo"))
			n++;
	return n;
}

static struct sockaddr_in sin_of(const char *ip, in_port_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = port};
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

/* A TCP connection to @ip through a listener bound there; true when a byte crosses. */
static bool tcp_on(const char *ip)
{
	struct sockaddr_in a = sin_of(ip, 0);
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), x = -1;
	char b = 0;
	bool ok = bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(l, 1) == 0 &&
		  getsockname(l, (struct sockaddr *)&a, &len) == 0 &&
		  connect(c, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		  (x = accept(l, NULL, NULL)) >= 0 && write(c, "t", 1) == 1 && read(x, &b, 1) == 1 &&
		  b == 't';
	close(l);
	close(c);
	if (x >= 0)
		close(x);
	return ok;
}

/* A UDP datagram to @ip, from an unbound socket, reaches a socket bound there; true when
 * it arrives from @src (the route's source: 127.0.0.1 for all of 127/8). */
static bool udp_on(const char *ip, const char *src)
{
	struct sockaddr_in a = sin_of(ip, 0), from;
	socklen_t len = sizeof(a), fl = sizeof(from);
	int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
	char b[4] = {0};
	struct pollfd p = {.fd = r, .events = POLLIN};
	bool ok = bind(r, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		  getsockname(r, (struct sockaddr *)&a, &len) == 0 &&
		  sendto(s, "u", 1, 0, (struct sockaddr *)&a, sizeof(a)) == 1 &&
		  poll(&p, 1, 2000) == 1 &&
		  recvfrom(r, b, sizeof(b), 0, (struct sockaddr *)&from, &fl) == 1 && b[0] == 'u' &&
		  from.sin_addr.s_addr == sin_of(src, 0).sin_addr.s_addr;
	close(r);
	close(s);
	return ok;
}

static int bind_udp(const char *ip)
{
	struct sockaddr_in a = sin_of(ip, 0);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	int r = bind(s, (struct sockaddr *)&a, sizeof(a));
	int err = errno;
	close(s);
	errno = err;
	return r;
}

int main(void)
{
	TAP_PLAN(10);
	if (unshare(CLONE_NEWNET)) {
		TAP_SKIP_ALL("unshare(CLONE_NEWNET) refused (not root?)");
	}
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	errno = 0;
	TAP_OK(lo_addr(s) == 0 && errno == EADDRNOTAVAIL, "a new namespace's lo has no address");
	TAP_OK(set_lo(s, true) == 0, "SIOCSIFFLAGS brings lo up");
	TAP_OK(lo_addr(s) == htonl(INADDR_LOOPBACK), "lo came up with 127.0.0.1");
	TAP_OK(tcp_on("127.0.0.1"), "TCP over 127.0.0.1");
	TAP_OK(udp_on("127.0.0.1", "127.0.0.1"), "UDP over 127.0.0.1");
	TAP_OK(udp_on("127.0.0.9", "127.0.0.1"), "UDP over 127.0.0.9 (the loopback prefix is local; source 127.0.0.1)");
	TAP_OK(set_lo(s, false) == 0 && set_lo(s, true) == 0 && lo_addr_count(s) == 1,
	       "down and up again: still one address");
	TAP_OK(set_lo(s, false) == 0 && lo_addr(s) == htonl(INADDR_LOOPBACK),
	       "lo down keeps its address");
	TAP_OK(bind_udp("127.0.0.1") == 0, "an address of a down interface can be bound");
	TAP_OK(set_lo(s, true) == 0 && tcp_on("127.0.0.1"), "up again: TCP over 127.0.0.1");
	close(s);
	return TAP_DONE();
}
