/* netstack/nf_ext.c - the iptables extensions the netstack implements, as Linux's xt_*
 * modules define them (name, revision, data size, table, hooks, protocol, checkentry and
 * the match or target function): matches tcp, udp, icmp, conntrack (revisions 1-3),
 * state, addrtype (0, 1), comment; targets REJECT, DNAT and SNAT (0-2), MASQUERADE,
 * REDIRECT, and the standard and ERROR targets for revision queries. Every other name
 * answers ENOENT, as Linux without the module: iptables then says the extension is not
 * available.
 *
 * Owns: the extension table. Must not: trust extension data (checked before a rule is
 * installed), or send packets (REJECT records its choice; nf_eval.c sends). */
#include "netstack/nf_internal.h" /* first (net/if.h before linux/if.h) */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <netinet/ip_icmp.h>
#include <string.h>

#define HOOK(h) (1u << NF_INET_##h)

static bool port_in(uint16_t lo, uint16_t hi, uint16_t port, bool inv)
{
	return (port >= lo && port <= hi) ^ inv;
}

/* ---- tcp, udp, icmp ---- */

static int tcp_check(const struct nf_ext_check *c, const void *data)
{
	const struct xt_tcp *t = data;
	return (t->invflags & ~XT_TCP_INV_MASK) ? -EINVAL : 0;
}

/* tcp_find_option: walks the options for @opt (a short or bad header drops). */
static bool tcp_has_option(const uint8_t *th, size_t optlen, uint8_t opt, bool inv)
{
	const uint8_t *op = th + 20;
	for (size_t i = 0; i < optlen;) {
		if (op[i] == opt)
			return !inv;
		if (op[i] < 2)
			i++;
		else
			i += (i + 1 < optlen && op[i + 1]) ? op[i + 1] : 1;
	}
	return inv;
}

static bool tcp_match(struct nf_pkt *pk, const void *data, bool *hotdrop)
{
	const struct xt_tcp *t = data;
	if (pk->fragoff) {
		if (pk->fragoff == 1)
			*hotdrop = true; /* an offset-1 fragment overwrites the flags */
		return false;
	}
	if (!pk->l4 || pk->l4len < 20) {
		*hotdrop = true;
		return false;
	}
	const uint8_t *th = pk->l4;
	uint16_t sp = (uint16_t)(th[0] << 8 | th[1]), dp = (uint16_t)(th[2] << 8 | th[3]);
	if (!port_in(t->spts[0], t->spts[1], sp, t->invflags & XT_TCP_INV_SRCPT) ||
	    !port_in(t->dpts[0], t->dpts[1], dp, t->invflags & XT_TCP_INV_DSTPT))
		return false;
	if (!(((th[13] & t->flg_mask) == t->flg_cmp) ^ !!(t->invflags & XT_TCP_INV_FLAGS)))
		return false;
	if (t->option) {
		size_t doff = (size_t)(th[12] >> 4) * 4;
		if (doff < 20 || doff > pk->l4len) {
			*hotdrop = true;
			return false;
		}
		return tcp_has_option(th, doff - 20, t->option, t->invflags & XT_TCP_INV_OPTION);
	}
	return true;
}

static int udp_check(const struct nf_ext_check *c, const void *data)
{
	const struct xt_udp *u = data;
	return (u->invflags & ~XT_UDP_INV_MASK) ? -EINVAL : 0;
}

static bool udp_match(struct nf_pkt *pk, const void *data, bool *hotdrop)
{
	const struct xt_udp *u = data;
	if (pk->fragoff)
		return false;
	if (!pk->l4 || pk->l4len < 8) {
		*hotdrop = true;
		return false;
	}
	const uint8_t *uh = pk->l4;
	uint16_t sp = (uint16_t)(uh[0] << 8 | uh[1]), dp = (uint16_t)(uh[2] << 8 | uh[3]);
	return port_in(u->spts[0], u->spts[1], sp, u->invflags & XT_UDP_INV_SRCPT) &&
	       port_in(u->dpts[0], u->dpts[1], dp, u->invflags & XT_UDP_INV_DSTPT);
}

