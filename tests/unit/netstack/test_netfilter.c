/* wrap: stimer_now_ns */
/* test_netfilter.c - the iptables ABI (IPT_SO_* through nf_ipt_setsockopt/getsockopt):
 * the built-in tables as Linux shows them, blob validation (offsets, sizes, verdicts,
 * jumps, loops, hooks, extensions: Linux's errnos), a mutation fuzz that must never crash,
 * counters; the evaluator through the hooks (jumps, RETURN, goto, policies, inversions,
 * interfaces, tcp ports, REJECT); conntrack states and NAT rewriting. */
#include "netstack/nf_internal.h" /* first: glibc net headers before the uapi ones */
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include "tests/unit/netstack/core_test.h"
#include "tests/compat/ipt_blob.h"

static long start_pkts;
static int64_t g_now = 1000000000LL;

int64_t __wrap_stimer_now_ns(void)
{
	return g_now;
}

static int setup(void **state)
{
	start_pkts = pkt_live;
	return 0;
}

static int teardown(void **state)
{
	cap_flush();
	for (int i = 0; i < 16; i++)
		if (!stimer_run_expired(stimer_now_ns() + 1))
			break;
	assert_int_equal(pkt_live, start_pkts);
	return 0;
}

/* ---- building blobs: tests/compat/ipt_blob.h ---- */

#define ACCEPT IPT_ACCEPT
#define DROP IPT_DROP
#define FILTER_HOOKS IPT_FILTER_HOOKS

/* SET_REPLACE of @b as table @name with the given hooks; returns the errno. */
static int replace(struct netns *ns, const char *name, unsigned hooks, struct ipt_blob *b,
		   unsigned num_counters)
{
	size_t len;
	struct ipt_replace *r = ipt_replace_of(b, name, hooks, num_counters, NULL, &len);
	struct nf_old_counters old;
	int err = nf_ipt_setsockopt(ns, IPT_SO_SET_REPLACE, r, len, &old);
	if (!err)
		assert_int_equal(old.bytes, num_counters * sizeof(struct xt_counters));
	free(old.data);
	free(r);
	return err;
}

static struct ipt_getinfo get_info(struct netns *ns, const char *name, int *err)
{
	struct ipt_getinfo info;
	memset(&info, 0, sizeof(info));
	strcpy(info.name, name);
	size_t len = sizeof(info);
	*err = nf_ipt_getsockopt(ns, IPT_SO_GET_INFO, &info, &len);
	return info;
}

/* Installs @b (INPUT rules, ipt_filter_policies, user chains) as the filter table. */
static int filter_commit(struct netns *ns, struct ipt_blob *b)
{
	ipt_add_err(b, "ERROR");
	int err;
	struct ipt_getinfo info = get_info(ns, "filter", &err);
	assert_int_equal(err, 0);
	return replace(ns, "filter", FILTER_HOOKS, b, info.num_entries);
}

/* ---- tests: the ABI ---- */

static void test_builtin_tables(void **state)
{
	struct netns *ns = ns_lo();
	int err;
	struct ipt_getinfo fi = get_info(ns, "filter", &err);
	assert_int_equal(err, 0);
	assert_int_equal(fi.valid_hooks, 0x0e);
	assert_int_equal(fi.num_entries, 4);
	assert_int_equal(fi.size, 632);
	assert_int_equal(fi.hook_entry[NF_INET_PRE_ROUTING], 0xFFFFFFFF);
	assert_int_equal(fi.hook_entry[NF_INET_LOCAL_IN], 0);
	assert_int_equal(fi.hook_entry[NF_INET_FORWARD], 152);
	assert_int_equal(fi.underflow[NF_INET_LOCAL_OUT], 304);
	struct ipt_getinfo ni = get_info(ns, "nat", &err);
	assert_int_equal(err, 0);
	assert_int_equal(ni.valid_hooks, 0x1b);
	assert_int_equal(ni.size, 784);
	assert_int_equal(ni.hook_entry[NF_INET_FORWARD], 0xFFFFFFFF);
	assert_int_equal(ni.hook_entry[NF_INET_POST_ROUTING], 456);
	get_info(ns, "mangle", &err);
	assert_int_equal(err, -ENOENT);
	size_t len = 10;
	assert_int_equal(nf_ipt_getsockopt(ns, IPT_SO_GET_INFO, &fi, &len), -EINVAL);
	char names[64];
	nf_ipt_table_names(ns, names, sizeof(names));
	assert_string_equal(names, "nat\nfilter\n");

	/* GET_ENTRIES: the exact size or EINVAL; the size of another generation: EAGAIN */
	size_t glen = sizeof(struct ipt_get_entries) + 632;
	struct ipt_get_entries *g = calloc(1, glen + 8);
	strcpy(g->name, "filter");
	g->size = 632;
	assert_int_equal(nf_ipt_getsockopt(ns, IPT_SO_GET_ENTRIES, g, &glen), 0);
	struct ipt_entry *e = (struct ipt_entry *)g->entrytable;
	assert_int_equal(e->next_offset, 152);
	assert_int_equal(e->comefrom, 1 << NF_INET_LOCAL_IN);
	assert_int_equal(((struct xt_standard_target *)e->elems)->verdict, ACCEPT);
	size_t bad = glen + 4;
	assert_int_equal(nf_ipt_getsockopt(ns, IPT_SO_GET_ENTRIES, g, &bad), -EINVAL);
	g->size = 600;
	bad = sizeof(*g) + 600;
	assert_int_equal(nf_ipt_getsockopt(ns, IPT_SO_GET_ENTRIES, g, &bad), -EAGAIN);
	free(g);
	netns_put(ns);
}

