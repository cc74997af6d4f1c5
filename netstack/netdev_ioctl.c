/* netstack/netdev_ioctl.c - the interface ioctls of netdevice(7) on any socket, as
 * Linux's dev_ioctl.c and devinet_ioctl: names and indexes, flags, MTU, hardware
 * address, transmit queue length, and the IPv4 address, netmask and broadcast of an
 * address label ("eth0", "eth0:1"); the old route and ARP ioctls (SIOCADDRT/SIOCDELRT,
 * SIOCSARP/SIOCGARP/SIOCDARP: route(8) and arp(8)).
 *
 * Owns: the translation between struct ifreq/ifconf in guest memory and the interface
 * calls of netns.h. Must not: touch guest memory except through c->mem, or change
 * anything without CAP_NET_ADMIN. */
#include "netstack/netdev_ioctl.h"
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <errno.h>
#include <linux/capability.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include "netstack/arp.h"
#include "netstack/netns.h"
#include "netstack/route.h"
#include "platform/guest_mem.h"

#ifndef ENOIOCTLCMD
#define ENOIOCTLCMD 515
#endif

static bool has_net_admin(const struct vfs_ctx *c)
{
	return c->cred && (c->cred->cap_effective & (1ULL << CAP_NET_ADMIN));
}

/* The interface of "@name" or "@name:label". */
static struct net_iface *iface_of(struct netns *ns, const char *name)
{
	char dev[IFNAMSIZ];
	snprintf(dev, sizeof(dev), "%s", name);
	char *colon = strchr(dev, ':');
	if (colon)
		*colon = 0;
	return net_iface_by_name(ns, dev);
}

static struct net_ifaddr *addr_of(struct net_iface *ifc, const char *label)
{
	struct net_ifaddr *ifa;
	list_for_each_entry(ifa, &ifc->addrs, link)
		if (!strncmp(ifa->label, label, IFNAMSIZ))
			return ifa;
	return NULL;
}

static void put_sin(struct sockaddr *sa, uint32_t addr)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = addr};
	memcpy(sa, &sin, sizeof(sin));
}

/* Linux's inet_abc_len: the classful prefix SIOCSIFADDR gives a new address. */
static int classful_prefix(uint32_t addr)
{
	uint32_t h = ntohl(addr);
	if (h == 0)
		return 0;
	if (!(h & 0x80000000u))
		return 8;
	if ((h & 0xc0000000u) == 0x80000000u)
		return 16;
	if ((h & 0xe0000000u) == 0xc0000000u)
		return 24;
	return -1; /* class D/E */
}

/* SIOCGIFCONF: one struct ifreq per IPv4 address (name = its label); a NULL buffer asks
 * for the size. */
static long get_ifconf(struct netns *ns, const struct vfs_ctx *c, uint64_t arg)
{
	struct ifconf ifc;
	int r = guest_copy_in(c->mem, &ifc, arg, sizeof(ifc));
	if (r < 0)
		return r;
	uint64_t buf = (uint64_t)(uintptr_t)ifc.ifc_buf;
	int room = ifc.ifc_len, done = 0;
	struct net_iface *i;
	struct net_ifaddr *ifa;
	list_for_each_entry(i, &ns->ifaces, link) list_for_each_entry(ifa, &i->addrs, link)
	{
		if (!buf) {
			done += (int)sizeof(struct ifreq);
			continue;
		}
		if (room - done < (int)sizeof(struct ifreq))
			goto out;
		struct ifreq q;
		memset(&q, 0, sizeof(q));
		snprintf(q.ifr_name, IFNAMSIZ, "%s", ifa->label);
		put_sin(&q.ifr_addr, ifa->addr);
		if ((r = guest_copy_out(c->mem, buf + (uint64_t)done, &q, sizeof(q))) < 0)
			return r;
		done += (int)sizeof(q);
	}
out:
	ifc.ifc_len = done;
	return guest_copy_out(c->mem, arg + offsetof(struct ifconf, ifc_len), &ifc.ifc_len,
			      sizeof(ifc.ifc_len));
}

