/* netstack/veth.h - virtual Ethernet pairs (veth.c) and the link kinds' shared helpers. */
#ifndef CVISOR_NETSTACK_VETH_H
#define CVISOR_NETSTACK_VETH_H
#include "netstack/netns.h"

/* Creates a veth pair: @peer_name in @peer_ns first, then @name in @ns (either NULL or
 * empty: "veth%d"), both DOWN with their carrier off and random MACs, each the other's
 * peer. Returns 0 with the ends in *@dev and *@peer (may be NULL), -EEXIST / -EINVAL for
 * a name taken or invalid (nothing created), -ENOMEM. */
int veth_create(struct netns *ns, const char *name, struct netns *peer_ns, const char *peer_name,
		struct net_iface **dev, struct net_iface **peer);
bool is_veth(const struct net_iface *ifc);
/* The other end of veth @ifc (in its own namespace), or NULL. */
struct net_iface *veth_peer(const struct net_iface *ifc);
/* A random unicast, locally administered MAC (eth_random_addr). */
void net_random_mac(uint8_t mac[6]);

#endif
