/* netstack/netlink_route_fib.c - rtnetlink's view of IPv4 routing: RTM_GETROUTE (dumps of
 * the main and local tables as Linux shows them, and single lookups answered by
 * net_route_lookup, net/ipv4/fib_frontend.c, route.c), route notifications, and
 * RTM_GETRULE (Linux's three default rules). Changes: netlink_route_change.c.
 *
 * The core stores the main table only; the local table (local, broadcast and loopback
 * prefix routes) is derived here from the addresses of up interfaces exactly as Linux's
 * fib_add_ifaddr builds it.
 * Owns: nothing but messages. Must not: trust a request. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fib_rules.h>
#include <linux/in_route.h>
#include "netstack/netlink_route.h"

/* One route as rtnetlink shows it. */
struct fib_entry {
	uint32_t table;
	uint32_t dst; /* network order */
	uint8_t plen, type, scope, protocol;
	uint32_t prefsrc, gw, metric;
	int oif;	   /* 0: none */
	uint32_t nh_flags; /* RTNH_F_LINKDOWN */
};

const struct nl_policy rtm_policy[RTA_MAX + 1] = {
    [RTA_DST] = {NLP_U32},
    [RTA_SRC] = {NLP_U32},
    [RTA_IIF] = {NLP_U32},
    [RTA_OIF] = {NLP_U32},
    [RTA_GATEWAY] = {NLP_U32},
    [RTA_PRIORITY] = {NLP_U32},
    [RTA_PREFSRC] = {NLP_U32},
    [RTA_METRICS] = {NLP_NESTED},
    [RTA_MULTIPATH] = {NLP_MIN, sizeof(struct rtnexthop)},
    [RTA_FLOW] = {NLP_U32},
    [RTA_ENCAP_TYPE] = {NLP_U16},
    [RTA_ENCAP] = {NLP_NESTED},
    [RTA_UID] = {NLP_U32},
    [RTA_MARK] = {NLP_U32},
    [RTA_TABLE] = {NLP_U32},
    [RTA_IP_PROTO] = {NLP_U8},
    [RTA_SPORT] = {NLP_U16},
    [RTA_DPORT] = {NLP_U16},
    [RTA_NH_ID] = {NLP_U32},
};

uint32_t rtnl_plen_mask(uint8_t plen)
{
	return plen ? htonl(~0u << (32 - plen)) : 0;
}

/* ---- the tables as lists of entries ---- */

struct fib_list {
	struct fib_entry *e;
	size_t n, cap;
	bool oom;
};

static void fib_add(struct fib_list *l, const struct fib_entry *e)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct fib_entry *o = &l->e[i];
		if (o->dst == e->dst && o->plen == e->plen && o->type == e->type &&
		    o->oif == e->oif && o->prefsrc == e->prefsrc && o->table == e->table)
			return; /* fib_magic's second insert of the same entry fails: one */
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct fib_entry *ne = realloc(l->e, cap * sizeof(*ne));
		if (!ne) {
			l->oom = true;
			return;
		}
		l->e = ne;
		l->cap = cap;
	}
	l->e[l->n++] = *e;
}

/* The trie's order: key ascending, longer prefixes first, then metric. */
static int fib_cmp(const void *a, const void *b)
{
	const struct fib_entry *x = a, *y = b;
	uint32_t kx = ntohl(x->dst), ky = ntohl(y->dst);
	if (kx != ky)
		return kx < ky ? -1 : 1;
	if (x->plen != y->plen)
		return x->plen > y->plen ? -1 : 1;
	if (x->metric != y->metric)
		return x->metric < y->metric ? -1 : 1;
	return 0;
}

