/* netlink_getaddr.c - RTM_GETADDR dumps, read-only: 127.0.0.1/8 on lo (scope host, label
 * "lo", IFA_CACHEINFO), datagrams that fit the reader's buffer, a cut datagram
 * (MSG_TRUNC in msg_flags; the MSG_TRUNC flag returns the real length), a strict dump
 * filtered by interface (NETLINK_GET_STRICT_CHK: NLM_F_DUMP_FILTERED), and strict
 * header checks ending the dump with an error in NLMSG_DONE. */
/* syscalls: socket bind sendto recvfrom recvmsg setsockopt close */
#include "tap.h"
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/uio.h>

static char buf[65536];

static void send_getaddr(int fd, uint32_t seq, int index, int prefixlen)
{
	struct {
		struct nlmsghdr h;
		struct ifaddrmsg a;
	} r;
	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = sizeof(r);
	r.h.nlmsg_type = RTM_GETADDR;
	r.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	r.h.nlmsg_seq = seq;
	r.a.ifa_family = AF_INET;
	r.a.ifa_index = (uint32_t)index;
	r.a.ifa_prefixlen = (uint8_t)prefixlen;
	send(fd, &r, sizeof(r), 0);
}

/* Reads datagrams of at most @bufsz bytes until NLMSG_DONE; counts what it sees. */
struct seen {
	int msgs, lo_loopback, done, done_err, trunc, bad, filtered, other_index;
};

static void read_dump(int fd, size_t bufsz, uint32_t seq, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	for (int guard = 0; guard < 10000 && !s->done; guard++) {
		struct iovec iov = {.iov_base = buf, .iov_len = bufsz};
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
		ssize_t n = recvmsg(fd, &mh, 0);
		if (n <= 0)
			return;
		if (mh.msg_flags & MSG_TRUNC)
			s->trunc++;
		int len = (int)n;
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != seq)
				s->bad++;
			if (h->nlmsg_flags & NLM_F_DUMP_FILTERED)
				s->filtered++;
			if (h->nlmsg_type == NLMSG_DONE) {
				s->done = 1;
				s->done_err = *(int *)NLMSG_DATA(h);
				break;
			}
			if (h->nlmsg_type != RTM_NEWADDR) {
				s->bad++;
				continue;
			}
			s->msgs++;
			struct ifaddrmsg *ifa = NLMSG_DATA(h);
			int alen = (int)IFA_PAYLOAD(h);
			uint32_t local = 0;
			const char *label = NULL;
			int cacheinfo = 0;
			for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, alen);
			     a = RTA_NEXT(a, alen)) {
				if (a->rta_type == IFA_LOCAL)
					memcpy(&local, RTA_DATA(a), 4);
				if (a->rta_type == IFA_LABEL)
					label = RTA_DATA(a);
				if (a->rta_type == IFA_CACHEINFO &&
				    RTA_PAYLOAD(a) >= sizeof(struct ifa_cacheinfo))
					cacheinfo = 1;
			}
			if (ifa->ifa_family == AF_INET && ifa->ifa_index != 1)
				s->other_index++;
			if (ifa->ifa_family == AF_INET && local == htonl(INADDR_LOOPBACK) &&
			    ifa->ifa_prefixlen == 8 && ifa->ifa_scope == RT_SCOPE_HOST &&
			    ifa->ifa_index == 1 && label && !strcmp(label, "lo") && cacheinfo)
				s->lo_loopback++;
		}
	}
}

int main(void)
{
	TAP_PLAN(11);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	TAP_OK(fd >= 0, "socket");
	struct seen s;
	send_getaddr(fd, 1, 0, 0);
	read_dump(fd, 4096, 1, &s);
	TAP_OK(s.done && s.done_err == 0 && !s.bad,
	       "dump read with 4 KiB buffers ends in NLMSG_DONE");
	TAP_OK(s.trunc == 0, "no datagram larger than the reader's buffer");
	TAP_OK(s.lo_loopback == 1, "127.0.0.1/8 scope host on lo, label lo, cacheinfo");

	/* a 16-byte buffer cuts the first datagram; MSG_TRUNC returns its whole length */
	send_getaddr(fd, 2, 0, 0);
	ssize_t full = recv(fd, buf, 0, MSG_PEEK | MSG_TRUNC);
	struct iovec iov = {.iov_base = buf, .iov_len = 16};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n = recvmsg(fd, &mh, MSG_PEEK);
	TAP_OK(n == 16 && (mh.msg_flags & MSG_TRUNC), "short buffer: 16 bytes, MSG_TRUNC");
	n = recvmsg(fd, &mh, MSG_TRUNC);
	TAP_OK(n == full && full > 16, "MSG_TRUNC: the real length (%zd)", n);
	/* the rest of the dump still arrives, then NLMSG_DONE */
	int done = 0;
	for (int i = 0; i < 1000 && !done; i++) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		int len = (int)n;
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
			if (h->nlmsg_type == NLMSG_DONE)
				done = 1;
	}
	TAP_OK(done, "the dump goes on after a cut datagram");

	int one = 1;
	TAP_OK(setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one)) == 0,
	       "NETLINK_GET_STRICT_CHK");
	send_getaddr(fd, 3, 1, 0);
	read_dump(fd, sizeof(buf), 3, &s);
	TAP_OK(s.done && s.done_err == 0 && s.lo_loopback == 1 && s.other_index == 0,
	       "strict dump of index 1: lo's addresses only");
	TAP_OK(s.filtered == s.msgs + 1, "every message marked NLM_F_DUMP_FILTERED");
	send_getaddr(fd, 4, 0, 8);
	read_dump(fd, sizeof(buf), 4, &s);
	TAP_OK(s.done && s.done_err == -EINVAL && s.msgs == 0,
	       "strict: a prefix length in the header ends the dump with -EINVAL");
	close(fd);
	return TAP_DONE();
}
