/* Unit tests for netstack/bridge.c: three hosts in namespaces of their own, each on a veth
 * whose other end is a port of a bridge in a fourth namespace that has an address of its
 * own (the docker0 model). Broadcasts (ARP) are flooded, sources learnt, known unicast
 * goes out of one port only, an aged FDB floods again, the bridge answers for itself,
 * the carrier and MAC follow the ports, ports leave with their interface, and the
 * refusals of br_add_if. Every test ends with no packet alive. */
#include "tests/unit/netstack/core_test.h"
#include "netstack/bridge.h"
#include "netstack/veth.h"

static int got;
static struct netns *last_ns;
void udp_v4_input(struct netns *ns, struct pkt *p, const struct ip4_rx *rx)
{
	got++;
	last_ns = ns;
	pkt_put(p);
}

struct lan {
	struct netns *r, *h[3];
	struct net_iface *br, *port[3], *eth[3];
};

static void lan_up(struct lan *l)
{
	char pn[8], en[8], a[16];
	l->r = ns_lo();
	assert_int_equal(bridge_create(l->r, "br0", &l->br), 0);
	assert_int_equal(net_addr_add(l->br, ip("10.9.0.254"), 24, 0, NULL), 0);
	net_iface_set_up(l->br, true);
	assert_true(l->br->flags & IFF_LOWER_UP); /* no port ever: carrier on, as Linux */
	for (int i = 0; i < 3; i++) {
		l->h[i] = ns_lo();
		snprintf(pn, sizeof(pn), "v%d", i);
		snprintf(en, sizeof(en), "e%d", i);
		snprintf(a, sizeof(a), "10.9.0.%d", i + 1);
		assert_int_equal(veth_create(l->r, pn, l->h[i], en, &l->port[i], &l->eth[i]), 0);
		assert_int_equal(bridge_port_add(l->br, l->port[i]), 0);
		assert_ptr_equal(l->port[i]->master, l->br);
		net_iface_set_up(l->port[i], true);
		assert_int_equal(net_addr_add(l->eth[i], ip(a), 24, 0, NULL), 0);
		net_iface_set_up(l->eth[i], true);
	}
	run_now(); /* gratuitous ARPs */
	assert_true(l->br->flags & IFF_LOWER_UP);
}

static void lan_down(struct lan *l)
{
	for (int i = 0; i < 3; i++)
		netns_put(l->h[i]);
	netns_put(l->r);
}

static int udp_to(struct netns *from, const char *dst)
{
	struct ip4_tx tx = {.dst = ip(dst), .proto = IPPROTO_UDP};
	return ip4_output(from, udp_payload(0, 0, 50), &tx);
}

static void test_switching(void **state)
{
	long pkts = pkt_live;
	struct lan l;
	lan_up(&l);
	/* host 0 -> host 1: ARP flooded (host 2 hears it), then unicast to host 1 only */
	got = 0;
	assert_int_equal(udp_to(l.h[0], "10.9.0.2"), 0);
	run_now();
	assert_int_equal(got, 1);
	assert_ptr_equal(last_ns, l.h[1]);
	uint64_t third = l.eth[2]->stats.rx_packets;
	assert_int_equal(udp_to(l.h[0], "10.9.0.2"), 0);
	assert_int_equal(udp_to(l.h[1], "10.9.0.1"), 0);
	run_now();
	assert_int_equal(got, 3);
	assert_int_equal(l.eth[2]->stats.rx_packets, third); /* learnt: not flooded */
	/* the bridge's own address, from a host and to a host */
	assert_int_equal(udp_to(l.h[2], "10.9.0.254"), 0);
	run_now();
	assert_int_equal(got, 4);
	assert_ptr_equal(last_ns, l.r);
	assert_int_equal(udp_to(l.r, "10.9.0.3"), 0);
	run_now();
	assert_int_equal(got, 5);
	assert_ptr_equal(last_ns, l.h[2]);
	/* an FDB whose entries have aged floods known unicast again */
	bridge_set_ageing_cs(l.br, 0);
	third = l.eth[2]->stats.rx_packets;
	assert_int_equal(udp_to(l.h[0], "10.9.0.2"), 0);
	run_now();
	assert_int_equal(got, 6);
	assert_true(l.eth[2]->stats.rx_packets > third); /* flooded (and dropped there) */
	/* a port with unknown-unicast flooding off hears no such flood; broadcasts still */
	struct bridge_port_cfg *c2 = bridge_port_cfg(l.port[2]);
	assert_non_null(c2);
	assert_true(c2->learning && c2->flood && !c2->hairpin);
	c2->flood = false;
	bridge_port_cfg_changed(l.port[2]);
	third = l.eth[2]->stats.rx_packets;
	assert_int_equal(udp_to(l.h[0], "10.9.0.2"), 0);
	run_now();
	assert_int_equal(got, 7);
	assert_int_equal(l.eth[2]->stats.rx_packets, third);
	assert_null(bridge_port_cfg(l.r->lo));
	lan_down(&l);
	leak_check(pkts);
}

static void test_ports(void **state)
{
	long pkts = pkt_live;
	struct lan l;
	lan_up(&l);
	/* the bridge took its lowest port MAC */
	const uint8_t *min = l.port[0]->hwaddr;
	for (int i = 1; i < 3; i++)
		if (memcmp(l.port[i]->hwaddr, min, 6) < 0)
			min = l.port[i]->hwaddr;
	assert_memory_equal(l.br->hwaddr, min, 6);
	/* br_add_if's refusals */
	struct net_iface *br2;
	assert_int_equal(bridge_create(l.r, NULL, &br2), 0);
	assert_false(bridge_has_ports(br2));
	assert_true(bridge_has_ports(l.br));
	assert_string_equal(br2->name, "bridge0");
	assert_int_equal(bridge_port_add(br2, l.port[0]), -EBUSY);
	assert_int_equal(bridge_port_add(l.br, br2), -ELOOP);
	assert_int_equal(bridge_port_add(br2, l.r->lo), -EINVAL);
	assert_int_equal(bridge_port_add(l.br, l.port[0]), 0); /* already: nothing */
	/* carrier: on while a port forwards */
	for (int i = 0; i < 3; i++)
		net_iface_set_up(l.eth[i], false);
	assert_false(l.br->flags & IFF_LOWER_UP);
	net_iface_set_up(l.eth[1], true);
	assert_true(l.br->flags & IFF_LOWER_UP);
	/* a port that goes (its peer's namespace dies) leaves the bridge */
	netns_put(l.h[1]);
	l.h[1] = ns_lo();
	assert_null(net_iface_by_name(l.r, "v1"));
	assert_false(l.br->flags & IFF_LOWER_UP);
	/* nomaster, then the bridge goes: its ports stay, free */
	bridge_port_del(l.port[2]);
	assert_null(l.port[2]->master);
	net_iface_remove(l.br);
	assert_null(l.port[0]->master);
	assert_null(l.port[0]->port);
	lan_down(&l);
	leak_check(pkts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_switching),
	    cmocka_unit_test(test_ports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
