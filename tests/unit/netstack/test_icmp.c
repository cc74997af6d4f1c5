/* Unit tests for netstack/icmp.c: echo replies (and icmp_echo_ignore_all, broadcasts),
 * errors handed to the transport of the quoted datagram, malformed ICMP counted, no
 * error about an error, and the rate limit. Every test ends with no packet alive. */
#include "tests/unit/netstack/core_test.h"

static int udp_err, tcp_err, ping_err, ping_in;
static struct ip4_icmp_err last;
void udp_v4_icmp_error(struct netns *ns, const struct ip4_icmp_err *e)
{
	udp_err++;
	last = *e;
}
void tcp_v4_icmp_error(struct netns *ns, const struct ip4_icmp_err *e)
{
	tcp_err++;
	last = *e;
}
void ping_v4_icmp_error(struct netns *ns, const struct ip4_icmp_err *e)
{
	ping_err++;
}
void ping_v4_input(struct netns *ns, struct pkt *p, const struct ip4_rx *rx)
{
	ping_in++;
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
	udp_err = tcp_err = ping_err = ping_in = 0;
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

static void test_echo_reply(void **state)
{
	struct fx *f = *state;
	net_frame_input(f->eth, frame_echo(ip("10.0.0.1"), ip("10.0.0.2"), 0x4242, 56));
	struct pkt *p = cap_take();
	assert_non_null(p);
	struct iphdr *h = frame_ip(p);
	assert_int_equal(h->saddr, ip("10.0.0.2"));
	assert_int_equal(h->daddr, ip("10.0.0.1"));
	assert_int_equal(ntohs(h->tot_len), 20 + 8 + 56);
	struct icmphdr *ic = (struct icmphdr *)(p->data + 34);
	assert_int_equal(ic->type, ICMP_ECHOREPLY);
	assert_int_equal(ntohs(ic->un.echo.id), 0x4242);
	assert_int_equal(inet_csum_fold(inet_csum_add(0, ic, 64)), 0);
	for (int i = 0; i < 56; i++)
		assert_int_equal(p->data[42 + i], (uint8_t)i);
	pkt_put(p);
	assert_int_equal(f->ns->stats.icmp_in_type[ICMP_ECHO], 1);
	assert_int_equal(f->ns->stats.icmp_out_type[ICMP_ECHOREPLY], 1);
	/* ignored when asked, and for broadcasts */
	f->ns->sysctl.icmp_echo_ignore_all = 1;
	net_frame_input(f->eth, frame_echo(ip("10.0.0.1"), ip("10.0.0.2"), 1, 8));
	assert_int_equal(cap_count, 0);
	f->ns->sysctl.icmp_echo_ignore_all = 0;
	net_frame_input(f->eth, frame_echo(ip("10.0.0.1"), ip("10.0.0.255"), 1, 8));
	assert_int_equal(cap_count, 0);
	/* a bad checksum is counted */
	struct pkt *bad = frame_echo(ip("10.0.0.1"), ip("10.0.0.2"), 1, 8);
	bad->data[40] ^= 0xff;
	net_frame_input(f->eth, bad);
	assert_int_equal(f->ns->stats.icmp_in_csum_errors, 1);
	assert_int_equal(cap_count, 0);
}

static void test_local_echo_through_loopback(void **state)
{
	struct fx *f = *state;
	/* an echo to ourselves: request and reply both cross loopback; the reply goes to
	 * ping sockets */
	struct pkt *p = frame_echo(0, 0, 7, 8);
	pkt_pull(p, 34);
	struct ip4_tx tx = {.dst = ip("127.0.0.1"), .proto = IPPROTO_ICMP};
	assert_int_equal(ip4_output(f->ns, p, &tx), 0);
	run_now();
	assert_int_equal(ping_in, 1);
	assert_int_equal(cap_count, 0);
}

/* An ICMP error frame from 10.0.0.1 quoting a datagram 10.0.0.2 -> 10.0.0.1 of @proto. */
static struct pkt *frame_error(int type, int code, uint8_t proto, uint16_t mtu, size_t l4len)
{
	uint8_t b[200];
	memset(b, 0, sizeof(b));
	build_eth(b, our_mac, peer_mac, ETH_P_IP);
	uint8_t *ic = b + 34;
	ic[0] = (uint8_t)type;
	ic[1] = (uint8_t)code;
	uint16_t m = htons(mtu);
	memcpy(ic + 6, &m, 2);
	build_ip(ic + 8, ip("10.0.0.2"), ip("10.0.0.1"), proto, 100, 5, 0);
	for (size_t i = 0; i < l4len; i++)
		ic[28 + i] = (uint8_t)(0x10 + i);
	if (proto == IPPROTO_ICMP)
		ic[28] = ICMP_ECHO;
	size_t icl = 8 + 20 + l4len;
	uint16_t c = inet_csum_fold(inet_csum_add(0, ic, icl));
	memcpy(ic + 2, &c, 2);
	build_ip(b + 14, ip("10.0.0.1"), ip("10.0.0.2"), IPPROTO_ICMP, icl, 9, 0);
	return pkt_from(b, 34 + icl);
}

static void test_errors_dispatched(void **state)
{
	struct fx *f = *state;
	net_frame_input(f->eth, frame_error(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, IPPROTO_UDP, 0, 8));
	assert_int_equal(udp_err, 1);
	assert_int_equal(last.type, ICMP_DEST_UNREACH);
	assert_int_equal(last.code, ICMP_PORT_UNREACH);
	assert_int_equal(last.from, ip("10.0.0.1"));
	assert_int_equal(last.inner->daddr, ip("10.0.0.1"));
	assert_int_equal(last.l4len, 8);
	assert_int_equal(last.l4[0], 0x10);
	net_frame_input(f->eth, frame_error(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, IPPROTO_TCP, 1400, 20));
	assert_int_equal(tcp_err, 1);
	assert_int_equal(last.info, 1400);
	net_frame_input(f->eth, frame_error(ICMP_TIME_EXCEEDED, 0, IPPROTO_ICMP, 0, 8));
	assert_int_equal(ping_err, 1);
	/* quoting fewer than 8 bytes of the transport: counted, not dispatched */
	net_frame_input(f->eth, frame_error(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, IPPROTO_UDP, 0, 4));
	assert_int_equal(udp_err, 1);
	assert_int_equal(f->ns->stats.icmp_in_errors, 1);
	/* errors are never answered */
	assert_int_equal(cap_count, 0);
	/* a truncated ICMP header */
	struct pkt *p = frame_error(ICMP_DEST_UNREACH, 0, IPPROTO_UDP, 0, 8);
	struct iphdr *h = frame_ip(p);
	h->tot_len = htons(20 + 4);
	h->check = 0;
	h->check = inet_csum_fold(inet_csum_add(0, h, 20));
	net_frame_input(f->eth, p);
	assert_int_equal(f->ns->stats.icmp_in_errors, 2);
}

static void test_no_error_about_error_and_rate_limit(void **state)
{
	struct fx *f = *state;
	/* an unknown protocol inside an error-looking packet still gets one answer; an
	 * ICMP error carried in a datagram we must answer never does */
	struct pkt *orig = frame_error(ICMP_DEST_UNREACH, 0, IPPROTO_UDP, 0, 8);
	pkt_pull(orig, 14);
	orig->nh = orig->data;
	icmp_send_error(f->ns, orig, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	assert_int_equal(cap_count, 0);
	pkt_put(orig);
	/* a burst of protocol-unreachables to one peer: the per-destination bucket (6) */
	for (int i = 0; i < 20; i++) {
		uint8_t b[64];
		memset(b, 0, sizeof(b));
		build_eth(b, our_mac, peer_mac, ETH_P_IP);
		build_ip(b + 14, ip("10.0.0.1"), ip("10.0.0.2"), 254, 8, (uint16_t)i, 0);
		net_frame_input(f->eth, pkt_from(b, 42));
	}
	assert_int_equal(cap_count, 6);
	assert_int_equal(f->ns->stats.icmp_out_ratelimit_host, 14);
	cap_flush();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_echo_reply, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_local_echo_through_loopback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_errors_dispatched, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_error_about_error_and_rate_limit, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
