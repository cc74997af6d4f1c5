/* tests/fuzz/netstack_frame_fuzz.c - libFuzzer target: arbitrary bytes as an Ethernet
 * frame arriving on an interface of a namespace that has an address, a default route,
 * a neighbour, a TCP listener (port 80) and a UDP socket (port 53) when those protocols
 * are linked. The first byte of an input chooses:
 *   bit 0: the loopback interface instead of eth0
 *   bit 1: keep the frame's destination MAC (else it is set to eth0's, so that the
 *          frame reaches IPv4/ARP instead of being dropped as another host's)
 *   bit 2: advance time by 40 s after the frame (ARP, reassembly, TCP timers fire)
 *   bit 3: the frame arrives on vp0 instead, a veth end that is a port of bridge br0
 *          (10.1.0.2/24; its other port vp1): learnt, flooded, forwarded or taken by the
 *          bridge; what leaves the ports crosses to their peers vh0/vh1 (10.1.0.3/24
 *          and 10.1.0.4/24, same namespace) on the next timer run
 *          (bit 1 clear: the destination MAC is set to br0's)
 * Every frame also crosses netfilter: conntrack, a nat table (PREROUTING DNAT and
 * REDIRECT, POSTROUTING MASQUERADE) and filter rules (REJECT tcp-reset and ICMP, every
 * match kind through a user chain that returns), set as iptables would.
 * Whatever the bytes, the Sentry must not crash, read out of bounds or leak; everything
 * transmitted is dropped by a fake driver. Frames loopback queued are delivered (and so
 * fuzz the stack's own answers) before the next input.
 *
 * Time is virtual: stimer_now_ns is wrapped to add what inputs advanced, so that every
 * module (TCP's timers check the clock when they fire) sees the same jump. */
/* wrap: stimer_now_ns */
#include "netstack/nf_internal.h" /* first: glibc net headers before the uapi ones */
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <arpa/inet.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "netstack/arp.h"
#include "netstack/bridge.h"
#include "netstack/ip4.h"
#include "netstack/link.h"
#include "netstack/socket.h"
#include "netstack/veth.h"
#include "tests/compat/ipt_blob.h"

static struct netns *ns;
static struct net_iface *eth, *br, *port;
static int64_t clock_ahead;
static const uint8_t our_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0, 0x01};

static int drop_xmit(struct net_iface *ifc, struct pkt *p)
{
	pkt_put(p);
	return 0;
}

static const struct net_iface_ops drop_ops = {.xmit = drop_xmit};

static struct net_socket *servers[2]; /* kept open (and reachable) for the whole run */
static int nservers;

static void open_socket(int type, uint16_t port, bool listen)
{
	struct net_socket *s;
	struct net_call c = {0};
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	if (net_socket_create(AF_INET, type, 0, &s) < 0)
		return; /* the protocol is not linked */
	int r = s->ops->bind ? s->ops->bind(s, &c, &sin, sizeof(sin)) : -EOPNOTSUPP;
	if (r == 0 && listen)
		r = s->ops->listen ? s->ops->listen(s, &c, 64) : -EOPNOTSUPP;
	if (r < 0)
		fprintf(stderr,
			"netstack_frame_fuzz: no %s socket on port %u (errno %d): fuzzing "
			"without it\n",
			type == SOCK_STREAM ? "TCP" : "UDP", port, -r);
	servers[nservers++] = s;
}

static void replace_or_die(const char *table, unsigned hooks, struct ipt_blob *b, unsigned n)
{
	size_t len;
	struct ipt_replace *r = ipt_replace_of(b, table, hooks, n, NULL, &len);
	struct nf_old_counters old;
	if (!r || nf_ipt_setsockopt(ns, IPT_SO_SET_REPLACE, r, len, &old) < 0)
		abort();
	free(old.data);
	free(r);
}

/* nat: PREROUTING -p tcp --dport 8080 -j DNAT --to-destination :80,
 *      PREROUTING -p udp --dport 5353 -j REDIRECT --to-ports 53,
 *      POSTROUTING -o eth0 -j MASQUERADE;
 * filter: INPUT -j ALL (every match, returns), -p tcp --dport 81 -j REJECT tcp-reset,
 *         -p udp --dport 54 -j REJECT, -p icmp --icmp-type 13 -j DROP */