/* SIOCSIFADDR / SIOCSIFNETMASK / SIOCSIFBRDADDR on the address labelled ifr_name. */
static long set_addr(struct net_iface *i, unsigned int cmd, struct ifreq *q)
{
	struct sockaddr_in sin;
	memcpy(&sin, &q->ifr_addr, sizeof(sin));
	if (sin.sin_family != AF_INET)
		return -EINVAL;
	uint32_t a = sin.sin_addr.s_addr;
	struct net_ifaddr *ifa = addr_of(i, q->ifr_name);
	char label[IFNAMSIZ];
	snprintf(label, sizeof(label), "%s", q->ifr_name);
	if (cmd == SIOCSIFADDR) {
		int plen = classful_prefix(a);
		if (plen < 0)
			return -EINVAL;
		if (ifa) {
			if (ifa->addr == a)
				return 0;
			net_addr_del(i, ifa->addr, ifa->prefixlen);
		}
		if (!a)
			return 0; /* 0.0.0.0 deletes, as Linux */
		return net_addr_add(i, a, (uint8_t)plen, 0, label);
	}
	if (!ifa)
		return -EADDRNOTAVAIL;
	if (cmd == SIOCSIFBRDADDR) {
		ifa->broadcast = a;
		return 0;
	}
	int plen = route_mask_to_prefix(a);
	if (plen < 0)
		return -EINVAL;
	if (plen == ifa->prefixlen)
		return 0;
	uint32_t addr = ifa->addr;
	net_addr_del(i, addr, ifa->prefixlen);
	return net_addr_add(i, addr, (uint8_t)plen, 0, label);
}

struct arp_query {
	uint32_t ip;
	struct net_iface *ifc;
	struct arp_entry_info e;
	bool found;
};

static int arp_find(const struct arp_entry_info *e, void *arg)
{
	struct arp_query *q = arg;
	if (e->ip != q->ip || e->iface != q->ifc)
		return 0;
	q->e = *e;
	q->found = true;
	return 1;
}

/* The device a route or ARP ioctl names (a guest string at @dev_gaddr), or NULL with
 * *@err 0 when none was named. */
static struct net_iface *named_dev(struct netns *ns, const struct vfs_ctx *c, uint64_t dev_gaddr,
				   int *err)
{
	char name[IFNAMSIZ];
	*err = 0;
	if (!dev_gaddr)
		return NULL;
	long n = guest_strncpy_in(c->mem, name, dev_gaddr, sizeof(name));
	if (n < 0) {
		*err = n == -ENAMETOOLONG ? -ENODEV : (int)n;
		return NULL;
	}
	struct net_iface *i = iface_of(ns, name);
	if (!i)
		*err = -ENODEV;
	return i;
}

/* SIOCADDRT / SIOCDELRT (Linux's ip_rt_ioctl and rtentry_to_fib_config). */
static long route_ioctl(struct netns *ns, const struct vfs_ctx *c, unsigned int cmd, uint64_t arg)
{
	struct rtentry rt;
	struct sockaddr_in dst, gw, mask;
	int r = guest_copy_in(c->mem, &rt, arg, sizeof(rt));
	if (r < 0)
		return r;
	memcpy(&dst, &rt.rt_dst, sizeof(dst));
	memcpy(&gw, &rt.rt_gateway, sizeof(gw));
	memcpy(&mask, &rt.rt_genmask, sizeof(mask));
	if (dst.sin_family != AF_INET)
		return -EAFNOSUPPORT;
	int plen = 32;
	if (!(rt.rt_flags & RTF_HOST)) {
		plen = route_mask_to_prefix(mask.sin_addr.s_addr);
		if (mask.sin_family && mask.sin_family != AF_INET)
			return -EAFNOSUPPORT;
		if (plen < 0 || (dst.sin_addr.s_addr & ~route_prefix_to_mask(plen)))
			return -EINVAL;
	}
	struct net_route nr = {.dst = dst.sin_addr.s_addr,
			       .prefixlen = (uint8_t)plen,
			       .protocol = RTPROT_BOOT,
			       .scope = RT_SCOPE_LINK,
			       .type = (rt.rt_flags & RTF_REJECT) ? RTN_UNREACHABLE : RTN_UNICAST,
			       .metric = rt.rt_metric > 0 ? (uint32_t)(rt.rt_metric - 1) : 0};
	nr.iface = named_dev(ns, c, (uint64_t)(uintptr_t)rt.rt_dev, &r);
	if (r < 0)
		return r;
	if ((rt.rt_flags & RTF_GATEWAY) && gw.sin_family == AF_INET && gw.sin_addr.s_addr) {
		nr.gateway = gw.sin_addr.s_addr;
		nr.scope = RT_SCOPE_UNIVERSE;
	}
	if (cmd == SIOCDELRT)
		return net_route_del(ns, &nr);
	if (nr.type == RTN_UNICAST && !nr.iface) {
		/* the gateway must be on link: its route names the interface */
		struct net_route_result rr;
		if (!nr.gateway || net_route_lookup(ns, nr.gateway, NULL, &rr) < 0 || rr.local ||
		    rr.nexthop != nr.gateway)
			return -ENETUNREACH;
		nr.iface = rr.iface;
	}
	return net_route_add(ns, &nr);
}