static int icmp_check(const struct nf_ext_check *c, const void *data)
{
	const struct ipt_icmp *i = data;
	return (i->invflags & ~IPT_ICMP_INV) ? -EINVAL : 0;
}

static bool icmp_match(struct nf_pkt *pk, const void *data, bool *hotdrop)
{
	const struct ipt_icmp *i = data;
	if (pk->fragoff)
		return false;
	if (!pk->l4 || pk->l4len < 8) {
		*hotdrop = true;
		return false;
	}
	uint8_t type = pk->l4[0], code = pk->l4[1];
	bool m = i->type == 0xFF || (type == i->type && code >= i->code[0] && code <= i->code[1]);
	return m ^ !!(i->invflags & IPT_ICMP_INV);
}

/* ---- conntrack, state ---- */

/* XT_CONNTRACK_STATE_BIT / XT_STATE_BIT of the packet, with Linux's INVALID/UNTRACKED */
static unsigned ct_statebit(const struct nf_pkt *pk, unsigned untracked_bit)
{
	if (pk->ct)
		return XT_STATE_BIT(pk->ctinfo);
	return pk->untracked ? untracked_bit : XT_STATE_INVALID;
}

static bool state_match(struct nf_pkt *pk, const void *data, bool *hotdrop)
{
	const struct xt_state_info *s = data;
	return s->statemask & ct_statebit(pk, XT_STATE_UNTRACKED);
}

static int needs_ct_check(const struct nf_ext_check *c, const void *data)
{
	return 0; /* nf_ct_netns_get: the table's install turns conntrack on */
}

static bool addr_eq(uint32_t kaddr, const union nf_inet_addr *a, const union nf_inet_addr *m)
{
	return ((kaddr ^ a->ip) & m->ip) == 0;
}

/* The fields revisions 1, 2 and 3 share, in one shape. */
struct ct_info {
	const struct xt_conntrack_mtinfo3 *i; /* the common prefix of every revision */
	unsigned state_mask, status_mask;
	bool v3;
};

static bool ct_ports(const struct ct_info *ci, const struct nf_conn *ct)
{
	const struct xt_conntrack_mtinfo3 *i = ci->i;
	const struct nf_tuple *o = &ct->tuple[IP_CT_DIR_ORIGINAL], *r = &ct->tuple[IP_CT_DIR_REPLY];
	unsigned f = i->match_flags, inv = i->invert_flags;
	if ((f & XT_CONNTRACK_PROTO) && ((o->proto == i->l4proto) ^ !(inv & XT_CONNTRACK_PROTO)))
		return false;
	struct {
		unsigned flag;
		uint16_t port, lo, hi;
	} p[4] = {
	    {XT_CONNTRACK_ORIGSRC_PORT, o->sport, i->origsrc_port, i->origsrc_port_high},
	    {XT_CONNTRACK_ORIGDST_PORT, o->dport, i->origdst_port, i->origdst_port_high},
	    {XT_CONNTRACK_REPLSRC_PORT, r->sport, i->replsrc_port, i->replsrc_port_high},
	    {XT_CONNTRACK_REPLDST_PORT, r->dport, i->repldst_port, i->repldst_port_high},
	};
	for (int k = 0; k < 4; k++) {
		if (!(f & p[k].flag))
			continue;
		bool inverted = inv & p[k].flag;
		if (ci->v3) { /* host order, a range */
			if (!port_in(p[k].lo, p[k].hi, ntohs(p[k].port), inverted))
				return false;
		} else if ((p[k].port == p[k].lo) ^ !inverted) {
			return false;
		}
	}
	return true;
}