static void fib_from_route(struct fib_entry *e, const struct net_route *r)
{
	memset(e, 0, sizeof(*e));
	e->table = RT_TABLE_MAIN;
	e->dst = r->dst;
	e->plen = r->prefixlen;
	e->type = r->type ? r->type : RTN_UNICAST;
	e->scope = r->scope;
	e->protocol = r->protocol;
	e->prefsrc = r->prefsrc;
	e->gw = r->gateway;
	e->metric = r->metric;
	e->oif = r->iface ? r->iface->ifindex : 0;
	if (r->iface && !(r->iface->flags & IFF_LOWER_UP))
		e->nh_flags = RTNH_F_LINKDOWN;
}

static void main_table(struct netns *ns, struct fib_list *l)
{
	struct net_route *r;
	list_for_each_entry(r, &ns->routes, link)
	{
		struct fib_entry e;
		fib_from_route(&e, r);
		fib_add(l, &e);
	}
	if (l->n > 1)
		qsort(l->e, l->n, sizeof(*l->e), fib_cmp);
}

static void local_entry(struct fib_list *l, int type, uint32_t dst, uint8_t plen,
			const struct net_ifaddr *prim)
{
	struct net_iface *ifc = prim->iface;
	struct fib_entry e = {
	    .table = RT_TABLE_LOCAL,
	    .dst = dst,
	    .plen = plen,
	    .type = (uint8_t)type,
	    .scope = type == RTN_LOCAL ? RT_SCOPE_HOST : RT_SCOPE_LINK,
	    .protocol = RTPROT_KERNEL,
	    .prefsrc = prim->addr,
	    .oif = ifc->ifindex,
	    /* host-scope entries never lose their link */
	    .nh_flags = type != RTN_LOCAL && !(ifc->flags & IFF_LOWER_UP) ? RTNH_F_LINKDOWN : 0,
	};
	fib_add(l, &e);
}

/* The primary address of @ifa's prefix (itself when primary), or NULL. */
static const struct net_ifaddr *primary_of(const struct net_ifaddr *ifa)
{
	if (!(ifa->flags & IFA_F_SECONDARY))
		return ifa;
	const struct net_ifaddr *p;
	list_for_each_entry(p, &ifa->iface->addrs, link)
	{
		if (!(p->flags & IFA_F_SECONDARY) && p->prefixlen == ifa->prefixlen &&
		    !((p->addr ^ ifa->addr) & ifa->mask))
			return p;
	}
	return NULL;
}

/* fib_add_ifaddr for one address (@prim: its primary), in Linux's order: the local
 * address, then on an up interface its broadcast, the loopback prefix (local), the prefix
 * broadcast. Host-scope (local) entries outlive a link going down, as Linux's host-scope
 * nexthops do; the broadcasts (link scope) are flushed with it. */
static void local_entries_of(struct fib_list *l, const struct net_ifaddr *ifa,
			     const struct net_ifaddr *prim, bool up, bool with_local)
{
	struct net_iface *ifc = ifa->iface;
	uint32_t mask = rtnl_plen_mask(ifa->prefixlen);
	uint32_t prefix = ifa->addr & mask;
	if (with_local)
		local_entry(l, RTN_LOCAL, ifa->addr, 32, prim);
	if (up && ifa->broadcast && ifa->broadcast != INADDR_BROADCAST)
		local_entry(l, RTN_BROADCAST, ifa->broadcast, 32, prim);
	if (prefix && !(ifa->flags & IFA_F_SECONDARY) &&
	    (prefix != ifa->addr || ifa->prefixlen < 32)) {
		if (with_local && (ifc->flags & IFF_LOOPBACK))
			local_entry(l, RTN_LOCAL, prefix, ifa->prefixlen, prim);
		if (up && ifa->prefixlen < 31)
			local_entry(l, RTN_BROADCAST, prefix | ~mask, 32, prim);
	}
}

