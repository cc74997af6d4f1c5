/* Unit tests for netstack/route.c: prefix routes following addresses and link state,
 * longest prefix match, metrics, gateways, on-link fallback with an output interface,
 * local and broadcast destinations, unreachable/prohibit/blackhole routes, deletion. */
#include "tests/unit/netstack/core_test.h"
#include <linux/rtnetlink.h>

struct fx {
	struct netns *ns;
	struct net_iface *eth0, *eth1;
	long pkts;
};

static int setup(void **state)
{
	static struct fx f;
	f.pkts = pkt_live;
	f.ns = ns_lo();
	f.eth0 = eth_add(f.ns, "eth0", "10.0.0.2", 24);
	f.eth1 = eth_add(f.ns, "eth1", "192.168.1.2", 16);
	cap_flush();
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

static int count_routes(struct netns *ns)
{
	int n = 0;
	struct net_route *r;
	list_for_each_entry(r, &ns->routes, link)
		n++;
	return n;
}

static struct net_route *find_route(struct netns *ns, const char *dst, int plen)
{
	struct net_route *r;
	list_for_each_entry(r, &ns->routes, link)
		if (r->dst == ip(dst) && r->prefixlen == plen)
			return r;
	return NULL;
}

static void test_prefix_routes_follow_addresses(void **state)
{
	struct fx *f = *state;
	struct net_route *r = find_route(f->ns, "10.0.0.0", 24);
	assert_non_null(r);
	assert_ptr_equal(r->iface, f->eth0);
	assert_int_equal(r->prefsrc, ip("10.0.0.2"));
	assert_int_equal(r->protocol, RTPROT_KERNEL);
	assert_int_equal(r->scope, RT_SCOPE_LINK);
	assert_non_null(find_route(f->ns, "192.168.0.0", 16));
	/* no prefix route for loopback (its prefix is local) nor for a /32 */
	assert_null(find_route(f->ns, "127.0.0.0", 8));
	assert_int_equal(net_addr_add(f->eth0, ip("10.9.9.9"), 32, 0, NULL), 0);
	assert_null(find_route(f->ns, "10.9.9.9", 32));
	assert_int_equal(count_routes(f->ns), 2);
	/* a secondary of the same prefix adds nothing; deleting it removes nothing */
	assert_int_equal(net_addr_add(f->eth0, ip("10.0.0.3"), 24, 0, NULL), 0);
	assert_int_equal(count_routes(f->ns), 2);
	assert_int_equal(net_addr_del(f->eth0, ip("10.0.0.3"), 24), 0);
	assert_non_null(find_route(f->ns, "10.0.0.0", 24));
	assert_int_equal(net_addr_del(f->eth0, ip("10.0.0.3"), 24), -EADDRNOTAVAIL);
	assert_int_equal(net_addr_add(f->eth0, ip("10.0.0.2"), 24, 0, NULL), -EEXIST);
	/* down flushes, up restores */
	net_iface_set_up(f->eth0, false);
	assert_null(find_route(f->ns, "10.0.0.0", 24));
	net_iface_set_up(f->eth0, true);
	assert_non_null(find_route(f->ns, "10.0.0.0", 24));
}

static void test_last_address_flushes_interface(void **state)
{
	struct fx *f = *state;
	struct net_route gw = {.prefixlen = 0, .gateway = ip("10.0.0.1"), .iface = f->eth0,
			       .protocol = RTPROT_BOOT, .type = RTN_UNICAST};
	assert_int_equal(net_route_add(f->ns, &gw), 0);
	assert_int_equal(net_route_add(f->ns, &gw), -EEXIST);
	assert_int_equal(net_addr_del(f->eth0, ip("10.0.0.2"), 24), 0);
	assert_null(find_route(f->ns, "10.0.0.0", 24));
	assert_null(find_route(f->ns, "0.0.0.0", 0)); /* as Linux: routes via eth0 went too */
	assert_non_null(find_route(f->ns, "192.168.0.0", 16));
}

static void test_lookup_choices(void **state)
{
	struct fx *f = *state;
	struct net_route_result rr;
	/* no default route yet */
	assert_int_equal(net_route_lookup(f->ns, ip("8.8.8.8"), NULL, &rr), -ENETUNREACH);
	struct net_route def = {.gateway = ip("10.0.0.1"), .iface = f->eth0, .metric = 100,
				.type = RTN_UNICAST};
	assert_int_equal(net_route_add(f->ns, &def), 0);
	struct net_route def2 = {.gateway = ip("192.168.0.1"), .iface = f->eth1, .metric = 50,
				 .type = RTN_UNICAST};
	assert_int_equal(net_route_add(f->ns, &def2), 0);
	/* lowest metric wins among equal prefixes */
	assert_int_equal(net_route_lookup(f->ns, ip("8.8.8.8"), NULL, &rr), 0);
	assert_ptr_equal(rr.iface, f->eth1);
	assert_int_equal(rr.nexthop, ip("192.168.0.1"));
	assert_int_equal(rr.src, ip("192.168.1.2"));
	/* longest prefix wins over the default */
	struct net_route host = {.dst = ip("8.8.8.8"), .prefixlen = 32, .gateway = ip("10.0.0.254"),
				 .iface = f->eth0, .type = RTN_UNICAST};
	assert_int_equal(net_route_add(f->ns, &host), 0);
	assert_int_equal(net_route_lookup(f->ns, ip("8.8.8.8"), NULL, &rr), 0);
	assert_ptr_equal(rr.iface, f->eth0);
	assert_int_equal(rr.nexthop, ip("10.0.0.254"));
	assert_int_equal(net_route_lookup(f->ns, ip("8.8.4.4"), NULL, &rr), 0);
	assert_ptr_equal(rr.iface, f->eth1);
	/* directly connected: the destination is the next hop */
	assert_int_equal(net_route_lookup(f->ns, ip("10.0.0.77"), NULL, &rr), 0);
	assert_int_equal(rr.nexthop, ip("10.0.0.77"));
	assert_false(rr.local || rr.broadcast);
	/* an output interface restricts the choice */
	assert_int_equal(net_route_lookup(f->ns, ip("8.8.4.4"), f->eth0, &rr), 0);
	assert_ptr_equal(rr.iface, f->eth0);
	assert_int_equal(rr.nexthop, ip("10.0.0.1"));
	/* deleting by destination, prefix and metric */
	struct net_route m = {.prefixlen = 0, .metric = 50};
	assert_int_equal(net_route_del(f->ns, &m), 0);
	assert_int_equal(net_route_del(f->ns, &m), -ESRCH);
	assert_int_equal(net_route_lookup(f->ns, ip("8.8.4.4"), NULL, &rr), 0);
	assert_ptr_equal(rr.iface, f->eth0);
}

static void test_on_link_with_oif(void **state)
{
	struct fx *f = *state;
	struct net_route_result rr;
	assert_int_equal(net_route_lookup(f->ns, ip("172.16.0.1"), NULL, &rr), -ENETUNREACH);
	/* Linux: with an output interface and no route, the destination is on link */
	assert_int_equal(net_route_lookup(f->ns, ip("172.16.0.1"), f->eth1, &rr), 0);
	assert_ptr_equal(rr.iface, f->eth1);
	assert_int_equal(rr.nexthop, ip("172.16.0.1"));
	assert_int_equal(rr.src, ip("192.168.1.2"));
	/* a down output interface */
	net_iface_set_up(f->eth1, false);
	assert_int_equal(net_route_lookup(f->ns, ip("172.16.0.1"), f->eth1, &rr), -ENETUNREACH);
}

static void test_local_and_broadcast(void **state)
{
	struct fx *f = *state;
	struct net_route_result rr;
	/* our own addresses, any of 127/8, 0.0.0.0: through loopback; the source is the
	 * address itself, or for the rest of 127/8 lo's 127.0.0.1 (Linux's "local
	 * 127.0.0.0/8 dev lo src 127.0.0.1") */
	static const char *const locals[] = {"10.0.0.2", "192.168.1.2", "127.0.0.1", "127.1.2.3"};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(net_route_lookup(f->ns, ip(locals[i]), NULL, &rr), 0);
		assert_true(rr.local);
		assert_ptr_equal(rr.iface, f->ns->lo);
		/* 127.1.2.3 from its prefix route's source, as Linux */
		assert_int_equal(rr.src, i == 3 ? ip("127.0.0.1") : ip(locals[i]));
		assert_int_equal(rr.mtu, 65536);
	}
	assert_int_equal(net_route_lookup(f->ns, 0, NULL, &rr), 0);
	assert_true(rr.local);
	assert_int_equal(rr.nexthop, ip("127.0.0.1"));
	/* directed and limited broadcasts */
	assert_int_equal(net_route_lookup(f->ns, ip("10.0.0.255"), NULL, &rr), 0);
	assert_true(rr.broadcast);
	assert_ptr_equal(rr.iface, f->eth0);
	assert_int_equal(net_route_lookup(f->ns, ip("255.255.255.255"), f->eth1, &rr), 0);
	assert_true(rr.broadcast);
	assert_ptr_equal(rr.iface, f->eth1);
	assert_true(net_addr_is_local(f->ns, ip("192.168.255.255")));
	/* lo's prefix has its broadcast too (Linux's local table), with no brd configured */
	assert_int_equal(net_route_lookup(f->ns, ip("127.255.255.255"), NULL, &rr), 0);
	assert_true(rr.broadcast);
	assert_ptr_equal(rr.iface, f->ns->lo);
	assert_false(net_addr_is_local(f->ns, ip("10.0.0.3")));
	/* an interface down: its address stays local (Linux keeps its host-scope local
	 * route: bind(2) works, traffic to it goes through lo), its broadcast does not */
	assert_true(net_addr_is_local(f->ns, ip("10.0.0.255")));
	net_iface_set_up(f->eth0, false);
	assert_true(net_addr_is_local(f->ns, ip("10.0.0.2")));
	assert_false(net_addr_is_local(f->ns, ip("10.0.0.255")));
	assert_int_equal(net_route_lookup(f->ns, ip("10.0.0.2"), NULL, &rr), 0);
	assert_true(rr.local);
	/* lo down: nothing is local */
	net_iface_set_up(f->ns->lo, false);
	assert_int_equal(net_route_lookup(f->ns, ip("127.0.0.1"), NULL, &rr), -ENETUNREACH);
}