static void test_revisions(void **state)
{
	struct netns *ns = ns_lo();
	struct {
		const char *name;
		uint8_t rev;
		int opt, want;
	} q[] = {
	    {"tcp", 0, IPT_SO_GET_REVISION_MATCH, 0},
	    {"conntrack", 3, IPT_SO_GET_REVISION_MATCH, 0},
	    {"conntrack", 0, IPT_SO_GET_REVISION_MATCH, -EPROTONOSUPPORT},
	    {"addrtype", 1, IPT_SO_GET_REVISION_MATCH, 0},
	    {"recent", 0, IPT_SO_GET_REVISION_MATCH, -ENOENT},
	    {"DNAT", 2, IPT_SO_GET_REVISION_TARGET, 0},
	    {"MASQUERADE", 0, IPT_SO_GET_REVISION_TARGET, 0},
	    {"tcp", 0, IPT_SO_GET_REVISION_TARGET, -ENOENT},
	    {"LOG", 0, IPT_SO_GET_REVISION_TARGET, -ENOENT},
	};
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		struct xt_get_revision r;
		memset(&r, 0, sizeof(r));
		strcpy(r.name, q[i].name);
		r.revision = q[i].rev;
		size_t len = sizeof(r);
		assert_int_equal(nf_ipt_getsockopt(ns, q[i].opt, &r, &len), q[i].want);
	}
	netns_put(ns);
}

