/* netstack/nf_eval.c - the traversal of a table (ipt_do_table: the ipt_ip part, the
 * matches, counters, jumps, gotos, RETURN, policies) and the five hook points in Linux's
 * priority order: conntrack, nat (destination), filter, nat (source), confirmation; and
 * the packets REJECT sends (ICMP errors, TCP resets).
 *
 * Owns: nothing beyond the call. Must not: keep the packet, or read a header before its
 * length was checked (nf_pkt_parse). */
#include "netstack/nf_internal.h" /* first (net/if.h before linux/if.h) */
#include <arpa/inet.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <netinet/ip_icmp.h>
#include <stdlib.h>
#include <string.h>
#include "netstack/ip4.h"
#include "netstack/ip4_frag.h"

/* See nf_internal.h. */
bool nf_pkt_parse(struct nf_pkt *pk)
{
	struct pkt *p = pk->p;
	if (p->len < sizeof(struct iphdr))
		return false;
	pk->iph = (struct iphdr *)p->data;
	size_t ihl = pk->iph->ihl * 4u, tot = ntohs(pk->iph->tot_len);
	if (ihl < sizeof(struct iphdr) || ihl > p->len || tot < ihl)
		return false;
	if (tot > p->len)
		tot = p->len;
	pk->fragoff = ntohs(pk->iph->frag_off) & IP_OFFMASK;
	pk->l4 = pk->fragoff ? NULL : p->data + ihl;
	pk->l4len = pk->fragoff ? 0 : tot - ihl;
	return true;
}

/* ifname_compare_aligned: the masked bytes of the name (mask covers the NUL, or not
 * with the '+' wildcard) */
static bool ifname_ok(const char *dev, const char *name, const unsigned char *mask)
{
	for (int i = 0; i < IFNAMSIZ; i++)
		if ((dev[i] ^ name[i]) & mask[i])
			return false;
	return true;
}

#define INVF(ip, flag, cond) ((cond) ^ !!((ip)->invflags & (flag)))

/* ip_packet_match */
static bool ip_match(const struct ipt_ip *ip, const struct nf_pkt *pk, const char *in,
		     const char *out)
{
	const struct iphdr *h = pk->iph;
	if (INVF(ip, IPT_INV_SRCIP, (h->saddr & ip->smsk.s_addr) != ip->src.s_addr) ||
	    INVF(ip, IPT_INV_DSTIP, (h->daddr & ip->dmsk.s_addr) != ip->dst.s_addr))
		return false;
	if (INVF(ip, IPT_INV_VIA_IN, !ifname_ok(in, ip->iniface, ip->iniface_mask)) ||
	    INVF(ip, IPT_INV_VIA_OUT, !ifname_ok(out, ip->outiface, ip->outiface_mask)))
		return false;
	if (ip->proto && INVF(ip, XT_INV_PROTO, h->protocol != ip->proto))
		return false;
	if (INVF(ip, IPT_INV_FRAG, (ip->flags & IPT_F_FRAG) && !pk->fragoff))
		return false;
	return true;
}

static void dev_name(char out[IFNAMSIZ], const struct net_iface *ifc)
{
	memset(out, 0, IFNAMSIZ);
	if (ifc)
		memcpy(out, ifc->name, strnlen(ifc->name, IFNAMSIZ - 1));
}

/* See nf_internal.h. */
unsigned nf_table_eval(struct nf_table *t, struct nf_pkt *pk)
{
	unsigned hook = pk->hook, i = t->hook_rule[hook], verdict = NF_DROP;
	uint64_t bytes = ntohs(pk->iph->tot_len);
	if (t->trivial) { /* the policy alone: count it */
		t->rules[i].e->counters.pcnt++;
		t->rules[i].e->counters.bcnt += bytes;
		return NF_ACCEPT;
	}
	char in[IFNAMSIZ], out[IFNAMSIZ];
	dev_name(in, pk->in);
	dev_name(out, pk->out);
	unsigned small[32], *stack = small, sp = 0;
	if (t->stacksize > 32 && !(stack = malloc(t->stacksize * sizeof(*stack))))
		return NF_DROP;
	pk->table = t->name;
	while (i < t->num_entries) {
		struct nf_rule *r = &t->rules[i];
		bool hotdrop = false, ok = ip_match(&r->e->ip, pk, in, out);
		for (unsigned m = 0; ok && m < r->nmatch; m++)
			ok = r->m[m].ext->match(pk, r->m[m].data, &hotdrop);
		if (hotdrop)
			break;
		if (!ok) {
			i++;
			continue;
		}
		r->e->counters.pcnt++;
		r->e->counters.bcnt += bytes;
		if (r->is_std) {
			if (r->verdict >= 0) {
				if (r->jump != i + 1 && !(r->e->ip.flags & IPT_F_GOTO)) {
					if (sp >= t->stacksize)
						break; /* cannot happen after mark_chains: drop */
					stack[sp++] = i;
				}
				i = r->jump;
			} else if (r->verdict != XT_RETURN) {
				verdict = (unsigned)(-r->verdict - 1);
				break;
			} else {
				i = sp ? stack[--sp] + 1 : t->underflow_rule[hook];
			}
			continue;
		}
		if (r->is_error)
			break; /* xt_ERROR: drop */
		unsigned v = r->target->target(pk, r->tdata);
		if (v != XT_CONTINUE) {
			verdict = v;
			break;
		}
		i++;
	}
	if (stack != small)
		free(stack);
	return verdict == NF_ACCEPT ? NF_ACCEPT : NF_DROP; /* NF_QUEUE: no queue, dropped */
}

