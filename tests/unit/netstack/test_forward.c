/* Unit tests for netstack/ip4_forward.c: a router namespace with eth0 (10.1.0.1/24) and
 * eth1 (10.2.0.1/24), frames injected on eth0. With ip_forward 0 nothing leaves; with 1
 * a datagram for 10.2.0.9 leaves eth1 with its TTL one lower and a right checksum; TTL 1
 * earns ICMP time exceeded, no route ICMP net unreachable, a DF datagram above the next
 * MTU ICMP fragmentation needed, a larger one without DF is fragmented. */
#include "tests/unit/netstack/core_test.h"

struct fx {
	struct netns *ns;
	struct net_iface *eth0, *eth1;
};

static int setup(void **state)
{
	static struct fx f;
	f.ns = ns_lo();
	f.eth0 = eth_add(f.ns, "eth0", "10.1.0.1", 24);
	f.eth1 = eth_add(f.ns, "eth1", "10.2.0.1", 24);
	/* the neighbours are known: no ARP in the way */
	assert_int_equal(arp_neigh_set(f.eth0, ip("10.1.0.9"), peer_mac, true), 0);
	assert_int_equal(arp_neigh_set(f.eth1, ip("10.2.0.9"), peer_mac, true), 0);
	cap_flush();
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	netns_put(f->ns);
	cap_flush();
	return 0;
}

/* An echo request from 10.1.0.9 to @dst with @ttl (and DF when @df) arriving on eth0. */
static void inject(struct fx *f, const char *dst, uint8_t ttl, size_t len, bool df)
{
	struct pkt *p = frame_echo(ip("10.1.0.9"), ip(dst), 7, len);
	struct iphdr *h = frame_ip(p);
	h->ttl = ttl;
	if (df)
		h->frag_off = htons(IP_DF);
	h->check = 0;
	h->check = inet_csum_fold(inet_csum_add(0, h, 20));
	net_frame_input(f->eth0, p);
	run_now();
}

static bool csum_ok(const struct iphdr *h)
{
	return inet_csum_fold(inet_csum_add(0, h, h->ihl * 4u)) == 0;
}

static void test_off_and_on(void **state)
{
	struct fx *f = *state;
	long pkts = pkt_live;
	inject(f, "10.2.0.9", 64, 20, false);
	assert_int_equal(cap_count, 0); /* ip_forward 0: dropped */
	assert_true(f->ns->stats.ip_in_addr_errors >= 1);
	f->ns->sysctl.ip_forward = 1;
	inject(f, "10.2.0.9", 64, 20, false);
	assert_int_equal(cap_count, 1);
	struct pkt *p = cap_take();
	assert_ptr_equal(p->iface, f->eth1);
	assert_memory_equal(p->data, peer_mac, 6);
	assert_memory_equal(p->data + 6, our_mac, 6);
	struct iphdr *h = frame_ip(p);
	assert_int_equal(h->ttl, 63);
	assert_true(csum_ok(h));
	assert_int_equal(h->saddr, ip("10.1.0.9")); /* untouched */
	assert_int_equal(f->ns->stats.ip_forw_datagrams, 1);
	pkt_put(p);
	leak_check(pkts);
}

static void test_icmp_errors(void **state)
{
	struct fx *f = *state;
	long pkts = pkt_live;
	f->ns->sysctl.ip_forward = 1;
	struct { const char *dst; uint8_t ttl; size_t len; bool df; int type, code; } c[] = {
	    {"10.2.0.9", 1, 20, false, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL},
	    {"192.0.2.1", 64, 20, false, ICMP_DEST_UNREACH, ICMP_NET_UNREACH},
	    {"10.2.0.9", 64, 1600, true, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		inject(f, c[i].dst, c[i].ttl, c[i].len, c[i].df);
		assert_int_equal(cap_count, 1);
		struct pkt *p = cap_take();
		assert_ptr_equal(p->iface, f->eth0); /* back to the sender */
		struct iphdr *h = frame_ip(p);
		assert_int_equal(h->protocol, IPPROTO_ICMP);
		assert_int_equal(h->daddr, ip("10.1.0.9"));
		assert_int_equal(h->saddr, ip("10.1.0.1"));
		struct icmphdr *ic = (struct icmphdr *)((uint8_t *)h + 20);
		assert_int_equal(ic->type, c[i].type);
		assert_int_equal(ic->code, c[i].code);
		if (c[i].code == ICMP_FRAG_NEEDED)
			assert_int_equal(ntohs(ic->un.frag.mtu), 1500);
		pkt_put(p);
		run_ahead(2000000000LL); /* past the ICMP rate limit's refill */
	}
	/* without DF: fragmented on the way out */
	inject(f, "10.2.0.9", 64, 1600, false);
	assert_int_equal(cap_count, 2);
	struct pkt *p = cap_take();
	assert_ptr_equal(p->iface, f->eth1);
	assert_true(ntohs(frame_ip(p)->frag_off) & IP_MF);
	assert_int_equal(frame_ip(p)->ttl, 63);
	assert_true(csum_ok(frame_ip(p)));
	pkt_put(p);
	leak_check(pkts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_off_and_on, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_icmp_errors, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