/* The local table: fib_add_ifaddr for every address. */
static void local_table(struct netns *ns, struct fib_list *l)
{
	struct net_iface *ifc;
	list_for_each_entry(ifc, &ns->ifaces, link)
	{
		const struct net_ifaddr *ifa;
		list_for_each_entry(ifa, &ifc->addrs, link)
		{
			const struct net_ifaddr *prim = primary_of(ifa);
			if (prim)
				local_entries_of(l, ifa, prim, ifc->flags & IFF_UP, true);
		}
	}
	if (l->n > 1)
		qsort(l->e, l->n, sizeof(*l->e), fib_cmp);
}

/* fib_dump_info */
static int fill_fib(struct nl_buf *b, const struct fib_entry *e, uint16_t type, uint16_t flags,
		    uint32_t seq, uint32_t pid)
{
	long off = nl_msg_begin(b, type, flags, seq, pid, sizeof(struct rtmsg));
	if (off < 0)
		return -ENOBUFS;
	struct rtmsg *rtm = nl_msg_fam(b, off);
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = e->plen;
	rtm->rtm_table = e->table < 256 ? (uint8_t)e->table : RT_TABLE_COMPAT;
	rtm->rtm_protocol = e->protocol;
	rtm->rtm_scope = e->scope;
	rtm->rtm_type = e->type;
	rtm->rtm_flags = e->nh_flags;
	nl_put_u32(b, RTA_TABLE, e->table);
	if (e->plen)
		nl_put(b, RTA_DST, &e->dst, 4);
	if (e->metric)
		nl_put_u32(b, RTA_PRIORITY, e->metric);
	if (e->prefsrc)
		nl_put(b, RTA_PREFSRC, &e->prefsrc, 4);
	if (e->gw)
		nl_put(b, RTA_GATEWAY, &e->gw, 4);
	if (e->oif)
		nl_put_u32(b, RTA_OIF, (uint32_t)e->oif);
	nl_msg_end(b, off);
	return b->oom ? -ENOBUFS : 0;
}

int rtnl_fill_main_route(struct nl_buf *b, const struct net_route *r, uint16_t type, uint16_t flags,
			 uint32_t seq, uint32_t pid)
{
	struct fib_entry e;
	fib_from_route(&e, r);
	return fill_fib(b, &e, type, flags, seq, pid);
}

/* The local-table routes an address brought (@added, called after the address was
 * added) or took away (called after it was removed) as RTM_NEWROUTE / RTM_DELROUTE to
 * RTNLGRP_IPV4_ROUTE, as Linux's fib_magic does. Entries another address still implies
 * are not announced as deleted. */
void rtnl_notify_local_routes(struct netns *ns, const struct net_ifaddr *ifa, bool added)
{
	if (!nl_has_listeners(ns, NETLINK_ROUTE, RTNLGRP_IPV4_ROUTE))
		return;
	struct fib_list mine = {0}, now = {0};
	const struct net_ifaddr *prim = added ? primary_of(ifa) : ifa;
	if (!prim)
		return;
	if (added && (ifa->flags & IFA_F_SECONDARY))
		local_entry(&mine, RTN_LOCAL, ifa->addr, 32, prim); /* the rest exists already */
	else
		local_entries_of(&mine, ifa, prim, ifa->iface->flags & IFF_UP, true);
	if (!added)
		local_table(ns, &now);
	struct nl_buf b = {0};
	for (size_t i = 0; i < mine.n && !mine.oom && !now.oom; i++) {
		bool still = false;
		for (size_t j = 0; j < now.n; j++) {
			const struct fib_entry *x = &mine.e[i], *y = &now.e[j];
			if (x->dst == y->dst && x->plen == y->plen && x->type == y->type &&
			    x->oif == y->oif)
				still = true;
		}
		if (!still &&
		    fill_fib(&b, &mine.e[i], added ? RTM_NEWROUTE : RTM_DELROUTE, 0, 0, 0) == 0) {
			nl_multicast(ns, NETLINK_ROUTE, RTNLGRP_IPV4_ROUTE, b.data, b.len);
		}
		b.len = 0;
	}
	nl_buf_free(&b);
	free(mine.e);
	free(now.e);
}

