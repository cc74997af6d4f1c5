/* raw_icmp_echo.c - raw IPv4 sockets: an ICMP echo to 127.0.0.1 built by hand (the caller
 * computes the checksum), the reply read with its IP header, ICMP_FILTER, a raw socket
 * of an unassigned protocol receiving an IP_HDRINCL packet, and EPERM without
 * CAP_NET_RAW. Needs CAP_NET_RAW (root natively; cvisor/runsc need --net-raw). */
/* syscalls: socket setsockopt getsockopt sendto recvfrom setresuid */
#include "tap.h"
#include <arpa/inet.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sys/socket.h>

static uint16_t csum(const void *buf, size_t len)
{
	const uint8_t *b = buf;
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		s += (uint32_t)b[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

static ssize_t rcv(int s, void *buf, size_t len)
{
	struct pollfd p = {.fd = s, .events = POLLIN};
	if (poll(&p, 1, 2000) != 1)
		return -1;
	return recv(s, buf, len, MSG_DONTWAIT);
}

int main(void)
{
	struct sockaddr_in lo = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	unsigned char pkt[64], buf[256];
	int v;
	socklen_t len;

	int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (s < 0 && errno == EPERM)
		TAP_SKIP_ALL("raw sockets not permitted here (CAP_NET_RAW, or --net-raw)");
	TAP_PLAN(13);
	TAP_OK(s >= 0, "socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)");
	int all = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	len = sizeof(v);
	TAP_OK(getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0 && v == IPPROTO_ICMP,
	       "SO_PROTOCOL");
	struct icmp_filter f = {.data = 1u << ICMP_ECHO};
	TAP_OK(setsockopt(s, SOL_RAW, ICMP_FILTER, &f, sizeof(f)) == 0, "ICMP_FILTER drops requests");
	memset(&f, 0, sizeof(f));
	len = sizeof(f);
	TAP_OK(getsockopt(s, SOL_RAW, ICMP_FILTER, &f, &len) == 0 && f.data == 1u << ICMP_ECHO,
	       "ICMP_FILTER reads back");

	struct icmphdr *h = (struct icmphdr *)pkt;
	memset(pkt, 0, sizeof(pkt));
	h->type = ICMP_ECHO;
	h->un.echo.id = htons(0x4321);
	h->un.echo.sequence = htons(1);
	memcpy(pkt + sizeof(*h), "cvisor-raw", 10);
	h->checksum = csum(pkt, sizeof(*h) + 10);
	TAP_OK(sendto(s, pkt, sizeof(*h) + 10, 0, (void *)&lo, sizeof(lo)) == 18, "echo request sent");
	ssize_t n = rcv(s, buf, sizeof(buf));
	struct iphdr *ip = (struct iphdr *)buf;
	struct icmphdr *r = (struct icmphdr *)(buf + 20);
	TAP_OK(n == 38 && ip->version == 4 && ip->ihl == 5 && ip->protocol == IPPROTO_ICMP &&
		       ip->saddr == htonl(INADDR_LOOPBACK),
	       "the reply comes with its IP header (%zd bytes)", n);
	TAP_OK(r->type == ICMP_ECHOREPLY && r->un.echo.id == htons(0x4321) &&
		       r->un.echo.sequence == htons(1) && memcmp(buf + 28, "cvisor-raw", 10) == 0,
	       "echo reply with our id, sequence and data");
	/* the unfiltered socket saw the request and the reply */
	int types = 0;
	for (int i = 0; i < 2; i++)
		if (rcv(all, buf, sizeof(buf)) == 38)
			types |= 1 << ((struct icmphdr *)(buf + 20))->type;
	TAP_OK(types == (1 << ICMP_ECHO | 1 << ICMP_ECHOREPLY), "an unfiltered socket sees both");

	/* IPPROTO_RAW implies IP_HDRINCL; protocol 253 (experimental) to a raw socket of it */
	int raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW), p253 = socket(AF_INET, SOCK_RAW, 253);
	len = sizeof(v);
	TAP_OK(getsockopt(raw, SOL_IP, IP_HDRINCL, &v, &len) == 0 && v == 1,
	       "IPPROTO_RAW: IP_HDRINCL on");
	memset(pkt, 0, sizeof(pkt));
	ip = (struct iphdr *)pkt;
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 9;
	ip->protocol = 253;
	ip->saddr = ip->daddr = htonl(INADDR_LOOPBACK);
	memcpy(pkt + 20, "hdrincl", 7);
	TAP_OK(sendto(raw, pkt, 27, 0, (void *)&lo, sizeof(lo)) == 27, "IP_HDRINCL send");
	n = rcv(p253, buf, sizeof(buf));
	ip = (struct iphdr *)buf;
	TAP_OK(n == 27 && ip->ttl == 9 && ntohs(ip->tot_len) == 27 && ip->check != 0 &&
		       memcmp(buf + 20, "hdrincl", 7) == 0,
	       "received by protocol 253's raw socket, length and checksum filled");
	TAP_ERRNO(socket(AF_INET, SOCK_RAW, 0), EPROTONOSUPPORT, "SOCK_RAW with protocol 0");

	pid_t pid = fork();
	if (pid == 0) {
		if (setresuid(65534, 65534, 65534))
			_exit(2);
		errno = 0;
		int t = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
		_exit(t < 0 && errno == EPERM ? 0 : 1);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "EPERM without CAP_NET_RAW");
	return TAP_DONE();
}
