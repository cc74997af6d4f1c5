/* Unit tests for netstack/inet.c and netstack/inet_sock.c: socket(2)'s type/protocol
 * dispatch (Linux's inetsw walk and errnos), port tables (conflicts, SO_REUSEADDR and
 * SO_REUSEPORT sharing, the ephemeral range and its exhaustion), address validation,
 * getsockname/getpeername, SOL_IP options with Linux's length rules, SO_BINDTODEVICE,
 * the ping group range. Every test ends with no socket or packet alive. */
#include "tests/unit/netstack/test_inet_util.h"
#include <net/if.h>

/* UDP is the protocol these tests create sockets of: link it in (inet.c names it weakly). */
static const void *volatile linked[] = {&net_udp_ops};

static void test_protocol_dispatch(void **state)
{
	int p;
	p = 0;
	assert_true(inet_resolve_protocol(SOCK_STREAM, &p) >= 0);
	assert_int_equal(p, IPPROTO_TCP);
	p = 0;
	assert_true(inet_resolve_protocol(SOCK_DGRAM, &p) >= 0);
	assert_int_equal(p, IPPROTO_UDP);
	p = IPPROTO_ICMP;
	assert_true(inet_resolve_protocol(SOCK_DGRAM, &p) >= 0);
	assert_int_equal(p, IPPROTO_ICMP);
	p = IPPROTO_RAW;
	assert_true(inet_resolve_protocol(SOCK_RAW, &p) >= 0);
	assert_int_equal(p, IPPROTO_RAW);
	p = 0; /* raw with protocol 0: the wildcard row does not match 0 */
	assert_int_equal(inet_resolve_protocol(SOCK_RAW, &p), -EPROTONOSUPPORT);
	p = IPPROTO_TCP;
	assert_int_equal(inet_resolve_protocol(SOCK_DGRAM, &p), -EPROTONOSUPPORT);
	p = IPPROTO_UDP;
	assert_int_equal(inet_resolve_protocol(SOCK_STREAM, &p), -EPROTONOSUPPORT);
	p = 0;
	assert_int_equal(inet_resolve_protocol(SOCK_SEQPACKET, &p), -ESOCKTNOSUPPORT);
	p = 0;
	assert_int_equal(inet_resolve_protocol(SOCK_RDM, &p), -ESOCKTNOSUPPORT);
	p = -1;
	assert_int_equal(inet_resolve_protocol(SOCK_DGRAM, &p), -EINVAL);
	p = 263;
	assert_int_equal(inet_resolve_protocol(SOCK_RAW, &p), -EINVAL);

	/* the family resolves protocol 0 and reports it (SO_PROTOCOL) */
	struct net_socket *s = sk_new(SOCK_DGRAM, 0);
	int v;
	assert_int_equal(s->family, AF_INET);
	assert_int_equal(sk_getint(s, SOL_SOCKET, SO_PROTOCOL, &v), 0);
	assert_int_equal(v, IPPROTO_UDP);
	assert_int_equal(sk_getint(s, SOL_SOCKET, SO_TYPE, &v), 0);
	assert_int_equal(v, SOCK_DGRAM);
	sk_close(s);
	struct net_socket *x = NULL;
	assert_int_equal(net_socket_create(AF_INET, SOCK_SEQPACKET, 0, &x), -ESOCKTNOSUPPORT);
	assert_int_equal(net_socket_create(AF_INET, SOCK_DGRAM, IPPROTO_TCP, &x), -EPROTONOSUPPORT);
	assert_null(x);
}

