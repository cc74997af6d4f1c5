/* Unit tests for netstack/netdev_ioctl.c through a socket file's ioctl (the test's own
 * memory stands for the guest's): SIOCGIFCONF (sizing and filling), names and indexes,
 * flags, MTU, hardware address, addresses and netmasks by label, CAP_NET_ADMIN for the
 * setters, errors, and the family ioctls still reached. */
#include "tests/unit/netstack/core_test.h"
#include <linux/capability.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <net/route.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "netstack/netdev_ioctl.h"
#include "netstack/socket.h"
#include "platform/guest_mem.h"
#include "vfs/file.h"

/* Archive members reached only through weak references are not linked: name them. */
extern const struct net_family_ops net_unix_family;
static long (*const netdev_ioctl_linked)(const struct vfs_ctx *, unsigned, uint64_t) = netdev_ioctl;
static const struct net_family_ops *const unix_linked = &net_unix_family;

struct fx {
	struct netns *ns;
	struct net_iface *eth;
	struct guest_mem mem;
	struct vfs_cred cred;
	struct vfs_ctx c;
	struct vfs_file *f;
	long pkts;
};

static int setup(void **state)
{
	static struct fx f;
	memset(&f, 0, sizeof(f));
	f.pkts = pkt_live;
	assert_non_null(netdev_ioctl_linked);
	assert_non_null(unix_linked);
	f.ns = ns_lo();
	net_set_current_ns(f.ns);
	netns_put(f.ns);
	f.eth = eth_add(f.ns, "eth0", "10.0.0.2", 24);
	cap_flush();
	guest_mem_init(&f.mem, getpid());
	f.cred.cap_effective = 1ULL << CAP_NET_ADMIN;
	f.c.cred = &f.cred;
	f.c.mem = &f.mem;
	struct net_socket *s;
	assert_int_equal(net_socket_create(AF_UNIX, SOCK_DGRAM, 0, &s), 0);
	f.f = net_socket_file_new(s, 0);
	assert_non_null(f.f);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	vfs_file_put(f->f);
	guest_mem_release(&f->mem);
	net_set_current_ns(NULL);
	run_now();
	leak_check(f->pkts);
	return 0;
}

static long ioc(struct fx *f, unsigned cmd, void *arg)
{
	return f->f->ops->ioctl(f->f, &f->c, cmd, (uint64_t)(uintptr_t)arg);
}

static struct ifreq req(const char *name)
{
	struct ifreq q;
	memset(&q, 0, sizeof(q));
	snprintf(q.ifr_name, IFNAMSIZ, "%s", name);
	return q;
}

static uint32_t sin_addr(const struct sockaddr *sa)
{
	struct sockaddr_in sin;
	memcpy(&sin, sa, sizeof(sin));
	assert_int_equal(sin.sin_family, AF_INET);
	return sin.sin_addr.s_addr;
}

static void test_ifconf(void **state)
{
	struct fx *f = *state;
	struct ifconf ic = {.ifc_len = 0, .ifc_buf = NULL};
	assert_int_equal(ioc(f, SIOCGIFCONF, &ic), 0);
	assert_int_equal(ic.ifc_len, 2 * (int)sizeof(struct ifreq));
	struct ifreq r[4];
	ic.ifc_len = sizeof(r);
	ic.ifc_req = r;
	assert_int_equal(ioc(f, SIOCGIFCONF, &ic), 0);
	assert_int_equal(ic.ifc_len, 2 * (int)sizeof(struct ifreq));
	assert_string_equal(r[0].ifr_name, "lo");
	assert_int_equal(sin_addr(&r[0].ifr_addr), ip("127.0.0.1"));
	assert_string_equal(r[1].ifr_name, "eth0");
	assert_int_equal(sin_addr(&r[1].ifr_addr), ip("10.0.0.2"));
	/* room for one only */
	ic.ifc_len = sizeof(struct ifreq) + 3;
	assert_int_equal(ioc(f, SIOCGIFCONF, &ic), 0);
	assert_int_equal(ic.ifc_len, (int)sizeof(struct ifreq));
	/* a bad buffer */
	ic.ifc_len = sizeof(r);
	ic.ifc_buf = (char *)8;
	assert_int_equal(ioc(f, SIOCGIFCONF, &ic), -EFAULT);
	assert_int_equal(ioc(f, SIOCGIFCONF, (void *)8), -EFAULT);
}

