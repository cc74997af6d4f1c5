/* netstack/iface.c - network interfaces and their IPv4 addresses: add/remove, up/down,
 * MTU, rename, address add/delete and the local-address predicates.
 *
 * Owns: struct net_iface and struct net_ifaddr lifetimes, ifindex allocation.
 * Must not: send packets (ARP announcements go through arp.c's hooks) or keep routes
 * (route.c does, told through netstack/route.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if_arp.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netstack/arp.h"
#include "netstack/bridge.h"
#include "netstack/ip4.h"
#include "netstack/netns.h"
#include "netstack/route.h"

static void notify(struct netns *ns, int type, const void *obj)
{
	if (netlink_notify)
		netlink_notify(ns, type, obj);
}

static bool name_ok(const char *name)
{
	size_t n = strnlen(name, IFNAMSIZ);
	if (n == 0 || n >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (name[i] == '/' || name[i] == ':' || name[i] == ' ' || name[i] == '\t' ||
		    name[i] == '\n')
			return false;
	return true;
}

/* See netns.h. */
int net_iface_name_pick(struct netns *ns, const char *name, char out[IFNAMSIZ])
{
	const char *pct = strchr(name, '%');
	if (!name_ok(name))
		return -EINVAL;
	if (!pct) {
		snprintf(out, IFNAMSIZ, "%s", name);
		return net_iface_by_name(ns, name) ? -EEXIST : 0;
	}
	/* exactly one "%d" (__dev_alloc_name) */
	if (pct[1] != 'd' || strchr(pct + 2, '%'))
		return -EINVAL;
	for (int i = 0; i < 32768; i++) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%.*s%d%s", (int)(pct - name), name, i, pct + 2);
		if (strlen(buf) >= IFNAMSIZ)
			return -EINVAL;
		if (!net_iface_by_name(ns, buf)) {
			snprintf(out, IFNAMSIZ, "%s", buf);
			return 0;
		}
	}
	return -ENFILE;
}

/* A free ifindex of @ns (dev_new_index): @want when it is free and positive, else the
 * next unused number. */
static int ifindex_pick(struct netns *ns, int want)
{
	if (want > 0 && !net_iface_by_index(ns, want))
		return want;
	while (net_iface_by_index(ns, ns->next_ifindex))
		ns->next_ifindex++;
	return ns->next_ifindex++;
}

/* Links @ifc into @ns's list, which stays ordered by ifindex. */
static void iface_link(struct netns *ns, struct net_iface *ifc)
{
	struct net_iface *o;
	list_for_each_entry(o, &ns->ifaces, link)
		if (o->ifindex > ifc->ifindex) {
			list_add_tail(&ifc->link, &o->link);
			return;
		}
	list_add_tail(&ifc->link, &ns->ifaces);
}

/* Adds an interface named @name (DOWN, ifindex assigned) to @ns; the interface takes
 * @priv (released by ops->destroy at removal). NULL when the name is taken or invalid,
 * or on ENOMEM. */
struct net_iface *net_iface_add(struct netns *ns, const char *name, uint16_t type,
				const struct net_iface_ops *ops, void *priv)
{
	if (!name_ok(name) || net_iface_by_name(ns, name))
		return NULL;
	struct net_iface *ifc = calloc(1, sizeof(*ifc));
	if (!ifc)
		return NULL;
	ifc->ns = ns;
	ifc->ifindex = ifindex_pick(ns, 0);
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
	ifc->type = type;
	ifc->ops = ops;
	ifc->priv = priv;
	ifc->mtu = 1500;
	ifc->txqlen = 1000;
	ifc->route_localnet = ns->sysctl.route_localnet_default;
	list_init(&ifc->addrs);
	if (type == ARPHRD_ETHER) {
		ifc->flags = IFF_BROADCAST | IFF_MULTICAST;
		memset(ifc->brdaddr, 0xff, 6);
	}
	iface_link(ns, ifc);
	notify(ns, RTM_NEWLINK, ifc);
	return ifc;
}