static void test_bind_conflicts(void **state)
{
	struct net_socket *a = sk_new(SOCK_DGRAM, 0), *b = sk_new(SOCK_DGRAM, 0);
	assert_int_equal(sk_bind(a, "127.0.0.1", 40100), 0);
	assert_int_equal(sk_bind(b, "127.0.0.1", 40100), -EADDRINUSE);
	assert_int_equal(sk_bind(b, "0.0.0.0", 40100), -EADDRINUSE); /* wildcard overlaps */
	assert_int_equal(sk_bind(b, "127.0.0.2", 40100), 0);	    /* distinct addresses */
	assert_int_equal(sk_bind(b, "127.0.0.1", 40101), -EINVAL);  /* already bound */
	sk_close(a);
	sk_close(b);
	/* the port is free again once its socket is closed */
	a = sk_new(SOCK_DGRAM, 0);
	assert_int_equal(sk_bind(a, "0.0.0.0", 40100), 0);
	assert_int_equal(sk_port(a), 40100);
	sk_close(a);
}

static void test_bind_sharing(void **state)
{
	struct net_socket *a = sk_new(SOCK_DGRAM, 0), *b = sk_new(SOCK_DGRAM, 0),
			  *c = sk_new(SOCK_DGRAM, 0);
	/* SO_REUSEADDR on both */
	assert_int_equal(sk_setint(a, SOL_SOCKET, SO_REUSEADDR, 1), 0);
	assert_int_equal(sk_bind(a, "0.0.0.0", 40200), 0);
	assert_int_equal(sk_bind(b, "0.0.0.0", 40200), -EADDRINUSE); /* b did not ask */
	assert_int_equal(sk_setint(b, SOL_SOCKET, SO_REUSEADDR, 1), 0);
	assert_int_equal(sk_bind(b, "0.0.0.0", 40200), 0);
	sk_close(a);
	sk_close(b);
	/* SO_REUSEPORT: same owner only */
	a = sk_new(SOCK_DGRAM, 0);
	b = sk_new(SOCK_DGRAM, 0);
	a->owner.euid = b->owner.euid = 1000;
	c->owner.euid = 1001;
	assert_int_equal(sk_setint(a, SOL_SOCKET, SO_REUSEPORT, 1), 0);
	assert_int_equal(sk_setint(b, SOL_SOCKET, SO_REUSEPORT, 1), 0);
	assert_int_equal(sk_setint(c, SOL_SOCKET, SO_REUSEPORT, 1), 0);
	assert_int_equal(sk_bind(a, "127.0.0.1", 40201), 0);
	assert_int_equal(sk_bind(b, "127.0.0.1", 40201), 0);
	assert_int_equal(sk_bind(c, "127.0.0.1", 40201), -EADDRINUSE);
	sk_close(a);
	sk_close(b);
	sk_close(c);
}

static void test_ephemeral_range(void **state)
{
	struct netns *ns = net_current_ns();
	ns->sysctl.ip_local_port_lo = 41000;
	ns->sysctl.ip_local_port_hi = 41001;
	struct net_socket *a = sk_new(SOCK_DGRAM, 0), *b = sk_new(SOCK_DGRAM, 0),
			  *c = sk_new(SOCK_DGRAM, 0);
	assert_int_equal(sk_bind(a, "0.0.0.0", 0), 0);
	assert_int_equal(sk_bind(b, "127.0.0.1", 0), 0);
	uint16_t pa = sk_port(a), pb = sk_port(b);
	assert_true(pa >= 41000 && pa <= 41001);
	assert_true(pb >= 41000 && pb <= 41001);
	assert_int_not_equal(pa, pb);
	assert_int_equal(sk_bind(c, "0.0.0.0", 0), -EADDRINUSE); /* bind(2): EADDRINUSE */
	/* autobind on send: EAGAIN, as Linux's inet_autobind */
	assert_int_equal(sk_sendto(c, "x", 1, "127.0.0.1", 9, 0), -EAGAIN);
	sk_close(a);
	assert_int_equal(sk_sendto(c, "x", 1, "127.0.0.1", pa, 0), 1); /* a's port is free */
	assert_int_equal(sk_port(c), pa);
	sk_close(b);
	sk_close(c);
	ns->sysctl.ip_local_port_lo = 32768;
	ns->sysctl.ip_local_port_hi = 60999;
}