static void test_get(void **state)
{
	struct fx *f = *state;
	struct ifreq q = req("eth0");
	assert_int_equal(ioc(f, SIOCGIFINDEX, &q), 0);
	assert_int_equal(q.ifr_ifindex, 2);
	q = req("");
	q.ifr_ifindex = 1;
	assert_int_equal(ioc(f, SIOCGIFNAME, &q), 0);
	assert_string_equal(q.ifr_name, "lo");
	q.ifr_ifindex = 99;
	assert_int_equal(ioc(f, SIOCGIFNAME, &q), -ENODEV);
	q = req("eth0");
	assert_int_equal(ioc(f, SIOCGIFFLAGS, &q), 0);
	assert_int_equal(q.ifr_flags & (IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST),
			 IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST);
	assert_int_equal(ioc(f, SIOCGIFMTU, &q), 0);
	assert_int_equal(q.ifr_mtu, 1500);
	assert_int_equal(ioc(f, SIOCGIFHWADDR, &q), 0);
	assert_int_equal(q.ifr_hwaddr.sa_family, ARPHRD_ETHER);
	assert_memory_equal(q.ifr_hwaddr.sa_data, our_mac, 6);
	assert_int_equal(ioc(f, SIOCGIFTXQLEN, &q), 0);
	assert_int_equal(q.ifr_qlen, 1000);
	assert_int_equal(ioc(f, SIOCGIFADDR, &q), 0);
	assert_int_equal(sin_addr(&q.ifr_addr), ip("10.0.0.2"));
	assert_int_equal(ioc(f, SIOCGIFNETMASK, &q), 0);
	assert_int_equal(sin_addr(&q.ifr_netmask), ip("255.255.255.0"));
	assert_int_equal(ioc(f, SIOCGIFBRDADDR, &q), 0);
	assert_int_equal(sin_addr(&q.ifr_broadaddr), ip("10.0.0.255"));
	q = req("lo");
	assert_int_equal(ioc(f, SIOCGIFHWADDR, &q), 0);
	assert_int_equal(q.ifr_hwaddr.sa_family, ARPHRD_LOOPBACK);
	q = req("nope0");
	assert_int_equal(ioc(f, SIOCGIFFLAGS, &q), -ENODEV);
	q = req("eth0:7");
	assert_int_equal(ioc(f, SIOCGIFADDR, &q), -EADDRNOTAVAIL);
	/* FIONREAD still reaches the family (an empty datagram socket: 0) */
	int n = -1;
	assert_int_equal(ioc(f, FIONREAD, &n), 0);
	assert_int_equal(n, 0);
}

static void test_set(void **state)
{
	struct fx *f = *state;
	struct ifreq q = req("eth0:1");
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = ip("172.20.1.5")};
	memcpy(&q.ifr_addr, &sin, sizeof(sin));
	assert_int_equal(ioc(f, SIOCSIFADDR, &q), 0);
	/* classful: 172.20/16 */
	assert_int_equal(ioc(f, SIOCGIFNETMASK, &q), 0);
	assert_int_equal(sin_addr(&q.ifr_netmask), ip("255.255.0.0"));
	sin.sin_addr.s_addr = ip("255.255.255.192");
	memcpy(&q.ifr_netmask, &sin, sizeof(sin));
	assert_int_equal(ioc(f, SIOCSIFNETMASK, &q), 0);
	assert_int_equal(ioc(f, SIOCGIFBRDADDR, &q), 0);
	assert_int_equal(sin_addr(&q.ifr_broadaddr), ip("172.20.1.63"));
	sin.sin_addr.s_addr = ip("255.0.255.0");
	memcpy(&q.ifr_netmask, &sin, sizeof(sin));
	assert_int_equal(ioc(f, SIOCSIFNETMASK, &q), -EINVAL);
	struct net_route_result rr;
	assert_int_equal(net_route_lookup(f->ns, ip("172.20.1.9"), NULL, &rr), 0);
	assert_ptr_equal(rr.iface, f->eth);
	/* 0.0.0.0 deletes the label's address */
	sin.sin_addr.s_addr = 0;
	memcpy(&q.ifr_addr, &sin, sizeof(sin));
	assert_int_equal(ioc(f, SIOCSIFADDR, &q), 0);
	assert_int_equal(ioc(f, SIOCGIFADDR, &q), -EADDRNOTAVAIL);
	/* MTU and flags */
	q = req("eth0");
	q.ifr_mtu = 9000;
	assert_int_equal(ioc(f, SIOCSIFMTU, &q), 0);
	assert_int_equal(f->eth->mtu, 9000);
	q.ifr_mtu = 10;
	assert_int_equal(ioc(f, SIOCSIFMTU, &q), -EINVAL);
	q.ifr_flags = 0;
	assert_int_equal(ioc(f, SIOCSIFFLAGS, &q), 0);
	assert_false(f->eth->flags & IFF_UP);
	q.ifr_flags = IFF_UP;
	assert_int_equal(ioc(f, SIOCSIFFLAGS, &q), 0);
	assert_true(f->eth->flags & IFF_UP);
	cap_flush();
	/* without CAP_NET_ADMIN */
	f->cred.cap_effective = 0;
	q.ifr_flags = 0;
	assert_int_equal(ioc(f, SIOCSIFFLAGS, &q), -EPERM);
	q.ifr_mtu = 1400;
	assert_int_equal(ioc(f, SIOCSIFMTU, &q), -EPERM);
	assert_true(f->eth->flags & IFF_UP);
	assert_int_equal(ioc(f, SIOCGIFMTU, &q), 0); /* getters need nothing */
}