static void addr_free(struct net_ifaddr *ifa, bool tell)
{
	struct net_iface *ifc = ifa->iface;
	list_del(&ifa->link);
	route_addr_removed(ifa);
	if (tell)
		notify(ifc->ns, RTM_DELADDR, ifa);
	free(ifa);
}

/* Takes @ifc out of its namespace (unregister_netdevice's first half): down (routes,
 * neighbours), off its bridge, addresses gone, reassembly queues it fed dropped, off the
 * list, RTM_DELLINK. */
static void iface_unlist(struct net_iface *ifc)
{
	struct netns *ns = ifc->ns;
	if (ifc->flags & IFF_UP)
		net_iface_set_up(ifc, false);
	if (ifc->master && bridge_port_gone)
		bridge_port_gone(ifc);
	while (!list_empty(&ifc->addrs))
		addr_free(list_first_entry(&ifc->addrs, struct net_ifaddr, link), true);
	route_iface_flush(ifc);
	if (arp_iface_gone)
		arp_iface_gone(ifc);
	if (ip4_frag_iface_gone)
		ip4_frag_iface_gone(ifc);
	list_del(&ifc->link);
	notify(ns, RTM_DELLINK, ifc);
}

/* See netns.h. */
int net_iface_move(struct net_iface *ifc, struct netns *to, const char *name)
{
	char newname[IFNAMSIZ];
	if (to == ifc->ns)
		return 0;
	if (!ifc->ops || !ifc->ops->netns_movable)
		return -EINVAL;
	snprintf(newname, sizeof(newname), "%s", name && *name ? name : ifc->name);
	if (!name_ok(newname))
		return -EINVAL;
	if (net_iface_by_name(to, newname))
		return -EEXIST;
	iface_unlist(ifc);
	ifc->ns = to;
	ifc->ifindex = ifindex_pick(to, ifc->ifindex);
	snprintf(ifc->name, sizeof(ifc->name), "%s", newname);
	iface_link(to, ifc);
	notify(to, RTM_NEWLINK, ifc);
	return 0;
}

/* Removes @ifc: down (routes, neighbours), addresses, the link's own resources. */
void net_iface_remove(struct net_iface *ifc)
{
	struct netns *ns = ifc->ns;
	iface_unlist(ifc);
	if (ifc->ops && ifc->ops->destroy)
		ifc->ops->destroy(ifc);
	if (ns->lo == ifc)
		ns->lo = NULL;
	free(ifc);
}

struct net_iface *net_iface_by_index(struct netns *ns, int ifindex)
{
	struct net_iface *ifc;
	list_for_each_entry(ifc, &ns->ifaces, link)
		if (ifc->ifindex == ifindex)
			return ifc;
	return NULL;
}

struct net_iface *net_iface_by_name(struct netns *ns, const char *name)
{
	struct net_iface *ifc;
	list_for_each_entry(ifc, &ns->ifaces, link)
		if (!strncmp(ifc->name, name, IFNAMSIZ))
			return ifc;
	return NULL;
}

/* Sets IFF_UP. Up: RUNNING/LOWER_UP (with a carrier), prefix routes back, gratuitous ARP;
 * a loopback gets 127.0.0.1/8 unless it has it (inetdev_event's NETDEV_UP: what gives a
 * new namespace's lo its address). Down: routes and neighbours of the interface flushed
 * (as Linux; addresses stay). The link kind hears of it (veth: the peer's carrier).
 * Returns 0 or -ENOMEM (the loopback address). */
int net_iface_set_up(struct net_iface *ifc, bool up)
{
	if (!!(ifc->flags & IFF_UP) == up)
		return 0;
	if (up) {
		ifc->flags |= IFF_UP;
		if (!ifc->no_carrier)
			ifc->flags |= IFF_RUNNING | IFF_LOWER_UP;
		route_iface_up(ifc);
		if (arp_iface_up)
			arp_iface_up(ifc);
	} else {
		ifc->flags &= ~(IFF_UP | IFF_RUNNING | IFF_LOWER_UP);
		route_iface_flush(ifc);
		if (arp_iface_down)
			arp_iface_down(ifc);
	}
	notify(ifc->ns, RTM_NEWLINK, ifc);
	if (ifc->ops && ifc->ops->updown)
		ifc->ops->updown(ifc);
	if (ifc->master && bridge_port_changed)
		bridge_port_changed(ifc);
	if (up && (ifc->flags & IFF_LOOPBACK)) {
		int err = net_addr_add(ifc, htonl(INADDR_LOOPBACK), 8, 0, NULL);
		if (err && err != -EEXIST)
			return err;
	}
	return 0;
}