static void test_replace_errors(void **state)
{
	struct netns *ns = ns_lo();
	struct ipt_blob f;
	unsigned char m[512];
	struct xt_tcp tcp = {.spts = {0, 0xffff}, .dpts = {8080, 8080}};
	struct ipt_ip iptcp = {.proto = IPPROTO_TCP};

	/* a good one, with a user chain */
	memset(&f, 0, sizeof(f));
	ipt_add_std(&f, &iptcp, m, ipt_match(m, "tcp", 0, &tcp, sizeof(tcp)), DROP);
	ipt_filter_policies(&f, ACCEPT);
	ipt_add_err(&f, "USER");
	ipt_add_std(&f, NULL, NULL, 0, XT_RETURN);
	assert_int_equal(filter_commit(ns, &f), 0);

	/* the counters count must be the table's: EAGAIN */
	memset(&f, 0, sizeof(f));
	ipt_filter_policies(&f, ACCEPT);
	ipt_add_err(&f, "ERROR");
	assert_int_equal(replace(ns, "filter", FILTER_HOOKS, &f, 3), -EAGAIN);
	assert_int_equal(replace(ns, "filter", FILTER_HOOKS, &f, 0), -EINVAL);
	assert_int_equal(replace(ns, "nosuch", FILTER_HOOKS, &f, 6), -ENOENT);
	assert_int_equal(replace(ns, "filter", 0x1b, &f, 6), -EINVAL);

	/* tcp without -p tcp; a wrong match size; an unknown match; a bad verdict */
	memset(&f, 0, sizeof(f));
	ipt_add_std(&f, NULL, m, ipt_match(m, "tcp", 0, &tcp, sizeof(tcp)), DROP);
	ipt_filter_policies(&f, ACCEPT);
	assert_int_equal(filter_commit(ns, &f), -EINVAL);
	memset(&f, 0, sizeof(f));
	ipt_add_std(&f, &iptcp, m, ipt_match(m, "tcp", 0, &tcp, 4), DROP);
	ipt_filter_policies(&f, ACCEPT);
	assert_int_equal(filter_commit(ns, &f), -EINVAL);
	memset(&f, 0, sizeof(f));
	ipt_add_std(&f, NULL, m, ipt_match(m, "recent", 0, &tcp, sizeof(tcp)), DROP);
	ipt_filter_policies(&f, ACCEPT);
	assert_int_equal(filter_commit(ns, &f), -ENOENT);
	memset(&f, 0, sizeof(f));
	ipt_add_std(&f, NULL, NULL, 0, -10);
	ipt_filter_policies(&f, ACCEPT);
	assert_int_equal(filter_commit(ns, &f), -EINVAL);

	/* a policy that is not unconditional; a nat target in filter; REJECT tcp-reset
	 * without -p tcp */
	memset(&f, 0, sizeof(f));
	ipt_filter_policies(&f, ACCEPT);
	((struct ipt_entry *)(f.buf + f.uflow[NF_INET_LOCAL_IN]))->ip.proto = IPPROTO_UDP;
	assert_int_equal(filter_commit(ns, &f), -EINVAL);
	struct nf_nat_range2 nr = {.flags = NF_NAT_RANGE_MAP_IPS};
	memset(&f, 0, sizeof(f));
	ipt_add(&f, NULL, NULL, 0, "DNAT", 2, &nr, sizeof(nr));
	ipt_filter_policies(&f, ACCEPT);
	assert_int_equal(filter_commit(ns, &f), -EINVAL);
	struct ipt_reject_info rj = {.with = IPT_TCP_RESET};
	memset(&f, 0, sizeof(f));
	ipt_add(&f, NULL, NULL, 0, "REJECT", 0, &rj, sizeof(rj));
	ipt_filter_policies(&f, ACCEPT);
	assert_int_equal(filter_commit(ns, &f), -EINVAL);

	/* a jump into the middle of an entry, and a loop: ELOOP */
	memset(&f, 0, sizeof(f));
	ipt_add_std(&f, NULL, NULL, 0, 8);
	ipt_filter_policies(&f, ACCEPT);
	assert_int_equal(filter_commit(ns, &f), -ELOOP);
	memset(&f, 0, sizeof(f));
	unsigned jump_at = ipt_add_std(&f, NULL, NULL, 0, 0);
	ipt_filter_policies(&f, ACCEPT);
	ipt_add_err(&f, "LOOP");
	unsigned loop = ipt_add_std(&f, NULL, NULL, 0, 0);
	ipt_add_std(&f, NULL, NULL, 0, XT_RETURN);
	ipt_set_verdict(&f, jump_at, (int)loop);
	ipt_set_verdict(&f, loop, (int)loop);
	assert_int_equal(filter_commit(ns, &f), -ELOOP);

	/* entries that overflow the blob, a target past next_offset, a match past the target */
	memset(&f, 0, sizeof(f));
	ipt_filter_policies(&f, ACCEPT);
	((struct ipt_entry *)(f.buf + 152))->next_offset = 60000;
	assert_int_equal(filter_commit(ns, &f), -EINVAL);
	memset(&f, 0, sizeof(f));
	ipt_filter_policies(&f, ACCEPT);
	((struct ipt_entry *)(f.buf))->target_offset = 150;
	assert_int_equal(filter_commit(ns, &f), -EINVAL);
	memset(&f, 0, sizeof(f));
	char comment[256] = "c";
	ipt_add_std(&f, NULL, m, ipt_match(m, "comment", 0, comment, sizeof(comment)), ACCEPT);
	ipt_filter_policies(&f, ACCEPT);
	((struct xt_entry_match *)(f.buf + sizeof(struct ipt_entry)))->u.match_size = 4000;
	assert_int_equal(filter_commit(ns, &f), -EINVAL);

	/* the good table is still there */
	int err;
	struct ipt_getinfo fi = get_info(ns, "filter", &err);
	assert_int_equal(fi.num_entries, 7);
	netns_put(ns);
}

/* Random mutations of a valid blob: every answer is 0 or an errno, never a crash, and
 * the table read back is always self-consistent. */
static void test_replace_fuzz(void **state)
{
	struct netns *ns = ns_lo();
	struct ipt_blob base;
	unsigned char m[512];
	struct xt_tcp tcp = {.spts = {0, 0xffff}, .dpts = {80, 90}};
	struct ipt_ip iptcp = {.proto = IPPROTO_TCP};
	memset(&base, 0, sizeof(base));
	ipt_add_std(&base, &iptcp, m, ipt_match(m, "tcp", 0, &tcp, sizeof(tcp)), DROP);
	unsigned j = ipt_add_std(&base, NULL, NULL, 0, 0);
	ipt_filter_policies(&base, ACCEPT);
	ipt_add_err(&base, "USER");
	unsigned user = ipt_add_std(&base, NULL, NULL, 0, XT_RETURN);
	ipt_set_verdict(&base, j, (int)user);
	ipt_add_err(&base, "ERROR");
	srand(1234);
	int ok = 0;
	for (int iter = 0; iter < 3000; iter++) {
		struct ipt_blob f = base;
		int flips = 1 + rand() % 4;
		for (int k = 0; k < flips; k++)
			f.buf[rand() % f.len] ^= (uint8_t)(1u << (rand() % 8));
		if (rand() % 4 == 0)
			f.len -= (size_t)(rand() % 64);
		int err;
		struct ipt_getinfo info = get_info(ns, "filter", &err);
		int r = replace(ns, "filter", FILTER_HOOKS, &f, info.num_entries);
		assert_true(r == 0 || r == -EINVAL || r == -ELOOP || r == -ENOENT ||
			    r == -EPROTONOSUPPORT || r == -EAGAIN);
		ok += r == 0;
		info = get_info(ns, "filter", &err);
		size_t glen = sizeof(struct ipt_get_entries) + info.size;
		struct ipt_get_entries *g = calloc(1, glen);
		strcpy(g->name, "filter");
		g->size = info.size;
		assert_int_equal(nf_ipt_getsockopt(ns, IPT_SO_GET_ENTRIES, g, &glen), 0);
		free(g);
	}
	assert_true(ok > 0);
	netns_put(ns);
}

