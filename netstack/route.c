/* netstack/route.c - the IPv4 routing table of a namespace (Linux's "main" table) and
 * the route lookup every output uses: local and broadcast destinations, longest prefix
 * match, source address selection, and the prefix routes addresses bring.
 *
 * Owns: struct net_route objects (in netns.routes, longest prefix first, then lowest
 * metric). Must not: send packets. Local addresses and 127/8 are not stored here
 * (net_addr_is_local answers for them, as Linux's "local" table would). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include "netstack/ip4.h"
#include "netstack/netns.h"
#include "netstack/route.h"

uint32_t route_prefix_to_mask(int prefixlen)
{
	if (prefixlen <= 0)
		return 0;
	if (prefixlen >= 32)
		return 0xffffffffu;
	return htonl(~0u << (32 - prefixlen));
}

int route_mask_to_prefix(uint32_t mask)
{
	uint32_t m = ntohl(mask);
	int n = __builtin_popcount(m);
	return route_prefix_to_mask(n) == mask ? n : -1;
}

static void notify(struct netns *ns, int type, const void *obj)
{
	if (netlink_notify)
		netlink_notify(ns, type, obj);
}

static bool same_key(const struct net_route *a, const struct net_route *b)
{
	return a->dst == b->dst && a->prefixlen == b->prefixlen && a->metric == b->metric;
}

/* Inserts a copy of @r (dst masked). -EEXIST when a route with the same destination,
 * prefix and metric exists (as `ip route add`, NLM_F_EXCL); -EINVAL for a bad prefix or
 * a unicast route without interface. */
int net_route_add(struct netns *ns, const struct net_route *r)
{
	struct net_route *n, *pos;
	if (r->prefixlen > 32)
		return -EINVAL;
	if (r->type == RTN_UNICAST && !r->iface)
		return -EINVAL;
	n = malloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	*n = *r;
	n->mask = route_prefix_to_mask(r->prefixlen);
	n->dst = r->dst & n->mask;
	list_for_each_entry(pos, &ns->routes, link)
		if (same_key(pos, n)) {
			free(n);
			return -EEXIST;
		}
	/* longest prefix first, then lowest metric, then the order of insertion */
	list_for_each_entry(pos, &ns->routes, link)
		if (pos->prefixlen < n->prefixlen ||
		    (pos->prefixlen == n->prefixlen && pos->metric > n->metric))
			break;
	list_add_tail(&n->link, &pos->link);
	notify(ns, RTM_NEWROUTE, n);
	return 0;
}

static void route_free(struct netns *ns, struct net_route *r)
{
	list_del(&r->link);
	notify(ns, RTM_DELROUTE, r);
	free(r);
}

/* Deletes the first route matching @match: destination and prefix always; interface,
 * gateway and metric when set in @match (as `ip route del`). 0 or -ESRCH. */
int net_route_del(struct netns *ns, const struct net_route *match)
{
	struct net_route *r;
	uint32_t mask = route_prefix_to_mask(match->prefixlen);
	list_for_each_entry(r, &ns->routes, link) {
		if (r->dst != (match->dst & mask) || r->prefixlen != match->prefixlen)
			continue;
		if ((match->iface && r->iface != match->iface) ||
		    (match->gateway && r->gateway != match->gateway) ||
		    (match->metric && r->metric != match->metric) ||
		    (match->type && match->type != RTN_UNICAST && r->type != match->type))
			continue;
		route_free(ns, r);
		return 0;
	}
	return -ESRCH;
}

/* The source address for traffic to @to out of @ifc: an address of @ifc whose prefix
 * holds @to, else @ifc's first primary, else any address of an up interface (Linux's
 * inet_select_addr), else 0. */
/* The source toward local @dst: itself when it is one of our addresses, else (127/8
 * beyond lo's addresses) the lo address whose prefix covers it, as Linux's "local
 * 127.0.0.0/8 dev lo src 127.0.0.1" route answers. */
