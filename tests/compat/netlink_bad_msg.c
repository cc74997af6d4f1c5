/* netlink_bad_msg.c - hostile NETLINK_ROUTE requests get Linux's answers and change
 * nothing: truncated headers and lengths past the datagram are ignored, a non-request
 * is only acked, an unknown type is EOPNOTSUPP, a short attribute is ERANGE with an
 * extended ack, errors quote the request (capped with NETLINK_CAP_ACK), several
 * requests in one datagram are answered in order, bad addresses are EINVAL, and
 * changes without CAP_NET_ADMIN are EPERM (in a child that dropped root). */
/* syscalls: socket bind sendto recvfrom setsockopt setresuid close */
#include "tap.h"
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

static char buf[65536];

struct lreq {
	struct nlmsghdr h;
	struct ifinfomsg i;
	char attrs[32];
};

static void lreq_init(struct lreq *q, uint16_t type, uint16_t flags, uint32_t seq)
{
	memset(q, 0, sizeof(*q));
	q->h.nlmsg_len = NLMSG_LENGTH(sizeof(q->i));
	q->h.nlmsg_type = type;
	q->h.nlmsg_flags = flags;
	q->h.nlmsg_seq = seq;
}

static void lreq_attr(struct lreq *q, int type, const void *data, int len, int claimed)
{
	struct rtattr *a = (struct rtattr *)((char *)q + NLMSG_ALIGN(q->h.nlmsg_len));
	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(claimed);
	memcpy(RTA_DATA(a), data, (size_t)len);
	q->h.nlmsg_len = NLMSG_ALIGN(q->h.nlmsg_len) + RTA_ALIGN(RTA_LENGTH(len));
}

/* The NLMSG_ERROR of the next datagram, or NULL. */
static struct nlmsghdr *next_error(int fd, ssize_t *n)
{
	*n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	struct nlmsghdr *h = (void *)buf;
	if (*n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) || h->nlmsg_type != NLMSG_ERROR)
		return NULL;
	return h;
}

static int err_of(struct nlmsghdr *h)
{
	return h ? ((struct nlmsgerr *)NLMSG_DATA(h))->error : 1;
}