static void test_add_counters(void **state)
{
	struct netns *ns = ns_lo();
	size_t len;
	struct xt_counters_info *ci = ipt_counters_of("filter", 4, 1, 5, 300, &len);
	struct nf_old_counters old;
	assert_int_equal(nf_ipt_setsockopt(ns, IPT_SO_SET_ADD_COUNTERS, ci, len, &old), 0);
	assert_int_equal(nf_ipt_setsockopt(ns, IPT_SO_SET_ADD_COUNTERS, ci, len - 1, &old),
			 -EINVAL);
	ci->num_counters = 3;
	assert_int_equal(nf_ipt_setsockopt(ns, IPT_SO_SET_ADD_COUNTERS, ci, len - 16, &old),
			 -EINVAL);
	free(ci);
	struct nf_table *t = &nf_ns_of(ns)->tables[NF_TABLE_FILTER];
	assert_int_equal(t->rules[1].e->counters.pcnt, 5);
	assert_int_equal(t->rules[1].e->counters.bcnt, 300);
	netns_put(ns);
}

/* ---- tests: evaluation ---- */

/* A TCP segment 127.0.0.1:@sport -> 127.0.0.1:@dport with @flags (p->data at IP). */
static struct pkt *tcp_pkt(uint16_t sport, uint16_t dport, uint8_t flags)
{
	struct pkt *p = pkt_alloc(PKT_HEADROOM, 40);
	memset(p->data, 0, 40);
	struct iphdr *ih = (struct iphdr *)p->data;
	ih->version = 4;
	ih->ihl = 5;
	ih->tot_len = htons(40);
	ih->ttl = 64;
	ih->protocol = IPPROTO_TCP;
	ih->saddr = ih->daddr = htonl(INADDR_LOOPBACK);
	uint8_t *th = p->data + 20;
	th[0] = (uint8_t)(sport >> 8);
	th[1] = (uint8_t)sport;
	th[2] = (uint8_t)(dport >> 8);
	th[3] = (uint8_t)dport;
	th[12] = 5 << 4;
	th[13] = flags;
	p->nh = p->data;
	return p;
}

/* INPUT's verdict for a segment to @dport: true when it passed. */
static bool input_passes(struct netns *ns, uint16_t dport)
{
	struct pkt *p = tcp_pkt(40000, dport, 0x10);
	bool ok = nf_hook_input(ns, ns->lo, &p);
	if (ok)
		pkt_put(p);
	else
		assert_null(p);
	return ok;
}

static void test_eval_chains(void **state)
{
	struct netns *ns = ns_lo();
	struct ipt_blob f;
	unsigned char m[512];
	struct xt_tcp t80 = {.spts = {0, 0xffff}, .dpts = {80, 80}};
	struct xt_tcp t81 = {.spts = {0, 0xffff}, .dpts = {81, 81}};
	struct xt_tcp t82 = {.spts = {0, 0xffff}, .dpts = {82, 82}, .invflags = XT_TCP_INV_DSTPT};
	struct ipt_ip iptcp = {.proto = IPPROTO_TCP};
	struct ipt_ip lo_in = {.proto = IPPROTO_TCP, .invflags = IPT_INV_VIA_IN};
	strcpy(lo_in.iniface, "l"); /* -i l+: the mask stops before the NUL */
	memset(lo_in.iniface_mask, 0xff, 1);
	/* INPUT: -p tcp --dport 80 -j USER; ! -i l+ -j DROP; -p tcp ! --dport 82 -g USER2;
	 * policy DROP. USER: --dport 81 DROP; RETURN. USER2: ACCEPT */
	memset(&f, 0, sizeof(f));
	unsigned j1 = ipt_add_std(&f, &iptcp, m, ipt_match(m, "tcp", 0, &t80, sizeof(t80)), 0);
	ipt_add_std(&f, &lo_in, NULL, 0, DROP);
	struct ipt_ip go = iptcp;
	go.flags = IPT_F_GOTO;
	unsigned j2 = ipt_add_std(&f, &go, m, ipt_match(m, "tcp", 0, &t82, sizeof(t82)), 0);
	ipt_filter_policies(&f, DROP);
	ipt_add_err(&f, "USER");
	unsigned user = ipt_add_std(&f, &iptcp, m, ipt_match(m, "tcp", 0, &t81, sizeof(t81)), DROP);
	ipt_add_std(&f, NULL, NULL, 0, XT_RETURN);
	ipt_add_err(&f, "USER2");
	unsigned user2 = ipt_add_std(&f, NULL, NULL, 0, ACCEPT);
	ipt_set_verdict(&f, j1, (int)user);
	ipt_set_verdict(&f, j2, (int)user2);
	assert_int_equal(filter_commit(ns, &f), 0);
	assert_true(input_passes(ns, 80));   /* USER returns, then the goto accepts */
	assert_false(input_passes(ns, 82));  /* not the goto: the policy drops */
	assert_true(input_passes(ns, 1234)); /* the goto */
	struct nf_table *t = &nf_ns_of(ns)->tables[NF_TABLE_FILTER];
	assert_int_equal(t->rules[0].e->counters.pcnt, 1);
	assert_int_equal(t->rules[2].e->counters.pcnt, 2);
	assert_int_equal(t->rules[3].e->counters.pcnt, 1); /* the policy */
	assert_int_equal(t->rules[3].e->counters.bcnt, 40);
	netns_put(ns);
}

