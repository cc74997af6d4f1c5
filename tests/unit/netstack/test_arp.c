/* Unit tests for netstack/arp.c: resolution with the waiting queue, retries and failure
 * (ICMP host unreachable to the local sender), the queue bound, answers to requests for
 * our addresses (and silence for others'), gratuitous ARP sent and heard, states and
 * their timeouts, malformed ARP counted, what the Sentry's exit waits for
 * (netstack_has_pending_output). Every test ends with no packet alive. */
#include "tests/unit/netstack/core_test.h"

static int icmp_err_got, icmp_err_type, icmp_err_code;
void udp_v4_icmp_error(struct netns *ns, const struct ip4_icmp_err *e)
{
	icmp_err_got++;
	icmp_err_type = e->type;
	icmp_err_code = e->code;
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
	cap_flush();
	icmp_err_got = 0;
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

struct find {
	uint32_t ip;
	struct arp_entry_info e;
	bool found;
};

static int find_fn(const struct arp_entry_info *e, void *arg)
{
	struct find *f = arg;
	if (e->ip != f->ip)
		return 0;
	f->e = *e;
	f->found = true;
	return 1;
}

static int state_of(struct netns *ns, const char *a)
{
	struct find f = {.ip = ip(a)};
	arp_for_each(ns, find_fn, &f);
	return f.found ? f.e.state : 0;
}

/* Checks that @p is an ARP @op frame asking/telling about @tip from @sip. */
static void check_arp(struct pkt *p, int op, const uint8_t eth_dst[6], uint32_t sip, uint32_t tip)
{
	assert_non_null(p);
	assert_memory_equal(p->data, eth_dst, 6);
	assert_int_equal(p->data[12] << 8 | p->data[13], ETH_P_ARP);
	uint8_t *a = p->data + 14;
	assert_int_equal(a[7], op);
	assert_memory_equal(a + 8, our_mac, 6);
	assert_memory_equal(a + 14, &sip, 4);
	assert_memory_equal(a + 24, &tip, 4);
	pkt_put(p);
}

static const uint8_t bc[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t zero[6];

static void test_gratuitous_on_add_and_up(void **state)
{
	struct fx *f = *state;
	assert_int_equal(net_addr_add(f->eth, ip("10.0.1.5"), 24, 0, NULL), 0);
	check_arp(cap_take(), ARPOP_REQUEST, bc, ip("10.0.1.5"), ip("10.0.1.5"));
	net_iface_set_up(f->eth, false);
	assert_int_equal(cap_count, 0);
	net_iface_set_up(f->eth, true);
	assert_int_equal(cap_count, 2);
	cap_flush();
}

static void test_resolve_and_flush_queue(void **state)
{
	struct fx *f = *state;
	struct ip4_tx tx = {.dst = ip("10.0.0.1"), .proto = IPPROTO_UDP};
	assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 10), &tx), 0);
	assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 20), &tx), 0);
	check_arp(cap_take(), ARPOP_REQUEST, bc, ip("10.0.0.2"), ip("10.0.0.1"));
	assert_int_equal(cap_count, 0); /* one request for both */
	assert_int_equal(state_of(f->ns, "10.0.0.1"), ARP_NUD_INCOMPLETE);
	net_frame_input(f->eth, frame_arp(ARPOP_REPLY, our_mac, peer_mac, ip("10.0.0.1"), our_mac,
					  ip("10.0.0.2")));
	assert_int_equal(state_of(f->ns, "10.0.0.1"), ARP_NUD_REACHABLE);
	assert_int_equal(cap_count, 2);
	for (int i = 0; i < 2; i++) {
		struct pkt *p = cap_take();
		assert_memory_equal(p->data, peer_mac, 6);
		assert_int_equal(ntohs(frame_ip(p)->tot_len), 20 + 8 + (i ? 20 : 10));
		pkt_put(p);
	}
	/* known now: straight out */
	assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 10), &tx), 0);
	assert_int_equal(cap_count, 1);
	cap_flush();
	/* 30 s later it is stale; the next use sends a unicast probe and still goes out */
	run_ahead(31000000000LL);
	assert_int_equal(state_of(f->ns, "10.0.0.1"), ARP_NUD_STALE);
	assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 10), &tx), 0);
	check_arp(cap_take(), ARPOP_REQUEST, peer_mac, ip("10.0.0.2"), ip("10.0.0.1"));
	assert_int_equal(cap_count, 1);
	cap_flush();
	/* unanswered probes: failed, then forgotten */
	for (int i = 0; i < 3; i++)
		run_ahead(1100000000LL * (i + 1));
	assert_int_equal(state_of(f->ns, "10.0.0.1"), ARP_NUD_FAILED);
	cap_flush();
	run_ahead(200000000000LL);
	assert_int_equal(state_of(f->ns, "10.0.0.1"), 0);
}

