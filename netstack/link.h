/* netstack/link.h - the link-layer pieces private to the core: the loopback and host
 * AF_PACKET interfaces, and the Ethernet transmit helper ARP shares with IPv4. */
#ifndef CVISOR_NETSTACK_LINK_H
#define CVISOR_NETSTACK_LINK_H
#include "netstack/netns.h"

#define ETH_HLEN_ 14

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