static void test_reject_tcp_reset(void **state)
{
	struct netns *ns = ns_lo();
	struct ipt_blob f;
	unsigned char m[512];
	struct xt_tcp t = {.spts = {0, 0xffff}, .dpts = {8080, 8080}};
	struct ipt_ip iptcp = {.proto = IPPROTO_TCP};
	struct ipt_reject_info rj = {.with = IPT_TCP_RESET};
	memset(&f, 0, sizeof(f));
	size_t ml = ipt_match(m, "tcp", 0, &t, sizeof(t));
	ipt_add(&f, &iptcp, m, ml, "REJECT", 0, &rj, sizeof(rj));
	ipt_filter_policies(&f, ACCEPT);
	assert_int_equal(filter_commit(ns, &f), 0);
	long before = ns->stats.ip_out_requests;
	struct pkt *p = tcp_pkt(40000, 8080, 0x02);
	assert_false(nf_hook_input(ns, ns->lo, &p));
	assert_int_equal(ns->stats.ip_out_requests, before + 1); /* the RST went out */
	assert_true(input_passes(ns, 8081));
	netns_put(ns);
}

/* ---- tests: conntrack and NAT ---- */

static void test_nat_redirect_and_state(void **state)
{
	struct netns *ns = ns_lo();
	struct nf_ns *nf = nf_ns_of(ns);
	unsigned char m[512];
	/* nat: OUTPUT -p tcp --dport 8080 -j REDIRECT --to-ports 80 */
	struct ipt_blob b = {0};
	unsigned *entry = b.entry, *uflow = b.uflow;
	entry[NF_INET_PRE_ROUTING] = uflow[NF_INET_PRE_ROUTING] =
	    ipt_add_std(&b, NULL, NULL, 0, ACCEPT);
	entry[NF_INET_LOCAL_IN] = uflow[NF_INET_LOCAL_IN] = ipt_add_std(&b, NULL, NULL, 0, ACCEPT);
	struct xt_tcp t = {.spts = {0, 0xffff}, .dpts = {8080, 8080}};
	struct ipt_ip iptcp = {.proto = IPPROTO_TCP};
	struct nf_nat_ipv4_multi_range_compat mr = {.rangesize = 1};
	mr.range[0].flags = NF_NAT_RANGE_PROTO_SPECIFIED;
	mr.range[0].min.tcp.port = mr.range[0].max.tcp.port = htons(80);
	entry[NF_INET_LOCAL_OUT] = ipt_add(&b, &iptcp, m, ipt_match(m, "tcp", 0, &t, sizeof(t)),
					   "REDIRECT", 0, &mr, sizeof(mr));
	uflow[NF_INET_LOCAL_OUT] = ipt_add_std(&b, NULL, NULL, 0, ACCEPT);
	entry[NF_INET_POST_ROUTING] = uflow[NF_INET_POST_ROUTING] =
	    ipt_add_std(&b, NULL, NULL, 0, ACCEPT);
	ipt_add_err(&b, "ERROR");
	assert_int_equal(replace(ns, "nat", 0x1b, &b, 5), 0);
	assert_true(nf->ct_enabled);

	/* the SYN: OUTPUT rewrites the destination port, a connection is NEW */
	bool rerouted;
	struct pkt *p = tcp_pkt(40000, 8080, 0x02);
	assert_true(nf_hook_output(ns, ns->lo, &p, &rerouted));
	assert_int_equal(p->data[22] << 8 | p->data[23], 80);
	assert_int_equal(p->nfctinfo, IP_CT_NEW);
	assert_true(nf_hook_postrouting(ns, ns->lo, &p));
	assert_int_equal(nf_ct_count(nf), 1);
	struct nf_conn *ct = nf_ct_by_id(nf, p->nfct_id);
	assert_non_null(ct);
	assert_true(ct->status & IPS_DST_NAT);
	assert_true(ct->status & IPS_CONFIRMED);
	assert_int_equal(ntohs(ct->tuple[IP_CT_DIR_REPLY].sport), 80);
	/* looped back: PREROUTING and INPUT keep the connection */
	assert_true(nf_hook_prerouting(ns, ns->lo, &p));
	assert_true(nf_hook_input(ns, ns->lo, &p));
	assert_int_equal(p->data[22] << 8 | p->data[23], 80);
	pkt_put(p);

	/* the SYN-ACK from :80 leaves looking like it came from :8080, ESTABLISHED */
	p = tcp_pkt(80, 40000, 0x12);
	assert_true(nf_hook_output(ns, ns->lo, &p, &rerouted));
	assert_int_equal(p->nfctinfo, IP_CT_ESTABLISHED_REPLY);
	assert_true(nf_hook_postrouting(ns, ns->lo, &p));
	assert_int_equal(p->data[20] << 8 | p->data[21], 8080);
	assert_true(ct->status & IPS_SEEN_REPLY);
	pkt_put(p);

	/* the client's ACK is ESTABLISHED now, and still redirected */
	p = tcp_pkt(40000, 8080, 0x10);
	assert_true(nf_hook_output(ns, ns->lo, &p, &rerouted));
	assert_int_equal(p->nfctinfo, IP_CT_ESTABLISHED);
	assert_int_equal(p->data[22] << 8 | p->data[23], 80);
	pkt_put(p);
	/* an RST with no connection is INVALID: not tracked */
	p = tcp_pkt(1, 2, 0x04);
	assert_true(nf_hook_output(ns, ns->lo, &p, &rerouted));
	assert_int_equal(p->nfct_id, 0);
	pkt_put(p);
	assert_int_equal(nf_ct_count(nf), 1);
	netns_put(ns);
}

