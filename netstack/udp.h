/* netstack/udp.h - UDP over IPv4, private to udp.c (the socket operations) and udp_in.c
 * (input, delivery, ICMP errors, the per-namespace port table).
 *
 * References: a queued datagram holds one packet reference; the port table holds no
 * socket reference (a socket leaves it in its release op). */
#ifndef CVISOR_NETSTACK_UDP_H
#define CVISOR_NETSTACK_UDP_H
#include <stdbool.h>
#include <stdint.h>
#include "netstack/inet_sock.h"
#include "netstack/ip4.h"

/* Per-namespace state (ns->udp). */
struct udp_ns {
	struct inet_ports ports;
};

/* One received datagram on a socket's queue. */
struct udp_dgram {
	struct list_head link;
	struct pkt *p;	     /* one reference; p->data at the payload, p->len its length */
	uint32_t src;	     /* the sender */
	uint16_t sport;	     /* network order */
	size_t truesize;     /* charged to the receive buffer */
	struct ip4_rx_info ri;
};

/* Bytes charged per datagram on top of its payload (Linux's skb truesize overhead). */
#define UDP_DGRAM_OVERHEAD 768

struct udp_sock {
	struct inet_sock inet; /* first */
	struct list_head rxq;  /* struct udp_dgram, oldest first */
	size_t rmem;	       /* charged to SO_RCVBUF */
	bool connected;	       /* TCP_ESTABLISHED in Linux's terms */
	bool no_check_tx;      /* SO_NO_CHECK */
	/* UDP_CORK / MSG_MORE: the datagram being built (up->pending) */
	bool corkflag;
	bool pending;
	uint32_t cork_dst, cork_src;
	uint16_t cork_dport;
	int cork_ttl, cork_tos, cork_oif;
	uint8_t *cork_buf;
	size_t cork_len, cork_cap;
	int gso_size; /* UDP_SEGMENT (stored) */
	bool gro;     /* UDP_GRO (stored) */
	int encap;    /* UDP_ENCAP (stored) */
};

/* The namespace's UDP state, created on first use. NULL on ENOMEM. */
struct udp_ns *udp_ns_get(struct netns *ns);
/* The port-sharing rule of UDP (udp_lib_lport_inuse). */
bool udp_port_shareable(const struct inet_sock *a, const struct inet_sock *b);
/* Queues @p (p->data at the payload, the UDP header just before it) on @us unless its
 * SO_ATTACH_FILTER drops it (udp_in_errors) or the receive buffer is full (counted in
 * udp_rcvbuf_errors). Consumes @p. Returns 0 or -EPERM/-ENOBUFS. */
int udp_queue_rcv(struct udp_sock *us, struct pkt *p, uint32_t src, uint16_t sport,
		  const struct ip4_rx_info *ri);
/* Frees a dequeued datagram (its packet reference). */
void udp_dgram_free(struct udp_dgram *d);

#endif