static void netfilter_rules(void)
{
	unsigned char m[512];
	size_t ml;
	struct ipt_ip iptcp = {.proto = IPPROTO_TCP}, ipudp = {.proto = IPPROTO_UDP},
		      ipicmp = {.proto = IPPROTO_ICMP}, oeth = {0};
	strcpy(oeth.outiface, "eth0");
	memset(oeth.outiface_mask, 0xff, 5);
	struct xt_tcp t8080 = {.spts = {0, 0xffff}, .dpts = {8080, 8080}};
	struct xt_udp u5353 = {.spts = {0, 0xffff}, .dpts = {5353, 5353}};
	struct nf_nat_range2 dnat = {.flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED};
	dnat.min_addr.ip = dnat.max_addr.ip = inet_addr("10.0.0.2");
	dnat.min_proto.tcp.port = dnat.max_proto.tcp.port = htons(80);
	struct nf_nat_ipv4_multi_range_compat redir = {.rangesize = 1}, masq = {.rangesize = 1};
	redir.range[0].flags = NF_NAT_RANGE_PROTO_SPECIFIED;
	redir.range[0].min.udp.port = redir.range[0].max.udp.port = htons(53);
	struct ipt_blob n = {0};
	n.entry[NF_INET_PRE_ROUTING] =
	    ipt_add(&n, &iptcp, m, ipt_match(m, "tcp", 0, &t8080, sizeof(t8080)), "DNAT", 2, &dnat,
		    sizeof(dnat));
	ipt_add(&n, &ipudp, m, ipt_match(m, "udp", 0, &u5353, sizeof(u5353)), "REDIRECT", 0, &redir,
		sizeof(redir));
	n.uflow[NF_INET_PRE_ROUTING] = ipt_add_std(&n, NULL, NULL, 0, IPT_ACCEPT);
	n.entry[NF_INET_LOCAL_IN] = n.uflow[NF_INET_LOCAL_IN] =
	    ipt_add_std(&n, NULL, NULL, 0, IPT_ACCEPT);
	n.entry[NF_INET_LOCAL_OUT] = n.uflow[NF_INET_LOCAL_OUT] =
	    ipt_add_std(&n, NULL, NULL, 0, IPT_ACCEPT);
	n.entry[NF_INET_POST_ROUTING] =
	    ipt_add(&n, &oeth, NULL, 0, "MASQUERADE", 0, &masq, sizeof(masq));
	n.uflow[NF_INET_POST_ROUTING] = ipt_add_std(&n, NULL, NULL, 0, IPT_ACCEPT);
	ipt_add_err(&n, "ERROR");
	replace_or_die("nat", 0x1b, &n, 5);

	struct ipt_blob f = {0};
	unsigned jump = ipt_add_std(&f, NULL, NULL, 0, 0);
	struct xt_tcp t81 = {
	    .spts = {0, 0xffff}, .dpts = {81, 81}, .flg_mask = 0x12, .flg_cmp = 0x02, .option = 2};
	struct ipt_reject_info rst = {.with = IPT_TCP_RESET},
			       unreach = {.with = IPT_ICMP_PORT_UNREACHABLE};
	ipt_add(&f, &iptcp, m, ipt_match(m, "tcp", 0, &t81, sizeof(t81)), "REJECT", 0, &rst,
		sizeof(rst));
	struct xt_udp u54 = {.spts = {0, 0xffff}, .dpts = {54, 54}};
	ipt_add(&f, &ipudp, m, ipt_match(m, "udp", 0, &u54, sizeof(u54)), "REJECT", 0, &unreach,
		sizeof(unreach));
	struct ipt_icmp ts = {.type = 13, .code = {0, 0xff}};
	ipt_add_std(&f, &ipicmp, m, ipt_match(m, "icmp", 0, &ts, sizeof(ts)), IPT_DROP);
	ipt_filter_policies(&f, IPT_ACCEPT);
	unsigned chain = ipt_add_err(&f, "ALL");
	struct xt_conntrack_mtinfo3 ct = {.match_flags = XT_CONNTRACK_STATE | XT_CONNTRACK_STATUS,
					  .state_mask = 0xffff,
					  .status_mask = 0xffff};
	ml = ipt_match(m, "conntrack", 3, &ct, sizeof(ct));
	struct xt_addrtype_info_v1 at = {.dest = XT_ADDRTYPE_LOCAL,
					 .flags = XT_ADDRTYPE_LIMIT_IFACE_IN};
	ml += ipt_match(m + ml, "addrtype", 1, &at, sizeof(at));
	ipt_add_std(&f, NULL, m, ml, XT_RETURN);
	ipt_add_std(&f, NULL, NULL, 0, XT_RETURN);
	ipt_set_verdict(&f, jump,
			(int)(chain + ((struct ipt_entry *)(f.buf + chain))->next_offset));
	ipt_add_err(&f, "ERROR");
	replace_or_die("filter", IPT_FILTER_HOOKS, &f, 4);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	ns = netns_new();
	if (!ns)
		abort();
	net_set_current_ns(ns);
	netns_put(ns); /* the current namespace holds it */
	net_iface_set_up(ns->lo, true); /* brings 127.0.0.1/8 */
	eth = net_iface_add(ns, "eth0", ARPHRD_ETHER, &drop_ops, NULL);
	memcpy(eth->hwaddr, our_mac, 6);
	net_iface_set_up(eth, true);
	net_addr_add(eth, inet_addr("10.0.0.2"), 24, 0, NULL);
	struct net_route def = {.dst = 0,
				.prefixlen = 0,
				.gateway = inet_addr("10.0.0.1"),
				.iface = eth,
				.protocol = 3 /* RTPROT_BOOT */,
				.scope = 0,
				.type = 1 /* RTN_UNICAST */};
	net_route_add(ns, &def);
	arp_neigh_set(eth, inet_addr("10.0.0.1"), peer_mac, true);
	/* a bridge with two veth ports whose peers have addresses in its prefix */
	if (bridge_create(ns, "br0", &br))
		abort();
	net_addr_add(br, inet_addr("10.1.0.2"), 24, 0, NULL);
	net_iface_set_up(br, true);
	for (int i = 0; i < 2; i++) {
		struct net_iface *pt, *h;
		char pn[8], hn[8];
		snprintf(pn, sizeof(pn), "vp%d", i);
		snprintf(hn, sizeof(hn), "vh%d", i);
		if (veth_create(ns, pn, ns, hn, &pt, &h) || bridge_port_add(br, pt))
			abort();
		net_iface_set_up(pt, true);
		net_iface_set_up(h, true);
		net_addr_add(h, i ? inet_addr("10.1.0.4") : inet_addr("10.1.0.3"), 24, 0, NULL);
		if (!i)
			port = pt;
	}
	open_socket(SOCK_STREAM, 80, true);
	open_socket(SOCK_DGRAM, 53, false);
	netfilter_rules();
	return 0;
}

int64_t __real_stimer_now_ns(void);
int64_t __wrap_stimer_now_ns(void)
{
	return __real_stimer_now_ns() + clock_ahead;
}

/* Runs the timers due at the fuzzer's clock (real time plus what inputs advanced). */
static void run_timers(void)
{
	for (int i = 0; i < 64 && stimer_run_expired(stimer_now_ns()) > 0; i++)
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	data++, size--;
	struct pkt *p = pkt_from(data, size);
	if (!p)
		return 0;
	struct net_iface *ifc = (mode & 8) ? port : (mode & 1) ? ns->lo : eth;
	if (!(mode & 2) && size >= 6 && ifc != ns->lo)
		memcpy(p->data, ifc == port ? br->hwaddr : our_mac, 6);
	net_frame_input(ifc, p);
	if (mode & 4)
		clock_ahead += 40LL * 1000000000LL;
	run_timers();
	return 0;
}