/* The local-table routes @ifc's addresses gain when it comes up: the broadcasts (the
 * local entries never left). Going down flushes the broadcasts without a message, as
 * Linux's fib_flush. */
void rtnl_notify_link_local_routes(struct netns *ns, struct net_iface *ifc, bool up)
{
	if (!up || !nl_has_listeners(ns, NETLINK_ROUTE, RTNLGRP_IPV4_ROUTE))
		return;
	struct fib_list l = {0};
	const struct net_ifaddr *ifa;
	list_for_each_entry(ifa, &ifc->addrs, link)
	{
		const struct net_ifaddr *prim = primary_of(ifa);
		if (prim)
			local_entries_of(&l, ifa, prim, true, false);
	}
	struct nl_buf b = {0};
	for (size_t i = 0; i < l.n && !l.oom; i++) {
		if (fill_fib(&b, &l.e[i], RTM_NEWROUTE, 0, 0, 0) == 0)
			nl_multicast(ns, NETLINK_ROUTE, RTNLGRP_IPV4_ROUTE, b.data, b.len);
		b.len = 0;
	}
	nl_buf_free(&b);
	free(l.e);
}

/* ---- dumps ---- */

struct fib_filter {
	uint32_t table; /* 0: every table */
	uint8_t protocol, type;
	int oif;
	bool none; /* cached routes only (RTM_F_CLONED): we keep none */
};

/* ip_valid_fib_dump_req (strict) or the lenient header reading of inet_dump_fib. */
static int route_dump_filter(struct nl_req *rq, struct fib_filter *f)
{
	const struct rtmsg *rtm = rtnl_fam(rq, sizeof(*rtm));
	memset(f, 0, sizeof(*f));
	if (!rq->strict) {
		if (rtm && (rtm->rtm_flags & (RTM_F_CLONED | RTM_F_PREFIX)))
			f->none = true;
		return 0;
	}
	const struct nlattr *tb[RTA_MAX + 1];
	if (!rtm) {
		rq->ext.msg = "Invalid header for FIB dump request";
		return -EINVAL;
	}
	if (rtm->rtm_dst_len || rtm->rtm_src_len || rtm->rtm_tos || rtm->rtm_scope) {
		rq->ext.msg = "Invalid values in header for FIB dump request";
		return -EINVAL;
	}
	if (rtm->rtm_flags & ~(RTM_F_CLONED | RTM_F_PREFIX)) {
		rq->ext.msg = "Invalid flags for FIB dump request";
		return -EINVAL;
	}
	f->none = rtm->rtm_flags & (RTM_F_CLONED | RTM_F_PREFIX);
	f->protocol = rtm->rtm_protocol;
	f->type = rtm->rtm_type;
	f->table = rtm->rtm_table;
	int err = rtnl_parse(rq, sizeof(*rtm), tb, RTA_MAX, rtm_policy, true);
	if (err)
		return err;
	for (int i = 1; i <= RTA_MAX; i++) {
		if (!tb[i])
			continue;
		if (i == RTA_TABLE) {
			f->table = nla_u32(tb[i]);
		} else if (i == RTA_OIF) {
			f->oif = (int)nla_u32(tb[i]);
			if (!net_iface_by_index(rq->ns, f->oif))
				return -ENODEV;
		} else {
			rq->ext.msg = "Unsupported attribute in dump request";
			return -EINVAL;
		}
	}
	if (rtm->rtm_flags || f->protocol || f->type || f->table || f->oif)
		rq->dump_flags |= NLM_F_DUMP_FILTERED;
	if (f->table && f->table != RT_TABLE_MAIN && f->table != RT_TABLE_LOCAL) {
		int family = rtm->rtm_family;
		if (family != AF_INET)
			f->none = true;
		else {
			rq->ext.msg = "ipv4: FIB table does not exist";
			return -ENOENT;
		}
	}
	return 0;
}