/* ---- REJECT's answers (nf_reject_ipv4.c) ---- */

/* nf_send_reset: an RST for the TCP segment of @pk, unless it is one. */
static void send_reset(struct nf_pkt *pk)
{
	const uint8_t *th = pk->l4;
	if (!th || pk->l4len < 20 || (th[13] & 0x04))
		return;
	struct pkt *p = pkt_alloc(PKT_HEADROOM, 20);
	if (!p)
		return;
	uint8_t *r = p->data;
	memset(r, 0, 20);
	memcpy(r, th + 2, 2); /* ports swapped */
	memcpy(r + 2, th, 2);
	r[12] = 5 << 4;
	if (th[13] & 0x10) { /* ACK: seq = their ack */
		memcpy(r + 4, th + 8, 4);
		r[13] = 0x04;
	} else {
		uint32_t seq;
		memcpy(&seq, th + 4, 4);
		size_t doff = (size_t)(th[12] >> 4) * 4;
		uint32_t len = pk->l4len > doff ? (uint32_t)(pk->l4len - doff) : 0;
		len += !!(th[13] & 0x02) + !!(th[13] & 0x01);
		uint32_t ack = htonl(ntohl(seq) + len);
		memcpy(r + 8, &ack, 4);
		r[13] = 0x04 | 0x10;
	}
	uint16_t csum = inet_csum_fold(
	    inet_csum_add(inet_pseudo_sum(pk->iph->daddr, pk->iph->saddr, IPPROTO_TCP, 20), r, 20));
	memcpy(r + 16, &csum, 2);
	struct ip4_tx tx = {
	    .src = pk->iph->daddr, .dst = pk->iph->saddr, .proto = IPPROTO_TCP, .df = true};
	ip4_output(pk->ns, p, &tx);
}

static void send_reject(struct nf_pkt *pk)
{
	static const int codes[] = {
	    [IPT_ICMP_NET_UNREACHABLE] = ICMP_NET_UNREACH,
	    [IPT_ICMP_HOST_UNREACHABLE] = ICMP_HOST_UNREACH,
	    [IPT_ICMP_PROT_UNREACHABLE] = ICMP_PROT_UNREACH,
	    [IPT_ICMP_PORT_UNREACHABLE] = ICMP_PORT_UNREACH,
	    [IPT_ICMP_NET_PROHIBITED] = ICMP_NET_ANO,
	    [IPT_ICMP_HOST_PROHIBITED] = ICMP_HOST_ANO,
	    [IPT_ICMP_ADMIN_PROHIBITED] = ICMP_PKT_FILTERED,
	};
	int with = pk->reject - 1;
	pk->reject = 0;
	if (with == IPT_TCP_RESET) {
		send_reset(pk);
	} else if (with >= 0 && with <= IPT_ICMP_ADMIN_PROHIBITED && with != IPT_ICMP_ECHOREPLY) {
		pk->p->nh = pk->p->data;
		icmp_send_error(pk->ns, pk->p, ICMP_DEST_UNREACH, codes[with], 0);
	}
}

/* ---- the hooks ---- */

/* Does netfilter see packets in this namespace? (Linux registers a table's hooks when
 * the table is instantiated; nat brings conntrack with it.) */
static bool nf_live(struct nf_ns *nf)
{
	return nf && (nf->ct_enabled || nf->tables[NF_TABLE_FILTER].instantiated);
}

/* The filter table at @pk->hook, with REJECT's answer sent after the traversal. */
static unsigned run_filter(struct nf_ns *nf, struct nf_pkt *pk)
{
	struct nf_table *t = &nf->tables[NF_TABLE_FILTER];
	if (!t->instantiated)
		return NF_ACCEPT;
	unsigned v = nf_table_eval(t, pk);
	if (pk->reject) {
		/* the answer runs the hooks again, whose conntrack may free ours (a full
		 * table makes room): find it again by id afterwards */
		uint32_t id = pk->ct ? pk->ct->id : 0;
		send_reject(pk);
		pk->ct = id ? nf_ct_by_id(nf, id) : NULL;
	}
	return v;
}

static unsigned run_nat(struct nf_ns *nf, struct nf_pkt *pk)
{
	if (!nf->ct_enabled || !nf->tables[NF_TABLE_NAT].instantiated)
		return NF_ACCEPT;
	unsigned v = nf_nat_hook(pk);
	if (v == NF_ACCEPT && !nf_pkt_parse(pk))
		v = NF_DROP;
	return v;
}

