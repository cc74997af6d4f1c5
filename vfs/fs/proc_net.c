/* vfs/fs/proc_net.c - /proc/net: dev, route, arp and snmp of the caller's network
 * namespace, in Linux's formats (net/core/net-procfs.c, net/ipv4/fib_trie.c, arp.c,
 * proc.c) so that ifconfig, route, arp, netstat and nstat read them unchanged; and
 * /proc/sys/net/ipv4's forwarding switches of that namespace, and conf/<dev>/ per interface
 * (route_localnet).
 *
 * Owns: the rendering, and the sysctl writes. Must not: change other netstack state, or include sentry
 * headers. /proc/net/tcp and /proc/net/udp are not here (no socket iterator yet). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if_arp.h>
#include <net/route.h>
#include <stdio.h>
#include <string.h>
#include "netstack/arp.h"
#include "netstack/ip4.h"
#include "netstack/netfilter.h"
#include "netstack/netns.h"
#include "vfs/fs/procfs.h"

/* /proc/net/dev: one line per interface, receive and transmit counters. */
static int show_dev(const struct proc_node *n, struct proc_buf *b)
{
	struct netns *ns = net_current_ns();
	proc_buf_printf(b, "Inter-|   Receive                            "
			   "                    |  Transmit\n"
			   " face |bytes    packets errs drop fifo frame "
			   "compressed multicast|bytes    packets errs "
			   "drop fifo colls carrier compressed\n");
	if (!ns)
		return 0;
	struct net_iface *i;
	list_for_each_entry(i, &ns->ifaces, link) {
		const struct net_iface_stats *s = &i->stats;
		proc_buf_printf(b,
				"%6s: %7llu %7llu %4llu %4llu %4llu %5llu %10llu %9llu "
				"%8llu %7llu %4llu %4llu %4llu %5llu %7llu %10llu\n",
				i->name, (unsigned long long)s->rx_bytes,
				(unsigned long long)s->rx_packets, (unsigned long long)s->rx_errors,
				(unsigned long long)s->rx_dropped, 0ULL, 0ULL, 0ULL,
				(unsigned long long)s->multicast, (unsigned long long)s->tx_bytes,
				(unsigned long long)s->tx_packets, (unsigned long long)s->tx_errors,
				(unsigned long long)s->tx_dropped, 0ULL, 0ULL, 0ULL, 0ULL);
	}
	return 0;
}

/* /proc/net/route: the main table, addresses as raw network-order words (%08X). */
static int show_route(const struct proc_node *n, struct proc_buf *b)
{
	struct netns *ns = net_current_ns();
	char line[160];
	proc_buf_printf(b, "%-127s\n",
			"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU"
			"\tWindow\tIRTT");
	if (!ns)
		return 0;
	struct net_route *r;
	list_for_each_entry(r, &ns->routes, link) {
		unsigned flags = RTF_UP;
		if (r->gateway)
			flags |= RTF_GATEWAY;
		if (r->mask == 0xffffffffu)
			flags |= RTF_HOST;
		if (r->type == RTN_UNREACHABLE || r->type == RTN_PROHIBIT ||
		    r->type == RTN_BLACKHOLE)
			flags |= RTF_REJECT;
		snprintf(line, sizeof(line), "%s\t%08X\t%08X\t%04X\t%d\t%u\t%d\t%08X\t%d\t%u\t%u",
			 r->iface ? r->iface->name : "*", r->dst, r->gateway, flags, 0, 0,
			 (int)r->metric, r->mask, 0, 0, 0);
		proc_buf_printf(b, "%-127s\n", line);
	}
	return 0;
}

static int arp_line(const struct arp_entry_info *e, void *arg)
{
	struct proc_buf *b = arg;
	char ipbuf[16], hw[18];
	inet_ntop(AF_INET, &e->ip, ipbuf, sizeof(ipbuf));
	snprintf(hw, sizeof(hw), "%02x:%02x:%02x:%02x:%02x:%02x", e->mac[0], e->mac[1], e->mac[2],
		 e->mac[3], e->mac[4], e->mac[5]);
	unsigned flags = 0;
	if (e->state & (ARP_NUD_REACHABLE | ARP_NUD_STALE | ARP_NUD_PERMANENT | 0x08 | 0x10))
		flags |= ATF_COM;
	if (e->state & ARP_NUD_PERMANENT)
		flags |= ATF_PERM;
	proc_buf_printf(b, "%-16s 0x%-10x0x%-10x%-17s     %-8s %s\n", ipbuf, e->iface->type,
			flags, hw, "*", e->iface->name);
	return 0;
}