/* SIOCSARP / SIOCGARP / SIOCDARP (Linux's arp_ioctl). */
static long arp_ioctl(struct netns *ns, const struct vfs_ctx *c, unsigned int cmd, uint64_t arg)
{
	struct arpreq ar;
	struct sockaddr_in pa;
	int r = guest_copy_in(c->mem, &ar, arg, sizeof(ar));
	if (r < 0)
		return r;
	memcpy(&pa, &ar.arp_pa, sizeof(pa));
	if (pa.sin_family != AF_INET)
		return -EPFNOSUPPORT;
	ar.arp_dev[IFNAMSIZ - 1] = 0;
	struct net_iface *i = ar.arp_dev[0] ? iface_of(ns, ar.arp_dev) : NULL;
	if (ar.arp_dev[0] && !i)
		return -ENODEV;
	if (!i) {
		struct net_route_result rr;
		if (net_route_lookup(ns, pa.sin_addr.s_addr, NULL, &rr) < 0)
			return -ENETUNREACH;
		i = rr.iface;
	}
	if (cmd == SIOCDARP)
		return arp_neigh_del(i, pa.sin_addr.s_addr) == 0 ? 0 : -ENXIO;
	if (cmd == SIOCSARP) {
		if (i->flags & (IFF_LOOPBACK | IFF_NOARP))
			return -EINVAL;
		if (ar.arp_ha.sa_family != i->type)
			return -EINVAL;
		return arp_neigh_set(i, pa.sin_addr.s_addr, (const uint8_t *)ar.arp_ha.sa_data,
				     ar.arp_flags & ATF_PERM);
	}
	struct arp_query q = {.ip = pa.sin_addr.s_addr, .ifc = i};
	arp_for_each(ns, arp_find, &q);
	if (!q.found)
		return -ENXIO;
	memset(&ar.arp_ha, 0, sizeof(ar.arp_ha));
	ar.arp_ha.sa_family = i->type;
	memcpy(ar.arp_ha.sa_data, q.e.mac, 6);
	ar.arp_flags = ATF_COM | ((q.e.state & ARP_NUD_PERMANENT) ? ATF_PERM : 0);
	if (q.e.state & (ARP_NUD_INCOMPLETE | ARP_NUD_FAILED))
		ar.arp_flags &= ~ATF_COM;
	snprintf(ar.arp_dev, sizeof(ar.arp_dev), "%s", i->name);
	return guest_copy_out(c->mem, arg, &ar, sizeof(ar));
}

static bool is_netdev_cmd(unsigned int cmd)
{
	switch (cmd) {
	case SIOCGIFNAME:
	case SIOCGIFCONF:
	case SIOCGIFFLAGS:
	case SIOCSIFFLAGS:
	case SIOCGIFADDR:
	case SIOCSIFADDR:
	case SIOCGIFDSTADDR:
	case SIOCGIFBRDADDR:
	case SIOCSIFBRDADDR:
	case SIOCGIFNETMASK:
	case SIOCSIFNETMASK:
	case SIOCGIFMETRIC:
	case SIOCGIFMTU:
	case SIOCSIFMTU:
	case SIOCSIFNAME:
	case SIOCGIFHWADDR:
	case SIOCGIFINDEX:
	case SIOCGIFTXQLEN:
	case SIOCSIFTXQLEN:
	case SIOCGIFMAP:
	case SIOCADDRT:
	case SIOCDELRT:
	case SIOCSARP:
	case SIOCGARP:
	case SIOCDARP:
		return true;
	default:
		return false;
	}
}