static void test_route_types(void **state)
{
	struct fx *f = *state;
	struct net_route_result rr;
	struct net_route r = {.dst = ip("203.0.113.0"), .prefixlen = 24, .type = RTN_UNREACHABLE};
	assert_int_equal(net_route_add(f->ns, &r), 0);
	assert_int_equal(net_route_lookup(f->ns, ip("203.0.113.5"), NULL, &rr), -EHOSTUNREACH);
	r = (struct net_route){.dst = ip("198.51.100.0"), .prefixlen = 24, .type = RTN_PROHIBIT};
	assert_int_equal(net_route_add(f->ns, &r), 0);
	assert_int_equal(net_route_lookup(f->ns, ip("198.51.100.5"), NULL, &rr), -EACCES);
	r = (struct net_route){.dst = ip("192.0.2.0"), .prefixlen = 24, .type = RTN_BLACKHOLE};
	assert_int_equal(net_route_add(f->ns, &r), 0);
	assert_int_equal(net_route_lookup(f->ns, ip("192.0.2.5"), NULL, &rr), -EINVAL);
	/* a unicast route needs an interface; a prefix beyond 32 is refused */
	r = (struct net_route){.dst = ip("1.0.0.0"), .prefixlen = 8, .type = RTN_UNICAST};
	assert_int_equal(net_route_add(f->ns, &r), -EINVAL);
	r.prefixlen = 33;
	r.iface = f->eth0;
	assert_int_equal(net_route_add(f->ns, &r), -EINVAL);
	/* the destination is stored masked */
	r = (struct net_route){.dst = ip("10.1.2.3"), .prefixlen = 16, .iface = f->eth0,
			       .type = RTN_UNICAST};
	assert_int_equal(net_route_add(f->ns, &r), 0);
	assert_non_null(find_route(f->ns, "10.1.0.0", 16));
	assert_int_equal(route_mask_to_prefix(ip("255.255.240.0")), 20);
	assert_int_equal(route_mask_to_prefix(ip("255.0.255.0")), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_prefix_routes_follow_addresses, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_last_address_flushes_interface, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lookup_choices, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_on_link_with_oif, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_local_and_broadcast, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_route_types, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
