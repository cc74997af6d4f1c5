/* ping_socket_echo.c - ICMP ping sockets (SOCK_DGRAM, IPPROTO_ICMP): an echo to 127.0.0.1
 * whose identifier the kernel sets to the socket's port, the reply without IP header,
 * send checks (EINVAL for a non-echo or a short message). Allowed by
 * net.ipv4.ping_group_range: where it excludes us natively, the test runs in a network
 * namespace of its own where it may set the range. */
/* syscalls: socket bind getsockname sendto recvfrom unshare */
#include "tap.h"
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* A private netns with lo up and every group allowed to ping; false when impossible. */
static bool private_netns(void)
{
	if (unshare(CLONE_NEWNET))
		return false;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr = {0};
	strcpy(ifr.ifr_name, "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr))
		return false;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr))
		return false;
	close(s);
	return tap_write_file("/proc/sys/net/ipv4/ping_group_range", "0 2147483647\n") == 0;
}

static ssize_t rcv(int s, void *buf, size_t len, struct sockaddr_in *from)
{
	socklen_t fl = sizeof(*from);
	struct pollfd p = {.fd = s, .events = POLLIN};
	if (poll(&p, 1, 2000) != 1)
		return -1;
	return recvfrom(s, buf, len, MSG_DONTWAIT, (void *)from, &fl);
}

int main(void)
{
	struct sockaddr_in lo = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in me, from;
	unsigned char pkt[32], buf[128];
	socklen_t len = sizeof(me);

	int s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	if (s < 0 && errno == EACCES) {
		if (!private_netns())
			TAP_SKIP_ALL("net.ipv4.ping_group_range excludes our groups");
		s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	}
	TAP_PLAN(8);
	TAP_OK(s >= 0, "socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)");
	struct icmphdr *h = (struct icmphdr *)pkt;
	memset(pkt, 0, sizeof(pkt));
	h->type = ICMP_ECHO;
	h->un.echo.id = htons(1);
	h->un.echo.sequence = htons(7);
	memcpy(pkt + sizeof(*h), "ping-dgram", 10);
	TAP_OK(sendto(s, pkt, 18, 0, (void *)&lo, sizeof(lo)) == 18, "echo request sent");
	TAP_OK(getsockname(s, (void *)&me, &len) == 0 && me.sin_port != 0,
	       "autobound to an identifier");
	ssize_t n = rcv(s, buf, sizeof(buf), &from);
	struct icmphdr *r = (struct icmphdr *)buf;
	TAP_OK(n == 18 && r->type == ICMP_ECHOREPLY && r->un.echo.sequence == htons(7) &&
		       memcmp(buf + 8, "ping-dgram", 10) == 0,
	       "the reply, ICMP header first (%zd bytes)", n);
	TAP_OK(n == 18 && r->un.echo.id == me.sin_port, "its identifier is the socket's port");
	TAP_OK(from.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "from 127.0.0.1");
	h->type = ICMP_ECHOREPLY;
	TAP_ERRNO(sendto(s, pkt, 18, 0, (void *)&lo, sizeof(lo)), EINVAL, "only echo requests");
	h->type = ICMP_ECHO;
	TAP_ERRNO(sendto(s, pkt, 4, 0, (void *)&lo, sizeof(lo)), EINVAL, "shorter than a header");
	return TAP_DONE();
}
