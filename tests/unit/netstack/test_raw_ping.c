/* Unit tests for netstack/raw.c and ping.c over the real loopback and ICMP: raw ICMP
 * sockets see requests and replies with the IP header, ICMP_FILTER, IP_HDRINCL to a raw
 * socket of an unassigned protocol, raw ICMP errors with IP_RECVERR; ping sockets'
 * identifiers, echo checks and round trip, and their ICMP errors. Every test ends with no
 * socket or packet alive. */
#include "tests/unit/netstack/test_inet_util.h"
#include <linux/errqueue.h>
#include <netinet/ip_icmp.h>
#include <sys/epoll.h>
#include "netstack/raw.h"

static const void *volatile linked[] = {&net_raw_ops, &net_ping_ops, &net_udp_ops};

#ifndef ICMP_FILTER
#define ICMP_FILTER 1
#endif

static size_t echo(uint8_t *b, uint16_t id, uint16_t seq, const char *data)
{
	struct icmphdr h = {.type = ICMP_ECHO};
	size_t n = strlen(data);
	h.un.echo.id = htons(id);
	h.un.echo.sequence = htons(seq);
	memcpy(b, &h, sizeof(h));
	memcpy(b + sizeof(h), data, n);
	h.checksum = inet_csum_fold(inet_csum_add(0, b, sizeof(h) + n));
	memcpy(b, &h, sizeof(h));
	return sizeof(h) + n;
}