static uint32_t local_src(struct netns *ns, uint32_t dst)
{
	struct net_ifaddr *ifa;
	if (net_addr_owner(ns, dst) || !ns->lo)
		return dst;
	list_for_each_entry(ifa, &ns->lo->addrs, link)
		if (!((ifa->addr ^ dst) & ifa->mask))
			return ifa->addr;
	return dst;
}

static uint32_t select_src(struct netns *ns, struct net_iface *ifc, uint32_t to)
{
	struct net_ifaddr *ifa;
	struct net_iface *o;
	if (ifc) {
		list_for_each_entry(ifa, &ifc->addrs, link)
			if (!(ifa->flags & IFA_F_SECONDARY) && !((ifa->addr ^ to) & ifa->mask))
				return ifa->addr;
		list_for_each_entry(ifa, &ifc->addrs, link)
			if (!(ifa->flags & IFA_F_SECONDARY))
				return ifa->addr;
	}
	list_for_each_entry(o, &ns->ifaces, link)
		if (o != ifc && (o->flags & IFF_UP) && !(o->flags & IFF_LOOPBACK))
			list_for_each_entry(ifa, &o->addrs, link)
				if (ifa->scope == RT_SCOPE_UNIVERSE)
					return ifa->addr;
	return 0;
}

static struct net_route *match_route(struct netns *ns, uint32_t dst, struct net_iface *oif)
{
	struct net_route *r;
	list_for_each_entry(r, &ns->routes, link) {
		if ((dst & r->mask) != r->dst)
			continue;
		if (r->iface && !(r->iface->flags & IFF_UP))
			continue;
		if (oif && r->iface != oif)
			continue;
		return r;
	}
	return NULL;
}

static bool is_multicast(uint32_t a)
{
	return (ntohl(a) >> 28) == 0xe;
}

/* Implements the output route lookup (Linux ip_route_output_key): see netns.h. */
int net_route_lookup(struct netns *ns, uint32_t dst, struct net_iface *oif,
		     struct net_route_result *out)
{
	struct net_route *r;
	memset(out, 0, sizeof(*out));
	out->nexthop = dst;
	if (oif && !(oif->flags & IFF_UP))
		return -ENETUNREACH;
	/* local destinations (and 0.0.0.0, Linux's "this host") leave through loopback */
	if (dst == 0 || (dst != INADDR_BROADCAST && net_addr_is_local(ns, dst) &&
			 !net_bcast_iface(ns, dst))) {
		if (!ns->lo || !(ns->lo->flags & IFF_UP))
			return -ENETUNREACH;
		out->iface = ns->lo;
		out->local = true;
		out->src = dst ? local_src(ns, dst) : htonl(INADDR_LOOPBACK);
		if (!dst)
			out->nexthop = htonl(INADDR_LOOPBACK);
		out->mtu = ns->lo->mtu;
		return 0;
	}
	if (dst == INADDR_BROADCAST || is_multicast(dst)) {
		struct net_iface *ifc = oif;
		if (!ifc) {
			r = match_route(ns, dst, NULL);
			ifc = r ? r->iface : NULL;
		}
		if (!ifc)
			return -ENETUNREACH;
		out->iface = ifc;
		out->broadcast = dst == INADDR_BROADCAST;
		out->src = select_src(ns, ifc, dst);
		out->mtu = ifc->mtu;
		return 0;
	}
	struct net_iface *bif = net_bcast_iface(ns, dst);
	if (bif && (!oif || oif == bif)) {
		out->iface = bif;
		out->broadcast = true;
		out->src = select_src(ns, bif, dst);
		out->mtu = bif->mtu;
		return 0;
	}
	r = match_route(ns, dst, oif);
	if (!r) {
		if (!oif)
			return -ENETUNREACH;
		/* Linux: with an output interface and no route, the destination is on link */
		out->iface = oif;
		out->src = select_src(ns, oif, dst);
		out->mtu = oif->mtu;
		return 0;
	}
	switch (r->type) {
	case RTN_BLACKHOLE:
		return -EINVAL;
	case RTN_UNREACHABLE:
		return -EHOSTUNREACH;
	case RTN_PROHIBIT:
		return -EACCES;
	default:
		break;
	}
	out->iface = r->iface;
	out->nexthop = r->gateway ? r->gateway : dst;
	out->src = r->prefsrc ? r->prefsrc : select_src(ns, r->iface, out->nexthop);
	out->mtu = r->iface->mtu;
	return 0;
}