static bool is_set_cmd(unsigned int cmd)
{
	return cmd == SIOCSIFFLAGS || cmd == SIOCSIFADDR || cmd == SIOCSIFBRDADDR ||
	       cmd == SIOCSIFNETMASK || cmd == SIOCSIFMTU || cmd == SIOCSIFNAME ||
	       cmd == SIOCSIFTXQLEN || cmd == SIOCADDRT || cmd == SIOCDELRT ||
	       cmd == SIOCSARP || cmd == SIOCDARP;
}

long netdev_ioctl(const struct vfs_ctx *c, unsigned int cmd, uint64_t arg)
{
	if (!is_netdev_cmd(cmd))
		return -ENOIOCTLCMD;
	struct netns *ns = net_current_ns();
	if (!ns)
		return -ENOMEM;
	if (cmd == SIOCGIFCONF)
		return get_ifconf(ns, c, arg);
	if (is_set_cmd(cmd) && !has_net_admin(c))
		return -EPERM;
	if (cmd == SIOCADDRT || cmd == SIOCDELRT)
		return route_ioctl(ns, c, cmd, arg);
	if (cmd == SIOCSARP || cmd == SIOCGARP || cmd == SIOCDARP)
		return arp_ioctl(ns, c, cmd, arg);
	struct ifreq q;
	int r = guest_copy_in(c->mem, &q, arg, sizeof(q));
	if (r < 0)
		return r;
	q.ifr_name[IFNAMSIZ - 1] = 0;
	struct net_iface *i;
	if (cmd == SIOCGIFNAME) {
		i = net_iface_by_index(ns, q.ifr_ifindex);
		if (!i)
			return -ENODEV;
		snprintf(q.ifr_name, IFNAMSIZ, "%s", i->name);
		return guest_copy_out(c->mem, arg, &q, sizeof(q));
	}
	i = iface_of(ns, q.ifr_name);
	if (!i)
		return -ENODEV;
	if (is_set_cmd(cmd) && !has_net_admin(c))
		return -EPERM;
	struct net_ifaddr *ifa;
	switch (cmd) {
	case SIOCGIFFLAGS:
		q.ifr_flags = (short)(i->flags & 0xffff);
		break;
	case SIOCSIFFLAGS:
		return net_iface_set_up(i, q.ifr_flags & IFF_UP);
	case SIOCGIFADDR:
	case SIOCGIFDSTADDR:
	case SIOCGIFBRDADDR:
	case SIOCGIFNETMASK:
		ifa = addr_of(i, q.ifr_name);
		if (!ifa)
			return -EADDRNOTAVAIL;
		put_sin(&q.ifr_addr, cmd == SIOCGIFNETMASK	 ? ifa->mask
				     : cmd == SIOCGIFBRDADDR ? ifa->broadcast
							     : ifa->addr);
		break;
	case SIOCSIFADDR:
	case SIOCSIFNETMASK:
	case SIOCSIFBRDADDR:
		return set_addr(i, cmd, &q);
	case SIOCGIFMETRIC:
		q.ifr_metric = 0;
		break;
	case SIOCGIFMTU:
		q.ifr_mtu = i->mtu;
		break;
	case SIOCSIFMTU:
		return net_iface_set_mtu(i, q.ifr_mtu);
	case SIOCSIFNAME:
		q.ifr_newname[IFNAMSIZ - 1] = 0;
		return net_iface_rename(i, q.ifr_newname);
	case SIOCGIFHWADDR:
		memset(&q.ifr_hwaddr, 0, sizeof(q.ifr_hwaddr));
		q.ifr_hwaddr.sa_family = i->type;
		memcpy(q.ifr_hwaddr.sa_data, i->hwaddr, 6);
		break;
	case SIOCGIFINDEX:
		q.ifr_ifindex = i->ifindex;
		break;
	case SIOCGIFTXQLEN:
		q.ifr_qlen = i->txqlen;
		break;
	case SIOCSIFTXQLEN:
		if (q.ifr_qlen < 0)
			return -EINVAL;
		i->txqlen = q.ifr_qlen;
		return 0;
	case SIOCGIFMAP:
		memset(&q.ifr_map, 0, sizeof(q.ifr_map));
		break;
	}
	return guest_copy_out(c->mem, arg, &q, sizeof(q));
}
