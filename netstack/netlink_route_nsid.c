/* netstack/netlink_route_nsid.c - rtnetlink's network namespace ids (net/core/
 * net_namespace.c): RTM_GETNSID (`ip netns list`, `ip netns list-id`) and RTM_NEWNSID
 * (`ip netns set NAME ID`). A namespace gives another an id when asked to, or when it
 * first describes a veth whose peer lives there (IFLA_LINK_NETNSID).
 *
 * Owns: nothing but messages; the id tables are netns.c's.
 * Must not: trust a request (attributes are policy-checked first). */
#include "netstack/netlink_route.h"
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/net_namespace.h>

static const struct nl_policy netns_policy[NETNSA_MAX + 1] = {
    [NETNSA_NSID] = {NLP_U32},
    [NETNSA_PID] = {NLP_U32},
    [NETNSA_FD] = {NLP_U32},
    [NETNSA_TARGET_NSID] = {NLP_U32},
};

/* The peer a request names (NETNSA_PID, NETNSA_FD, or with @by_id NETNSA_NSID), with a new
 * reference in *@out. 0 or -errno (rtnl_net_getid's "Peer netns reference ..."). */
static int nsid_peer(struct nl_req *rq, const struct nlattr **tb, bool by_id, struct netns **out)
{
	int err;
	if (tb[NETNSA_PID]) {
		uint32_t pid = nla_u32(tb[NETNSA_PID]);
		err = net_ns_by_pid && pid <= INT32_MAX ? net_ns_by_pid((int)pid, false, out)
							 : -ESRCH;
	} else if (tb[NETNSA_FD]) {
		uint32_t fd = nla_u32(tb[NETNSA_FD]);
		err = net_ns_by_fd && fd <= INT32_MAX ? net_ns_by_fd((int)fd, false, out) : -EBADF;
	} else if (by_id && tb[NETNSA_NSID]) {
		*out = netns_by_id(rq->ns, (int)nla_u32(tb[NETNSA_NSID]));
		err = *out ? 0 : -ENOENT;
		if (*out)
			netns_get(*out);
	} else {
		rq->ext.msg = "Peer netns reference is missing";
		return -EINVAL;
	}
	if (err)
		rq->ext.msg = "Peer netns reference is invalid";
	return err;
}

/* rtnl_net_fill: an RTM_NEWNSID message carrying @id. */
static int nsid_fill(struct nl_buf *b, uint16_t flags, uint32_t seq, uint32_t pid, int id)
{
	long off = nl_msg_begin(b, RTM_NEWNSID, flags, seq, pid, sizeof(struct rtgenmsg));
	if (off < 0)
		return -ENOBUFS;
	((struct rtgenmsg *)nl_msg_fam(b, off))->rtgen_family = AF_UNSPEC;
	nl_put_u32(b, NETNSA_NSID, (uint32_t)id);
	nl_msg_end(b, off);
	return b->oom ? -ENOBUFS : 0;
}

static void dump_one(void *arg, struct netns *peer, int id)
{
	struct nl_req *rq = arg;
	nsid_fill(&rq->dump, NLM_F_MULTI | rq->dump_flags, rq->nlh->nlmsg_seq, rq->portid, id);
}

/* implements RTM_GETNSID (rtnl_net_getid; dumps: rtnl_net_dumpid). The ids are the
 * caller's namespace's; NETNSA_TARGET_NSID (another namespace's view) is EOPNOTSUPP. */
int rtnl_getnsid(struct nl_req *rq, bool dump)
{
	const struct nlattr *tb[NETNSA_MAX + 1];
	int err = rtnl_parse(rq, sizeof(struct rtgenmsg), tb, NETNSA_MAX, netns_policy,
			     dump && rq->strict);
	if (err)
		return err;
	if (tb[NETNSA_TARGET_NSID]) {
		rq->ext.msg = "namespace ids as another namespace sees them are not supported";
		return -EOPNOTSUPP;
	}
	if (dump) {
		netns_for_each_id(rq->ns, dump_one, rq);
		return rq->dump.oom ? -ENOBUFS : 0;
	}
	struct netns *peer;
	if ((err = nsid_peer(rq, tb, true, &peer)))
		return err;
	int id = netns_id_of(rq->ns, peer, false);
	netns_put(peer);
	return nsid_fill(&rq->reply, 0, rq->nlh->nlmsg_seq, rq->portid, id);
}

/* implements RTM_NEWNSID (rtnl_net_newid): @NETNSA_NSID for the peer a PID or FD names
 * (-1: the lowest free id). */
int rtnl_newnsid(struct nl_req *rq)
{
	const struct nlattr *tb[NETNSA_MAX + 1];
	struct netns *peer;
	int err = rtnl_parse(rq, sizeof(struct rtgenmsg), tb, NETNSA_MAX, netns_policy, false);
	if (err)
		return err;
	if (!tb[NETNSA_NSID]) {
		rq->ext.msg = "nsid is missing";
		return -EINVAL;
	}
	int id = (int)nla_u32(tb[NETNSA_NSID]);
	if (id < -1)
		return -EINVAL;
	if ((err = nsid_peer(rq, tb, false, &peer)))
		return err;
	if (netns_id_of(rq->ns, peer, false) >= 0) {
		rq->ext.msg = "Peer netns already has a nsid assigned";
		err = -EEXIST;
	} else if (id == -1) {
		err = netns_id_of(rq->ns, peer, true) >= 0 ? 0 : -ENOMEM;
	} else if ((err = netns_id_set(rq->ns, peer, id)) == -EEXIST) {
		rq->ext.msg = "The specified nsid is already used";
	}
	netns_put(peer);
	return err;
}
