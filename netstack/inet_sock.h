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
#include <time.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include "common/list.h"
#include "netstack/netns.h"
#include "netstack/socket.h"

struct net_bpf;

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
	/* Extensions (inet helper): more SOL_IP state, SO_TIMESTAMPNS, the error queue. */
	bool bind_port_explicit; /* bind(2) named a port (Linux SOCK_BINDPORT_LOCK) */
	int minttl;		 /* IP_MINTTL */
	bool recvorigdstaddr, checksum, recvfragsize;
	bool tstamp_ns;		 /* SO_TIMESTAMPNS (with net_socket.timestamp) */
	uint8_t opts[40];	 /* IP_OPTIONS as given (stored, not sent) */
	uint8_t optlen;
	uint32_t mc_addr;	 /* IP_MULTICAST_IF address */
	int mc_index, uc_index;	 /* IP_MULTICAST_IF ifindex, IP_UNICAST_IF */
	struct list_head errq;	 /* struct inet_err, oldest first (IP_RECVERR, MSG_ERRQUEUE) */
	size_t errq_bytes;	 /* charged against SO_RCVBUF */
	struct net_bpf *filter;	 /* SO_ATTACH_FILTER (owned), or NULL */
	bool filter_locked;	 /* SO_LOCK_FILTER */
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
 * namespace's ip_local_port_range, randomized start, as Linux: a port no socket of @t
 * uses). Returns 0, -EINVAL (already bound), -EADDRINUSE (or -EAGAIN when no ephemeral
 * port is free, as Linux's autobind; bind(2) answers EADDRINUSE then). Sets laddr/lport,
 * and uid from sock.owner.euid unless the protocol set it (inet_sock_init leaves it -1;
 * an accepted child should take its listener's). inet_unbind_port leaves the table and
 * clears lport. */
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
 * IP_FREEBIND, IP_TRANSPARENT (the CAP_NET_ADMIN/CAP_NET_RAW check is the handler's),
 * IP_BIND_ADDRESS_NO_PORT, IP_MULTICAST_TTL, IP_MULTICAST_LOOP, IP_OPTIONS...), with
 * Linux's length rules (a short int option reads one byte; length 0 means 0).
 * -ENOPROTOOPT otherwise. SOL_IP names only: SO_BINDTODEVICE (25) collides with
 * IP_RECVFRAGSIZE, so SOL_SOCKET names go to inet_setsockopt_sock. */
int inet_setsockopt_ip(struct inet_sock *is, int name, const void *val, socklen_t len);
int inet_getsockopt_ip(struct inet_sock *is, int name, void *val, socklen_t *len);
/* The SOL_SOCKET options the socket layer leaves to AF_INET: SO_BINDTODEVICE,
 * SO_BINDTOIFINDEX, SO_TIMESTAMPNS, SO_ATTACH_FILTER (a struct sock_fprog whose filter
 * the handler copied into Sentry memory), SO_DETACH_FILTER, SO_LOCK_FILTER,
 * SO_GET_FILTER. -ENOPROTOOPT otherwise. */
int inet_setsockopt_sock(struct inet_sock *is, int name, const void *val, socklen_t len);
int inet_getsockopt_sock(struct inet_sock *is, int name, void *val, socklen_t *len);
/* Both levels, for a protocol's setsockopt/getsockopt fallback: SOL_IP and SOL_SOCKET as
 * above, any other level -ENOPROTOOPT (Linux's ip_setsockopt). */
int inet_setsockopt(struct net_socket *s, int level, int name, const void *val, socklen_t len);
int inet_getsockopt(struct net_socket *s, int level, int name, void *val, socklen_t *len);
/* The TTL to send with (the option or the namespace default). */
uint8_t inet_ttl(const struct inet_sock *is);
/* The interface of SO_BINDTODEVICE (looked up by index: NULL when unbound or gone). */
/* The namespace of @s when it is one of the netstack's AF_INET sockets (borrowed; sockets
 * keep the namespace they were created in), else NULL (host sockets included). */
struct netns *inet_sock_netns(struct net_socket *s);
struct net_iface *inet_oif(const struct inet_sock *is);

/* sk_filter_trim_cap: runs the socket's SO_ATTACH_FILTER program over received @p, whose
 * data for this socket starts at @start (inside @p; the IP header at p->nh is reachable
 * through SKF_NET_OFF). Returns how many bytes from @start to keep (at least @cap; all of
 * them when there is no filter), or -1: drop. */
ssize_t inet_filter(const struct inet_sock *is, const struct pkt *p, const uint8_t *start,
		    size_t cap);

/* ---- the error queue (IP_RECVERR, recvmsg(MSG_ERRQUEUE)) ---- */
/* One queued error: what recvmsg(MSG_ERRQUEUE) returns (ip_recv_error). */
struct inet_err {
	struct list_head link;
	struct sock_extended_err ee;
	struct sockaddr_in offender; /* SO_EE_OFFENDER: who reported it */
	struct sockaddr_in addr;     /* msg_name: the original destination */
	size_t len;		     /* bytes of data (the offending payload) */
	uint8_t data[];
};
/* Sets SO_ERROR to e->ee.ee_errno and queues the error when IP_RECVERR is on; wakes
 * EPOLLERR. (Without IP_RECVERR Linux reports only hard errors of connected sockets: the
 * protocol decides whether to call.) @data/@len: the payload returned by the read. Returns 0 or -ENOMEM/-ENOBUFS
 * (queue full against SO_RCVBUF). */
int inet_errq_queue(struct inet_sock *is, const struct inet_err *e, const void *data, size_t len);
/* recvmsg(MSG_ERRQUEUE): dequeues the oldest error into @m (data, msg_name, an IP_RECVERR
 * control message). Returns the bytes copied, -EAGAIN when empty. */
ssize_t inet_errq_recv(struct inet_sock *is, struct net_msg *m);
void inet_errq_purge(struct inet_sock *is);
/* icmp_err_convert: the errno an ICMP error of @type/@code means (0: ignore it, e.g. a
 * source quench, or fragmentation-needed with IP_PMTUDISC_DONT) and whether it is hard. */
int inet_icmp_err_convert(int type, int code, int pmtudisc, bool *hard);
/* Reports an ICMP error to a datagram socket as Linux does: without IP_RECVERR only a
 * hard error on a connected socket sets SO_ERROR; with it, the error is queued
 * (ip_icmp_error: @payload/@len the quoted data after the transport header, msg_name
 * the original destination with port @dport) and SO_ERROR is set. */
struct ip4_icmp_err;
void inet_icmp_report(struct inet_sock *is, bool connected, const struct ip4_icmp_err *e, int err,
		      bool hard, uint16_t dport, const uint8_t *payload, size_t len);

/* ---- socket(2) helpers ---- */
/* Linux's inetsw walk: resolves @type/ *@protocol (0 becomes the type's protocol) to a
 * row index, or -ESOCKTNOSUPPORT / -EPROTONOSUPPORT / -EINVAL (protocol out of range). */
int inet_resolve_protocol(int type, int *protocol);
/* net.ipv4.ping_group_range: may a caller of effective group @egid and supplementary
 * @groups create an ICMP ping socket in @ns? */
bool inet_ping_group_allowed(struct netns *ns, uint32_t egid, const uint32_t *groups, int ngroups);
/* What a received datagram tells its receiver's control messages. */
struct ip4_rx_info {
	int ifindex;	   /* the receiving interface */
	uint32_t spec_dst; /* the local address it reached (IP_PKTINFO ipi_spec_dst) */
	uint32_t dst;	   /* the header's destination (ipi_addr, IP_ORIGDSTADDR) */
	uint16_t dport;	   /* the transport's destination port (IP_ORIGDSTADDR) */
	uint8_t ttl, tos;
	int64_t tstamp_ns; /* CLOCK_REALTIME at receive (0: take it now) */
};
/* Adds the receive-side control messages of SOL_IP (IP_PKTINFO, IP_TTL, IP_TOS,
 * IP_ORIGDSTADDR) and SOL_SOCKET timestamps (SO_TIMESTAMP, SO_TIMESTAMPNS) an inet
 * datagram socket asked for, in Linux's order (timestamps first). */
void inet_cmsg_recv(struct inet_sock *is, struct net_msg *m, const struct ip4_rx_info *ri);
/* Parses the send-side SOL_IP control messages (IP_PKTINFO, IP_TTL, IP_TOS) of @m into
 * @ttl/@tos/@src/@oif (left as they were when absent). Returns 0, -EINVAL (bad record or
 * value). */
int inet_cmsg_send(struct inet_sock *is, const struct net_msg *m, int *ttl, int *tos,
		   uint32_t *src, int *oif_index);

/* What a datagram send (UDP, ping, raw) settles before it builds its packet. */
struct inet_dgram_route {
	int ttl, tos;		 /* from IP_TTL/IP_TOS control messages; -1: none */
	uint32_t src;		 /* IP_PKTINFO's or the socket's source; 0: the route's */
	int oif;		 /* the output device's index; 0: none */
	struct net_iface *oifc;	 /* that device (borrowed), or NULL */
	struct net_route_result rt;
};
/* The route of a datagram to *@daddr, as Linux's ip4 datagram senders do: the send's
 * control messages, the device (bound, IP_PKTINFO, else IP_UNICAST_IF, or IP_MULTICAST_IF
 * to a multicast group when @mc_if), INADDR_ANY meaning the source or loopback (*@daddr
 * is rewritten), a foreign source refused (EINVAL, unless IP_FREEBIND/IP_TRANSPARENT),
 * an unknown device (ENODEV), the route lookup's errors, and EACCES for a broadcast
 * without SO_BROADCAST. Returns 0 or -errno. */
int inet_dgram_route(struct inet_sock *is, const struct net_msg *m, uint32_t *daddr, bool mc_if,
		     struct inet_dgram_route *out);

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