/* A UDP datagram @src:@sport -> @dst:@dport with 4 payload bytes, checksums valid. */
static struct pkt *udp_pkt(const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	struct pkt *p = pkt_alloc(PKT_HEADROOM, 32);
	build_ip(p->data, ip(src), ip(dst), IPPROTO_UDP, 12, 1, 0);
	uint8_t *u = p->data + 20;
	u[0] = (uint8_t)(sport >> 8);
	u[1] = (uint8_t)sport;
	u[2] = (uint8_t)(dport >> 8);
	u[3] = (uint8_t)dport;
	u[4] = 0;
	u[5] = 12;
	u[6] = u[7] = 0;
	memcpy(u + 8, "ping", 4);
	uint16_t c = inet_csum_fold(
	    inet_csum_add(inet_pseudo_sum(ip(src), ip(dst), IPPROTO_UDP, 12), u, 12));
	memcpy(u + 6, &c, 2);
	p->nh = p->data;
	return p;
}

static uint16_t port_at(const struct pkt *p, int off)
{
	return (uint16_t)(p->data[20 + off] << 8 | p->data[21 + off]);
}

/* The IP header and UDP checksums of @p verify. */
static bool udp_sums_ok(const struct pkt *p)
{
	const struct iphdr *h = (const struct iphdr *)p->data;
	size_t l = ntohs(h->tot_len) - 20;
	return inet_csum_fold(inet_csum_add(0, h, 20)) == 0 &&
	       inet_csum_fold(
		   inet_csum_add(inet_pseudo_sum(h->saddr, h->daddr, IPPROTO_UDP, (uint16_t)l),
				 p->data + 20, l)) == 0;
}

/* A nat table with one rule at @hook (with a udp --dport @dport match) and ACCEPT
 * policies. */
static void nat_one_rule(struct netns *ns, unsigned hook, uint16_t dport, const char *target,
			 uint8_t rev, const void *data, size_t dlen)
{
	struct ipt_blob b = {0};
	unsigned char m[256];
	struct xt_udp u = {.spts = {0, 0xffff}, .dpts = {dport, dport}};
	struct ipt_ip ipudp = {.proto = IPPROTO_UDP};
	for (unsigned h = 0; h < NF_INET_NUMHOOKS; h++) {
		if (!(0x1b & (1u << h)))
			continue;
		b.entry[h] = (unsigned)b.len;
		if (h == hook)
			ipt_add(&b, &ipudp, m, ipt_match(m, "udp", 0, &u, sizeof(u)), target, rev,
				data, dlen);
		b.uflow[h] = ipt_add_std(&b, NULL, NULL, 0, ACCEPT);
	}
	ipt_add_err(&b, "ERROR");
	int err;
	struct ipt_getinfo info = get_info(ns, "nat", &err);
	assert_int_equal(replace(ns, "nat", 0x1b, &b, info.num_entries), 0);
}

/* Docker's -p 8080:80: PREROUTING DNAT of a datagram from a NIC, the answer's source
 * translated back, checksums kept valid; an ICMP error about the translated datagram has
 * its embedded header translated back too. */
