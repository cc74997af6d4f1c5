/* packet_lo.c - AF_PACKET on lo: a UDP datagram to 127.0.0.1 seen by a SOCK_RAW ETH_P_ALL
 * socket (the Ethernet frame, outgoing and incoming, sockaddr_ll filled in) and by a
 * SOCK_DGRAM ETH_P_IP socket (from the IP header); SO_ATTACH_FILTER (classic BPF); a
 * frame sent through a packet socket looping back in; EPERM without CAP_NET_RAW.
 * Needs CAP_NET_RAW (root natively; cvisor/runsc need --net-raw). */
/* syscalls: socket bind getsockname setsockopt sendto recvfrom setresuid */
#include "tap.h"
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#define LO 1 /* lo is the first interface of every netns */

/* Reads frames for up to 2 s until one contains @needle; returns its length. */
static ssize_t find(int s, const char *needle, unsigned char *buf, size_t len,
		    struct sockaddr_ll *sll, int want_pkttype)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = {.fd = s, .events = POLLIN};
		clock_gettime(CLOCK_MONOTONIC, &t);
		long left = 2000 - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || poll(&p, 1, (int)left) != 1)
			return -1;
		socklen_t sl = sizeof(*sll);
		ssize_t n = recvfrom(s, buf, len, MSG_DONTWAIT, (void *)sll, &sl);
		if (n <= 0)
			continue;
		if (want_pkttype >= 0 && sll->sll_pkttype != want_pkttype)
			continue;
		if (memmem(buf, (size_t)n, needle, strlen(needle)))
			return n;
	}
}

static uint16_t ipsum(const void *h)
{
	const uint8_t *b = h;
	uint32_t s = 0;
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

int main(void)
{
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_ll sll, lo = {.sll_family = AF_PACKET, .sll_ifindex = LO};
	unsigned char buf[2048];
	char tag[64];
	socklen_t len = sizeof(dst);

	int all = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (all < 0 && errno == EPERM)
		TAP_SKIP_ALL("packet sockets not permitted here (CAP_NET_RAW, or --net-raw)");
	TAP_PLAN(13);
	lo.sll_protocol = htons(ETH_P_ALL);
	TAP_OK(all >= 0 && bind(all, (void *)&lo, sizeof(lo)) == 0, "SOCK_RAW ETH_P_ALL bound to lo");
	int ip = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	lo.sll_protocol = htons(ETH_P_IP);
	TAP_OK(ip >= 0 && bind(ip, (void *)&lo, sizeof(lo)) == 0, "SOCK_DGRAM ETH_P_IP bound to lo");
	socklen_t sl = sizeof(sll);
	TAP_OK(getsockname(ip, (void *)&sll, &sl) == 0 && sll.sll_family == AF_PACKET &&
		       sll.sll_ifindex == LO && sll.sll_protocol == htons(ETH_P_IP),
	       "getsockname: a sockaddr_ll");

	int u = socket(AF_INET, SOCK_DGRAM, 0);
	bind(u, (void *)&dst, sizeof(dst));
	getsockname(u, (void *)&dst, &len);
	snprintf(tag, sizeof(tag), "cvisor-packet-%d", getpid());
	int tx = socket(AF_INET, SOCK_DGRAM, 0);
	sendto(tx, tag, strlen(tag), 0, (void *)&dst, sizeof(dst));

	ssize_t n = find(all, tag, buf, sizeof(buf), &sll, PACKET_HOST);
	struct iphdr *ih = (struct iphdr *)(buf + 14);
	TAP_OK(n == (ssize_t)(14 + 20 + 8 + strlen(tag)) && buf[12] == 0x08 && buf[13] == 0 &&
		       ih->protocol == IPPROTO_UDP,
	       "the Ethernet frame of the datagram (%zd bytes)", n);
	TAP_OK(sll.sll_ifindex == LO && sll.sll_hatype == ARPHRD_LOOPBACK &&
		       sll.sll_protocol == htons(ETH_P_IP) && sll.sll_halen == 6,
	       "sockaddr_ll: lo, ARPHRD_LOOPBACK, ETH_P_IP");
	sendto(tx, tag, strlen(tag), 0, (void *)&dst, sizeof(dst));
	TAP_OK(find(all, tag, buf, sizeof(buf), &sll, PACKET_OUTGOING) > 0,
	       "ETH_P_ALL also sees it outgoing");
	n = find(ip, tag, buf, sizeof(buf), &sll, -1);
	TAP_OK(n == (ssize_t)(20 + 8 + strlen(tag)) && buf[0] == 0x45 &&
		       sll.sll_pkttype == PACKET_HOST,
	       "SOCK_DGRAM gets the IP packet, incoming only");

	/* a filter: UDP to our port only (IP header without options) */
	struct sock_filter code[] = {
	    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 3),
	    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 22),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohs(dst.sin_port), 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, 0xffff),
	    BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog fp = {.len = 6, .filter = code};
	int f = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	TAP_OK(setsockopt(f, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) == 0 &&
		       bind(f, (void *)&lo, sizeof(lo)) == 0,
	       "SO_ATTACH_FILTER");
	struct sockaddr_in other = dst;
	other.sin_port = htons(ntohs(dst.sin_port) ^ 1);
	sendto(tx, "other", 5, 0, (void *)&other, sizeof(other));
	sendto(tx, tag, strlen(tag), 0, (void *)&dst, sizeof(dst));
	struct pollfd p = {.fd = f, .events = POLLIN};
	poll(&p, 1, 2000);
	n = recv(f, buf, sizeof(buf), MSG_DONTWAIT);
	TAP_OK(n > 28 && memmem(buf, (size_t)n, tag, strlen(tag)), "only the filtered datagram");
	code[1].jf = 9; /* a jump past the end */
	TAP_ERRNO(setsockopt(f, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)), EINVAL,
		  "a bad program is refused");

	/* a whole frame sent through the packet socket reaches the UDP socket */
	unsigned char fr[128] = {0};
	struct iphdr *h = (struct iphdr *)(fr + 14);
	fr[12] = 0x08;
	h->version = 4;
	h->ihl = 5;
	h->ttl = 64;
	h->protocol = IPPROTO_UDP;
	h->saddr = h->daddr = htonl(INADDR_LOOPBACK);
	h->tot_len = htons(20 + 8 + 5);
	h->check = ipsum(h);
	struct udphdr *uh = (struct udphdr *)(fr + 34);
	uh->source = htons(9);
	uh->dest = dst.sin_port;
	uh->len = htons(8 + 5);
	memcpy(fr + 42, "frame", 5);
	TAP_OK(sendto(all, fr, 47, 0, NULL, 0) == 47, "a frame sent on lo");
	n = find(ip, "frame", buf, sizeof(buf), &sll, PACKET_HOST);
	TAP_OK(n == 33 && memcmp(buf + 28, "frame", 5) == 0,
	       "it comes back in through lo to the other packet socket");

	pid_t pid = fork();
	if (pid == 0) {
		if (setresuid(65534, 65534, 65534))
			_exit(2);
		errno = 0;
		int t = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
		_exit(t < 0 && errno == EPERM ? 0 : 1);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "EPERM without CAP_NET_RAW");
	return TAP_DONE();
}