static int dump_list(struct nl_req *rq, const struct fib_list *l, const struct fib_filter *f)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct fib_entry *e = &l->e[i];
		if ((f->protocol && e->protocol != f->protocol) ||
		    (f->type && e->type != f->type) || (f->oif && e->oif != f->oif))
			continue;
		if (fill_fib(&rq->dump, e, RTM_NEWROUTE, NLM_F_MULTI | rq->dump_flags,
			     rq->nlh->nlmsg_seq, rq->portid))
			return -ENOBUFS;
	}
	return 0;
}

/* inet_dump_fib: the main table, then the local one (their order in Linux's hash). */
static int route_dump(struct nl_req *rq)
{
	struct fib_filter f;
	int err = route_dump_filter(rq, &f);
	if (err || f.none)
		return err;
	struct fib_list l = {0};
	if (!f.table || f.table == RT_TABLE_MAIN) {
		main_table(rq->ns, &l);
		err = l.oom ? -ENOBUFS : dump_list(rq, &l, &f);
		l.n = 0;
	}
	if (!err && (!f.table || f.table == RT_TABLE_LOCAL)) {
		local_table(rq->ns, &l);
		err = l.oom ? -ENOBUFS : dump_list(rq, &l, &f);
	}
	free(l.e);
	return err;
}

/* ---- single lookups ---- */