int main(void)
{
	TAP_PLAN(15);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	TAP_OK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "socket and bind");
	struct lreq q;
	ssize_t n;

	/* ignored: shorter than a header, a length past the datagram, a length < 16 */
	lreq_init(&q, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 1);
	send(fd, &q, 8, 0);
	q.h.nlmsg_len = 500;
	send(fd, &q, NLMSG_LENGTH(sizeof(q.i)), 0);
	q.h.nlmsg_len = 8;
	send(fd, &q, NLMSG_LENGTH(sizeof(q.i)), 0);
	TAP_ERRNO(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN,
		  "truncated or overlong headers: no answer");

	lreq_init(&q, RTM_GETLINK, NLM_F_ACK, 2);
	send(fd, &q, q.h.nlmsg_len, 0);
	TAP_OK(err_of(next_error(fd, &n)) == 0, "not NLM_F_REQUEST: acked with 0");
	lreq_init(&q, RTM_MAX + 1, NLM_F_REQUEST | NLM_F_ACK, 3);
	send(fd, &q, q.h.nlmsg_len, 0);
	TAP_OK(err_of(next_error(fd, &n)) == -EOPNOTSUPP, "a type past RTM_MAX: EOPNOTSUPP");
	lreq_init(&q, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 4);
	send(fd, &q, q.h.nlmsg_len, 0);
	struct nlmsghdr *h = next_error(fd, &n);
	struct nlmsgerr *e = h ? NLMSG_DATA(h) : NULL;
	TAP_OK(e && e->error == -EINVAL && e->msg.nlmsg_seq == 4 &&
		   h->nlmsg_len == NLMSG_LENGTH(sizeof(*e)) + sizeof(q.i),
	       "no index, no name: EINVAL quoting the whole request");

	int one = 1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	uint16_t mask = 1;
	lreq_init(&q, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 5);
	q.i.ifi_index = 1;
	lreq_attr(&q, IFLA_EXT_MASK, &mask, 2, 2);
	send(fd, &q, q.h.nlmsg_len, 0);
	h = next_error(fd, &n);
	TAP_OK(err_of(h) == -ERANGE && (h->nlmsg_flags & NLM_F_ACK_TLVS),
	       "a 2-byte u32 attribute: ERANGE with an extended ack");
	lreq_init(&q, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 6);
	lreq_attr(&q, IFLA_IFNAME, "lo", 3, 40);
	send(fd, &q, q.h.nlmsg_len, 0);
	TAP_OK(err_of(next_error(fd, &n)) == -EINVAL,
	       "an attribute longer than the message is not read: EINVAL");
	lreq_init(&q, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 7);
	lreq_attr(&q, IFLA_IFNAME, "abcdefghijklmnopqrst", 21, 21);
	send(fd, &q, q.h.nlmsg_len, 0);
	TAP_OK(err_of(next_error(fd, &n)) == -ERANGE, "a name past IFNAMSIZ: ERANGE");

	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	lreq_init(&q, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 8);
	q.i.ifi_index = 0x7ffffff0;
	send(fd, &q, q.h.nlmsg_len, 0);
	h = next_error(fd, &n);
	TAP_OK(err_of(h) == -ENODEV && (h->nlmsg_flags & NLM_F_CAPPED) &&
		   h->nlmsg_len == NLMSG_LENGTH(sizeof(struct nlmsgerr)),
	       "NETLINK_CAP_ACK: the error quotes the header only");

	/* two requests in one datagram, answered in order */
	struct lreq two[2];
	lreq_init(&two[0], RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 9);
	two[0].i.ifi_index = 0x7ffffff1;
	lreq_init(&two[1], RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 10);
	two[1].i.ifi_index = 0x7ffffff2;
	memmove((char *)&two[0] + NLMSG_ALIGN(two[0].h.nlmsg_len), &two[1], two[1].h.nlmsg_len);
	send(fd, two, NLMSG_ALIGN(two[0].h.nlmsg_len) + two[1].h.nlmsg_len, 0);
	h = next_error(fd, &n);
	int first = h ? (int)h->nlmsg_seq : 0;
	h = next_error(fd, &n);
	TAP_OK(first == 9 && h && h->nlmsg_seq == 10 && err_of(h) == -ENODEV,
	       "two requests in one datagram: two errors, in order");

	struct sockaddr_nl bad = {.nl_family = AF_INET};
	lreq_init(&q, RTM_GETLINK, NLM_F_REQUEST, 11);
	TAP_ERRNO(sendto(fd, &q, q.h.nlmsg_len, 0, (struct sockaddr *)&bad, sizeof(bad)), EINVAL,
		  "sendto a non-netlink address: EINVAL");
	bad.nl_family = AF_NETLINK;
	TAP_ERRNO(sendto(fd, &q, q.h.nlmsg_len, 0, (struct sockaddr *)&bad, 4), EINVAL,
		  "sendto with a short address: EINVAL");
	sa.nl_pid = 12345;
	TAP_ERRNO(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), EINVAL,
		  "rebinding to another port id: EINVAL");

	/* without CAP_NET_ADMIN: changes are refused before anything is looked at */
	if (geteuid() != 0) {
		TAP_SKIP("not root: cannot drop privileges");
		TAP_SKIP("not root: cannot drop privileges");
	} else {
		int p[2];
		if (pipe(p) < 0)
			return 1;
		pid_t pid = fork();
		if (pid == 0) {
			int r1 = 1, r2 = 1;
			if (setresuid(65534, 65534, 65534) == 0) {
				int c = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
				struct lreq u;
				ssize_t m;
				lreq_init(&u, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 20);
				u.i.ifi_index = 1;
				u.i.ifi_change = IFF_UP;
				send(c, &u, u.h.nlmsg_len, 0);
				r1 = err_of(next_error(c, &m));
				struct {
					struct nlmsghdr h;
					struct ifaddrmsg a;
					struct rtattr at;
					uint32_t v;
				} ar;
				memset(&ar, 0, sizeof(ar));
				ar.h.nlmsg_len = sizeof(ar);
				ar.h.nlmsg_type = RTM_NEWADDR;
				ar.h.nlmsg_flags =
				    NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
				ar.h.nlmsg_seq = 21;
				ar.a.ifa_family = AF_INET;
				ar.a.ifa_prefixlen = 32;
				ar.a.ifa_index = 1;
				ar.at.rta_type = IFA_LOCAL;
				ar.at.rta_len = RTA_LENGTH(4);
				ar.v = inet_addr("127.9.9.9");
				send(c, &ar, sizeof(ar), 0);
				r2 = err_of(next_error(c, &m));
			}
			int res[2] = {r1, r2};
			if (write(p[1], res, sizeof(res)) < 0)
				_exit(1);
			_exit(0);
		}
		int res[2] = {0, 0};
		close(p[1]);
		if (read(p[0], res, sizeof(res)) != sizeof(res))
			res[0] = res[1] = 1;
		tap_wait(pid);
		TAP_OK(res[0] == -EPERM, "RTM_NEWLINK as nobody: EPERM");
		TAP_OK(res[1] == -EPERM, "RTM_NEWADDR as nobody: EPERM");
	}
	close(fd);
	return TAP_DONE();
}