static void test_failure_answers_sender(void **state)
{
	struct fx *f = *state;
	struct ip4_tx tx = {.dst = ip("10.0.0.9"), .proto = IPPROTO_UDP};
	assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 10), &tx), 0);
	assert_int_equal(cap_count, 1);
	run_ahead(1100000000LL);
	run_ahead(2200000000LL);
	assert_int_equal(cap_count, 3); /* three requests in all */
	cap_flush();
	run_ahead(3300000000LL);
	assert_int_equal(state_of(f->ns, "10.0.0.9"), ARP_NUD_FAILED);
	/* the ICMP error travelled through loopback (drained by the same timer run) to
	 * the UDP error hook */
	run_now();
	assert_int_equal(icmp_err_got, 1);
	assert_int_equal(icmp_err_type, ICMP_DEST_UNREACH);
	assert_int_equal(icmp_err_code, ICMP_HOST_UNREACH);
	assert_int_equal(cap_count, 0);
}

/* What the Sentry's exit waits for (loop_drain): packets queued on a neighbour being
 * resolved; not once it answered, nor once ARP gave up. */
static void test_pending_output_while_resolving(void **state)
{
	struct fx *f = *state;
	struct ip4_tx tx = {.dst = ip("10.0.0.1"), .proto = IPPROTO_UDP};
	assert_false(netstack_has_pending_output());
	assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 10), &tx), 0);
	cap_flush();
	assert_true(netstack_has_pending_output());
	net_frame_input(f->eth, frame_arp(ARPOP_REPLY, our_mac, peer_mac, ip("10.0.0.1"), our_mac,
					  ip("10.0.0.2")));
	assert_false(netstack_has_pending_output()); /* sent */
	assert_int_equal(cap_count, 1);
	cap_flush();
	/* a resolved neighbour queues nothing */
	assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 10), &tx), 0);
	assert_false(netstack_has_pending_output());
	cap_flush();
	/* nobody answers: pending until the third request goes unanswered */
	tx.dst = ip("10.0.0.9");
	assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 10), &tx), 0);
	run_ahead(500000000LL);
	assert_true(netstack_has_pending_output());
	run_ahead(1100000000LL);
	run_ahead(2200000000LL);
	run_ahead(3300000000LL);
	assert_int_equal(state_of(f->ns, "10.0.0.9"), ARP_NUD_FAILED);
	assert_false(netstack_has_pending_output());
	run_now();
	cap_flush();
}

static void test_queue_bound(void **state)
{
	struct fx *f = *state;
	struct ip4_tx tx = {.dst = ip("10.0.0.1"), .proto = IPPROTO_UDP};
	for (int i = 0; i < ARP_QUEUE_MAX + 49; i++)
		assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 10), &tx), 0);
	assert_int_equal(f->eth->stats.tx_dropped, 49);
	cap_flush();
	net_frame_input(f->eth, frame_arp(ARPOP_REPLY, our_mac, peer_mac, ip("10.0.0.1"), our_mac,
					  ip("10.0.0.2")));
	assert_int_equal(cap_count, ARP_QUEUE_MAX);
}

