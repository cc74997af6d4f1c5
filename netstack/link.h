/* netstack/link.h - the link-layer pieces private to the core: the loopback and host
 * AF_PACKET interfaces, and the Ethernet transmit helper ARP shares with IPv4. */
#ifndef CVISOR_NETSTACK_LINK_H
#define CVISOR_NETSTACK_LINK_H
#include "netstack/netns.h"

#define ETH_HLEN_ 14

/* The receive queue of a software link (link_rxq.c): frames queued by a sender reach
 * net_frame_input of @ifc from a zero-deadline timer, on the loop's next turn. */
/* Linux's netdev_max_backlog is 1000; a burst of one big send may exceed that here
 * (nothing drains between the segments of one syscall), so the bound is larger. */
#define LINK_RXQ_MAX 4096
struct link_rxq {
	struct list_head queue; /* struct pkt.link, one reference each */
	int queued;
	struct stimer drain;
	struct net_iface *ifc; /* the receiving end (borrowed: it owns the queue) */
};
void link_rxq_init(struct link_rxq *q, struct net_iface *ifc);
/* Queues @p for delivery. Consumes @p. 0, or -ENOBUFS when full (dropped). */
int link_rxq_add(struct link_rxq *q, struct pkt *p);
/* Drops everything queued and stops the timer (the link goes). */
void link_rxq_flush(struct link_rxq *q);

/* Creates "lo" in @ns (DOWN, no address, MTU 65536) and sets ns->lo. NULL on ENOMEM. */
struct net_iface *loopback_create(struct netns *ns);
/* Frames loopback has queued and not yet delivered (tests). */
int loopback_queued(struct net_iface *lo);

/* Pushes an Ethernet header (@dst, the interface's address, @ethertype host order) on @p
 * (p->data at the payload), shows the frame to packet sockets and transmits it.
 * Consumes @p. Returns 0 or -errno. */
int eth_output(struct net_iface *ifc, struct pkt *p, const uint8_t dst[6], uint16_t ethertype);

/* Creates an interface in @ns backed by a host AF_PACKET socket on the host interface
 * @host_ifindex (named @name, MAC @mac, MTU @mtu). Returns it (DOWN) or NULL with
 * *@err set. */
struct net_iface *nic_packet_create(struct netns *ns, int host_ifindex, const char *name,
				    const uint8_t mac[6], int mtu, int *err);

#endif