/* /proc/net/arp: the neighbour cache. */
static int show_arp(const struct proc_node *n, struct proc_buf *b)
{
	struct netns *ns = net_current_ns();
	proc_buf_printf(b, "IP address       HW type     Flags       HW address            Mask"
			   "     Device\n");
	if (ns)
		arp_for_each(ns, arp_line, b);
	return 0;
}

#define U(x) ((unsigned long long)(x))

static void snmp_ip(struct proc_buf *b, struct netns *ns)
{
	const struct net_stats *s = &ns->stats;
	proc_buf_printf(b, "Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors "
			   "ForwDatagrams InUnknownProtos InDiscards InDelivers OutRequests "
			   "OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails "
			   "FragOKs FragFails FragCreates\n");
	proc_buf_printf(b,
			"Ip: %d %d %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu "
			"%llu %llu %llu %llu %llu\n",
			ns->sysctl.ip_forward ? 1 : 2, ns->sysctl.ip_default_ttl,
			U(s->ip_in_receives), U(s->ip_in_hdr_errors), U(s->ip_in_addr_errors),
			U(s->ip_forw_datagrams),
			U(s->ip_in_unknown_protos), U(s->ip_in_discards), U(s->ip_in_delivers),
			U(s->ip_out_requests), U(s->ip_out_discards), U(s->ip_out_no_routes),
			U(s->ip_reasm_timeout), U(s->ip_reasm_reqds), U(s->ip_reasm_oks),
			U(s->ip_reasm_fails), U(s->ip_frag_oks), U(s->ip_frag_fails),
			U(s->ip_frag_creates));
}

/* The Icmp: per-type columns, in Linux's order (icmpmibmap). */
static const struct {
	const char *name;
	int type;
} icmp_cols[] = {
    {"DestUnreachs", 3}, {"TimeExcds", 11},  {"ParmProbs", 12},	    {"SrcQuenchs", 4},
    {"Redirects", 5},	 {"Echos", 8},	     {"EchoReps", 0},	    {"Timestamps", 13},
    {"TimestampReps", 14}, {"AddrMasks", 17}, {"AddrMaskReps", 18},
};
#define NCOLS (sizeof(icmp_cols) / sizeof(icmp_cols[0]))

static void snmp_icmp(struct proc_buf *b, struct netns *ns)
{
	const struct net_stats *s = &ns->stats;
	proc_buf_printf(b, "Icmp: InMsgs InErrors InCsumErrors");
	for (size_t i = 0; i < NCOLS; i++)
		proc_buf_printf(b, " In%s", icmp_cols[i].name);
	proc_buf_printf(b, " OutMsgs OutErrors OutRateLimitGlobal OutRateLimitHost");
	for (size_t i = 0; i < NCOLS; i++)
		proc_buf_printf(b, " Out%s", icmp_cols[i].name);
	proc_buf_printf(b, "\nIcmp: %llu %llu %llu", U(s->icmp_in_msgs), U(s->icmp_in_errors),
			U(s->icmp_in_csum_errors));
	for (size_t i = 0; i < NCOLS; i++)
		proc_buf_printf(b, " %llu", U(s->icmp_in_type[icmp_cols[i].type]));
	proc_buf_printf(b, " %llu %llu %llu %llu", U(s->icmp_out_msgs), U(s->icmp_out_errors),
			U(s->icmp_out_ratelimit_global), U(s->icmp_out_ratelimit_host));
	for (size_t i = 0; i < NCOLS; i++)
		proc_buf_printf(b, " %llu", U(s->icmp_out_type[icmp_cols[i].type]));
	proc_buf_printf(b, "\n");
	/* IcmpMsg: only the types seen, as Linux (omitted when none) */
	int any = 0;
	for (int dir = 0; dir < 2; dir++)
		for (int t = 0; t < NET_ICMP_TYPES; t++)
			any += (dir ? s->icmp_out_type[t] : s->icmp_in_type[t]) != 0;
	if (!any)
		return;
	proc_buf_printf(b, "IcmpMsg:");
	for (int dir = 0; dir < 2; dir++)
		for (int t = 0; t < NET_ICMP_TYPES; t++)
			if (dir ? s->icmp_out_type[t] : s->icmp_in_type[t])
				proc_buf_printf(b, " %sType%d", dir ? "Out" : "In", t);
	proc_buf_printf(b, "\nIcmpMsg:");
	for (int dir = 0; dir < 2; dir++)
		for (int t = 0; t < NET_ICMP_TYPES; t++)
			if (dir ? s->icmp_out_type[t] : s->icmp_in_type[t])
				proc_buf_printf(b, " %llu",
						U(dir ? s->icmp_out_type[t] : s->icmp_in_type[t]));
	proc_buf_printf(b, "\n");
}

