/* netlink_getlink.c - NETLINK_ROUTE sockets and RTM_GETLINK, read-only: socket type and
 * protocol errors, autobind to the pid, getsockname, a link dump sized with
 * MSG_PEEK|MSG_TRUNC as iproute2 does (lo is index 1, a loopback, up), the kernel as
 * source address, NLMSG_DONE, a get by name and by index, ENODEV for an unknown name. */
/* syscalls: socket bind getsockname sendto recvfrom recvmsg setsockopt close */
#include "tap.h"
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/socket.h>
#include <sys/uio.h>

static char buf[65536];

static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A link request (ifinfomsg) with an optional IFLA_IFNAME. */
static int send_getlink(int fd, uint16_t flags, uint32_t seq, int index, const char *name)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
		char attrs[64];
	} r;
	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(r.i));
	r.h.nlmsg_type = RTM_GETLINK;
	r.h.nlmsg_flags = NLM_F_REQUEST | flags;
	r.h.nlmsg_seq = seq;
	r.i.ifi_family = AF_UNSPEC;
	r.i.ifi_index = index;
	if (name) {
		struct rtattr *a = (struct rtattr *)((char *)&r + NLMSG_ALIGN(r.h.nlmsg_len));
		a->rta_type = IFLA_IFNAME;
		a->rta_len = RTA_LENGTH(strlen(name) + 1);
		strcpy(RTA_DATA(a), name);
		r.h.nlmsg_len = NLMSG_ALIGN(r.h.nlmsg_len) + RTA_ALIGN(a->rta_len);
	}
	struct sockaddr_nl k = {.nl_family = AF_NETLINK};
	return (int)sendto(fd, &r, r.h.nlmsg_len, 0, (struct sockaddr *)&k, sizeof(k));
}

static const char *link_name(struct nlmsghdr *h)
{
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	int len = (int)IFLA_PAYLOAD(h);
	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == IFLA_IFNAME)
			return RTA_DATA(a);
	return NULL;
}

int main(void)
{
	TAP_PLAN(17);
	TAP_ERRNO(socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE), ESOCKTNOSUPPORT,
		  "SOCK_STREAM: ESOCKTNOSUPPORT");
	TAP_ERRNO(socket(AF_NETLINK, SOCK_RAW, 32), EPROTONOSUPPORT,
		  "protocol past MAX_LINKS: EPROTONOSUPPORT");
	int fd = nl_open();
	TAP_OK(fd >= 0, "socket + bind(nl_pid 0)");
	struct sockaddr_nl me;
	socklen_t ml = sizeof(me);
	TAP_OK(getsockname(fd, (struct sockaddr *)&me, &ml) == 0 && ml == sizeof(me) &&
		   me.nl_family == AF_NETLINK && me.nl_pid == (uint32_t)getpid(),
	       "autobound to the pid (%u)", me.nl_pid);
	int rcvbuf = 1 << 20, one = 1;
	TAP_OK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) == 0 &&
		   setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) == 0,
	       "SO_RCVBUF and NETLINK_EXT_ACK (as iproute2 sets them)");

	TAP_OK(send_getlink(fd, NLM_F_DUMP, 100, 0, NULL) > 0, "link dump request sent");
	/* iproute2's rtnl_recvmsg: peek with no buffer to learn the datagram's length */
	struct sockaddr_nl from;
	struct iovec iov = {.iov_base = NULL, .iov_len = 0};
	struct msghdr mh = {
	    .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1};
	ssize_t want = recvmsg(fd, &mh, MSG_PEEK | MSG_TRUNC);
	TAP_OK(want > 0 && (mh.msg_flags & MSG_TRUNC), "MSG_PEEK|MSG_TRUNC gives the length (%zd)",
	       want);
	TAP_OK(mh.msg_namelen == sizeof(from) && from.nl_family == AF_NETLINK && from.nl_pid == 0,
	       "from the kernel (nl_pid 0)");
	int lo_seen = 0, bad = 0, done = 0, dgrams = 0;
	while (!done) {
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		mh.msg_namelen = sizeof(from);
		ssize_t n = recvmsg(fd, &mh, 0);
		if (n <= 0)
			break;
		if (dgrams++ == 0 && n != want)
			bad++;
		int len = (int)n;
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != 100 || h->nlmsg_pid != me.nl_pid ||
			    !(h->nlmsg_flags & NLM_F_MULTI))
				bad++;
			if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			if (h->nlmsg_type != RTM_NEWLINK) {
				bad++;
				continue;
			}
			struct ifinfomsg *ifi = NLMSG_DATA(h);
			const char *name = link_name(h);
			if (name && !strcmp(name, "lo") && ifi->ifi_index == 1 &&
			    ifi->ifi_type == ARPHRD_LOOPBACK && (ifi->ifi_flags & IFF_LOOPBACK) &&
			    (ifi->ifi_flags & IFF_UP))
				lo_seen++;
		}
	}
	TAP_OK(done, "the dump ends with NLMSG_DONE");
	TAP_OK(!bad, "every message: seq, port id, NLM_F_MULTI; first read as long as peeked");
	TAP_OK(lo_seen == 1, "lo: index 1, ARPHRD_LOOPBACK, up");
	TAP_ERRNO(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN, "nothing left: EAGAIN");

	TAP_OK(send_getlink(fd, NLM_F_ACK, 101, 0, "lo") > 0, "get by name sent");
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	struct nlmsghdr *h = (void *)buf;
	TAP_OK(n > 0 && h->nlmsg_type == RTM_NEWLINK && h->nlmsg_seq == 101 &&
		   ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index == 1 &&
		   !(h->nlmsg_flags & NLM_F_MULTI),
	       "answer: RTM_NEWLINK for index 1");
	n = recv(fd, buf, sizeof(buf), 0);
	TAP_OK(n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) &&
		   h->nlmsg_type == NLMSG_ERROR && ((struct nlmsgerr *)NLMSG_DATA(h))->error == 0,
	       "then the ack (error 0)");
	send_getlink(fd, NLM_F_ACK, 102, 0, "nosuchif0");
	n = recv(fd, buf, sizeof(buf), 0);
	TAP_OK(n > 0 && h->nlmsg_type == NLMSG_ERROR && h->nlmsg_seq == 102 &&
		   ((struct nlmsgerr *)NLMSG_DATA(h))->error == -ENODEV,
	       "unknown name: NLMSG_ERROR -ENODEV");
	send_getlink(fd, 0, 103, 1, NULL);
	n = recv(fd, buf, sizeof(buf), 0);
	TAP_OK(n > 0 && h->nlmsg_type == RTM_NEWLINK && link_name(h) && !strcmp(link_name(h), "lo"),
	       "get by index 1: lo");
	close(fd);
	return TAP_DONE();
}