static void test_answers_requests_for_us_only(void **state)
{
	struct fx *f = *state;
	net_frame_input(f->eth, frame_arp(ARPOP_REQUEST, bc, peer_mac, ip("10.0.0.1"), zero,
					  ip("10.0.0.2")));
	struct pkt *p = cap_take();
	assert_non_null(p);
	assert_memory_equal(p->data, peer_mac, 6);
	uint8_t *a = p->data + 14;
	assert_int_equal(a[7], ARPOP_REPLY);
	assert_memory_equal(a + 8, our_mac, 6);
	assert_memory_equal(a + 18, peer_mac, 6);
	uint32_t sip = ip("10.0.0.2"), tip = ip("10.0.0.1");
	assert_memory_equal(a + 14, &sip, 4);
	assert_memory_equal(a + 24, &tip, 4);
	pkt_put(p);
	/* the requester was learned */
	assert_int_equal(state_of(f->ns, "10.0.0.1"), ARP_NUD_STALE);
	/* someone else's address: silence, nothing learned */
	net_frame_input(f->eth, frame_arp(ARPOP_REQUEST, bc, peer_mac, ip("10.0.0.3"), zero,
					  ip("10.0.0.4")));
	assert_int_equal(cap_count, 0);
	assert_int_equal(state_of(f->ns, "10.0.0.3"), 0);
	/* our loopback address is not answered on Ethernet */
	net_frame_input(f->eth, frame_arp(ARPOP_REQUEST, bc, peer_mac, ip("10.0.0.3"), zero,
					  ip("127.0.0.1")));
	assert_int_equal(cap_count, 0);
}

static void test_gratuitous_heard(void **state)
{
	struct fx *f = *state;
	const uint8_t new_mac[6] = {0x02, 0, 0, 0, 0, 0x99};
	/* unknown sender: not learned (arp_accept 0) */
	net_frame_input(f->eth, frame_arp(ARPOP_REQUEST, bc, new_mac, ip("10.0.0.7"), zero,
					  ip("10.0.0.7")));
	assert_int_equal(state_of(f->ns, "10.0.0.7"), 0);
	/* known sender: updated */
	assert_int_equal(arp_neigh_set(f->eth, ip("10.0.0.7"), peer_mac, false), 0);
	net_frame_input(f->eth, frame_arp(ARPOP_REQUEST, bc, new_mac, ip("10.0.0.7"), zero,
					  ip("10.0.0.7")));
	struct find fd = {.ip = ip("10.0.0.7")};
	arp_for_each(f->ns, find_fn, &fd);
	assert_true(fd.found);
	assert_memory_equal(fd.e.mac, new_mac, 6);
	assert_int_equal(fd.e.state, ARP_NUD_STALE);
	assert_int_equal(cap_count, 0);
	assert_int_equal(arp_neigh_del(f->eth, ip("10.0.0.7")), 0);
	assert_int_equal(arp_neigh_del(f->eth, ip("10.0.0.7")), -ENOENT);
}

static void test_malformed_counted(void **state)
{
	struct fx *f = *state;
	struct pkt *p = frame_arp(ARPOP_REQUEST, bc, peer_mac, ip("10.0.0.1"), zero, ip("10.0.0.2"));
	p->data[14 + 4] = 8; /* hlen 8 */
	net_frame_input(f->eth, p);
	p = frame_arp(9, bc, peer_mac, ip("10.0.0.1"), zero, ip("10.0.0.2"));
	net_frame_input(f->eth, p);
	p = frame_arp(ARPOP_REQUEST, bc, peer_mac, ip("10.0.0.1"), zero, ip("10.0.0.2"));
	pkt_trim(p, 14 + 20);
	net_frame_input(f->eth, p);
	/* a broadcast sender hardware address */
	net_frame_input(f->eth, frame_arp(ARPOP_REQUEST, bc, bc, ip("10.0.0.1"), zero,
					  ip("10.0.0.2")));
	assert_int_equal(f->ns->stats.arp_bad, 4);
	assert_int_equal(cap_count, 0);
}

static void test_iface_down_forgets(void **state)
{
	struct fx *f = *state;
	assert_int_equal(arp_neigh_set(f->eth, ip("10.0.0.1"), peer_mac, false), 0);
	struct ip4_tx tx = {.dst = ip("10.0.0.5"), .proto = IPPROTO_UDP};
	assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 10), &tx), 0);
	cap_flush();
	net_iface_set_up(f->eth, false);
	assert_int_equal(state_of(f->ns, "10.0.0.1"), 0);
	assert_int_equal(state_of(f->ns, "10.0.0.5"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_gratuitous_on_add_and_up, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_resolve_and_flush_queue, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failure_answers_sender, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pending_output_while_resolving, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_queue_bound, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_answers_requests_for_us_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gratuitous_heard, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_malformed_counted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_iface_down_forgets, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
