/* netstack/route.h - what the interface code tells the routing table (private to the
 * core: iface.c calls these, route.c implements them). */
#ifndef CVISOR_NETSTACK_ROUTE_H
#define CVISOR_NETSTACK_ROUTE_H
#include "netstack/netns.h"

/* The prefix route of @ifa (added when its interface is up; none for /32 or loopback). */
void route_addr_added(struct net_ifaddr *ifa);
/* @ifa was unlinked from its interface: its prefix route goes unless another address of
 * the interface has the same prefix; routes preferring it as source go; when it was the
 * interface's last address every route through the interface goes (as Linux). */
void route_addr_removed(struct net_ifaddr *ifa);
/* @ifc came up: the prefix routes of its addresses. */
void route_iface_up(struct net_iface *ifc);
/* @ifc went down or is being removed: every route through it goes. */
void route_iface_flush(struct net_iface *ifc);
/* Frees every route of @ns (namespace teardown; no notification). */
void route_ns_fini(struct netns *ns);
/* Prefix length of a contiguous netmask (network order), or -1. */
int route_mask_to_prefix(uint32_t mask);
/* Netmask (network order) of a prefix length 0..32. */
uint32_t route_prefix_to_mask(int prefixlen);

#endif