/* conntrack_mt */
static bool ct_match(struct nf_pkt *pk, const struct ct_info *ci)
{
	const struct xt_conntrack_mtinfo3 *i = ci->i;
	unsigned f = i->match_flags, inv = i->invert_flags;
	struct nf_conn *ct = pk->ct;
	if (f & XT_CONNTRACK_STATE) {
		unsigned bit = ct_statebit(pk, XT_CONNTRACK_STATE_UNTRACKED);
		if (ct && (ct->status & IPS_SRC_NAT))
			bit |= XT_CONNTRACK_STATE_SNAT;
		if (ct && (ct->status & IPS_DST_NAT))
			bit |= XT_CONNTRACK_STATE_DNAT;
		if (!!(ci->state_mask & bit) ^ !(inv & XT_CONNTRACK_STATE))
			return false;
	}
	if (!ct)
		return f & XT_CONNTRACK_STATE;
	if ((f & XT_CONNTRACK_DIRECTION) &&
	    ((CTINFO2DIR(pk->ctinfo) == IP_CT_DIR_ORIGINAL) ^ !(inv & XT_CONNTRACK_DIRECTION)))
		return false;
	const struct nf_tuple *o = &ct->tuple[IP_CT_DIR_ORIGINAL], *r = &ct->tuple[IP_CT_DIR_REPLY];
	struct {
		unsigned flag;
		uint32_t addr;
		const union nf_inet_addr *a, *m;
	} a[4] = {
	    {XT_CONNTRACK_ORIGSRC, o->src, &i->origsrc_addr, &i->origsrc_mask},
	    {XT_CONNTRACK_ORIGDST, o->dst, &i->origdst_addr, &i->origdst_mask},
	    {XT_CONNTRACK_REPLSRC, r->src, &i->replsrc_addr, &i->replsrc_mask},
	    {XT_CONNTRACK_REPLDST, r->dst, &i->repldst_addr, &i->repldst_mask},
	};
	for (int k = 0; k < 4; k++)
		if ((f & a[k].flag) && (addr_eq(a[k].addr, a[k].a, a[k].m) ^ !(inv & a[k].flag)))
			return false;
	if (!ct_ports(ci, ct))
		return false;
	if ((f & XT_CONNTRACK_STATUS) &&
	    (!!(ci->status_mask & ct->status) ^ !(inv & XT_CONNTRACK_STATUS)))
		return false;
	if (f & XT_CONNTRACK_EXPIRES) {
		unsigned long e = nf_ct_expires_s(ct);
		if ((e >= i->expires_min && e <= i->expires_max) ^ !(inv & XT_CONNTRACK_EXPIRES))
			return false;
	}
	return true;
}

static bool ct1_match(struct nf_pkt *pk, const void *data, bool *hotdrop)
{
	const struct xt_conntrack_mtinfo1 *i = data;
	struct ct_info ci = {data, i->state_mask, i->status_mask, false};
	return ct_match(pk, &ci);
}

static bool ct2_match(struct nf_pkt *pk, const void *data, bool *hotdrop)
{
	const struct xt_conntrack_mtinfo2 *i = data;
	struct ct_info ci = {data, i->state_mask, i->status_mask, false};
	return ct_match(pk, &ci);
}

static bool ct3_match(struct nf_pkt *pk, const void *data, bool *hotdrop)
{
	const struct xt_conntrack_mtinfo3 *i = data;
	struct ct_info ci = {data, i->state_mask, i->status_mask, true};
	return ct_match(pk, &ci);
}

/* ---- addrtype ---- */

/* inet_dev_addr_type as a bit (1 << RTN_*): what the local table says of @addr, on @dev
 * only when given. */
