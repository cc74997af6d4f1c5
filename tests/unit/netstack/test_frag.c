/* Unit tests for fragmentation (netstack/ip4_out.c) and reassembly (ip4_frag.c): sizes
 * and offsets of fragments, reassembly in and out of order and with duplicates, the
 * overlap rule (the whole datagram dropped), the 30 s timeout with its ICMP time
 * exceeded, bounds. Every test ends with no packet alive. */
#include "tests/unit/netstack/core_test.h"
#include "netstack/ip4_frag.h"

static int udp_got;
static uint8_t udp_data[70000];
static size_t udp_len;
void udp_v4_input(struct netns *ns, struct pkt *p, const struct ip4_rx *rx)
{
	udp_got++;
	udp_len = p->len;
	memcpy(udp_data, p->data, p->len);
	pkt_put(p);
}

struct fx {
	struct netns *ns;
	struct net_iface *eth;
	long pkts;
};

static int setup(void **state)
{
	static struct fx f;
	f.pkts = pkt_live;
	f.ns = ns_lo();
	f.eth = eth_add(f.ns, "eth0", "10.0.0.2", 24);
	assert_int_equal(arp_neigh_set(f.eth, ip("10.0.0.1"), peer_mac, true), 0);
	cap_flush();
	udp_got = 0;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	netns_put(f->ns);
	run_now();
	leak_check(f->pkts);
	return 0;
}

static void test_fragment_sizes(void **state)
{
	struct fx *f = *state;
	struct ip4_tx tx = {.dst = ip("10.0.0.1"), .proto = IPPROTO_UDP};
	/* 3008 bytes of UDP over a 1500 MTU: 1480 + 1480 + 48 */
	assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 3000), &tx), 0);
	assert_int_equal(cap_count, 3);
	static const int len[3] = {1500, 1500, 68}, off[3] = {0, 185, 370}, mf[3] = {1, 1, 0};
	uint16_t id = 0;
	for (int i = 0; i < 3; i++) {
		struct pkt *p = cap_take();
		struct iphdr *h = frame_ip(p);
		assert_int_equal(ntohs(h->tot_len), len[i]);
		assert_int_equal(p->len, 14 + (size_t)len[i]);
		assert_int_equal(ntohs(h->frag_off) & IP_OFFMASK, off[i]);
		assert_int_equal(!!(ntohs(h->frag_off) & IP_MF), mf[i]);
		assert_int_equal(inet_csum_fold(inet_csum_add(0, h, 20)), 0);
		if (i == 0)
			id = h->id;
		assert_int_equal(h->id, id);
		pkt_put(p);
	}
	assert_int_equal(f->ns->stats.ip_frag_oks, 1);
	assert_int_equal(f->ns->stats.ip_frag_creates, 3);
	/* an MTU of 576 gives 552-byte pieces (multiples of 8) */
	assert_int_equal(net_iface_set_mtu(f->eth, 576), 0);
	assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 1200), &tx), 0);
	assert_int_equal(cap_count, 3);
	struct pkt *p = cap_take();
	assert_int_equal(ntohs(frame_ip(p)->tot_len), 572);
	pkt_put(p);
	p = cap_take();
	assert_int_equal(ntohs(frame_ip(p)->frag_off) & IP_OFFMASK, 69);
	pkt_put(p);
}

/* The fragments of one UDP datagram of @len bytes from 10.0.0.1, @chunk per fragment. */
static int make_frags(struct pkt **out, size_t len, size_t chunk, uint16_t id)
{
	uint8_t payload[8192];
	for (size_t i = 0; i < len; i++)
		payload[i] = (uint8_t)(i * 31 + 7);
	int n = 0;
	for (size_t off = 0; off < len; off += chunk) {
		size_t m = len - off < chunk ? len - off : chunk;
		uint8_t b[2048];
		build_eth(b, our_mac, peer_mac, ETH_P_IP);
		build_ip(b + 14, ip("10.0.0.1"), ip("10.0.0.2"), IPPROTO_UDP, m, id,
			 (uint16_t)((off / 8) | (off + m < len ? IP_MF : 0)));
		memcpy(b + 34, payload + off, m);
		out[n++] = pkt_from(b, 34 + m);
	}
	return n;
}

static void check_payload(size_t len)
{
	assert_int_equal(udp_len, len);
	for (size_t i = 0; i < len; i++)
		if (udp_data[i] != (uint8_t)(i * 31 + 7))
			fail_msg("byte %zu differs", i);
}

