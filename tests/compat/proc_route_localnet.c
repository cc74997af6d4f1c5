/* proc_route_localnet.c - /proc/sys/net/ipv4/conf/<dev>/ (one directory per interface of
 * the caller's network namespace, renamed with it) and route_localnet: a socket bound to
 * 127.0.0.1 cannot send out of a non-loopback interface (sendto and TCP connect say
 * EINVAL) until route_localnet is 1 on that interface or in conf/all; conf/default is what
 * a new interface starts with. dockerd --userland-proxy=false writes conf/docker0/
 * route_localnet for its DNAT of 127.0.0.1:PORT. Runs in a network namespace of its own,
 * on a veth pair made through rtnetlink. */
/* syscalls: unshare socket sendto connect bind open read write */
#include "tap.h"
#include "ns_util.h"
#include <dirent.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#define CONF "/proc/sys/net/ipv4/conf/"

struct nlreq {
	struct nlmsghdr h;
	struct ifinfomsg i;
	char buf[256];
};

static struct rtattr *rta_add(struct nlmsghdr *h, int type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));
	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void rta_end(struct nlmsghdr *h, struct rtattr *a)
{
	a->rta_len = (unsigned short)((char *)h + h->nlmsg_len - (char *)a);
}

/* ip link add @a type veth peer name @b. Returns 0 or -errno. */
static int make_veth(const char *a, const char *b)
{
	struct nlreq r = {
	    .h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
		  .nlmsg_type = RTM_NEWLINK,
		  .nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK}};
	rta_add(&r.h, IFLA_IFNAME, a, strlen(a) + 1);
	struct rtattr *li = rta_add(&r.h, IFLA_LINKINFO, NULL, 0);
	rta_add(&r.h, IFLA_INFO_KIND, "veth", 4);
	struct rtattr *data = rta_add(&r.h, IFLA_INFO_DATA, NULL, 0);
	struct rtattr *peer = rta_add(&r.h, VETH_INFO_PEER, NULL, 0);
	r.h.nlmsg_len += sizeof(struct ifinfomsg);
	rta_add(&r.h, IFLA_IFNAME, b, strlen(b) + 1);
	rta_end(&r.h, peer);
	rta_end(&r.h, data);
	rta_end(&r.h, li);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	char ans[512];
	if (fd < 0 || send(fd, &r, r.h.nlmsg_len, 0) < 0 || recv(fd, ans, sizeof(ans), 0) < 0)
		return -errno;
	close(fd);
	struct nlmsgerr *e = NLMSG_DATA((struct nlmsghdr *)ans);
	return ((struct nlmsghdr *)ans)->nlmsg_type == NLMSG_ERROR ? e->error : -EPROTO;
}

/* ifconfig @name @addr up (or just up when @addr is NULL), through ioctls. */
static int if_up(const char *name, const char *addr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (addr) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
		sin->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &sin->sin_addr);
		if (ioctl(fd, SIOCSIFADDR, &ifr) < 0)
			return -errno;
	}
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ifr.ifr_flags |= IFF_UP;
	int r = ioctl(fd, SIOCSIFFLAGS, &ifr) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static int read_int(const char *path)
{
	char b[32] = {0};
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, b, sizeof(b) - 1);
	close(fd);
	return n > 0 ? atoi(b) : -1;
}

static bool listed(const char *name)
{
	DIR *d = opendir(CONF);
	struct dirent *e;
	bool found = false;
	while (d && (e = readdir(d)))
		found |= !strcmp(e->d_name, name) && e->d_type == DT_DIR;
	if (d)
		closedir(d);
	return found;
}

/* sendto and connect from 127.0.0.1 toward 10.9.0.2 (out of va): 0 or -errno each. */
static void try_send(int *udp, int *tcp)
{
	struct sockaddr_in lo = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
	inet_pton(AF_INET, "10.9.0.2", &to.sin_addr);
	int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	bind(u, (struct sockaddr *)&lo, sizeof(lo));
	bind(t, (struct sockaddr *)&lo, sizeof(lo));
	*udp = sendto(u, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -errno : 0;
	*tcp = connect(t, (struct sockaddr *)&to, sizeof(to)) < 0 ? -errno : 0;
	close(u);
	close(t);
}

int main(void)
{
	TAP_PLAN(10);
	if (unshare(CLONE_NEWNET))
		TAP_SKIP_ALL("unshare(CLONE_NEWNET) refused (not root?)");
	TAP_OK(listed("lo") && listed("all") && listed("default") && !listed("va"),
	       "conf/ lists lo, all and default");
	TAP_OK(read_int(CONF "all/route_localnet") == 0 && read_int(CONF "lo/route_localnet") == 0,
	       "route_localnet is 0 in all and lo");
	TAP_OK(ns_write(CONF "default/route_localnet", "1") == 0 && make_veth("va", "vb") == 0 &&
		   listed("va") && listed("vb") && read_int(CONF "va/route_localnet") == 1,
	       "a new veth pair has conf/va and conf/vb, from conf/default's value");
	ns_write(CONF "va/route_localnet", "0");
	ns_write(CONF "vb/route_localnet", "0");
	TAP_OK(if_up("lo", NULL) == 0 && if_up("va", "10.9.0.1") == 0 && if_up("vb", NULL) == 0,
	       "va 10.9.0.1/8, up");
	int udp, tcp;
	try_send(&udp, &tcp);
	TAP_OK(udp == -EINVAL && tcp == -EINVAL,
	       "from 127.0.0.1 out of va: sendto and connect EINVAL (%d %d)", udp, tcp);
	TAP_OK(ns_write(CONF "va/route_localnet", "1") == 0 &&
		   read_int(CONF "va/route_localnet") == 1,
	       "conf/va/route_localnet takes 1");
	try_send(&udp, &tcp);
	TAP_OK(udp == 0 && tcp == -EINPROGRESS, "then they may (%d %d)", udp, tcp);
	ns_write(CONF "va/route_localnet", "0");
	TAP_OK(ns_write(CONF "all/route_localnet", "1") == 0 && (try_send(&udp, &tcp), udp == 0),
	       "conf/all/route_localnet 1 allows it on every interface (%d)", udp);
	ns_write(CONF "all/route_localnet", "0");
	TAP_ERRNO(ns_write(CONF "va/route_localnet", "x"), EINVAL, "a value that is no integer");
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "vb");
	ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags &= ~IFF_UP;
	ioctl(fd, SIOCSIFFLAGS, &ifr);
	snprintf(ifr.ifr_newname, sizeof(ifr.ifr_newname), "vc");
	TAP_OK(ioctl(fd, SIOCSIFNAME, &ifr) == 0 && listed("vc") && !listed("vb") &&
		   read_int(CONF "vc/route_localnet") == 0,
	       "renaming vb to vc renames its directory");
	close(fd);
	return TAP_DONE();
}