static unsigned addr_type_bit(struct netns *ns, struct net_iface *dev, uint32_t addr)
{
	uint32_t h = ntohl(addr);
	if (h == 0 || addr == INADDR_BROADCAST)
		return XT_ADDRTYPE_BROADCAST;
	if ((h >> 28) == 0xe)
		return XT_ADDRTYPE_MULTICAST;
	if (dev) {
		struct net_ifaddr *ifa;
		list_for_each_entry(ifa, &dev->addrs, link)
		{
			if (ifa->addr == addr)
				return XT_ADDRTYPE_LOCAL;
			if (net_ifaddr_is_bcast(ifa, addr))
				return XT_ADDRTYPE_BROADCAST;
		}
		if ((dev->flags & IFF_LOOPBACK) && (h >> 24) == 127)
			return XT_ADDRTYPE_LOCAL;
		return XT_ADDRTYPE_UNICAST;
	}
	if (net_bcast_iface(ns, addr))
		return XT_ADDRTYPE_BROADCAST;
	if (net_addr_is_local(ns, addr))
		return XT_ADDRTYPE_LOCAL;
	return XT_ADDRTYPE_UNICAST;
}

static bool addrtype_test(struct nf_pkt *pk, struct net_iface *dev, uint16_t src, uint16_t dst,
			  bool inv_src, bool inv_dst)
{
	bool ret = true;
	if (src)
		ret &= !!(addr_type_bit(pk->ns, dev, pk->iph->saddr) & src) ^ inv_src;
	if (ret && dst)
		ret &= !!(addr_type_bit(pk->ns, dev, pk->iph->daddr) & dst) ^ inv_dst;
	return ret;
}

static bool addrtype0_match(struct nf_pkt *pk, const void *data, bool *hotdrop)
{
	const struct xt_addrtype_info *i = data;
	return addrtype_test(pk, NULL, i->source, i->dest, i->invert_source, i->invert_dest);
}

static int addrtype1_check(const struct nf_ext_check *c, const void *data)
{
	const struct xt_addrtype_info_v1 *i = data;
	if ((i->flags & XT_ADDRTYPE_LIMIT_IFACE_IN) && (i->flags & XT_ADDRTYPE_LIMIT_IFACE_OUT))
		return -EINVAL;
	if ((c->hook_mask & (HOOK(PRE_ROUTING) | HOOK(LOCAL_IN))) &&
	    (i->flags & XT_ADDRTYPE_LIMIT_IFACE_OUT))
		return -EINVAL;
	if ((c->hook_mask & (HOOK(POST_ROUTING) | HOOK(LOCAL_OUT))) &&
	    (i->flags & XT_ADDRTYPE_LIMIT_IFACE_IN))
		return -EINVAL;
	return 0;
}

static bool addrtype1_match(struct nf_pkt *pk, const void *data, bool *hotdrop)
{
	const struct xt_addrtype_info_v1 *i = data;
	struct net_iface *dev = NULL;
	if (i->flags & XT_ADDRTYPE_LIMIT_IFACE_IN)
		dev = pk->in;
	else if (i->flags & XT_ADDRTYPE_LIMIT_IFACE_OUT)
		dev = pk->out;
	return addrtype_test(pk, dev, i->source, i->dest, i->flags & XT_ADDRTYPE_INVERT_SOURCE,
			     i->flags & XT_ADDRTYPE_INVERT_DEST);
}

static bool comment_match(struct nf_pkt *pk, const void *data, bool *hotdrop)
{
	return true;
}

/* ---- targets ---- */

static int reject_check(const struct nf_ext_check *c, const void *data)
{
	const struct ipt_reject_info *r = data;
	if (r->with == IPT_ICMP_ECHOREPLY)
		return -EINVAL; /* other unknown values drop silently, as Linux */
	if (r->with == IPT_TCP_RESET &&
	    (c->ip->proto != IPPROTO_TCP || (c->ip->invflags & XT_INV_PROTO)))
		return -EINVAL;
	return 0;
}

static unsigned reject_target(struct nf_pkt *pk, const void *data)
{
	const struct ipt_reject_info *r = data;
	pk->reject = (int)r->with + 1;
	return NF_DROP;
}