/* Ends a hook: a dropped packet is freed (and its unconfirmed connection with it). */
static bool finish(struct nf_pkt *pk, unsigned v, struct pkt **pp)
{
	if (v == NF_ACCEPT)
		return true;
	nf_ct_drop_unconfirmed(pk);
	pkt_put(*pp);
	*pp = NULL;
	return false;
}

static bool start(struct nf_pkt *pk, struct netns *ns, struct pkt *p, unsigned hook,
		  struct net_iface *in, struct net_iface *out)
{
	memset(pk, 0, sizeof(*pk));
	pk->ns = ns;
	pk->p = p;
	pk->hook = hook;
	pk->in = in;
	pk->out = out;
	return nf_pkt_parse(pk);
}

/* The packet's connection as an earlier hook of this namespace left it. */
static void ct_resume(struct nf_ns *nf, struct nf_pkt *pk)
{
	pk->untracked = !nf->ct_enabled;
	pk->ct = nf->ct_enabled ? nf_ct_by_id(nf, pk->p->nfct_id) : NULL;
	pk->ctinfo = pk->ct ? (enum ip_conntrack_info)pk->p->nfctinfo : 0;
}

bool nf_hook_prerouting(struct netns *ns, struct net_iface *in, struct pkt **pp)
{
	struct nf_ns *nf = ns->nf;
	struct nf_pkt pk;
	if (!nf_live(nf) || !nf->ct_enabled)
		return true; /* no nat, no filter at PREROUTING */
	if (!(in->flags & IFF_LOOPBACK))
		(*pp)->nfct_id = 0; /* only loopback brings our own connections back */
	const struct iphdr *ip = (const struct iphdr *)(*pp)->data;
	if (ip->frag_off & htons(IP_MF | IP_OFFMASK)) { /* nf_defrag_ipv4 */
		*pp = ip4_frag_reasm(ns, *pp);
		if (!*pp)
			return false;
		(*pp)->nh = (*pp)->data;
	}
	if (!start(&pk, ns, *pp, NF_INET_PRE_ROUTING, in, NULL))
		return finish(&pk, NF_DROP, pp);
	if (!nf_ct_in(&pk))
		return finish(&pk, NF_DROP, pp);
	return finish(&pk, run_nat(nf, &pk), pp);
}

bool nf_hook_input(struct netns *ns, struct net_iface *in, struct pkt **pp)
{
	struct nf_ns *nf = ns->nf;
	struct nf_pkt pk;
	if (!nf_live(nf))
		return true;
	if (!start(&pk, ns, *pp, NF_INET_LOCAL_IN, in, NULL))
		return finish(&pk, NF_DROP, pp);
	ct_resume(nf, &pk);
	unsigned v = run_filter(nf, &pk);
	if (v == NF_ACCEPT)
		v = run_nat(nf, &pk);
	if (v == NF_ACCEPT)
		nf_ct_confirm(&pk);
	return finish(&pk, v, pp);
}

bool nf_hook_forward(struct netns *ns, struct net_iface *in, struct net_iface *out, struct pkt **pp)
{
	struct nf_ns *nf = ns->nf;
	struct nf_pkt pk;
	if (!nf_live(nf))
		return true;
	if (!start(&pk, ns, *pp, NF_INET_FORWARD, in, out))
		return finish(&pk, NF_DROP, pp);
	ct_resume(nf, &pk);
	return finish(&pk, run_filter(nf, &pk), pp);
}

bool nf_hook_output(struct netns *ns, struct net_iface *out, struct pkt **pp, bool *rerouted)
{
	struct nf_ns *nf = ns->nf;
	struct nf_pkt pk;
	*rerouted = false;
	(*pp)->nfct_id = 0; /* a new local packet (buffers may be reused) */
	if (!nf_live(nf))
		return true;
	if (!start(&pk, ns, *pp, NF_INET_LOCAL_OUT, NULL, out))
		return finish(&pk, NF_DROP, pp);
	if (!nf_ct_in(&pk))
		return finish(&pk, NF_DROP, pp);
	uint32_t dst = pk.iph->daddr;
	unsigned v = run_nat(nf, &pk);
	if (v == NF_ACCEPT)
		v = run_filter(nf, &pk);
	*rerouted = v == NF_ACCEPT && pk.iph->daddr != dst;
	return finish(&pk, v, pp);
}

bool nf_hook_postrouting(struct netns *ns, struct net_iface *out, struct pkt **pp)
{
	struct nf_ns *nf = ns->nf;
	struct nf_pkt pk;
	if (!nf_live(nf) || !nf->ct_enabled)
		return true;
	if (!start(&pk, ns, *pp, NF_INET_POST_ROUTING, NULL, out))
		return finish(&pk, NF_DROP, pp);
	ct_resume(nf, &pk);
	unsigned v = run_nat(nf, &pk);
	if (v == NF_ACCEPT)
		nf_ct_confirm(&pk);
	return finish(&pk, v, pp);
}
