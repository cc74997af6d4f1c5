/* netstack/pkt.h - packet buffers: one contiguous buffer with headroom, a reference count,
 * and the offsets of the link and network headers.
 *
 * A packet moves down the stack by pushing headers into its headroom (TCP/UDP payload ->
 * IP -> Ethernet) and up by pulling them (Ethernet -> IP -> L4). Whoever holds a packet
 * holds one reference; a function that "consumes" a packet takes the caller's reference
 * (and puts it on every path, success or error). A queue (a socket's receive queue, the
 * ARP pending queue, the reassembly queue, loopback's rx queue) holds one reference per
 * queued packet through `link`, which is free for the current holder to use. Packets are
 * never shared for writing: a second receiver (a raw or packet socket, a tap) takes
 * pkt_copy(). */
#ifndef CVISOR_NETSTACK_PKT_H
#define CVISOR_NETSTACK_PKT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/list.h"

struct net_iface;

/* Room reserved in front of a packet built by a transport: Ethernet (14) + IPv4 with
 * options (60) + slack, rounded up. */
#define PKT_HEADROOM 128

/* Direction and addressing of a frame as AF_PACKET reports it (sll_pkttype). */
enum pkt_type {
	PKT_HOST = 0,	   /* PACKET_HOST: to us */
	PKT_BROADCAST = 1, /* PACKET_BROADCAST */
	PKT_MULTICAST = 2, /* PACKET_MULTICAST */
	PKT_OTHERHOST = 3, /* PACKET_OTHERHOST: to someone else */
	PKT_OUTGOING = 4,  /* PACKET_OUTGOING: sent by us */
};

struct pkt {
	int refs;
	uint8_t *head; /* the allocation */
	size_t cap;    /* bytes at head */
	uint8_t *data; /* first byte of the current layer */
	size_t len;    /* bytes from data */
	uint8_t *mac;  /* the link header, or NULL (set by the link layer) */
	uint8_t *nh;   /* the network (IP/ARP) header, or NULL (set by the network layer) */
	struct net_iface *iface; /* input: the receiving interface (borrowed: an interface
				  * outlives the packets it queued); output: the chosen one */
	enum pkt_type type;
	uint16_t protocol;	  /* ethertype, host order (ETH_P_IP, ETH_P_ARP) */
	struct list_head link;	  /* free for the holder's queue */
	int64_t tstamp_ns;	  /* CLOCK_REALTIME at receive (SO_TIMESTAMP), 0 if unset */
	/* netfilter: the id of the tracked connection this packet belongs to (0: none) and
	 * its enum ip_conntrack_info, kept across loopback as Linux keeps skb->_nfct. */
	uint32_t nfct_id;
	uint8_t nfctinfo;
};

/* A packet with @headroom free bytes in front and @len bytes of (uninitialized) data; one
 * reference. NULL on ENOMEM. */
struct pkt *pkt_alloc(size_t headroom, size_t len);
/* A packet holding a copy of @len bytes at @src after PKT_HEADROOM bytes of headroom. */
struct pkt *pkt_from(const void *src, size_t len);
/* A deep copy of @p (data, headroom, header offsets, iface, type, protocol); NULL on
 * ENOMEM. */
struct pkt *pkt_copy(const struct pkt *p);
void pkt_get(struct pkt *p);
void pkt_put(struct pkt *p);
/* Prepends @n bytes (a header) and returns where they start; NULL when the headroom is
 * short (callers allocate enough: a bug, counted, never a crash). */
void *pkt_push(struct pkt *p, size_t n);
/* Drops @n bytes from the front and returns the new start; NULL (nothing changed) when
 * the packet is shorter than @n. */
void *pkt_pull(struct pkt *p, size_t n);
/* Cuts the packet to @len bytes from data (no-op when already shorter). */
void pkt_trim(struct pkt *p, size_t len);
/* True when @n bytes are readable at data. */
static inline bool pkt_may_pull(const struct pkt *p, size_t n)
{
	return p->len >= n;
}
/* Bytes of headroom left. */
static inline size_t pkt_headroom(const struct pkt *p)
{
	return (size_t)(p->data - p->head);
}
/* Live packets (unit tests check for leaks). */
extern long pkt_live;

#endif