/* The ranges of every NAT target revision, as struct nf_nat_range2. */
static void range_from_compat(const struct nf_nat_ipv4_multi_range_compat *mr,
			      struct nf_nat_range2 *r)
{
	memset(r, 0, sizeof(*r));
	r->flags = mr->range[0].flags;
	r->min_addr.ip = mr->range[0].min_ip;
	r->max_addr.ip = mr->range[0].max_ip;
	r->min_proto = mr->range[0].min;
	r->max_proto = mr->range[0].max;
}

/* Flags whose meaning we implement (RANDOM* and PERSISTENT only change which free port
 * or address is picked: ours are picked in order; see README). */
#define NAT_FLAGS_OK                                                                               \
	(NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED | NF_NAT_RANGE_PROTO_RANDOM |         \
	 NF_NAT_RANGE_PERSISTENT | NF_NAT_RANGE_PROTO_RANDOM_FULLY)

static int nat_flags_check(unsigned flags)
{
	return (flags & ~NAT_FLAGS_OK) ? -EINVAL : 0;
}

static int nat0_check(const struct nf_ext_check *c, const void *data)
{
	const struct nf_nat_ipv4_multi_range_compat *mr = data;
	if (mr->rangesize != 1)
		return -EINVAL; /* "multiple ranges no longer supported" */
	return nat_flags_check(mr->range[0].flags);
}

static int nat1_check(const struct nf_ext_check *c, const void *data)
{
	return nat_flags_check(((const struct nf_nat_range *)data)->flags);
}

static int nat2_check(const struct nf_ext_check *c, const void *data)
{
	return nat_flags_check(((const struct nf_nat_range2 *)data)->flags);
}

static unsigned nat_compat_target(struct nf_pkt *pk, const void *data, enum nf_nat_manip m)
{
	struct nf_nat_range2 r;
	range_from_compat(data, &r);
	return nf_nat_setup(pk, &r, m);
}

static unsigned nat_range_target(struct nf_pkt *pk, const void *data, size_t size,
				 enum nf_nat_manip m)
{
	struct nf_nat_range2 r;
	memset(&r, 0, sizeof(r));
	memcpy(&r, data, size);
	return nf_nat_setup(pk, &r, m);
}

static unsigned snat0_target(struct nf_pkt *pk, const void *data)
{
	return nat_compat_target(pk, data, NF_NAT_MANIP_SRC);
}
static unsigned dnat0_target(struct nf_pkt *pk, const void *data)
{
	return nat_compat_target(pk, data, NF_NAT_MANIP_DST);
}
static unsigned snat1_target(struct nf_pkt *pk, const void *data)
{
	return nat_range_target(pk, data, sizeof(struct nf_nat_range), NF_NAT_MANIP_SRC);
}
static unsigned dnat1_target(struct nf_pkt *pk, const void *data)
{
	return nat_range_target(pk, data, sizeof(struct nf_nat_range), NF_NAT_MANIP_DST);
}
static unsigned snat2_target(struct nf_pkt *pk, const void *data)
{
	return nat_range_target(pk, data, sizeof(struct nf_nat_range2), NF_NAT_MANIP_SRC);
}
static unsigned dnat2_target(struct nf_pkt *pk, const void *data)
{
	return nat_range_target(pk, data, sizeof(struct nf_nat_range2), NF_NAT_MANIP_DST);
}

static int masq_check(const struct nf_ext_check *c, const void *data)
{
	const struct nf_nat_ipv4_multi_range_compat *mr = data;
	if (mr->range[0].flags & NF_NAT_RANGE_MAP_IPS)
		return -EINVAL;
	return nat0_check(c, data);
}

static bool is_host_scope(uint32_t a)
{
	return (ntohl(a) >> 24) == 127;
}

/* inet_select_addr(@dev, @dst, RT_SCOPE_UNIVERSE): an address of @dev in @dst's subnet,
 * else its first, else the first of any interface; never a 127/8 (host scope) one. */
