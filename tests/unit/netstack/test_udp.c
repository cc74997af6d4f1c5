/* Unit tests for netstack/udp.c and udp_in.c over the real loopback: datagram round
 * trips and boundaries, MSG_PEEK/MSG_TRUNC, FIONREAD, receive-buffer drops, checksum and
 * length validation of hostile input, ICMP port unreachable -> ECONNREFUSED and the
 * IP_RECVERR queue, broadcast delivery, SO_REUSEADDR/SO_REUSEPORT delivery rules,
 * connect/disconnect, UDP_CORK, control messages, poll and shutdown. Every test ends
 * with no socket or packet alive. */
#include "tests/unit/netstack/test_inet_util.h"
#include <linux/errqueue.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <linux/filter.h>
#include <netinet/udp.h>
#include <sys/epoll.h>
#include "netstack/udp.h"

static const void *volatile linked[] = {&net_udp_ops};

static void test_roundtrip(void **state)
{
	struct net_socket *a = sk_new(SOCK_DGRAM, 0), *b = sk_new(SOCK_DGRAM, 0);
	char buf[64];
	struct sockaddr_in from;
	int fl;
	assert_int_equal(sk_bind(a, "127.0.0.1", 40500), 0);
	assert_int_equal(sk_sendto(b, "hello", 5, "127.0.0.1", 40500, 0), 5);
	assert_int_equal(sk_sendto(b, "", 0, "127.0.0.1", 40500, 0), 0);
	assert_int_equal(sk_sendto(b, "world!", 6, "127.0.0.1", 40500, 0), 6);
	assert_int_equal(sk_recv(a, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN); /* not yet */
	assert_int_equal(a->ops->poll(a) & EPOLLIN, 0);
	drain();
	assert_true(a->ops->poll(a) & EPOLLIN);
	int v = -1;
	assert_int_equal(a->ops->ioctl(a, SIOCINQ, &v), 0);
	assert_int_equal(v, 5);
	/* peek, then truncate, then the whole */
	assert_int_equal(sk_recv(a, buf, 3, MSG_PEEK, &fl, &from), 3);
	assert_int_equal(fl & MSG_TRUNC, MSG_TRUNC);
	assert_int_equal(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	assert_int_equal(ntohs(from.sin_port), sk_port(b));
	assert_int_equal(sk_recv(a, buf, 2, MSG_TRUNC, &fl, NULL), 5); /* real length */
	assert_memory_equal(buf, "he", 2);
	assert_int_equal(sk_recv(a, buf, sizeof(buf), 0, &fl, NULL), 0); /* empty datagram */
	assert_int_equal(fl, 0);
	assert_int_equal(a->ops->ioctl(a, SIOCINQ, &v), 0);
	assert_int_equal(v, 6);
	assert_int_equal(sk_recv(a, buf, sizeof(buf), 0, &fl, NULL), 6);
	assert_memory_equal(buf, "world!", 6);
	assert_int_equal(a->ops->ioctl(a, SIOCINQ, &v), 0);
	assert_int_equal(v, 0);
	assert_true(net_current_ns()->stats.udp_in_datagrams >= 3);
	sk_close(a);
	sk_close(b);
}

static void test_send_errors(void **state)
{
	struct net_socket *s = sk_new(SOCK_DGRAM, 0);
	static char big[65536];
	assert_int_equal(sk_sendto(s, "x", 1, NULL, 0, 0), -EDESTADDRREQ);
	assert_int_equal(sk_sendto(s, "x", 1, "127.0.0.1", 0, 0), -EINVAL); /* port 0 */
	assert_int_equal(sk_sendto(s, big, 65508, "127.0.0.1", 9, 0), -EMSGSIZE);
	assert_int_equal(sk_sendto(s, big, 65536, "127.0.0.1", 9, 0), -EMSGSIZE);
	assert_int_equal(sk_sendto(s, "x", 1, "127.0.0.1", 9, MSG_OOB), -EOPNOTSUPP);
	struct net_call c = inet_call();
	struct sockaddr_in a = sin_of("127.0.0.1", 9);
	a.sin_family = AF_INET6;
	struct net_msg m = {.buf = "x", .len = 1, .name = &a, .namelen = sizeof(a)};
	assert_int_equal(s->ops->sendmsg(s, &c, &m), -EAFNOSUPPORT);
	m.namelen = sizeof(a) - 1;
	assert_int_equal(s->ops->sendmsg(s, &c, &m), -EINVAL);
	/* a source address that is not ours (IP_PKTINFO) */
	char ctl[CMSG_SPACE(sizeof(struct in_pktinfo))] = {0};
	struct cmsghdr *h = (struct cmsghdr *)ctl;
	h->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
	h->cmsg_level = SOL_IP;
	h->cmsg_type = IP_PKTINFO;
	struct in_pktinfo pi = {0};
	inet_pton(AF_INET, "10.1.2.3", &pi.ipi_spec_dst);
	memcpy(CMSG_DATA(h), &pi, sizeof(pi));
	a = sin_of("127.0.0.1", 9);
	struct net_msg m2 = {.buf = "x", .len = 1, .name = &a, .namelen = sizeof(a),
			     .cmsg_in = ctl, .cmsg_in_len = sizeof(ctl)};
	assert_int_equal(s->ops->sendmsg(s, &c, &m2), -EINVAL);
	/* an IP_TTL record out of range */
	int ttl = 0;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	h->cmsg_type = IP_TTL;
	memcpy(CMSG_DATA(h), &ttl, sizeof(ttl));
	m2.cmsg_in_len = CMSG_SPACE(sizeof(int));
	assert_int_equal(s->ops->sendmsg(s, &c, &m2), -EINVAL);
	sk_close(s);
	drain();
}

static void test_port_unreachable(void **state)
{
	struct netns *ns = net_current_ns();
	struct net_socket *s = sk_new(SOCK_DGRAM, 0);
	char buf[16];
	uint64_t noports = ns->stats.udp_no_ports;
	assert_int_equal(sk_connect(s, "127.0.0.1", 40599), 0);
	assert_int_equal(sk_sendto(s, "ping", 4, NULL, 0, 0), 4);
	drain();
	assert_int_equal(ns->stats.udp_no_ports, noports + 1);
	assert_true(s->ops->poll(s) & EPOLLERR);
	/* the pending error is reported once, by the next call */
	assert_int_equal(sk_sendto(s, "ping", 4, NULL, 0, 0), -ECONNREFUSED);
	assert_int_equal(sk_sendto(s, "ping", 4, NULL, 0, 0), 4);
	drain();
	assert_int_equal(sk_recv(s, buf, sizeof(buf), 0, NULL, NULL), -ECONNREFUSED);
	assert_int_equal(sk_recv(s, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN);
	sk_close(s);

	/* unconnected without IP_RECVERR: nothing reported */
	s = sk_new(SOCK_DGRAM, 0);
	assert_int_equal(sk_sendto(s, "x", 1, "127.0.0.1", 40599, 0), 1);
	drain();
	int v = -1;
	assert_int_equal(sk_getint(s, SOL_SOCKET, SO_ERROR, &v), 0);
	assert_int_equal(v, 0);
	sk_close(s);
}

static void test_recverr_queue(void **state)
{
	struct net_socket *s = sk_new(SOCK_DGRAM, 0);
	char buf[16], ctl[256];
	assert_int_equal(sk_setint(s, SOL_IP, IP_RECVERR, 1), 0);
	assert_int_equal(sk_sendto(s, "abcd", 4, "127.0.0.1", 40598, 0), 4);
	drain();
	struct net_call c = inet_call();
	struct net_msg m = {.buf = buf,
			    .len = sizeof(buf),
			    .flags = MSG_ERRQUEUE | MSG_DONTWAIT,
			    .cmsg_out = ctl,
			    .cmsg_out_cap = sizeof(ctl)};
	assert_int_equal(s->ops->recvmsg(s, &c, &m), 4);
	assert_memory_equal(buf, "abcd", 4);
	assert_true(m.flags & MSG_ERRQUEUE);
	struct sockaddr_in *to = (struct sockaddr_in *)&m.from;
	assert_int_equal(ntohs(to->sin_port), 40598);
	struct cmsghdr *h = (struct cmsghdr *)ctl;
	assert_true(m.cmsg_out_len >= CMSG_LEN(sizeof(struct sock_extended_err)));
	assert_int_equal(h->cmsg_level, SOL_IP);
	assert_int_equal(h->cmsg_type, IP_RECVERR);
	struct sock_extended_err ee;
	memcpy(&ee, CMSG_DATA(h), sizeof(ee));
	assert_int_equal(ee.ee_errno, ECONNREFUSED);
	assert_int_equal(ee.ee_origin, SO_EE_ORIGIN_ICMP);
	assert_int_equal(ee.ee_type, 3);
	assert_int_equal(ee.ee_code, 3);
	/* queue empty now: EAGAIN; the pending error went with it */
	struct net_msg m2 = {.buf = buf, .len = sizeof(buf), .flags = MSG_ERRQUEUE};
	assert_int_equal(s->ops->recvmsg(s, &c, &m2), -EAGAIN);
	/* a queued error not read is freed with the socket */
	assert_int_equal(sk_sendto(s, "abcd", 4, "127.0.0.1", 40598, 0), 4);
	drain();
	sk_close(s);
}

/* Builds a UDP datagram by hand and feeds it to udp_v4_input. */
static void inject(const void *udp, size_t len, bool broadcast, uint32_t dst)
{
	struct netns *ns = net_current_ns();
	struct pkt *p = pkt_alloc(PKT_HEADROOM, sizeof(struct iphdr) + len);
	struct iphdr ip = {.version = 4, .ihl = 5, .ttl = 64, .protocol = IPPROTO_UDP};
	ip.saddr = htonl(INADDR_LOOPBACK);
	ip.daddr = dst;
	ip.tot_len = htons((uint16_t)(sizeof(ip) + len));
	memcpy(p->data, &ip, sizeof(ip));
	memcpy(p->data + sizeof(ip), udp, len);
	p->nh = p->data;
	pkt_pull(p, sizeof(ip));
	struct ip4_rx rx = {.src = ip.saddr,
			    .dst = ip.daddr,
			    .proto = IPPROTO_UDP,
			    .ttl = 64,
			    .iface = ns->lo,
			    .broadcast = broadcast,
			    .iph = (const struct iphdr *)p->nh,
			    .ihl_bytes = 20};
	udp_v4_input(ns, p, &rx);
}

static size_t mk_udp(uint8_t *b, uint16_t sport, uint16_t dport, const char *data, uint32_t dst,
		     bool csum)
{
	size_t n = strlen(data);
	struct udphdr uh = {.source = htons(sport), .dest = htons(dport),
			    .len = htons((uint16_t)(8 + n))};
	memcpy(b, &uh, 8);
	memcpy(b + 8, data, n);
	if (csum) {
		uint32_t s = inet_pseudo_sum(htonl(INADDR_LOOPBACK), dst, IPPROTO_UDP, (uint16_t)(8 + n));
		uint16_t ck = inet_csum_fold(inet_csum_add(s, b, 8 + n));
		uh.check = ck ? ck : 0xffff;
		memcpy(b, &uh, 8);
	}
	return 8 + n;
}

static void test_hostile_input(void **state)
{
	struct netns *ns = net_current_ns();
	struct net_socket *a = sk_new(SOCK_DGRAM, 0);
	uint8_t b[64];
	char buf[64];
	uint32_t lo = htonl(INADDR_LOOPBACK);
	assert_int_equal(sk_bind(a, "0.0.0.0", 40600), 0);
	uint64_t csum = ns->stats.udp_in_csum_errors, inerr = ns->stats.udp_in_errors;
	size_t n = mk_udp(b, 1234, 40600, "good", lo, true);
	inject(b, n, false, lo);
	n = mk_udp(b, 1234, 40600, "nocs", lo, false); /* checksum 0: none */
	inject(b, n, false, lo);
	n = mk_udp(b, 1234, 40600, "bad!", lo, true);
	b[9] ^= 0x55;
	inject(b, n, false, lo);
	assert_int_equal(ns->stats.udp_in_csum_errors, csum + 1);
	n = mk_udp(b, 1234, 40600, "long", lo, false);
	b[5] = 200; /* length past the packet */
	inject(b, n, false, lo);
	b[5] = 4; /* length below the header */
	inject(b, n, false, lo);
	inject(b, 5, false, lo); /* no room for the header */
	assert_int_equal(ns->stats.udp_in_errors, inerr + 4);
	/* a length shorter than the packet trims it */
	n = mk_udp(b, 1234, 40600, "trimmed", lo, false);
	b[5] = 8 + 4;
	inject(b, n, false, lo);
	assert_int_equal(sk_recv(a, buf, sizeof(buf), 0, NULL, NULL), 4);
	assert_memory_equal(buf, "good", 4);
	assert_int_equal(sk_recv(a, buf, sizeof(buf), 0, NULL, NULL), 4);
	assert_memory_equal(buf, "nocs", 4);
	assert_int_equal(sk_recv(a, buf, sizeof(buf), 0, NULL, NULL), 4);
	assert_memory_equal(buf, "trim", 4);
	assert_int_equal(sk_recv(a, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN);
	sk_close(a);
}

/* Random bytes as UDP datagrams to a bound port (and random ICMP errors about them):
 * counted or delivered, never a crash, no packet left behind. */
static void test_random_input(void **state)
{
	struct netns *ns = net_current_ns();
	struct net_socket *a = sk_new(SOCK_DGRAM, 0);
	uint8_t b[96];
	char buf[128];
	uint32_t seed = 777, lo = htonl(INADDR_LOOPBACK);
	assert_int_equal(sk_bind(a, "0.0.0.0", 40650), 0);
	assert_int_equal(sk_setint(a, SOL_IP, IP_RECVERR, 1), 0);
	for (int i = 0; i < 2000; i++) {
		size_t n = (seed >> 4) % sizeof(b);
		for (size_t j = 0; j < n; j++) {
			seed = seed * 1103515245 + 12345;
			b[j] = (uint8_t)(seed >> 16);
		}
		if (n >= 4 && (seed & 1)) { /* aim at the bound port half the time */
			b[2] = 40650 >> 8;
			b[3] = 40650 & 0xff;
		}
		inject(b, n, (seed >> 9) % 7 == 0, (seed >> 9) % 7 == 0 ? htonl(INADDR_BROADCAST) : lo);
		struct iphdr inner = {.version = 4, .ihl = 5, .protocol = IPPROTO_UDP,
				      .saddr = lo, .daddr = lo};
		struct ip4_icmp_err e = {.type = (int)(seed % 20), .code = (int)((seed >> 5) % 20),
					 .inner = &inner, .l4 = b, .l4len = n, .from = lo};
		if (n >= 8)
			udp_v4_icmp_error(ns, &e);
	}
	while (sk_recv(a, buf, sizeof(buf), 0, NULL, NULL) >= 0 || a->err)
		;
	struct net_call c = inet_call();
	struct net_msg m = {.buf = buf, .len = sizeof(buf), .flags = MSG_ERRQUEUE};
	while (a->ops->recvmsg(a, &c, &m) >= 0)
		m.flags = MSG_ERRQUEUE;
	sk_close(a);
}

static void test_rcvbuf_drops(void **state)
{
	struct netns *ns = net_current_ns();
	struct net_socket *a = sk_new(SOCK_DGRAM, 0), *b = sk_new(SOCK_DGRAM, 0);
	static char data[1000];
	char buf[2000];
	uint64_t drops = ns->stats.udp_rcvbuf_errors;
	assert_int_equal(sk_setint(a, SOL_SOCKET, SO_RCVBUF, 0), 0); /* the minimum: 2304 */
	assert_int_equal(sk_bind(a, "127.0.0.1", 40700), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(sk_sendto(b, data, sizeof(data), "127.0.0.1", 40700, 0), 1000);
	drain();
	int got = 0;
	while (sk_recv(a, buf, sizeof(buf), 0, NULL, NULL) == 1000)
		got++;
	assert_true(got >= 1 && got < 10);
	assert_int_equal(ns->stats.udp_rcvbuf_errors, drops + (uint64_t)(10 - got));
	sk_close(a);
	sk_close(b);
}

static void test_broadcast_delivery(void **state)
{
	struct net_socket *a = sk_new(SOCK_DGRAM, 0), *b = sk_new(SOCK_DGRAM, 0),
			  *c = sk_new(SOCK_DGRAM, 0);
	uint8_t pk[64];
	char buf[16];
	uint32_t bc = htonl(INADDR_BROADCAST);
	assert_int_equal(sk_setint(a, SOL_SOCKET, SO_REUSEADDR, 1), 0);
	assert_int_equal(sk_setint(b, SOL_SOCKET, SO_REUSEADDR, 1), 0);
	assert_int_equal(sk_bind(a, "0.0.0.0", 40800), 0);
	assert_int_equal(sk_bind(b, "0.0.0.0", 40800), 0);
	assert_int_equal(sk_bind(c, "127.0.0.1", 40800), -EADDRINUSE);
	/* receiving a broadcast needs no SO_BROADCAST; every matching socket gets one */
	size_t n = mk_udp(pk, 99, 40800, "all", bc, true);
	inject(pk, n, true, bc);
	assert_int_equal(sk_recv(a, buf, sizeof(buf), 0, NULL, NULL), 3);
	assert_int_equal(sk_recv(b, buf, sizeof(buf), 0, NULL, NULL), 3);
	/* unicast goes to the last bound of SO_REUSEADDR sharers */
	assert_int_equal(sk_sendto(c, "one", 3, "127.0.0.1", 40800, 0), 3);
	drain();
	assert_int_equal(sk_recv(a, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN);
	assert_int_equal(sk_recv(b, buf, sizeof(buf), 0, NULL, NULL), 3);
	sk_close(a);
	sk_close(b);
	sk_close(c);
}

static void test_reuseport_balance(void **state)
{
	struct net_socket *a = sk_new(SOCK_DGRAM, 0), *b = sk_new(SOCK_DGRAM, 0);
	struct net_socket *tx[32];
	char buf[16];
	assert_int_equal(sk_setint(a, SOL_SOCKET, SO_REUSEPORT, 1), 0);
	assert_int_equal(sk_setint(b, SOL_SOCKET, SO_REUSEPORT, 1), 0);
	assert_int_equal(sk_bind(a, "127.0.0.1", 40900), 0);
	assert_int_equal(sk_bind(b, "127.0.0.1", 40900), 0);
	for (int i = 0; i < 32; i++) {
		tx[i] = sk_new(SOCK_DGRAM, 0);
		assert_int_equal(sk_sendto(tx[i], "x", 1, "127.0.0.1", 40900, 0), 1);
		/* the same sender always lands on the same socket */
		assert_int_equal(sk_sendto(tx[i], "x", 1, "127.0.0.1", 40900, 0), 1);
	}
	drain();
	int na = 0, nb = 0;
	while (sk_recv(a, buf, sizeof(buf), 0, NULL, NULL) == 1)
		na++;
	while (sk_recv(b, buf, sizeof(buf), 0, NULL, NULL) == 1)
		nb++;
	assert_int_equal(na + nb, 64);
	assert_true(na > 0 && nb > 0);
	assert_int_equal(na % 2, 0);
	for (int i = 0; i < 32; i++)
		sk_close(tx[i]);
	sk_close(a);
	sk_close(b);
}

static void test_connect_filter_disconnect(void **state)
{
	struct net_socket *a = sk_new(SOCK_DGRAM, 0), *b = sk_new(SOCK_DGRAM, 0),
			  *c = sk_new(SOCK_DGRAM, 0);
	char buf[16];
	struct sockaddr_in from;
	assert_int_equal(sk_bind(a, "127.0.0.1", 41000), 0);
	assert_int_equal(sk_bind(b, "127.0.0.1", 41001), 0);
	assert_int_equal(sk_connect(a, "127.0.0.1", 41001), 0);
	/* a connected socket takes only its peer's datagrams; others find no socket */
	assert_int_equal(sk_sendto(c, "no", 2, "127.0.0.1", 41000, 0), 2);
	assert_int_equal(sk_sendto(b, "yes", 3, "127.0.0.1", 41000, 0), 3);
	drain();
	assert_int_equal(sk_recv(a, buf, sizeof(buf), 0, NULL, &from), 3);
	assert_int_equal(ntohs(from.sin_port), 41001);
	assert_int_equal(sk_recv(a, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN);
	/* AF_UNSPEC disconnects; an explicit bind stays */
	struct net_call cc = inet_call();
	struct sockaddr un = {.sa_family = AF_UNSPEC};
	assert_int_equal(a->ops->connect(a, &cc, &un, sizeof(un)), 0);
	struct sockaddr_storage ss;
	assert_int_equal(a->ops->getname(a, &ss, true), -ENOTCONN);
	assert_int_equal(sk_port(a), 41000);
	assert_int_equal(a->ops->connect(a, &cc, &un, 1), -EINVAL);
	/* an autobound port is released by the disconnect */
	assert_int_equal(sk_connect(c, "127.0.0.1", 41000), 0);
	assert_int_not_equal(sk_port(c), 0);
	assert_int_equal(c->ops->connect(c, &cc, &un, sizeof(un)), 0);
	assert_int_equal(sk_port(c), 0);
	assert_int_equal(c->ops->getname(c, &ss, false), (int)sizeof(struct sockaddr_in));
	assert_int_equal(((struct sockaddr_in *)&ss)->sin_addr.s_addr, 0);
	sk_close(a);
	sk_close(b);
	sk_close(c);
}

static void test_cork_and_cmsgs(void **state)
{
	struct net_socket *a = sk_new(SOCK_DGRAM, 0), *b = sk_new(SOCK_DGRAM, 0);
	char buf[64], ctl[256];
	int v;
	assert_int_equal(sk_bind(a, "127.0.0.1", 41100), 0);
	assert_int_equal(sk_setint(b, SOL_UDP, UDP_CORK, 1), 0);
	assert_int_equal(sk_sendto(b, "ab", 2, "127.0.0.1", 41100, 0), 2);
	assert_int_equal(sk_sendto(b, "cd", 2, "127.0.0.1", 41100, 0), 2);
	assert_int_equal(b->ops->ioctl(b, SIOCOUTQ, &v), 0);
	assert_int_equal(v, 4);
	assert_int_equal(sk_setint(b, SOL_UDP, UDP_CORK, 0), 0); /* pushes "abcd" */
	assert_int_equal(sk_sendto(b, "ef", 2, "127.0.0.1", 41100, MSG_MORE), 2);
	assert_int_equal(sk_sendto(b, "gh", 2, "127.0.0.1", 41100, 0), 2);
	drain();
	assert_int_equal(sk_setint(a, SOL_IP, IP_PKTINFO, 1), 0);
	assert_int_equal(sk_setint(a, SOL_IP, IP_RECVTTL, 1), 0);
	struct net_call c = inet_call();
	struct net_msg m = {.buf = buf, .len = sizeof(buf), .flags = MSG_DONTWAIT,
			    .cmsg_out = ctl, .cmsg_out_cap = sizeof(ctl)};
	assert_int_equal(a->ops->recvmsg(a, &c, &m), 4);
	assert_memory_equal(buf, "abcd", 4);
	struct cmsghdr *h = (struct cmsghdr *)ctl;
	assert_int_equal(h->cmsg_level, SOL_IP);
	assert_int_equal(h->cmsg_type, IP_PKTINFO);
	struct in_pktinfo pi;
	memcpy(&pi, CMSG_DATA(h), sizeof(pi));
	assert_int_equal(pi.ipi_ifindex, net_current_ns()->lo->ifindex);
	assert_int_equal(pi.ipi_addr.s_addr, htonl(INADDR_LOOPBACK));
	h = (struct cmsghdr *)(ctl + CMSG_SPACE(sizeof(pi)));
	assert_int_equal(h->cmsg_type, IP_TTL);
	memcpy(&v, CMSG_DATA(h), sizeof(v));
	assert_int_equal(v, 64);
	assert_false(m.cmsg_trunc);
	/* no room for the second record: MSG_CTRUNC */
	struct net_msg m2 = {.buf = buf, .len = sizeof(buf), .flags = MSG_DONTWAIT,
			     .cmsg_out = ctl, .cmsg_out_cap = CMSG_SPACE(sizeof(pi))};
	assert_int_equal(a->ops->recvmsg(a, &c, &m2), 4);
	assert_memory_equal(buf, "efgh", 4);
	assert_true(m2.cmsg_trunc);
	assert_int_equal(m2.cmsg_out_len, CMSG_SPACE(sizeof(pi)));
	sk_close(a);
	sk_close(b);
}

static void test_poll_shutdown(void **state)
{
	struct net_socket *s = sk_new(SOCK_DGRAM, 0);
	char buf[4];
	uint32_t ev = s->ops->poll(s);
	assert_int_equal(ev, EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND);
	assert_int_equal(s->ops->shutdown(s, SHUT_RD), -ENOTCONN); /* but applied */
	ev = s->ops->poll(s);
	assert_true(ev & EPOLLRDHUP);
	assert_true(ev & EPOLLIN);
	assert_false(ev & EPOLLHUP);
	/* a blocking receive on a shut socket ends (0); a non-blocking one is EAGAIN */
	struct net_call c = inet_call();
	struct net_msg m = {.buf = buf, .len = sizeof(buf)};
	assert_int_equal(s->ops->recvmsg(s, &c, &m), 0);
	assert_int_equal(sk_recv(s, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN);
	assert_int_equal(s->ops->shutdown(s, SHUT_WR), -ENOTCONN);
	assert_true(s->ops->poll(s) & EPOLLHUP);
	assert_int_equal(sk_sendto(s, "x", 1, "127.0.0.1", 9, 0), -EPIPE);
	sk_close(s);
	s = sk_new(SOCK_DGRAM, 0);
	assert_int_equal(sk_connect(s, "127.0.0.1", 9), 0);
	assert_int_equal(s->ops->shutdown(s, SHUT_RDWR), 0);
	sk_close(s);
}

static void test_socket_filter(void **state)
{
	struct netns *ns = net_current_ns();
	struct net_socket *a = sk_new(SOCK_DGRAM, 0), *b = sk_new(SOCK_DGRAM, 0);
	struct net_call c = inet_call();
	char buf[32];
	/* keep the UDP header and 2 bytes when the first payload byte is 'k', else drop */
	struct sock_filter f[] = {BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 8),
				  BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 'k', 0, 1),
				  BPF_STMT(BPF_RET | BPF_K, 10), BPF_STMT(BPF_RET | BPF_K, 0)};
	struct sock_fprog fp = {.len = 4, .filter = f};
	assert_int_equal(net_socket_setsockopt(a, &c, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)), 0);
	assert_int_equal(sk_bind(a, "127.0.0.1", 41200), 0);
	uint64_t inerr = ns->stats.udp_in_errors;
	assert_int_equal(sk_sendto(b, "drop", 4, "127.0.0.1", 41200, 0), 4);
	assert_int_equal(sk_sendto(b, "keep", 4, "127.0.0.1", 41200, 0), 4);
	drain();
	assert_int_equal(ns->stats.udp_in_errors, inerr + 1);
	assert_int_equal(sk_recv(a, buf, sizeof(buf), 0, NULL, NULL), 2);
	assert_memory_equal(buf, "ke", 2);
	f[0].code = 0xff; /* refused: the old program stays */
	assert_int_equal(net_socket_setsockopt(a, &c, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)), -EINVAL);
	int one = 1;
	assert_int_equal(sk_setint(a, SOL_SOCKET, SO_DETACH_FILTER, one), 0);
	assert_int_equal(sk_setint(a, SOL_SOCKET, SO_DETACH_FILTER, one), -ENOENT);
	sk_close(a);
	sk_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_roundtrip, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_send_errors, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_port_unreachable, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_recverr_queue, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_input, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_random_input, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_rcvbuf_drops, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_broadcast_delivery, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_reuseport_balance, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_connect_filter_disconnect, inet_setup,
					    inet_teardown),
	    cmocka_unit_test_setup_teardown(test_cork_and_cmsgs, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_poll_shutdown, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_socket_filter, inet_setup, inet_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