static void test_route_and_arp(void **state)
{
	struct fx *f = *state;
	struct rtentry rt;
	memset(&rt, 0, sizeof(rt));
	struct sockaddr_in dst = {.sin_family = AF_INET}, gw = {.sin_family = AF_INET,
							       .sin_addr.s_addr = ip("10.0.0.1")};
	memcpy(&rt.rt_dst, &dst, sizeof(dst));
	memcpy(&rt.rt_genmask, &dst, sizeof(dst));
	memcpy(&rt.rt_gateway, &gw, sizeof(gw));
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	/* route add default gw 10.0.0.1: the interface comes from the gateway's route */
	assert_int_equal(ioc(f, SIOCADDRT, &rt), 0);
	struct net_route_result rr;
	assert_int_equal(net_route_lookup(f->ns, ip("8.8.8.8"), NULL, &rr), 0);
	assert_ptr_equal(rr.iface, f->eth);
	assert_int_equal(rr.nexthop, ip("10.0.0.1"));
	assert_int_equal(ioc(f, SIOCADDRT, &rt), -EEXIST);
	/* an off-link gateway */
	gw.sin_addr.s_addr = ip("172.16.0.1");
	memcpy(&rt.rt_gateway, &gw, sizeof(gw));
	rt.rt_metric = 5;
	assert_int_equal(ioc(f, SIOCADDRT, &rt), -ENETUNREACH);
	/* a host route on a named device; a mask that does not fit the destination */
	struct rtentry h;
	memset(&h, 0, sizeof(h));
	dst.sin_addr.s_addr = ip("192.0.2.7");
	memcpy(&h.rt_dst, &dst, sizeof(dst));
	h.rt_flags = RTF_UP | RTF_HOST;
	static char dev[] = "eth0";
	h.rt_dev = dev;
	assert_int_equal(ioc(f, SIOCADDRT, &h), 0);
	assert_int_equal(net_route_lookup(f->ns, ip("192.0.2.7"), NULL, &rr), 0);
	assert_int_equal(rr.nexthop, ip("192.0.2.7"));
	h.rt_flags = RTF_UP;
	struct sockaddr_in m = {.sin_family = AF_INET, .sin_addr.s_addr = ip("255.255.255.0")};
	memcpy(&h.rt_genmask, &m, sizeof(m));
	assert_int_equal(ioc(f, SIOCADDRT, &h), -EINVAL);
	/* route del default: the gateway must match (ESRCH), then it goes */
	rt.rt_metric = 0;
	assert_int_equal(ioc(f, SIOCDELRT, &rt), -ESRCH);
	gw.sin_addr.s_addr = ip("10.0.0.1");
	memcpy(&rt.rt_gateway, &gw, sizeof(gw));
	assert_int_equal(ioc(f, SIOCDELRT, &rt), 0);
	assert_int_equal(net_route_lookup(f->ns, ip("8.8.8.8"), NULL, &rr), -ENETUNREACH);

	/* arp -s 10.0.0.9 02:..:09 and back */
	struct arpreq ar;
	memset(&ar, 0, sizeof(ar));
	struct sockaddr_in pa = {.sin_family = AF_INET, .sin_addr.s_addr = ip("10.0.0.9")};
	memcpy(&ar.arp_pa, &pa, sizeof(pa));
	ar.arp_ha.sa_family = ARPHRD_ETHER;
	memcpy(ar.arp_ha.sa_data, "\x02\0\0\0\0\x09", 6);
	ar.arp_flags = ATF_PERM;
	assert_int_equal(ioc(f, SIOCSARP, &ar), 0);
	memset(&ar.arp_ha, 0, sizeof(ar.arp_ha));
	ar.arp_flags = 0;
	assert_int_equal(ioc(f, SIOCGARP, &ar), 0);
	assert_memory_equal(ar.arp_ha.sa_data, "\x02\0\0\0\0\x09", 6);
	assert_int_equal(ar.arp_flags, ATF_COM | ATF_PERM);
	assert_string_equal(ar.arp_dev, "eth0");
	assert_int_equal(ioc(f, SIOCDARP, &ar), 0);
	assert_int_equal(ioc(f, SIOCGARP, &ar), -ENXIO);
	assert_int_equal(ioc(f, SIOCDARP, &ar), -ENXIO);
	/* setters need CAP_NET_ADMIN, before anything else (as Linux) */
	f->cred.cap_effective = 0;
	assert_int_equal(ioc(f, SIOCADDRT, &rt), -EPERM);
	assert_int_equal(ioc(f, SIOCSARP, &ar), -EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ifconf, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_get, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_set, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_route_and_arp, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