static void test_nat_prerouting_from_nic(void **state)
{
	struct netns *ns = ns_lo();
	struct net_iface *eth = eth_add(ns, "eth0", "10.0.0.2", 24);
	struct nf_nat_range2 r = {.flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED};
	r.min_addr.ip = r.max_addr.ip = ip("127.0.0.1");
	r.min_proto.udp.port = r.max_proto.udp.port = htons(80);
	nat_one_rule(ns, NF_INET_PRE_ROUTING, 8080, "DNAT", 2, &r, sizeof(r));

	struct pkt *p = udp_pkt("10.0.0.1", 5000, "10.0.0.2", 8080);
	assert_true(nf_hook_prerouting(ns, eth, &p));
	const struct iphdr *h = (const struct iphdr *)p->data;
	assert_int_equal(h->daddr, ip("127.0.0.1"));
	assert_int_equal(port_at(p, 2), 80);
	assert_true(udp_sums_ok(p));
	assert_int_equal(p->nfctinfo, IP_CT_NEW);
	assert_true(nf_hook_input(ns, eth, &p));
	pkt_put(p);

	/* the answer from 127.0.0.1:80 leaves as 10.0.0.2:8080 */
	bool rerouted;
	p = udp_pkt("127.0.0.1", 80, "10.0.0.1", 5000);
	assert_true(nf_hook_output(ns, eth, &p, &rerouted));
	assert_int_equal(p->nfctinfo, IP_CT_ESTABLISHED_REPLY);
	assert_true(nf_hook_postrouting(ns, eth, &p));
	h = (const struct iphdr *)p->data;
	assert_int_equal(h->saddr, ip("10.0.0.2"));
	assert_int_equal(port_at(p, 0), 8080);
	assert_true(udp_sums_ok(p));
	pkt_put(p);

	/* port unreachable about 10.0.0.1:5000 -> 127.0.0.1:80: the sender must see its own
	 * datagram, to 10.0.0.2:8080 */
	struct pkt *orig = udp_pkt("10.0.0.1", 5000, "127.0.0.1", 80);
	p = pkt_alloc(PKT_HEADROOM, 20 + 8 + 32);
	build_ip(p->data, ip("127.0.0.1"), ip("10.0.0.1"), IPPROTO_ICMP, 8 + 32, 2, 0);
	uint8_t *ic = p->data + 20;
	memset(ic, 0, 8);
	ic[0] = ICMP_DEST_UNREACH;
	ic[1] = ICMP_PORT_UNREACH;
	memcpy(ic + 8, orig->data, 32);
	uint16_t c = inet_csum_fold(inet_csum_add(0, ic, 40));
	memcpy(ic + 2, &c, 2);
	pkt_put(orig);
	p->nh = p->data;
	assert_true(nf_hook_output(ns, eth, &p, &rerouted));
	assert_int_equal(p->nfctinfo, IP_CT_RELATED_REPLY);
	assert_true(nf_hook_postrouting(ns, eth, &p));
	h = (const struct iphdr *)p->data;
	const struct iphdr *in = (const struct iphdr *)(p->data + 28);
	assert_int_equal(h->saddr, ip("10.0.0.2"));
	assert_int_equal(in->daddr, ip("10.0.0.2"));
	assert_int_equal(p->data[28 + 22] << 8 | p->data[28 + 23], 8080);
	assert_int_equal(inet_csum_fold(inet_csum_add(0, in, 20)), 0);
	assert_int_equal(inet_csum_fold(inet_csum_add(0, p->data + 20, 40)), 0);
	assert_int_equal(inet_csum_fold(inet_csum_add(0, h, 20)), 0);
	pkt_put(p);
	cap_flush();
	netns_put(ns);
}

/* Timeouts and the table bound: an unanswered UDP flow is forgotten after 30 s; the
 * table never holds more than its maximum (unassured entries make room). */
static void test_conntrack_timeout_and_bound(void **state)
{
	struct netns *ns = ns_lo();
	struct nf_ns *nf = nf_ns_of(ns);
	nf_table_lookup(nf, "nat"); /* conntrack on */
	bool rerouted;
	struct pkt *p = udp_pkt("127.0.0.1", 1000, "127.0.0.1", 53);
	assert_true(nf_hook_output(ns, ns->lo, &p, &rerouted));
	uint32_t id = p->nfct_id;
	assert_true(nf_hook_postrouting(ns, ns->lo, &p));
	pkt_put(p);
	g_now += 29LL * 1000000000;
	p = udp_pkt("127.0.0.1", 1000, "127.0.0.1", 53);
	assert_true(nf_hook_output(ns, ns->lo, &p, &rerouted));
	assert_int_equal(p->nfct_id, id); /* still the same flow (and refreshed) */
	pkt_put(p);
	g_now += 31LL * 1000000000;
	p = udp_pkt("127.0.0.1", 1000, "127.0.0.1", 53);
	assert_true(nf_hook_output(ns, ns->lo, &p, &rerouted));
	assert_int_not_equal(p->nfct_id, id); /* expired: a new connection */
	assert_int_equal(p->nfctinfo, IP_CT_NEW);
	pkt_put(p);
	for (unsigned i = 0; i < 70000; i++) {
		p = udp_pkt("127.0.0.1", (uint16_t)(1 + i % 60000),
			    i < 60000 ? "127.0.0.2" : "127.0.0.3", 53);
		assert_true(nf_hook_output(ns, ns->lo, &p, &rerouted));
		assert_true(nf_hook_postrouting(ns, ns->lo, &p));
		pkt_put(p);
	}
	assert_true(nf_ct_count(nf) <= 65536);
	assert_true(nf_ct_count(nf) > 60000);
	netns_put(ns);
}