/* inet_rtm_valid_getroute_req */
static int getroute_req(struct nl_req *rq, const struct rtmsg **rtm, const struct nlattr **tb)
{
	*rtm = rtnl_fam(rq, sizeof(**rtm));
	if (!*rtm) {
		rq->ext.msg = rq->strict ? "ipv4: Invalid header for route get request"
					 : "Invalid header length";
		return -EINVAL;
	}
	int err = rtnl_parse(rq, sizeof(**rtm), tb, RTA_MAX, rtm_policy, rq->strict);
	if (err || !rq->strict)
		return err;
	const struct rtmsg *r = *rtm;
	if ((r->rtm_src_len && r->rtm_src_len != 32) || (r->rtm_dst_len && r->rtm_dst_len != 32) ||
	    r->rtm_table || r->rtm_protocol || r->rtm_scope || r->rtm_type) {
		rq->ext.msg = "ipv4: Invalid values in header for route get request";
		return -EINVAL;
	}
	if (r->rtm_flags & ~(RTM_F_NOTIFY | RTM_F_LOOKUP_TABLE | RTM_F_FIB_MATCH)) {
		rq->ext.msg = "ipv4: Unsupported rtm_flags specified";
		return -EINVAL;
	}
	for (int i = 1; i <= RTA_MAX; i++) {
		switch (i) {
		case RTA_IIF:
		case RTA_OIF:
		case RTA_SRC:
		case RTA_DST:
		case RTA_IP_PROTO:
		case RTA_SPORT:
		case RTA_DPORT:
		case RTA_MARK:
		case RTA_UID:
			break;
		default:
			if (tb[i]) {
				rq->ext.msg = "ipv4: Unsupported attribute in route get request";
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* The table entry a lookup used (RTM_F_FIB_MATCH): the best local-table match for local
 * and broadcast answers, else the first main-table route the core would pick. */
static int fib_match(struct nl_req *rq, uint32_t dst, const struct net_route_result *res,
		     struct fib_entry *out)
{
	struct fib_list l = {0};
	int best = -1;
	if (res->local || res->broadcast) {
		local_table(rq->ns, &l);
		for (size_t i = 0; i < l.n; i++)
			if (!((dst ^ l.e[i].dst) & rtnl_plen_mask(l.e[i].plen)) &&
			    (best < 0 || l.e[i].plen > l.e[best].plen))
				best = (int)i;
	} else {
		struct net_route *r;
		list_for_each_entry(r, &rq->ns->routes, link)
		{
			if ((dst & r->mask) == r->dst && r->iface == res->iface) {
				fib_from_route(out, r);
				return 0;
			}
		}
	}
	if (best >= 0)
		*out = l.e[best];
	free(l.e);
	return best >= 0 ? 0 : -ENETUNREACH;
}

/* inet_rtm_getroute: an output route lookup, answered as rt_fill_info does. */
static int route_get(struct nl_req *rq)
{
	const struct rtmsg *rtm;
	const struct nlattr *tb[RTA_MAX + 1];
	int err = getroute_req(rq, &rtm, tb);
	if (err)
		return err;
	if (rtm->rtm_family != AF_INET)
		return -EOPNOTSUPP;
	uint32_t dst = tb[RTA_DST] ? nla_u32(tb[RTA_DST]) : 0;
	uint32_t src = tb[RTA_SRC] ? nla_u32(tb[RTA_SRC]) : 0;
	if (tb[RTA_IIF] && nla_u32(tb[RTA_IIF])) {
		rq->ext.msg = "input route lookups (iif) are not supported";
		return -EOPNOTSUPP;
	}
	struct net_iface *oif = NULL;
	if (tb[RTA_OIF] && nla_u32(tb[RTA_OIF])) {
		oif = net_iface_by_index(rq->ns, (int)nla_u32(tb[RTA_OIF]));
		if (!oif)
			return -ENODEV;
	}
	if (src && !net_addr_owner(rq->ns, src))
		return -EINVAL; /* __ip_route_output_key: a source that is not ours */
	struct net_route_result res;
	err = net_route_lookup(rq->ns, dst, oif, &res);
	if (err)
		return err;
	if (rtm->rtm_flags & RTM_F_FIB_MATCH) {
		struct fib_entry e;
		err = fib_match(rq, dst, &res, &e);
		if (err)
			return err;
		return fill_fib(&rq->reply, &e, RTM_NEWROUTE, 0, rq->nlh->nlmsg_seq, rq->portid);
	}
	bool multicast = (ntohl(dst) >> 28) == 0xe;
	uint8_t type = RTN_UNICAST;
	uint32_t rt_flags = 0, table = RT_TABLE_MAIN;
	if (res.local) {
		type = RTN_LOCAL;
		rt_flags = RTCF_LOCAL;
	} else if (res.broadcast) {
		type = RTN_BROADCAST;
		rt_flags = RTCF_BROADCAST | RTCF_LOCAL;
	} else if (multicast) {
		type = RTN_MULTICAST;
		rt_flags = RTCF_MULTICAST | RTCF_LOCAL;
	}
	/* output through loopback is local delivery (__mkroute_output) */
	if (res.iface && (res.iface->flags & IFF_LOOPBACK))
		rt_flags |= RTCF_LOCAL;
	/* Without policy rules Linux merges the local table into main (since 4.1): the
	 * table a lookup names is main, or none for the limited broadcast and multicast,
	 * which are routed without the tables. */
	if ((rtm->rtm_flags & RTM_F_LOOKUP_TABLE) && (dst == INADDR_BROADCAST || multicast))
		table = 0;
	long off = nl_msg_begin(&rq->reply, RTM_NEWROUTE, 0, rq->nlh->nlmsg_seq, rq->portid,
				sizeof(struct rtmsg));
	if (off < 0)
		return -ENOBUFS;
	struct nl_buf *b = &rq->reply;
	struct rtmsg *r = nl_msg_fam(b, off);
	r->rtm_family = AF_INET;
	r->rtm_dst_len = 32;
	r->rtm_tos = rtm->rtm_tos;
	r->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_COMPAT;
	r->rtm_type = type;
	r->rtm_scope = RT_SCOPE_UNIVERSE;
	r->rtm_protocol = RTPROT_UNSPEC;
	r->rtm_flags = (rt_flags & ~0xFFFFu) | RTM_F_CLONED | (rtm->rtm_flags & RTM_F_NOTIFY);
	nl_put_u32(b, RTA_TABLE, table);
	nl_put(b, RTA_DST, &dst, 4);
	if (src) {
		((struct rtmsg *)nl_msg_fam(b, off))->rtm_src_len = 32;
		nl_put(b, RTA_SRC, &src, 4);
	}
	if (res.iface)
		nl_put_u32(b, RTA_OIF, (uint32_t)res.iface->ifindex);
	if (res.src != src)
		nl_put(b, RTA_PREFSRC, &res.src, 4);
	if (!res.local && res.nexthop != dst)
		nl_put(b, RTA_GATEWAY, &res.nexthop, 4);
	if (tb[RTA_MARK] && nla_u32(tb[RTA_MARK]))
		nl_put_u32(b, RTA_MARK, nla_u32(tb[RTA_MARK]));
	nl_put_u32(b, RTA_UID, tb[RTA_UID] ? nla_u32(tb[RTA_UID]) : rq->uid);
	/* No route cache: nothing to say about uses, age or expiry. */
	struct rta_cacheinfo ci = {0};
	nl_put(b, RTA_CACHEINFO, &ci, sizeof(ci));
	nl_msg_end(b, off);
	return b->oom ? -ENOBUFS : 0;
}

/* implements RTM_GETROUTE */
int rtnl_getroute(struct nl_req *rq, bool dump)
{
	return dump ? route_dump(rq) : route_get(rq);
}

/* ---- rules ---- */

/* fib_nl_fill_rule for one of the default rules (fib_default_rules_init). */
static int fill_rule(struct nl_req *rq, uint32_t pref, uint32_t table)
{
	struct nl_buf *b = &rq->dump;
	long off = rtnl_dump_begin(rq, RTM_NEWRULE, sizeof(struct fib_rule_hdr));
	if (off < 0)
		return -ENOBUFS;
	struct fib_rule_hdr *h = nl_msg_fam(b, off);
	h->family = AF_INET;
	h->table = (uint8_t)table;
	h->action = FR_ACT_TO_TBL;
	nl_put_u32(b, FRA_TABLE, table);
	nl_put_u32(b, FRA_SUPPRESS_PREFIXLEN, 0xffffffffu);
	nl_put_u8(b, FRA_PROTOCOL, RTPROT_KERNEL);
	if (pref)
		nl_put_u32(b, FRA_PRIORITY, pref);
	nl_msg_end(b, off);
	return b->oom ? -ENOBUFS : 0;
}

/* implements RTM_GETRULE dumps (fib_nl_dumprule): IPv4's default rules */
int rtnl_getrule_dump(struct nl_req *rq)
{
	const struct fib_rule_hdr *h = rtnl_fam(rq, sizeof(*h));
	if (rq->strict) {
		if (!h) {
			rq->ext.msg = "Invalid header for fib rule dump request";
			return -EINVAL;
		}
		if (h->dst_len || h->src_len || h->tos || h->table || h->res1 || h->res2 ||
		    h->action || h->flags) {
			rq->ext.msg = "Invalid values in header for fib rule dump request";
			return -EINVAL;
		}
		if (rq->nlh->nlmsg_len > NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*h))) {
			rq->ext.msg = "Invalid data after header in fib rule dump request";
			return -EINVAL;
		}
	}
	int family = ((const struct rtgenmsg *)rtnl_fam(rq, 1))->rtgen_family;
	if (family != AF_UNSPEC && family != AF_INET)
		return -EAFNOSUPPORT;
	if (fill_rule(rq, 0, RT_TABLE_LOCAL) || fill_rule(rq, 32766, RT_TABLE_MAIN) ||
	    fill_rule(rq, 32767, RT_TABLE_DEFAULT))
		return -ENOBUFS;
	return 0;
}