static void snmp_tcp_udp(struct proc_buf *b, struct netns *ns)
{
	const struct net_stats *s = &ns->stats;
	long estab = tcp_curr_estab ? tcp_curr_estab(ns) : 0;
	/* RtoAlgorithm 1 (RFC 6298), RtoMin/RtoMax in ms, MaxConn -1: Linux's constants */
	proc_buf_printf(b, "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens "
			   "AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs "
			   "OutRsts InCsumErrors\n");
	proc_buf_printf(b, "Tcp: 1 200 120000 -1 %llu %llu %llu %llu %ld %llu %llu %llu %llu %llu %llu\n",
			U(s->tcp_active_opens), U(s->tcp_passive_opens), U(s->tcp_attempt_fails),
			U(s->tcp_estab_resets), estab, U(s->tcp_in_segs), U(s->tcp_out_segs),
			U(s->tcp_retrans_segs), U(s->tcp_in_errs), U(s->tcp_out_rsts),
			U(s->tcp_in_csum_errors));
	static const char udp_cols[] = "InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors "
				       "SndbufErrors InCsumErrors IgnoredMulti MemErrors";
	proc_buf_printf(b, "Udp: %s\n", udp_cols);
	proc_buf_printf(b, "Udp: %llu %llu %llu %llu %llu 0 %llu 0 0\n", U(s->udp_in_datagrams),
			U(s->udp_no_ports), U(s->udp_in_errors), U(s->udp_out_datagrams),
			U(s->udp_rcvbuf_errors), U(s->udp_in_csum_errors));
	/* no UDP-Lite here: its counters are truly zero */
	proc_buf_printf(b, "UdpLite: %s\nUdpLite: 0 0 0 0 0 0 0 0 0\n", udp_cols);
}

/* /proc/net/snmp: the SNMP MIB counters of the namespace. */
static int show_snmp(const struct proc_node *n, struct proc_buf *b)
{
	struct netns *ns = net_current_ns();
	if (!ns)
		return 0;
	snmp_ip(b, ns);
	snmp_icmp(b, ns);
	snmp_tcp_udp(b, ns);
	return 0;
}

/* ---- /proc/sys/net/ipv4: the caller's namespace's sysctls ---- */

/* proc_dointvec's parse of one integer: blanks, an optional sign, digits, blanks. */
static int parse_int(const char *buf, size_t len, int *out)
{
	size_t i = 0;
	long long v = 0;
	bool neg = false, digits = false;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n'))
		i++;
	if (i < len && (buf[i] == '-' || buf[i] == '+'))
		neg = buf[i++] == '-';
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		v = v * 10 + (buf[i] - '0');
		if (v > 2147483648LL)
			return -EINVAL;
		digits = true;
	}
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || !buf[i]))
		i++;
	if (!digits || i < len || (!neg && v > 2147483647LL))
		return -EINVAL;
	*out = (int)(neg ? -v : v);
	return 0;
}

/* The forwarding switches, told apart by the entry's arg: FWD_ALL is net.ipv4.ip_forward
 * and conf/all/forwarding (one value: devinet's FORWARDING of "all"), FWD_DEFAULT is
 * conf/default/forwarding. */
enum { FWD_ALL, FWD_DEFAULT };

static int show_forward(const struct proc_node *n, struct proc_buf *b)
{
	struct netns *ns = net_current_ns();
	int v = !ns ? 0 : n->ent->arg == FWD_ALL ? ns->sysctl.ip_forward : ns->sysctl.default_forwarding;
	proc_buf_printf(b, "%d\n", v);
	return 0;
}

/* proc_dointvec, then inet_forward_change for "all": "default" takes the value too (and
 * every interface would: they have no setting of their own here). */
static ssize_t write_forward(const struct proc_node *n, const char *buf, size_t len)
{
	struct netns *ns = net_current_ns();
	int v, err = parse_int(buf, len, &v);
	if (err)
		return err;
	if (!ns)
		return -ENOMEM;
	if (n->ent->arg == FWD_ALL)
		ns->sysctl.ip_forward = v;
	ns->sysctl.default_forwarding = v;
	return (ssize_t)len;
}

#define FWD_FILE(nm, which)                                                                \
	{ nm, S_IFREG | 0644, 0, which, .show = show_forward, .write = write_forward }

/* route_localnet: arg LNET_ALL, LNET_DEFAULT (new interfaces start with it), or
 * LNET_DEV (the node's interface). What it allows: net_iface_routes_localnet. */
