/* netstack/inet.c - the AF_INET family: socket(2) picks the protocol (TCP, UDP, ICMP ping,
 * raw) by type and protocol, as Linux's inet_create walks its inetsw table, and hands the
 * socket to that protocol's operations.
 *
 * In --network=host mode every AF_INET socket is a host socket instead (hostinet.c).
 *
 * Owns: net_inet_family and the type/protocol dispatch.
 * Must not: check permissions (CAP_NET_RAW, net.ipv4.ping_group_range: the socket(2)
 * handler does, it knows the caller), or know any protocol's socket object. */
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "netstack/hostinet.h"
#include "netstack/inet_sock.h"
#include "netstack/netns.h"

#ifndef IPPROTO_MAX
#define IPPROTO_MAX 263
#endif

typedef int (*inet_ctor_fn)(struct netns *ns, int type, int protocol, struct net_socket **out);

/* Addresses of the weak constructors: reading them at run time, not at table
 * initialization, keeps the table constant. */
static inet_ctor_fn tcp_ctor(void)
{
	return tcp_create;
}
static inet_ctor_fn udp_ctor(void)
{
	return udp_create;
}
static inet_ctor_fn ping_ctor(void)
{
	return ping_create;
}
static inet_ctor_fn raw_ctor(void)
{
	return raw_create;
}

/* One row of Linux's inetsw: a type, the protocol it answers (IPPROTO_IP: any, for raw)
 * and its constructor (weak: NULL while the protocol is not linked in). */
struct inet_sw {
	int type;
	int protocol;
	inet_ctor_fn (*ctor)(void);
};

/* Linux's order within a type matters: protocol 0 picks the first row of the type. */
static const struct inet_sw inet_sw[] = {
    {SOCK_STREAM, IPPROTO_TCP, tcp_ctor},
    {SOCK_DGRAM, IPPROTO_UDP, udp_ctor},
    {SOCK_DGRAM, IPPROTO_ICMP, ping_ctor},
    {SOCK_RAW, IPPROTO_IP, raw_ctor},
};

int inet_resolve_protocol(int type, int *protocol)
{
	int proto = *protocol;
	int err = -ESOCKTNOSUPPORT;
	if (proto < 0 || proto >= IPPROTO_MAX)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(inet_sw) / sizeof(inet_sw[0]); i++) {
		const struct inet_sw *e = &inet_sw[i];
		if (e->type != type)
			continue;
		err = 0;
		if (proto == e->protocol) {
			if (proto != IPPROTO_IP)
				return (int)i;
		} else {
			/* the two wild cases: protocol 0 takes the type's first protocol; a
			 * row of protocol 0 (raw) takes any protocol */
			if (proto == IPPROTO_IP) {
				*protocol = e->protocol;
				return (int)i;
			}
			if (e->protocol == IPPROTO_IP)
				return (int)i;
		}
		err = -EPROTONOSUPPORT;
	}
	return err;
}

/* implements socket(2) for AF_INET (net/ipv4/af_inet.c inet_create); in --network=host
 * mode the socket is a host socket (hostinet.c) */
static int inet_create(int type, int protocol, struct net_socket **out)
{
	if (hostinet_enabled())
		return hostinet_create(AF_INET, type, protocol, out);
	int row = inet_resolve_protocol(type, &protocol);
	if (row < 0)
		return row;
	inet_ctor_fn ctor = inet_sw[row].ctor();
	if (!ctor)
		return -EPROTONOSUPPORT;
	return ctor(net_current_ns(), type, protocol, out);
}

const struct net_family_ops net_inet_family = {
    .family = AF_INET,
    .create = inet_create,
};