static void test_address_errors(void **state)
{
	struct net_socket *s = sk_new(SOCK_DGRAM, 0);
	struct net_call c = inet_call();
	struct sockaddr_in a = sin_of("127.0.0.1", 40300);
	struct sockaddr_in out;
	assert_int_equal(inet_addr_in(&a, sizeof(a) - 1, &out), -EINVAL);
	a.sin_family = AF_INET6;
	assert_int_equal(inet_addr_in(&a, sizeof(a), &out), -EAFNOSUPPORT);
	assert_int_equal(s->ops->bind(s, &c, &a, sizeof(a)), -EAFNOSUPPORT);
	a.sin_family = AF_UNSPEC; /* accepted by bind only with INADDR_ANY */
	assert_int_equal(s->ops->bind(s, &c, &a, sizeof(a)), -EAFNOSUPPORT);
	assert_int_equal(s->ops->bind(s, &c, &a, sizeof(a) - 1), -EINVAL);
	assert_int_equal(sk_bind(s, "10.99.99.99", 40300), -EADDRNOTAVAIL);
	assert_int_equal(sk_setint(s, SOL_IP, IP_FREEBIND, 1), 0);
	assert_int_equal(sk_bind(s, "10.99.99.99", 40300), 0); /* IP_FREEBIND */
	sk_close(s);

	s = sk_new(SOCK_DGRAM, 0);
	struct sockaddr_storage ss;
	assert_int_equal(s->ops->getname(s, &ss, true), -ENOTCONN);
	assert_int_equal(s->ops->getname(s, &ss, false), (int)sizeof(struct sockaddr_in));
	assert_int_equal(((struct sockaddr_in *)&ss)->sin_port, 0);
	assert_int_equal(sk_connect(s, "127.0.0.1", 40301), 0);
	assert_int_equal(s->ops->getname(s, &ss, true), (int)sizeof(struct sockaddr_in));
	assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 40301);
	assert_int_equal(s->ops->getname(s, &ss, false), (int)sizeof(struct sockaddr_in));
	assert_int_equal(((struct sockaddr_in *)&ss)->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	assert_int_not_equal(((struct sockaddr_in *)&ss)->sin_port, 0); /* autobound */
	sk_close(s);
}