static uint32_t select_universe_addr(struct netns *ns, struct net_iface *dev, uint32_t dst)
{
	uint32_t any = 0;
	struct net_ifaddr *ifa;
	if (dev) {
		list_for_each_entry(ifa, &dev->addrs, link)
		{
			if (is_host_scope(ifa->addr))
				continue;
			uint32_t mask = ifa->prefixlen ? htonl(~0u << (32 - ifa->prefixlen)) : 0;
			if (!((ifa->addr ^ dst) & mask))
				return ifa->addr;
			if (!any)
				any = ifa->addr;
		}
		if (any)
			return any;
	}
	struct net_iface *i;
	list_for_each_entry(i, &ns->ifaces, link) list_for_each_entry(
	    ifa, &i->addrs, link) if (!is_host_scope(ifa->addr)) return ifa->addr;
	return 0;
}

/* nf_nat_masquerade_ipv4: the source becomes the out interface's address toward the
 * next hop (no usable address, as on a lone lo: dropped). */
static unsigned masq_target(struct nf_pkt *pk, const void *data)
{
	struct nf_nat_range2 r;
	struct net_route_result rt;
	range_from_compat(data, &r);
	uint32_t nh = pk->iph->daddr;
	if (net_route_lookup(pk->ns, pk->iph->daddr, pk->out, &rt) == 0 && rt.nexthop)
		nh = rt.nexthop;
	uint32_t src = select_universe_addr(pk->ns, pk->out, nh);
	if (!pk->ct || !src)
		return NF_DROP;
	r.flags |= NF_NAT_RANGE_MAP_IPS;
	r.min_addr.ip = r.max_addr.ip = src;
	return nf_nat_setup(pk, &r, NF_NAT_MANIP_SRC);
}

/* nf_nat_redirect_ipv4: to 127.0.0.1 from OUTPUT, else to the input interface's first
 * address. */
static unsigned redirect_target(struct nf_pkt *pk, const void *data)
{
	struct nf_nat_range2 r;
	uint32_t dst = 0;
	range_from_compat(data, &r);
	if (pk->hook == NF_INET_LOCAL_OUT)
		dst = htonl(INADDR_LOOPBACK);
	else if (pk->in && !list_empty(&pk->in->addrs))
		dst = list_first_entry(&pk->in->addrs, struct net_ifaddr, link)->addr;
	if (!dst)
		return NF_DROP;
	r.flags |= NF_NAT_RANGE_MAP_IPS;
	r.min_addr.ip = r.max_addr.ip = dst;
	return nf_nat_setup(pk, &r, NF_NAT_MANIP_DST);
}

/* ---- the table ---- */

#define MATCH(n, rev, sz, pr, ct, chk, fn)                                                         \
	{                                                                                          \
		.name = n, .revision = rev, .size = sz, .proto = pr, .needs_ct = ct, .check = chk, \
		.match = fn                                                                        \
	}
#define NAT(n, rev, sz, hk, chk, fn)                                                               \
	{                                                                                          \
		.name = n, .revision = rev, .is_target = true, .size = sz, .table = "nat",         \
		.hooks = hk, .needs_ct = true, .check = chk, .target = fn                          \
	}