static void test_reassembly_orders(void **state)
{
	struct fx *f = *state;
	struct pkt *fr[16];
	/* in order */
	int n = make_frags(fr, 4000, 1480, 1);
	for (int i = 0; i < n; i++)
		net_frame_input(f->eth, fr[i]);
	assert_int_equal(udp_got, 1);
	check_payload(4000);
	/* reversed */
	n = make_frags(fr, 4000, 1000, 2);
	for (int i = n - 1; i >= 0; i--)
		net_frame_input(f->eth, fr[i]);
	assert_int_equal(udp_got, 2);
	check_payload(4000);
	/* shuffled, with an exact duplicate (dropped alone, Linux) */
	n = make_frags(fr, 3000, 800, 3);
	struct pkt *dup = pkt_copy(fr[1]);
	net_frame_input(f->eth, fr[2]);
	net_frame_input(f->eth, fr[1]);
	net_frame_input(f->eth, dup);
	net_frame_input(f->eth, fr[3]);
	assert_int_equal(udp_got, 2);
	net_frame_input(f->eth, fr[0]);
	assert_int_equal(udp_got, 3);
	check_payload(3000);
	assert_int_equal(f->ns->stats.ip_reasm_oks, 3);
	assert_int_equal(ip4_frag_queues(f->ns, NULL), 0);
}

static void test_overlap_drops_datagram(void **state)
{
	struct fx *f = *state;
	struct pkt *a[8], *b[8];
	make_frags(a, 2400, 800, 9);  /* 0-800 800-1600 1600-2400 */
	int nb = make_frags(b, 2400, 1200, 9); /* 0-1200 1200-2400 */
	net_frame_input(f->eth, a[0]);
	net_frame_input(f->eth, b[1]); /* 1200-2400: no overlap with 0-800 */
	net_frame_input(f->eth, a[1]); /* 800-1600 overlaps 1200-2400: the queue dies */
	assert_int_equal(ip4_frag_queues(f->ns, NULL), 0);
	assert_int_equal(f->ns->stats.ip_reasm_fails, 1);
	/* what follows starts a new queue and does not complete the old datagram */
	net_frame_input(f->eth, a[2]);
	assert_int_equal(udp_got, 0);
	assert_int_equal(ip4_frag_queues(f->ns, NULL), 1);
	pkt_put(b[0]);
	(void)nb;
}

static void test_bad_fragments(void **state)
{
	struct fx *f = *state;
	struct pkt *fr[8];
	/* a last fragment shorter than data already seen beyond it */
	make_frags(fr, 2400, 800, 20);
	net_frame_input(f->eth, fr[1]);
	net_frame_input(f->eth, fr[2]);
	pkt_put(fr[0]);
	int n = make_frags(fr, 1000, 800, 20); /* its last fragment says the end is 1000 */
	net_frame_input(f->eth, fr[n - 1]);
	assert_int_equal(ip4_frag_queues(f->ns, NULL), 0);
	for (int i = 0; i < n - 1; i++)
		pkt_put(fr[i]);
	/* beyond 65535 bytes */
	uint8_t b[100];
	build_eth(b, our_mac, peer_mac, ETH_P_IP);
	build_ip(b + 14, ip("10.0.0.1"), ip("10.0.0.2"), IPPROTO_UDP, 64, 21, 8189);
	net_frame_input(f->eth, pkt_from(b, 34 + 64));
	assert_int_equal(ip4_frag_queues(f->ns, NULL), 0);
	assert_int_equal(udp_got, 0);
}

static void test_timeout_time_exceeded(void **state)
{
	struct fx *f = *state;
	struct pkt *fr[8];
	int n = make_frags(fr, 2000, 800, 30);
	net_frame_input(f->eth, fr[0]);
	for (int i = 1; i < n; i++)
		pkt_put(fr[i]);
	assert_int_equal(ip4_frag_queues(f->ns, NULL), 1);
	run_ahead(29000000000LL);
	assert_int_equal(ip4_frag_queues(f->ns, NULL), 1);
	run_ahead(31000000000LL);
	assert_int_equal(ip4_frag_queues(f->ns, NULL), 0);
	assert_int_equal(f->ns->stats.ip_reasm_fails, 1);
	struct pkt *p = cap_take();
	assert_non_null(p);
	uint8_t *ic = p->data + 34;
	assert_int_equal(frame_ip(p)->daddr, ip("10.0.0.1"));
	assert_int_equal(ic[0], ICMP_TIME_EXCEEDED);
	assert_int_equal(ic[1], ICMP_EXC_FRAGTIME);
	pkt_put(p);
	/* without the first fragment: no ICMP */
	n = make_frags(fr, 2000, 800, 31);
	net_frame_input(f->eth, fr[1]);
	pkt_put(fr[0]);
	pkt_put(fr[2]);
	run_ahead(31000000000LL);
	assert_int_equal(cap_count, 0);
	assert_int_equal(ip4_frag_queues(f->ns, NULL), 0);
}

static void test_memory_bound(void **state)
{
	struct fx *f = *state;
	/* first fragments of many datagrams, never completed */
	for (int id = 0; id < 4000; id++) {
		struct pkt *fr[8];
		int n = make_frags(fr, 2400, 1200, (uint16_t)(1000 + id));
		net_frame_input(f->eth, fr[0]);
		for (int i = 1; i < n; i++)
			pkt_put(fr[i]);
	}
	long mem;
	int q = ip4_frag_queues(f->ns, &mem);
	assert_true(mem <= IP4_FRAG_HIGH_THRESH);
	assert_true(q < 4000);
	assert_true(f->ns->stats.ip_reasm_fails > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_fragment_sizes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reassembly_orders, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overlap_drops_datagram, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_fragments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_timeout_time_exceeded, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_memory_bound, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
