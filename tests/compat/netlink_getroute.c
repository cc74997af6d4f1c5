/* netlink_getroute.c - RTM_GETROUTE and RTM_GETRULE, read-only: `ip route get 127.0.0.1`
 * (RTN_LOCAL through lo, RTM_F_CLONED, RTCF_LOCAL, source 127.0.0.1, the caller's uid,
 * then the ack), a strict dump of the local table (127.0.0.0/8 and 127.0.0.1 local,
 * 127.255.255.255 broadcast, all filtered), and the three default policy rules. */
/* syscalls: socket sendto recvfrom setsockopt close */
#include "tap.h"
#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/in_route.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

static char buf[65536];

struct req {
	struct nlmsghdr h;
	struct rtmsg r;
	char attrs[64];
};

static void add_u32(struct req *q, int type, uint32_t v)
{
	struct rtattr *a = (struct rtattr *)((char *)q + NLMSG_ALIGN(q->h.nlmsg_len));
	a->rta_type = (unsigned short)type;
	a->rta_len = RTA_LENGTH(4);
	memcpy(RTA_DATA(a), &v, 4);
	q->h.nlmsg_len = NLMSG_ALIGN(q->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static uint32_t rta_u32(struct nlmsghdr *h, int type, int *present)
{
	struct rtmsg *r = NLMSG_DATA(h);
	int len = (int)RTM_PAYLOAD(h);
	uint32_t v = 0;
	*present = 0;
	for (struct rtattr *a = RTM_RTA(r); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == type && RTA_PAYLOAD(a) >= 4) {
			memcpy(&v, RTA_DATA(a), 4);
			*present = 1;
		}
	return v;
}

int main(void)
{
	TAP_PLAN(10);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	TAP_OK(fd >= 0, "socket");
	struct req q;
	memset(&q, 0, sizeof(q));
	q.h.nlmsg_len = NLMSG_LENGTH(sizeof(q.r));
	q.h.nlmsg_type = RTM_GETROUTE;
	q.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	q.h.nlmsg_seq = 7;
	q.r.rtm_family = AF_INET;
	q.r.rtm_dst_len = 32;
	q.r.rtm_flags = RTM_F_LOOKUP_TABLE;
	add_u32(&q, RTA_DST, htonl(INADDR_LOOPBACK));
	TAP_OK(send(fd, &q, q.h.nlmsg_len, 0) == (ssize_t)q.h.nlmsg_len, "route get 127.0.0.1");
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	struct nlmsghdr *h = (void *)buf;
	struct rtmsg *r = NLMSG_DATA(h);
	int has_oif, has_src, has_uid, has_table;
	uint32_t oif = 0, src = 0, uid = 0, table = 0;
	if (n > 0 && h->nlmsg_type == RTM_NEWROUTE) {
		oif = rta_u32(h, RTA_OIF, &has_oif);
		src = rta_u32(h, RTA_PREFSRC, &has_src);
		uid = rta_u32(h, RTA_UID, &has_uid);
		table = rta_u32(h, RTA_TABLE, &has_table);
	}
	TAP_OK(n > 0 && h->nlmsg_type == RTM_NEWROUTE && h->nlmsg_seq == 7 &&
		   r->rtm_type == RTN_LOCAL && r->rtm_dst_len == 32 &&
		   (r->rtm_flags & RTM_F_CLONED) && (r->rtm_flags & RTCF_LOCAL),
	       "RTN_LOCAL, /32, cloned, RTCF_LOCAL");
	TAP_OK(has_oif && oif == 1 && has_src && src == htonl(INADDR_LOOPBACK),
	       "through lo (index 1), source 127.0.0.1");
	TAP_OK(has_uid && uid == getuid() && has_table && table == RT_TABLE_MAIN,
	       "the caller's uid; the merged main table");
	n = recv(fd, buf, sizeof(buf), 0);
	TAP_OK(n > 0 && h->nlmsg_type == NLMSG_ERROR &&
		   ((struct nlmsgerr *)NLMSG_DATA(h))->error == 0,
	       "then the ack");

	int one = 1;
	setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	memset(&q, 0, sizeof(q));
	q.h.nlmsg_len = NLMSG_LENGTH(sizeof(q.r));
	q.h.nlmsg_type = RTM_GETROUTE;
	q.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	q.h.nlmsg_seq = 8;
	q.r.rtm_family = AF_INET;
	add_u32(&q, RTA_TABLE, RT_TABLE_LOCAL);
	send(fd, &q, q.h.nlmsg_len, 0);
	int lo_net = 0, lo_addr = 0, lo_brd = 0, wrong_table = 0, unfiltered = 0, done = 0;
	for (int i = 0; i < 1000 && !done; i++) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		int len = (int)n;
		for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (!(h->nlmsg_flags & NLM_F_DUMP_FILTERED))
				unfiltered++;
			if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			r = NLMSG_DATA(h);
			int p;
			uint32_t dst = rta_u32(h, RTA_DST, &p);
			if (rta_u32(h, RTA_TABLE, &p) != RT_TABLE_LOCAL ||
			    r->rtm_table != RT_TABLE_LOCAL)
				wrong_table++;
			uint32_t o = rta_u32(h, RTA_OIF, &p);
			if (o != 1)
				continue;
			if (r->rtm_type == RTN_LOCAL && r->rtm_dst_len == 8 &&
			    dst == htonl(0x7f000000) && r->rtm_scope == RT_SCOPE_HOST)
				lo_net++;
			if (r->rtm_type == RTN_LOCAL && r->rtm_dst_len == 32 &&
			    dst == htonl(INADDR_LOOPBACK) && r->rtm_protocol == RTPROT_KERNEL)
				lo_addr++;
			if (r->rtm_type == RTN_BROADCAST && dst == htonl(0x7fffffff) &&
			    r->rtm_scope == RT_SCOPE_LINK)
				lo_brd++;
		}
	}
	TAP_OK(done && !wrong_table && !unfiltered, "strict local-table dump: filtered, table 255");
	TAP_OK(lo_net == 1 && lo_addr == 1 && lo_brd == 1,
	       "local 127.0.0.0/8, local 127.0.0.1, broadcast 127.255.255.255 on lo");

	struct {
		struct nlmsghdr h;
		struct fib_rule_hdr f;
	} rq;
	memset(&rq, 0, sizeof(rq));
	rq.h.nlmsg_len = sizeof(rq);
	rq.h.nlmsg_type = RTM_GETRULE;
	rq.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rq.h.nlmsg_seq = 9;
	rq.f.family = AF_INET;
	TAP_OK(send(fd, &rq, sizeof(rq), 0) == sizeof(rq), "rule dump");
	int local_rule = 0, main_rule = 0, default_rule = 0;
	done = 0;
	for (int i = 0; i < 1000 && !done; i++) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		int len = (int)n;
		for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			struct fib_rule_hdr *f = NLMSG_DATA(h);
			uint32_t prio = 0, tb = f->table;
			int alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*f)));
			for (struct rtattr *a = (void *)((char *)f + NLMSG_ALIGN(sizeof(*f)));
			     RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
				if (a->rta_type == FRA_PRIORITY)
					memcpy(&prio, RTA_DATA(a), 4);
				if (a->rta_type == FRA_TABLE)
					memcpy(&tb, RTA_DATA(a), 4);
			}
			if (f->action != FR_ACT_TO_TBL)
				continue;
			local_rule += prio == 0 && tb == RT_TABLE_LOCAL;
			main_rule += prio == 32766 && tb == RT_TABLE_MAIN;
			default_rule += prio == 32767 && tb == RT_TABLE_DEFAULT;
		}
	}
	TAP_OK(done && local_rule == 1 && main_rule == 1 && default_rule == 1,
	       "rules 0 (local), 32766 (main), 32767 (default)");
	close(fd);
	return TAP_DONE();
}
