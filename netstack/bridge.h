/* netstack/bridge.h - Linux bridges (bridge.c): a learning switch between ports that is
 * itself an interface of its namespace. */
#ifndef CVISOR_NETSTACK_BRIDGE_H
#define CVISOR_NETSTACK_BRIDGE_H
#include "netstack/netns.h"

/* Creates a bridge named @name ("bridge%d" when NULL or empty) in @ns: DOWN, no ports, a
 * carrier (until ports come and go, as Linux), a random MAC, ageing 300 s. 0 and the bridge in *@out, -EEXIST, -EINVAL,
 * -ENOMEM. */
int bridge_create(struct netns *ns, const char *name, struct net_iface **out);
bool is_bridge(const struct net_iface *ifc);
bool bridge_has_ports(const struct net_iface *br);
/* Makes @dev a port of @br (br_add_if): 0 (also when it already is), -EBUSY (a port of
 * another bridge), -ELOOP (a bridge), -EINVAL (lo, itself, another namespace), -ENOMEM. */
int bridge_port_add(struct net_iface *br, struct net_iface *dev);
/* What a port's IFLA_BRPORT_* set (`bridge link set`): STP numbers kept for show, MAC
 * learning (BR_LEARNING), unknown-unicast flooding (BR_FLOOD), hairpin (frames may go
 * back out of the port they came in by). */
struct bridge_port_cfg {
	uint16_t priority;
	uint32_t cost;
	bool learning, flood, hairpin;
};
/* @dev's port settings (NULL when it is no port); call bridge_port_cfg_changed after a
 * change. */
struct bridge_port_cfg *bridge_port_cfg(struct net_iface *dev);
void bridge_port_cfg_changed(struct net_iface *dev);
/* Takes @dev off its bridge (br_del_if); nothing when it is no port. */
void bridge_port_del(struct net_iface *dev);
/* A frame arrived on port @port (p->data at the Ethernet header, already shown to packet
 * sockets): learnt, then forwarded, flooded and/or delivered to the bridge itself.
 * Consumes @p. */
void bridge_input(struct net_iface *port, struct pkt *p) __attribute__((weak));
/* A port's IFF_UP or carrier changed: the bridge's carrier follows. */
void bridge_port_changed(struct net_iface *port) __attribute__((weak));
/* The FDB ageing time in centiseconds (IFLA_BR_AGEING_TIME). */
uint32_t bridge_ageing_cs(const struct net_iface *br);
void bridge_set_ageing_cs(struct net_iface *br, uint32_t cs);

#endif