/* ---- prefix routes ---- */

static bool has_prefix_route(struct netns *ns, struct net_iface *ifc, uint32_t dst, uint8_t plen)
{
	struct net_route *r;
	list_for_each_entry(r, &ns->routes, link)
		if (r->iface == ifc && r->dst == dst && r->prefixlen == plen &&
		    r->protocol == RTPROT_KERNEL)
			return true;
	return false;
}

void route_addr_added(struct net_ifaddr *ifa)
{
	struct net_iface *ifc = ifa->iface;
	if (!(ifc->flags & IFF_UP) || (ifc->flags & IFF_LOOPBACK) || ifa->prefixlen >= 32 ||
	    (ifa->flags & IFA_F_SECONDARY))
		return;
	uint32_t dst = ifa->addr & ifa->mask;
	if (has_prefix_route(ifc->ns, ifc, dst, ifa->prefixlen))
		return;
	struct net_route r = {.dst = dst,
			      .prefixlen = ifa->prefixlen,
			      .iface = ifc,
			      .prefsrc = ifa->addr,
			      .protocol = RTPROT_KERNEL,
			      .scope = RT_SCOPE_LINK,
			      .type = RTN_UNICAST};
	/* a route of the same key added by hand stays (EEXIST): Linux keeps both in
	 * different ways; ours keeps the older */
	(void)net_route_add(ifc->ns, &r);
}

void route_addr_removed(struct net_ifaddr *ifa)
{
	struct net_iface *ifc = ifa->iface;
	struct netns *ns = ifc->ns;
	struct net_route *r, *tmp;
	struct net_ifaddr *o;
	if (list_empty(&ifc->addrs)) {
		route_iface_flush(ifc);
		return;
	}
	bool prefix_left = false;
	list_for_each_entry(o, &ifc->addrs, link)
		if (o->prefixlen == ifa->prefixlen && !((o->addr ^ ifa->addr) & ifa->mask))
			prefix_left = true;
	list_for_each_entry_safe(r, tmp, &ns->routes, link) {
		if (r->iface != ifc)
			continue;
		if (r->prefsrc == ifa->addr ||
		    (!prefix_left && r->protocol == RTPROT_KERNEL &&
		     r->dst == (ifa->addr & ifa->mask) && r->prefixlen == ifa->prefixlen))
			route_free(ns, r);
	}
	/* a secondary of the prefix left: its prefix route comes back with it as source */
	if (prefix_left)
		list_for_each_entry(o, &ifc->addrs, link)
			if (o->prefixlen == ifa->prefixlen &&
			    !((o->addr ^ ifa->addr) & ifa->mask)) {
				o->flags &= ~IFA_F_SECONDARY;
				route_addr_added(o);
				break;
			}
}

void route_iface_up(struct net_iface *ifc)
{
	struct net_ifaddr *ifa;
	list_for_each_entry(ifa, &ifc->addrs, link)
		route_addr_added(ifa);
}

void route_iface_flush(struct net_iface *ifc)
{
	struct net_route *r, *tmp;
	list_for_each_entry_safe(r, tmp, &ifc->ns->routes, link)
		if (r->iface == ifc)
			route_free(ifc->ns, r);
}

void route_ns_fini(struct netns *ns)
{
	while (!list_empty(&ns->routes)) {
		struct net_route *r = list_first_entry(&ns->routes, struct net_route, link);
		list_del(&r->link);
		free(r);
	}
}
