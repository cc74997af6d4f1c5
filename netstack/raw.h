/* netstack/raw.h - raw IPv4 sockets (raw.c) and ICMP ping sockets (ping.c): both are
 * datagram sockets whose receive queue holds whole packets, and they share the queue,
 * the receive path and poll.
 *
 * References: a queued packet holds one packet reference; struct raw_ns's lists hold no
 * socket reference (a socket leaves them in its release op). */
#ifndef CVISOR_NETSTACK_RAW_H
#define CVISOR_NETSTACK_RAW_H
#include <stdbool.h>
#include <stdint.h>
#include "netstack/inet_sock.h"
#include "netstack/ip4.h"

/* Per-namespace state (ns->raw): raw sockets, and the echo identifiers ping sockets
 * hold (their "ports"). */
struct raw_ns {
	struct list_head socks; /* struct raw_sock (inet.bind_link) of raw sockets */
	struct inet_ports ping_ports;
};

/* One received packet. */
struct raw_dgram {
	struct list_head link;
	struct pkt *p; /* one reference; p->data at what recvmsg returns */
	uint32_t src;
	size_t truesize;
	struct ip4_rx_info ri;
};

#define RAW_DGRAM_OVERHEAD 768

struct raw_sock {
	struct inet_sock inet; /* first */
	struct list_head rxq;  /* struct raw_dgram */
	size_t rmem;
	bool connected;
	bool in_list;	     /* raw: on raw_ns.socks */
	uint32_t icmp_filter; /* ICMP_FILTER: bit n set = drop ICMP type n */
};

/* The namespace's raw state, created on first use. NULL on ENOMEM. */
struct raw_ns *raw_ns_get(struct netns *ns);
/* Queues @p (p->data at what the socket returns) on @rs unless its filter drops it or
 * its receive buffer is full (sock_queue_rcv_skb). Consumes @p. Returns 0 or
 * -EPERM/-ENOBUFS/-ENOMEM. */
int raw_queue_rcv(struct raw_sock *rs, struct pkt *p, uint32_t src, const struct ip4_rx_info *ri);
/* recvmsg for raw and ping sockets: one packet (MSG_PEEK, MSG_TRUNC, MSG_ERRQUEUE,
 * control messages). */
ssize_t raw_recv_common(struct raw_sock *rs, struct net_msg *m);
/* datagram_poll */
uint32_t raw_poll_common(struct raw_sock *rs);
/* Drops every queued packet and error. */
void raw_purge(struct raw_sock *rs);
/* ip4_datagram_connect (AF_UNSPEC disconnects), shared by raw and ping sockets. */
int raw_dgram_connect(struct raw_sock *rs, const void *addr, socklen_t len);
/* The ip4_rx_info of a received datagram. */
void raw_rx_info(const struct pkt *p, const struct ip4_rx *rx, struct ip4_rx_info *ri);

#endif
