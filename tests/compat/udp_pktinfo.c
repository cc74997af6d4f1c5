/* udp_pktinfo.c - control messages of UDP: IP_PKTINFO, IP_RECVTTL, IP_RECVTOS on receive
 * (lo's ifindex, the local address), IP_TTL/IP_TOS/IP_PKTINFO on send, MSG_CTRUNC when the
 * control buffer is short, SO_TIMESTAMP. */
/* syscalls: socket bind setsockopt sendmsg recvmsg */
#include "tap.h"
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

static struct cmsghdr *find(struct msghdr *mh, int level, int type)
{
	for (struct cmsghdr *h = CMSG_FIRSTHDR(mh); h; h = CMSG_NXTHDR(mh, h))
		if (h->cmsg_level == level && h->cmsg_type == type)
			return h;
	return NULL;
}

static ssize_t rcv(int s, char *buf, size_t len, char *ctl, size_t clen, struct msghdr *mh,
		   struct sockaddr_in *from)
{
	static struct iovec iov;
	struct pollfd p = {.fd = s, .events = POLLIN};
	poll(&p, 1, 2000);
	iov = (struct iovec){buf, len};
	memset(mh, 0, sizeof(*mh));
	mh->msg_iov = &iov;
	mh->msg_iovlen = 1;
	mh->msg_control = ctl;
	mh->msg_controllen = clen;
	mh->msg_name = from;
	mh->msg_namelen = sizeof(*from);
	return recvmsg(s, mh, MSG_DONTWAIT);
}