/* Docker's forwarding rules, through the hooks the forwarding path will call:
 *   filter FORWARD (policy DROP): -o br0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
 *                                 -i br0 ! -o br0 -j ACCEPT
 *   nat POSTROUTING: -p udp --dport 53 -j MASQUERADE
 * A container's datagram leaves masqueraded; the answer comes back to the container; a
 * new flow from outside is dropped. */
static void test_forward_docker(void **state)
{
	struct netns *ns = ns_lo();
	struct net_iface *eth = eth_add(ns, "eth0", "10.0.0.2", 24);
	struct net_iface *br = eth_add(ns, "br0", "172.17.0.1", 16);
	unsigned char m[256];
	struct ipt_blob f = {0};
	struct xt_conntrack_mtinfo3 ct = {.match_flags = XT_CONNTRACK_STATE,
					  .state_mask = XT_CONNTRACK_STATE_BIT(IP_CT_RELATED) |
							XT_CONNTRACK_STATE_BIT(IP_CT_ESTABLISHED)};
	struct ipt_ip to_br = {0}, from_br = {.invflags = IPT_INV_VIA_OUT};
	strcpy(to_br.outiface, "br0");
	memset(to_br.outiface_mask, 0xff, 4);
	strcpy(from_br.iniface, "br0");
	memset(from_br.iniface_mask, 0xff, 4);
	strcpy(from_br.outiface, "br0");
	memset(from_br.outiface_mask, 0xff, 4);
	f.entry[NF_INET_LOCAL_IN] = f.uflow[NF_INET_LOCAL_IN] =
	    ipt_add_std(&f, NULL, NULL, 0, ACCEPT);
	f.entry[NF_INET_FORWARD] =
	    ipt_add_std(&f, &to_br, m, ipt_match(m, "conntrack", 3, &ct, sizeof(ct)), ACCEPT);
	ipt_add_std(&f, &from_br, NULL, 0, ACCEPT);
	f.uflow[NF_INET_FORWARD] = ipt_add_std(&f, NULL, NULL, 0, DROP);
	f.entry[NF_INET_LOCAL_OUT] = f.uflow[NF_INET_LOCAL_OUT] =
	    ipt_add_std(&f, NULL, NULL, 0, ACCEPT);
	assert_int_equal(filter_commit(ns, &f), 0);
	struct nf_nat_ipv4_multi_range_compat mr = {.rangesize = 1};
	nat_one_rule(ns, NF_INET_POST_ROUTING, 53, "MASQUERADE", 0, &mr, sizeof(mr));

	/* out: 172.17.0.2:4000 -> 8.8.8.8:53 through br0 -> eth0 */
	struct pkt *p = udp_pkt("172.17.0.2", 4000, "8.8.8.8", 53);
	assert_true(nf_hook_prerouting(ns, br, &p));
	assert_true(nf_hook_forward(ns, br, eth, &p));
	assert_true(nf_hook_postrouting(ns, eth, &p));
	const struct iphdr *h = (const struct iphdr *)p->data;
	assert_int_equal(h->saddr, ip("10.0.0.2"));
	assert_int_equal(port_at(p, 0), 4000);
	assert_true(udp_sums_ok(p));
	pkt_put(p);
	/* back: 8.8.8.8:53 -> 10.0.0.2:4000 becomes -> 172.17.0.2:4000, ESTABLISHED */
	p = udp_pkt("8.8.8.8", 53, "10.0.0.2", 4000);
	assert_true(nf_hook_prerouting(ns, eth, &p));
	h = (const struct iphdr *)p->data;
	assert_int_equal(h->daddr, ip("172.17.0.2"));
	assert_int_equal(p->nfctinfo, IP_CT_ESTABLISHED_REPLY);
	assert_true(udp_sums_ok(p));
	assert_true(nf_hook_forward(ns, eth, br, &p));
	assert_true(nf_hook_postrouting(ns, br, &p));
	pkt_put(p);
	/* a new flow from outside to the container: FORWARD's policy drops it */
	p = udp_pkt("8.8.4.4", 53, "172.17.0.2", 4001);
	assert_true(nf_hook_prerouting(ns, eth, &p));
	assert_false(nf_hook_forward(ns, eth, br, &p));
	assert_null(p);
	struct nf_table *t = &nf_ns_of(ns)->tables[NF_TABLE_FILTER];
	assert_int_equal(t->rules[1].e->counters.pcnt, 1); /* ESTABLISHED */
	assert_int_equal(t->rules[2].e->counters.pcnt, 1); /* from br0 */
	assert_int_equal(t->rules[3].e->counters.pcnt, 1); /* the policy */
	cap_flush();
	netns_put(ns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_builtin_tables, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_revisions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_replace_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_replace_fuzz, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_add_counters, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_eval_chains, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reject_tcp_reset, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nat_redirect_and_state, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nat_prerouting_from_nic, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_conntrack_timeout_and_bound, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forward_docker, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
