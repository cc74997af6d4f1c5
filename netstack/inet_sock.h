/* netstack/inet_sock.h - what every AF_INET socket shares (TCP, UDP, ICMP ping, raw):
 * local and remote address, the namespace, IP-level options (SOL_IP), and the port
 * tables that bind(2) and autobinding use.
 *
 * AF_INET is one family (net_inet_family in inet.c) whose create() picks the protocol by
 * type/protocol and lets that protocol's struct net_family_ops drive the socket:
 *   SOCK_STREAM/IPPROTO_TCP -> tcp.c (net_tcp_ops)
 *   SOCK_DGRAM/IPPROTO_UDP  -> udp.c (net_udp_ops)
 *   SOCK_DGRAM/IPPROTO_ICMP -> ping sockets (icmp sockets, net_ping_ops)
 *   SOCK_RAW/any            -> raw.c (net_raw_ops; needs CAP_NET_RAW)
 * Each protocol object embeds struct inet_sock first (and so struct net_socket first).
 *
 * References: an inet_sock holds one reference on its netns. A port table holds no
 * reference: a socket leaves its table in its release op. */
#ifndef CVISOR_NETSTACK_INET_SOCK_H
#define CVISOR_NETSTACK_INET_SOCK_H
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include "common/list.h"
#include "netstack/netns.h"
#include "netstack/socket.h"

struct inet_sock {
	struct net_socket sock; /* first */
	struct netns *ns;	/* one reference */
	uint32_t laddr;		/* bound local address (0: any) */
	uint32_t saddr;		/* source used when sending (connected: the route's choice) */
	uint32_t raddr;		/* connected peer (0: none) */
	uint16_t lport, rport;	/* network order; lport 0: not bound */
	bool bound_port;	/* in its port table */
	bool bind_addr_explicit; /* bind(2) named an address (not autobound) */
	struct list_head bind_link; /* in the port table's bucket */
	struct net_iface *oif;	/* SO_BINDTODEVICE (borrowed; cleared if the iface goes) */
	int bound_ifindex;
	uint32_t uid;		/* owner's euid (SO_REUSEPORT groups) */
	/* SOL_IP options */
	int ttl; /* -1: the namespace's default */
	uint8_t tos;
	bool hdrincl, recverr, pktinfo, recvttl, recvtos, recvopts, freebind, transparent,
	    mc_loop, nodefrag, bind_address_no_port;
	int pmtudisc; /* IP_PMTUDISC_* */
	int mc_ttl;
};

/* One protocol's bound ports in one namespace (TCP and UDP each have their own). */
#define INET_PORT_BUCKETS 256
struct inet_ports {
	struct list_head buckets[INET_PORT_BUCKETS]; /* inet_sock.bind_link, by lport */
	int32_t next_ephemeral;
};
void inet_ports_init(struct inet_ports *t);

/* The protocol's rule for whether @a may share a port with @b, already bound (same
 * port, overlapping address): Linux's SO_REUSEADDR / SO_REUSEPORT rules differ between
 * TCP (listeners and TIME_WAIT matter) and UDP. */
typedef bool (*inet_port_shareable_fn)(const struct inet_sock *a, const struct inet_sock *b);

/* Binds @is to @addr:@port (network order; @port 0 picks an ephemeral port from the
 * namespace's ip_local_port_range, randomized start, as Linux). Returns 0, -EADDRINUSE
 * (or -EAGAIN when no ephemeral port is free, as Linux's autobind). Sets laddr/lport. */
int inet_bind_port(struct inet_ports *t, struct inet_sock *is, uint32_t addr, uint16_t port,
		   inet_port_shareable_fn shareable);
void inet_unbind_port(struct inet_sock *is);
/* Iterates the sockets bound to @port in @t: call @fn for each until it returns true;
 * returns that socket or NULL. */
struct inet_sock *inet_ports_find(struct inet_ports *t, uint16_t port,
				  bool (*fn)(struct inet_sock *is, void *arg), void *arg);

/* Fills the inet part of a freshly allocated protocol socket (calls net_socket_init),
 * taking a reference on @ns. */
void inet_sock_init(struct inet_sock *is, const struct net_family_ops *ops, struct netns *ns,
		    int type, int protocol);
/* Drops the netns reference (call from the protocol's destroy). */
void inet_sock_fini(struct inet_sock *is);

/* Address arguments: validates a sockaddr_in from bind/connect/sendto. -EINVAL when
 * @len < sizeof(struct sockaddr_in), -EAFNOSUPPORT for another family (AF_UNSPEC is
 * returned as such for connect's disconnect; the caller decides). */
int inet_addr_in(const void *addr, socklen_t len, struct sockaddr_in *out);
/* Writes @addr:@port as a sockaddr_in into @ss; returns its length. */
int inet_addr_out(struct sockaddr_storage *ss, uint32_t addr, uint16_t port);
/* getsockname/getpeername for every inet protocol. */
int inet_getname(struct net_socket *s, struct sockaddr_storage *ss, bool peer);

/* SOL_IP options shared by every protocol (IP_TTL, IP_TOS, IP_RECVERR, IP_PKTINFO,
 * IP_RECVTTL, IP_RECVTOS, IP_HDRINCL (raw only), IP_MTU_DISCOVER, IP_MTU (connected),
 * IP_FREEBIND, IP_TRANSPARENT (CAP_NET_ADMIN), IP_BIND_ADDRESS_NO_PORT, IP_MULTICAST_TTL,
 * IP_MULTICAST_LOOP, IP_OPTIONS (empty)), and SO_BINDTODEVICE. -ENOPROTOOPT otherwise. */
int inet_setsockopt_ip(struct inet_sock *is, int name, const void *val, socklen_t len);
int inet_getsockopt_ip(struct inet_sock *is, int name, void *val, socklen_t *len);
/* The TTL to send with (the option or the namespace default). */
uint8_t inet_ttl(const struct inet_sock *is);

/* The protocols' operations, chosen by net_inet_family.create. */
extern const struct net_family_ops net_tcp_ops;
extern const struct net_family_ops net_udp_ops;
extern const struct net_family_ops net_ping_ops;
extern const struct net_family_ops net_raw_ops;
/* Their constructors (inet.c calls the one the type/protocol names). */
int tcp_create(struct netns *ns, int type, int protocol, struct net_socket **out)
    __attribute__((weak));
int udp_create(struct netns *ns, int type, int protocol, struct net_socket **out)
    __attribute__((weak));
int ping_create(struct netns *ns, int type, int protocol, struct net_socket **out)
    __attribute__((weak));
int raw_create(struct netns *ns, int type, int protocol, struct net_socket **out)
    __attribute__((weak));

#endif