enum { LNET_ALL, LNET_DEFAULT, LNET_DEV };

/* The int behind route_localnet file @n, or NULL (-ENODEV: the interface is gone). */
static int *localnet_value(const struct proc_node *n)
{
	struct netns *ns = net_current_ns();
	struct net_iface *ifc;
	if (!ns)
		return NULL;
	if (n->ent->arg == LNET_ALL)
		return &ns->sysctl.route_localnet_all;
	if (n->ent->arg == LNET_DEFAULT)
		return &ns->sysctl.route_localnet_default;
	ifc = net_iface_by_index(ns, n->ifindex);
	return ifc ? &ifc->route_localnet : NULL;
}

static int show_localnet(const struct proc_node *n, struct proc_buf *b)
{
	int *v = localnet_value(n);
	if (!v)
		return -ENODEV;
	proc_buf_printf(b, "%d\n", *v);
	return 0;
}

static ssize_t write_localnet(const struct proc_node *n, const char *buf, size_t len)
{
	int *v = localnet_value(n), x, err = parse_int(buf, len, &x);
	if (err)
		return err;
	if (!v)
		return -ENODEV;
	*v = x;
	return (ssize_t)len;
}

#define LNET_FILE(which)                                                                   \
	{ "route_localnet", S_IFREG | 0644, 0, which, .show = show_localnet,               \
	  .write = write_localnet }

static const struct proc_entry conf_all[] = {FWD_FILE("forwarding", FWD_ALL), LNET_FILE(LNET_ALL),
					     {NULL}};
static const struct proc_entry conf_default[] = {FWD_FILE("forwarding", FWD_DEFAULT),
						 LNET_FILE(LNET_DEFAULT), {NULL}};
static const struct proc_entry conf_dev[] = {LNET_FILE(LNET_DEV), {NULL}};

/* conf/<dev>: one per interface of the caller's namespace (PROC_DYN_NETDEVS). */
const struct proc_entry proc_net_conf_dev_dir = {"", S_IFDIR | 0555, 0, .children = conf_dev};

static const struct proc_entry ipv4_conf[] = {
    {"all", S_IFDIR | 0555, 0, .children = conf_all},
    {"default", S_IFDIR | 0555, 0, .children = conf_default},
    {NULL},
};

/* See procfs.h. */
long proc_net_dev_next(long after)
{
	struct netns *ns = net_current_ns();
	struct net_iface *ifc;
	long best = -1;
	if (!ns)
		return -1;
	list_for_each_entry(ifc, &ns->ifaces, link)
		if (ifc->ifindex > after && (best < 0 || ifc->ifindex < best))
			best = ifc->ifindex;
	return best;
}

/* See procfs.h. */
bool proc_net_dev_name(long ifindex, char *buf, size_t size)
{
	struct netns *ns = net_current_ns();
	struct net_iface *ifc = ns && ifindex > 0 ? net_iface_by_index(ns, (int)ifindex) : NULL;
	if (ifc)
		snprintf(buf, size, "%s", ifc->name);
	return ifc != NULL;
}

/* See procfs.h. */
long proc_net_dev_index(const char *name, size_t len)
{
	char nm[IFNAMSIZ];
	struct netns *ns = net_current_ns();
	if (!ns || !len || len >= sizeof(nm))
		return -1;
	memcpy(nm, name, len);
	nm[len] = 0;
	struct net_iface *ifc = net_iface_by_name(ns, nm);
	return ifc ? ifc->ifindex : -1;
}

const struct proc_entry proc_sys_net_ipv4[] = {
    {"conf", S_IFDIR | 0555, 0, .children = ipv4_conf, .dyn = PROC_DYN_NETDEVS},
    FWD_FILE("ip_forward", FWD_ALL),
    {NULL},
};

/* /proc/net/ip_tables_names: the iptables tables this namespace has instantiated, newest
 * first (iptables-save lists them from here). */
static int show_ip_tables_names(const struct proc_node *n, struct proc_buf *b)
{
	char names[128];
	if (nf_ipt_table_names(net_current_ns(), names, sizeof(names)))
		proc_buf_printf(b, "%s", names);
	return 0;
}

const struct proc_entry proc_net_children[] = {
    {"arp", S_IFREG | 0444, 0, .show = show_arp},
    {"dev", S_IFREG | 0444, 0, .show = show_dev},
    {"ip_tables_names", S_IFREG | 0440, 0, .show = show_ip_tables_names},
    {"route", S_IFREG | 0444, 0, .show = show_route},
    {"snmp", S_IFREG | 0444, 0, .show = show_snmp},
    {NULL},
};