int main(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in from;
	socklen_t len = sizeof(a);
	char buf[32], ctl[512];
	struct msghdr mh;
	int one = 1;

	TAP_PLAN(10);
	int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
	bind(r, (void *)&(struct sockaddr_in){.sin_family = AF_INET}, sizeof(a));
	getsockname(r, (void *)&a, &len);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	TAP_OK(setsockopt(r, SOL_IP, IP_PKTINFO, &one, sizeof(one)) == 0 &&
		       setsockopt(r, SOL_IP, IP_RECVTTL, &one, sizeof(one)) == 0 &&
		       setsockopt(r, SOL_IP, IP_RECVTOS, &one, sizeof(one)) == 0,
	       "IP_PKTINFO, IP_RECVTTL, IP_RECVTOS");
	sendto(s, "plain", 5, 0, (void *)&a, sizeof(a));
	ssize_t n = rcv(r, buf, sizeof(buf), ctl, sizeof(ctl), &mh, &from);
	struct cmsghdr *pi = find(&mh, SOL_IP, IP_PKTINFO), *tt = find(&mh, SOL_IP, IP_TTL),
		       *to = find(&mh, SOL_IP, IP_TOS);
	struct in_pktinfo info = {0};
	if (pi)
		memcpy(&info, CMSG_DATA(pi), sizeof(info));
	TAP_OK(n == 5 && pi && pi->cmsg_len == CMSG_LEN(sizeof(info)) &&
		       info.ipi_ifindex == 1 /* lo is the first interface of every netns */ &&
		       info.ipi_addr.s_addr == htonl(INADDR_LOOPBACK) &&
		       info.ipi_spec_dst.s_addr == htonl(INADDR_LOOPBACK),
	       "IP_PKTINFO: lo, 127.0.0.1");
	TAP_OK(tt && *(int *)CMSG_DATA(tt) == 64 && to && to->cmsg_len == CMSG_LEN(1) &&
		       *(unsigned char *)CMSG_DATA(to) == 0,
	       "IP_TTL 64 and IP_TOS 0 received");

	/* per-message TTL, TOS and source address */
	char sctl[CMSG_SPACE(sizeof(int)) * 2 + CMSG_SPACE(sizeof(struct in_pktinfo))];
	memset(sctl, 0, sizeof(sctl));
	struct iovec iov = {"ctl", 3};
	struct msghdr sm = {.msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = &iov,
			    .msg_iovlen = 1, .msg_control = sctl, .msg_controllen = sizeof(sctl)};
	struct cmsghdr *h = CMSG_FIRSTHDR(&sm);
	h->cmsg_level = SOL_IP;
	h->cmsg_type = IP_TTL;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	*(int *)CMSG_DATA(h) = 7;
	h = CMSG_NXTHDR(&sm, h);
	h->cmsg_level = SOL_IP;
	h->cmsg_type = IP_TOS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	*(int *)CMSG_DATA(h) = 0x20;
	h = CMSG_NXTHDR(&sm, h);
	h->cmsg_level = SOL_IP;
	h->cmsg_type = IP_PKTINFO;
	h->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
	struct in_pktinfo spi = {0};
	inet_pton(AF_INET, "127.0.0.2", &spi.ipi_spec_dst);
	memcpy(CMSG_DATA(h), &spi, sizeof(spi));
	TAP_OK(sendmsg(s, &sm, 0) == 3, "sendmsg with IP_TTL, IP_TOS, IP_PKTINFO");
	n = rcv(r, buf, sizeof(buf), ctl, sizeof(ctl), &mh, &from);
	tt = find(&mh, SOL_IP, IP_TTL);
	to = find(&mh, SOL_IP, IP_TOS);
	TAP_OK(n == 3 && tt && *(int *)CMSG_DATA(tt) == 7 && to &&
		       *(unsigned char *)CMSG_DATA(to) == 0x20,
	       "they arrive with TTL 7, TOS 0x20");
	TAP_OK(from.sin_addr.s_addr == spi.ipi_spec_dst.s_addr, "from the IP_PKTINFO source");
	h = CMSG_FIRSTHDR(&sm);
	*(int *)CMSG_DATA(h) = 0;
	TAP_ERRNO(sendmsg(s, &sm, 0), EINVAL, "IP_TTL 0 in a control message");

	/* a control buffer with room for one record only */
	sendto(s, "trunc", 5, 0, (void *)&a, sizeof(a));
	n = rcv(r, buf, sizeof(buf), ctl, CMSG_SPACE(sizeof(struct in_pktinfo)), &mh, &from);
	TAP_OK(n == 5 && (mh.msg_flags & MSG_CTRUNC) &&
		       mh.msg_controllen == CMSG_SPACE(sizeof(struct in_pktinfo)),
	       "MSG_CTRUNC, msg_controllen the room used");
	sendto(s, "none", 4, 0, (void *)&a, sizeof(a));
	n = rcv(r, buf, sizeof(buf), NULL, 0, &mh, &from);
	TAP_OK(n == 4 && (mh.msg_flags & MSG_CTRUNC) && mh.msg_controllen == 0,
	       "no control buffer: MSG_CTRUNC");

	/* SO_TIMESTAMP */
	int zero = 0;
	setsockopt(r, SOL_IP, IP_PKTINFO, &zero, sizeof(zero));
	setsockopt(r, SOL_IP, IP_RECVTTL, &zero, sizeof(zero));
	setsockopt(r, SOL_IP, IP_RECVTOS, &zero, sizeof(zero));
	setsockopt(r, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof(one));
	struct timeval before, tv = {0};
	gettimeofday(&before, NULL);
	sendto(s, "ts", 2, 0, (void *)&a, sizeof(a));
	n = rcv(r, buf, sizeof(buf), ctl, sizeof(ctl), &mh, &from);
	h = find(&mh, SOL_SOCKET, SO_TIMESTAMP);
	if (h)
		memcpy(&tv, CMSG_DATA(h), sizeof(tv));
	TAP_OK(n == 2 && h && tv.tv_sec >= before.tv_sec && tv.tv_sec <= before.tv_sec + 5,
	       "SO_TIMESTAMP: a struct timeval of now");
	return TAP_DONE();
}
