/* Helpers shared by the AF_INET unit tests (test_inet.c, test_udp.c, test_raw.c,
 * test_ping.c, test_packet.c): a namespace with lo up (127.0.0.1/8), sockets created and
 * closed without files (release + put, as the socket file's release does), loopback
 * drained by running the timers, and leak checks. */
#ifndef CVISOR_TESTS_UNIT_NETSTACK_INET_UTIL_H
#define CVISOR_TESTS_UNIT_NETSTACK_INET_UTIL_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include "common/timer.h"
#include "netstack/inet_sock.h"
#include "netstack/ip4.h"
#include "netstack/netns.h"
#include "netstack/pkt.h"
#include "netstack/socket.h"

/* socket.c names the families weakly: link AF_INET in. */
extern const struct net_family_ops net_inet_family;
static const void *volatile inet_linked[] = {&net_inet_family};

static long start_pkts, start_socks;

static inline int inet_setup(void **state)
{
	start_pkts = pkt_live;
	start_socks = net_live_sockets;
	assert_non_null(net_current_ns()); /* lo up with 127.0.0.1/8 */
	return 0;
}

/* Runs loopback (and any other zero-deadline timer) until nothing is queued. */
static inline void drain(void)
{
	for (int i = 0; i < 16; i++)
		if (!stimer_run_expired(stimer_now_ns() + 1))
			break;
}

static inline int inet_teardown(void **state)
{
	drain();
	net_set_current_ns(NULL); /* the namespace goes: nothing may hold it */
	assert_int_equal(net_live_sockets, start_socks);
	assert_int_equal(pkt_live, start_pkts);
	return 0;
}

static inline struct net_call inet_call(void)
{
	struct net_call c = {.cred = {.pid = 7, .uid = 0, .gid = 0, .euid = 0, .egid = 0}};
	return c;
}

static inline struct net_socket *sk_new(int type, int protocol)
{
	struct net_socket *s = NULL;
	assert_int_equal(net_socket_create(AF_INET, type, protocol, &s), 0);
	assert_non_null(s);
	return s;
}

static inline void sk_close(struct net_socket *s)
{
	if (s->ops->release)
		s->ops->release(s);
	net_socket_put(s);
}

static inline struct sockaddr_in sin_of(const char *ip, uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

static inline int sk_bind(struct net_socket *s, const char *ip, uint16_t port)
{
	struct net_call c = inet_call();
	struct sockaddr_in a = sin_of(ip, port);
	return s->ops->bind(s, &c, &a, sizeof(a));
}

static inline int sk_connect(struct net_socket *s, const char *ip, uint16_t port)
{
	struct net_call c = inet_call();
	struct sockaddr_in a = sin_of(ip, port);
	return s->ops->connect(s, &c, &a, sizeof(a));
}

static inline uint16_t sk_port(struct net_socket *s)
{
	struct sockaddr_storage ss;
	assert_true(s->ops->getname(s, &ss, false) > 0);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static inline ssize_t sk_sendto(struct net_socket *s, const void *buf, size_t len, const char *ip,
			 uint16_t port, int flags)
{
	struct net_call c = inet_call();
	struct sockaddr_in a = sin_of(ip ? ip : "0.0.0.0", port);
	struct net_msg m = {.buf = (void *)buf,
			    .len = len,
			    .name = ip ? &a : NULL,
			    .namelen = ip ? sizeof(a) : 0,
			    .flags = flags | MSG_DONTWAIT};
	return s->ops->sendmsg(s, &c, &m);
}

/* Receives one datagram; *@from gets the source when non-NULL. */
static inline ssize_t sk_recv(struct net_socket *s, void *buf, size_t len, int flags, int *oflags,
		       struct sockaddr_in *from)
{
	struct net_call c = inet_call();
	struct net_msg m = {.buf = buf, .len = len, .flags = flags | MSG_DONTWAIT};
	ssize_t n = s->ops->recvmsg(s, &c, &m);
	if (oflags)
		*oflags = m.flags;
	if (from && n >= 0)
		memcpy(from, &m.from, sizeof(*from));
	return n;
}

static inline int sk_setint(struct net_socket *s, int level, int name, int v)
{
	struct net_call c = inet_call();
	return net_socket_setsockopt(s, &c, level, name, &v, sizeof(v));
}

static inline int sk_getint(struct net_socket *s, int level, int name, int *v)
{
	struct net_call c = inet_call();
	socklen_t l = sizeof(*v);
	return net_socket_getsockopt(s, &c, level, name, v, &l);
}

#endif