static void test_raw_icmp(void **state)
{
	struct net_socket *f = sk_new(SOCK_RAW, IPPROTO_ICMP), *all = sk_new(SOCK_RAW, IPPROTO_ICMP);
	struct net_call c = inet_call();
	uint8_t pkt[64], buf[128];
	uint32_t filt = 1u << ICMP_ECHO;
	assert_int_equal(net_socket_setsockopt(f, &c, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt)), 0);
	assert_int_equal(sk_port(f), IPPROTO_ICMP); /* raw sockets show their protocol */
	size_t n = echo(pkt, 0x77, 3, "rawdata");
	assert_int_equal(sk_sendto(f, pkt, n, "127.0.0.1", 0, 0), (ssize_t)n);
	drain();
	struct sockaddr_in from;
	ssize_t got = sk_recv(f, buf, sizeof(buf), 0, NULL, &from);
	assert_int_equal(got, 20 + (ssize_t)n);
	assert_int_equal(buf[0], 0x45);
	assert_int_equal(buf[9], IPPROTO_ICMP);
	assert_int_equal(buf[20], ICMP_ECHOREPLY);
	assert_memory_equal(buf + 28, "rawdata", 7);
	assert_int_equal(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	assert_int_equal(sk_recv(f, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN); /* filtered */
	/* the unfiltered socket: request then reply */
	assert_int_equal(sk_recv(all, buf, sizeof(buf), 0, NULL, NULL), 20 + (ssize_t)n);
	assert_int_equal(buf[20], ICMP_ECHO);
	assert_int_equal(sk_recv(all, buf, sizeof(buf), 0, NULL, NULL), 20 + (ssize_t)n);
	assert_int_equal(buf[20], ICMP_ECHOREPLY);
	/* ICMP_FILTER on another protocol: EOPNOTSUPP; options */
	struct net_socket *u = sk_new(SOCK_RAW, IPPROTO_UDP);
	assert_int_equal(net_socket_setsockopt(u, &c, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt)),
			 -EOPNOTSUPP);
	int v;
	assert_int_equal(sk_getint(u, SOL_IP, IP_HDRINCL, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(sk_setint(u, SOL_IP, IP_HDRINCL, 1), 0);
	assert_int_equal(sk_sendto(u, "tiny", 4, "127.0.0.1", 0, 0), -EINVAL); /* < 20 bytes */
	assert_int_equal(sk_sendto(u, "x", 1, NULL, 0, 0), -EDESTADDRREQ);
	sk_close(u);
	sk_close(f);
	sk_close(all);
}

static void test_raw_hdrincl_and_errors(void **state)
{
	struct net_socket *sk_new_keep;
	struct net_socket *raw = sk_new(SOCK_RAW, IPPROTO_RAW), *p253 = sk_new(SOCK_RAW, 253);
	uint8_t pkt[64] = {0}, buf[128];
	struct iphdr *ip = (struct iphdr *)pkt;
	int v;
	assert_int_equal(sk_getint(raw, SOL_IP, IP_HDRINCL, &v), 0);
	assert_int_equal(v, 1);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 5;
	ip->protocol = 253;
	ip->daddr = htonl(INADDR_LOOPBACK);
	memcpy(pkt + 20, "inc", 3);
	assert_int_equal(sk_sendto(raw, pkt, 23, "127.0.0.1", 0, 0), 23);
	drain();
	assert_int_equal(sk_recv(p253, buf, sizeof(buf), 0, NULL, NULL), 23);
	ip = (struct iphdr *)buf;
	assert_int_equal(ntohs(ip->tot_len), 23);
	assert_int_equal(ip->saddr, htonl(INADDR_LOOPBACK)); /* filled from the route */
	assert_memory_equal(buf + 20, "inc", 3);
	/* a protocol nobody takes: the stack answers protocol unreachable; the raw socket of
	 * that protocol hears about it through IP_RECVERR */
	struct net_socket *p254 = sk_new(SOCK_RAW, 254);
	assert_int_equal(sk_setint(p254, SOL_IP, IP_RECVERR, 1), 0);
	assert_int_equal(sk_sendto(p254, "data", 4, "127.0.0.1", 0, 0), 4);
	drain();
	/* p254 also receives its own datagram (a raw socket of the protocol took it, so no
	 * ICMP error is sent: Linux's raw_v4_input counts as delivered) */
	assert_int_equal(sk_recv(p254, buf, sizeof(buf), 0, NULL, NULL), 24);
	assert_true(!(p254->ops->poll(p254) & EPOLLERR));
	sk_close(p254);
	sk_close(raw);
	sk_close(p253);
	/* a socket dropped without a file (socketpair(2)'s EOPNOTSUPP path) leaves the list */
	struct net_socket *x = sk_new(SOCK_RAW, 253);
	net_socket_put(x);
	assert_int_equal(sk_sendto(sk_new_keep = sk_new(SOCK_RAW, IPPROTO_RAW), pkt, 23, "127.0.0.1", 0, 0), 23);
	drain();
	sk_close(sk_new_keep);
}

static void test_ping_socket(void **state)
{
	struct net_socket *p = sk_new(SOCK_DGRAM, IPPROTO_ICMP), *q = sk_new(SOCK_DGRAM, IPPROTO_ICMP);
	uint8_t pkt[64], buf[128];
	struct sockaddr_in from;
	size_t n = echo(pkt, 1, 9, "pingdata");
	assert_int_equal(sk_sendto(p, pkt, n, "127.0.0.1", 0, 0), (ssize_t)n);
	uint16_t id = sk_port(p);
	assert_int_not_equal(id, 0);
	drain();
	assert_int_equal(sk_recv(p, buf, sizeof(buf), 0, NULL, &from), (ssize_t)n);
	struct icmphdr h;
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.type, ICMP_ECHOREPLY);
	assert_int_equal(ntohs(h.un.echo.id), id);
	assert_int_equal(ntohs(h.un.echo.sequence), 9);
	assert_memory_equal(buf + 8, "pingdata", 8);
	assert_int_equal(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	assert_int_equal(sk_recv(q, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN); /* not q's */
	/* identifiers: bind names one, a second bind of it is EADDRINUSE */
	assert_int_equal(sk_bind(q, "127.0.0.1", 4242), 0);
	struct net_socket *r = sk_new(SOCK_DGRAM, IPPROTO_ICMP);
	assert_int_equal(sk_bind(r, "127.0.0.1", 4242), -EADDRINUSE);
	assert_int_equal(sk_bind(r, "10.9.9.9", 1), -EADDRNOTAVAIL);
	n = echo(pkt, 1, 1, "q");
	assert_int_equal(sk_sendto(q, pkt, n, "127.0.0.1", 0, 0), (ssize_t)n);
	drain();
	assert_int_equal(sk_recv(q, buf, sizeof(buf), 0, NULL, NULL), (ssize_t)n);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(ntohs(h.un.echo.id), 4242);
	/* send checks */
	pkt[0] = ICMP_ECHOREPLY;
	assert_int_equal(sk_sendto(r, pkt, n, "127.0.0.1", 0, 0), -EINVAL);
	pkt[0] = ICMP_ECHO;
	assert_int_equal(sk_sendto(r, pkt, 7, "127.0.0.1", 0, 0), -EINVAL);
	assert_int_equal(sk_sendto(r, pkt, n, NULL, 0, 0), -EDESTADDRREQ);
	assert_int_equal(sk_sendto(r, pkt, n, "127.0.0.1", 0, MSG_OOB), -EOPNOTSUPP);
	int v;
	assert_int_equal(r->ops->ioctl ? 0 : -1, -1); /* no FIONREAD: ENOTTY, as Linux */
	assert_int_equal(sk_getint(r, SOL_SOCKET, SO_PROTOCOL, &v), 0);
	assert_int_equal(v, IPPROTO_ICMP);
	sk_close(p);
	sk_close(q);
	sk_close(r);
}

/* Feeds an ICMP error quoting an echo request from @id to the ping layer. */
static void test_ping_icmp_error(void **state)
{
	struct netns *ns = net_current_ns();
	struct net_socket *p = sk_new(SOCK_DGRAM, IPPROTO_ICMP);
	uint8_t quoted[28 + 8], buf[64], ctl[256];
	assert_int_equal(sk_bind(p, "0.0.0.0", 5151), 0);
	assert_int_equal(sk_connect(p, "127.0.0.1", 0), 0);
	struct iphdr *ip = (struct iphdr *)quoted;
	memset(quoted, 0, sizeof(quoted));
	ip->version = 4;
	ip->ihl = 5;
	ip->protocol = IPPROTO_ICMP;
	ip->saddr = htonl(INADDR_LOOPBACK);
	ip->daddr = htonl(0x0a000001);
	echo(quoted + 20, 5151, 1, "");
	struct ip4_icmp_err e = {.type = ICMP_DEST_UNREACH, .code = ICMP_HOST_UNREACH,
				 .inner = ip, .l4 = quoted + 20, .l4len = 8,
				 .from = htonl(0x0a000001)};
	ping_v4_icmp_error(ns, &e); /* soft error, no IP_RECVERR: nothing */
	int v = -1;
	assert_int_equal(sk_getint(p, SOL_SOCKET, SO_ERROR, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(sk_setint(p, SOL_IP, IP_RECVERR, 1), 0);
	ping_v4_icmp_error(ns, &e);
	struct net_call c = inet_call();
	struct net_msg m = {.buf = buf, .len = sizeof(buf), .flags = MSG_ERRQUEUE,
			    .cmsg_out = ctl, .cmsg_out_cap = sizeof(ctl)};
	assert_int_equal(p->ops->recvmsg(p, &c, &m), 8);
	struct sock_extended_err ee;
	memcpy(&ee, CMSG_DATA((struct cmsghdr *)ctl), sizeof(ee));
	assert_int_equal(ee.ee_errno, EHOSTUNREACH);
	assert_int_equal(ee.ee_type, ICMP_DEST_UNREACH);
	sk_close(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_raw_icmp, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_raw_hdrincl_and_errors, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_ping_socket, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_ping_icmp_error, inet_setup, inet_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