static void test_sol_ip_options(void **state)
{
	struct net_socket *s = sk_new(SOCK_DGRAM, 0);
	struct net_call c = inet_call();
	int v;
	assert_int_equal(sk_getint(s, SOL_IP, IP_TTL, &v), 0);
	assert_int_equal(v, 64);
	assert_int_equal(sk_setint(s, SOL_IP, IP_TTL, 0), -EINVAL);
	assert_int_equal(sk_setint(s, SOL_IP, IP_TTL, 256), -EINVAL);
	assert_int_equal(sk_setint(s, SOL_IP, IP_TTL, 7), 0);
	assert_int_equal(sk_getint(s, SOL_IP, IP_TTL, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(sk_setint(s, SOL_IP, IP_TTL, -1), 0);
	assert_int_equal(sk_getint(s, SOL_IP, IP_TTL, &v), 0);
	assert_int_equal(v, 64);
	/* one byte is read as the value; length 0 is an error for IP_TTL */
	unsigned char one = 9;
	assert_int_equal(net_socket_setsockopt(s, &c, SOL_IP, IP_TTL, &one, 1), 0);
	assert_int_equal(net_socket_setsockopt(s, &c, SOL_IP, IP_TTL, &one, 0), -EINVAL);
	/* a short getsockopt buffer gets one byte */
	unsigned char got[4] = {0};
	socklen_t l = 1;
	assert_int_equal(net_socket_getsockopt(s, &c, SOL_IP, IP_TTL, got, &l), 0);
	assert_int_equal(l, 1);
	assert_int_equal(got[0], 9);
	/* length 0 means 0 for the flags */
	assert_int_equal(sk_setint(s, SOL_IP, IP_PKTINFO, 1), 0);
	assert_int_equal(net_socket_setsockopt(s, &c, SOL_IP, IP_PKTINFO, &one, 0), 0);
	assert_int_equal(sk_getint(s, SOL_IP, IP_PKTINFO, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(sk_setint(s, SOL_IP, IP_TOS, 0x10), 0);
	assert_int_equal(sk_getint(s, SOL_IP, IP_TOS, &v), 0);
	assert_int_equal(v, 0x10);
	assert_int_equal(sk_setint(s, SOL_IP, IP_HDRINCL, 1), -ENOPROTOOPT); /* raw only */
	assert_int_equal(sk_setint(s, SOL_IP, IP_MTU_DISCOVER, 6), -EINVAL);
	assert_int_equal(sk_setint(s, SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO), 0);
	assert_int_equal(sk_getint(s, SOL_IP, IP_MTU, &v), -ENOTCONN);
	assert_int_equal(sk_setint(s, SOL_IP, 9999, 1), -ENOPROTOOPT);
	assert_int_equal(sk_setint(s, IPPROTO_TCP, 1, 1), -ENOPROTOOPT); /* another level */
	assert_int_equal(sk_getint(s, IPPROTO_TCP, 1, &v), -ENOPROTOOPT);
	l = (socklen_t)-1;
	assert_int_equal(net_socket_getsockopt(s, &c, SOL_IP, IP_TTL, got, &l), -EINVAL);
	assert_int_equal(sk_connect(s, "127.0.0.1", 40400), 0);
	assert_int_equal(sk_getint(s, SOL_IP, IP_MTU, &v), 0);
	assert_int_equal(v, 65536);
	sk_close(s);
}

static void test_bindtodevice(void **state)
{
	struct net_socket *s = sk_new(SOCK_DGRAM, 0);
	struct net_call c = inet_call();
	char name[IFNAMSIZ] = {0};
	socklen_t l = sizeof(name);
	assert_int_equal(net_socket_getsockopt(s, &c, SOL_SOCKET, SO_BINDTODEVICE, name, &l), 0);
	assert_int_equal(l, 0);
	assert_int_equal(net_socket_setsockopt(s, &c, SOL_SOCKET, SO_BINDTODEVICE, "nope0", 6),
			 -ENODEV);
	assert_int_equal(net_socket_setsockopt(s, &c, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3), 0);
	l = sizeof(name);
	assert_int_equal(net_socket_getsockopt(s, &c, SOL_SOCKET, SO_BINDTODEVICE, name, &l), 0);
	assert_int_equal(l, 3);
	assert_string_equal(name, "lo");
	l = 2;
	assert_int_equal(net_socket_getsockopt(s, &c, SOL_SOCKET, SO_BINDTODEVICE, name, &l),
			 -EINVAL);
	assert_int_equal(net_socket_setsockopt(s, &c, SOL_SOCKET, SO_BINDTODEVICE, "", 0), 0);
	l = sizeof(name);
	assert_int_equal(net_socket_getsockopt(s, &c, SOL_SOCKET, SO_BINDTODEVICE, name, &l), 0);
	assert_int_equal(l, 0);
	sk_close(s);
}

static void test_ping_group_range(void **state)
{
	struct netns *ns = net_current_ns();
	uint32_t groups[2] = {50, 60};
	assert_false(inet_ping_group_allowed(ns, 0, NULL, 0)); /* "1 0": nobody */
	ns->sysctl.ping_group_lo = 0;
	ns->sysctl.ping_group_hi = 2147483647;
	assert_true(inet_ping_group_allowed(ns, 0, NULL, 0));
	ns->sysctl.ping_group_lo = 55;
	ns->sysctl.ping_group_hi = 100;
	assert_false(inet_ping_group_allowed(ns, 10, groups, 1));
	assert_true(inet_ping_group_allowed(ns, 10, groups, 2)); /* a supplementary group */
	ns->sysctl.ping_group_lo = 1;
	ns->sysctl.ping_group_hi = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_protocol_dispatch, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_bind_conflicts, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_bind_sharing, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_ephemeral_range, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_address_errors, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_sol_ip_options, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_bindtodevice, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_ping_group_range, inet_setup, inet_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