/* Sets or clears the carrier (netif_carrier_on/off): IFF_LOWER_UP and IFF_RUNNING follow
 * it while the interface is up; listeners hear of a visible change. */
void net_iface_set_carrier(struct net_iface *ifc, bool on)
{
	unsigned old = ifc->flags;
	ifc->no_carrier = !on;
	if (on && (ifc->flags & IFF_UP))
		ifc->flags |= IFF_RUNNING | IFF_LOWER_UP;
	else
		ifc->flags &= ~(IFF_RUNNING | IFF_LOWER_UP);
	if (old != ifc->flags)
		notify(ifc->ns, RTM_NEWLINK, ifc);
	if (ifc->master && bridge_port_changed)
		bridge_port_changed(ifc);
}

int net_iface_set_mtu(struct net_iface *ifc, int mtu)
{
	int max = ifc->type == ARPHRD_LOOPBACK ? (1 << 20) : 65535;
	if (mtu < 68 || mtu > max)
		return -EINVAL;
	ifc->mtu = mtu;
	notify(ifc->ns, RTM_NEWLINK, ifc);
	return 0;
}

int net_iface_rename(struct net_iface *ifc, const char *name)
{
	if (!strncmp(ifc->name, name, IFNAMSIZ))
		return 0;
	if (!name_ok(name))
		return -EINVAL;
	if (ifc->flags & IFF_UP)
		return -EBUSY;
	if (net_iface_by_name(ifc->ns, name))
		return -EEXIST;
	/* labels that were the old name follow it */
	struct net_ifaddr *ifa;
	list_for_each_entry(ifa, &ifc->addrs, link)
		if (!strncmp(ifa->label, ifc->name, IFNAMSIZ))
			snprintf(ifa->label, sizeof(ifa->label), "%s", name);
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
	notify(ifc->ns, RTM_NEWLINK, ifc);
	return 0;
}

/* ---- addresses ---- */

static bool same_prefix(const struct net_ifaddr *a, uint32_t addr, uint8_t prefixlen)
{
	return a->prefixlen == prefixlen && !((a->addr ^ addr) & a->mask);
}

/* Implements RTM_NEWADDR / SIOCSIFADDR's effect: a primary address (or a secondary one
 * when a primary of the same prefix exists), its prefix route when the interface is up,
 * a gratuitous ARP. Returns 0, -EEXIST (same address and prefix), -EINVAL, -ENOMEM. */
int net_addr_add(struct net_iface *ifc, uint32_t addr, uint8_t prefixlen, uint32_t broadcast,
		 const char *label)
{
	struct net_ifaddr *ifa, *a;
	if (prefixlen > 32)
		return -EINVAL;
	list_for_each_entry(a, &ifc->addrs, link)
		if (a->addr == addr && a->prefixlen == prefixlen)
			return -EEXIST;
	ifa = calloc(1, sizeof(*ifa));
	if (!ifa)
		return -ENOMEM;
	ifa->iface = ifc;
	ifa->addr = addr;
	ifa->prefixlen = prefixlen;
	ifa->mask = route_prefix_to_mask(prefixlen);
	if (broadcast)
		ifa->broadcast = broadcast;
	else if (prefixlen < 31 && !(ifc->flags & IFF_LOOPBACK))
		ifa->broadcast = addr | ~ifa->mask;
	ifa->scope = (ntohl(addr) >> 24) == 127 ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
	ifa->flags = IFA_F_PERMANENT;
	snprintf(ifa->label, sizeof(ifa->label), "%s", label && *label ? label : ifc->name);
	list_for_each_entry(a, &ifc->addrs, link)
		if (!(a->flags & IFA_F_SECONDARY) && same_prefix(a, addr, prefixlen))
			ifa->flags |= IFA_F_SECONDARY;
	if (ifa->flags & IFA_F_SECONDARY)
		list_add_tail(&ifa->link, &ifc->addrs);
	else {
		/* primaries before secondaries, in the order added */
		struct list_head *pos = &ifc->addrs;
		list_for_each_entry(a, &ifc->addrs, link)
			if (a->flags & IFA_F_SECONDARY) {
				pos = &a->link;
				break;
			}
		list_add_tail(&ifa->link, pos);
	}
	route_addr_added(ifa);
	notify(ifc->ns, RTM_NEWADDR, ifa);
	if (arp_addr_added)
		arp_addr_added(ifa);
	return 0;
}