static const struct nf_ext exts[] = {
    MATCH("tcp", 0, sizeof(struct xt_tcp), IPPROTO_TCP, false, tcp_check, tcp_match),
    MATCH("udp", 0, sizeof(struct xt_udp), IPPROTO_UDP, false, udp_check, udp_match),
    MATCH("icmp", 0, sizeof(struct ipt_icmp), IPPROTO_ICMP, false, icmp_check, icmp_match),
    MATCH("conntrack", 1, sizeof(struct xt_conntrack_mtinfo1), 0, true, needs_ct_check, ct1_match),
    MATCH("conntrack", 2, sizeof(struct xt_conntrack_mtinfo2), 0, true, needs_ct_check, ct2_match),
    MATCH("conntrack", 3, sizeof(struct xt_conntrack_mtinfo3), 0, true, needs_ct_check, ct3_match),
    MATCH("state", 0, sizeof(struct xt_state_info), 0, true, needs_ct_check, state_match),
    MATCH("addrtype", 0, sizeof(struct xt_addrtype_info), 0, false, NULL, addrtype0_match),
    MATCH("addrtype", 1, sizeof(struct xt_addrtype_info_v1), 0, false, addrtype1_check,
	  addrtype1_match),
    MATCH("comment", 0, sizeof(struct xt_comment_info), 0, false, NULL, comment_match),
    {.name = XT_STANDARD_TARGET, .is_target = true, .size = sizeof(int)},
    {.name = XT_ERROR_TARGET, .is_target = true, .size = XT_FUNCTION_MAXNAMELEN},
    {.name = "REJECT",
     .is_target = true,
     .size = sizeof(struct ipt_reject_info),
     .table = "filter",
     .hooks = HOOK(LOCAL_IN) | HOOK(FORWARD) | HOOK(LOCAL_OUT),
     .check = reject_check,
     .target = reject_target},
    NAT("SNAT", 0, sizeof(struct nf_nat_ipv4_multi_range_compat),
	HOOK(POST_ROUTING) | HOOK(LOCAL_IN), nat0_check, snat0_target),
    NAT("DNAT", 0, sizeof(struct nf_nat_ipv4_multi_range_compat),
	HOOK(PRE_ROUTING) | HOOK(LOCAL_OUT), nat0_check, dnat0_target),
    NAT("SNAT", 1, sizeof(struct nf_nat_range), HOOK(POST_ROUTING) | HOOK(LOCAL_IN), nat1_check,
	snat1_target),
    NAT("DNAT", 1, sizeof(struct nf_nat_range), HOOK(PRE_ROUTING) | HOOK(LOCAL_OUT), nat1_check,
	dnat1_target),
    NAT("SNAT", 2, sizeof(struct nf_nat_range2), HOOK(POST_ROUTING) | HOOK(LOCAL_IN), nat2_check,
	snat2_target),
    NAT("DNAT", 2, sizeof(struct nf_nat_range2), HOOK(PRE_ROUTING) | HOOK(LOCAL_OUT), nat2_check,
	dnat2_target),
    NAT("MASQUERADE", 0, sizeof(struct nf_nat_ipv4_multi_range_compat), HOOK(POST_ROUTING),
	masq_check, masq_target),
    NAT("REDIRECT", 0, sizeof(struct nf_nat_ipv4_multi_range_compat),
	HOOK(PRE_ROUTING) | HOOK(LOCAL_OUT), masq_check, redirect_target),
};

/* See nf_internal.h (xt_find_match / xt_find_target / xt_find_revision). */
const struct nf_ext *nf_ext_find(const char *name, uint8_t revision, bool target, int *err)
{
	bool named = false;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		if (exts[i].is_target != target || strcmp(exts[i].name, name))
			continue;
		if (exts[i].revision == revision)
			return &exts[i];
		named = true;
	}
	*err = named ? -EPROTONOSUPPORT : -ENOENT;
	return NULL;
}

/* See nf_internal.h. */
int nf_ext_check(const struct nf_ext *x, const void *data, unsigned datasize,
		 const struct nf_ext_check *c)
{
	if (XT_ALIGN(x->size) != datasize)
		return -EINVAL;
	if (x->table && strcmp(x->table, c->table))
		return -EINVAL;
	if (x->hooks && (c->hook_mask & ~x->hooks))
		return -EINVAL;
	if (x->proto && (x->proto != c->ip->proto || (c->ip->invflags & XT_INV_PROTO)))
		return -EINVAL;
	return x->check ? x->check(c, data) : 0;
}