/* Implements RTM_DELADDR: removes @addr/@prefixlen (@prefixlen > 32: any prefix).
 * Deleting a primary deletes the secondaries of its prefix, as Linux without
 * promote_secondaries. Returns 0 or -EADDRNOTAVAIL. */
int net_addr_del(struct net_iface *ifc, uint32_t addr, uint8_t prefixlen)
{
	struct net_ifaddr *ifa, *tmp, *found = NULL;
	list_for_each_entry(ifa, &ifc->addrs, link)
		if (ifa->addr == addr && (prefixlen > 32 || ifa->prefixlen == prefixlen)) {
			found = ifa;
			break;
		}
	if (!found)
		return -EADDRNOTAVAIL;
	if (!(found->flags & IFA_F_SECONDARY))
		list_for_each_entry_safe(ifa, tmp, &ifc->addrs, link)
			if (ifa != found && (ifa->flags & IFA_F_SECONDARY) &&
			    same_prefix(found, ifa->addr, found->prefixlen))
				addr_free(ifa, true);
	addr_free(found, true);
	return 0;
}

struct net_iface *net_addr_owner(struct netns *ns, uint32_t addr)
{
	struct net_iface *ifc;
	struct net_ifaddr *ifa;
	list_for_each_entry(ifc, &ns->ifaces, link)
		list_for_each_entry(ifa, &ifc->addrs, link)
			if (ifa->addr == addr)
				return ifc;
	return NULL;
}

/* True when @addr is one of ours on any interface, up or down (Linux's local table keeps
 * an address's /32 whatever the link state: bind(2) to it works and traffic to it is
 * delivered through lo), a broadcast address of an up interface, 255.255.255.255, or in
 * the prefix of an address of lo (127/8: the loopback's prefix route, which Linux keeps
 * when lo goes down, as it keeps every host-scope route). */
bool net_addr_is_local(struct netns *ns, uint32_t addr)
{
	struct net_iface *ifc;
	struct net_ifaddr *ifa;
	if (addr == INADDR_BROADCAST)
		return true;
	list_for_each_entry(ifc, &ns->ifaces, link) {
		bool up = ifc->flags & IFF_UP;
		list_for_each_entry(ifa, &ifc->addrs, link) {
			if (ifa->addr == addr)
				return true;
			if (up && net_ifaddr_is_bcast(ifa, addr))
				return true;
			if ((ifc->flags & IFF_LOOPBACK) && !((ifa->addr ^ addr) & ifa->mask))
				return true;
		}
	}
	return false;
}

bool net_ifaddr_is_bcast(const struct net_ifaddr *ifa, uint32_t addr)
{
	if (ifa->broadcast && ifa->broadcast == addr)
		return true;
	return ifa->prefixlen < 31 && addr == (ifa->addr | ~ifa->mask);
}

struct net_iface *net_bcast_iface(struct netns *ns, uint32_t addr)
{
	struct net_iface *ifc;
	struct net_ifaddr *ifa;
	list_for_each_entry(ifc, &ns->ifaces, link)
		if (ifc->flags & IFF_UP)
			list_for_each_entry(ifa, &ifc->addrs, link)
				if (net_ifaddr_is_bcast(ifa, addr))
					return ifc;
	return NULL;
}
