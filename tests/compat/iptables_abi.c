/* iptables_abi.c - the iptables-legacy socket options (IPT_SO_GET_INFO, GET_ENTRIES,
 * GET_REVISION_MATCH/TARGET, SET_REPLACE, SET_ADD_COUNTERS) on an AF_INET socket, in a
 * network namespace of its own (unshare(CLONE_NEWNET): fresh tables, the host's never
 * touched): the built-in filter table as Linux lays it out, the length and name errnos,
 * a replacement whose old counters come back through ipt_replace.counters, counters
 * added, bad blobs refused (EINVAL, ELOOP, ENOENT), the socket's namespace (not the
 * caller's) answering, EPERM without CAP_NET_ADMIN. */
/* syscalls: unshare socket getsockopt setsockopt setresuid */
#include "tap.h"
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/netfilter/xt_tcpudp.h>
#include "ipt_blob.h"

static int get_info(int s, const char *table, struct ipt_getinfo *info)
{
	memset(info, 0, sizeof(*info));
	strcpy(info->name, table);
	socklen_t len = sizeof(*info);
	return getsockopt(s, SOL_IP, IPT_SO_GET_INFO, info, &len);
}

static int revision(int s, int opt, const char *name, int rev)
{
	struct xt_get_revision r;
	memset(&r, 0, sizeof(r));
	strcpy(r.name, name);
	r.revision = (unsigned char)rev;
	socklen_t len = sizeof(r);
	return getsockopt(s, SOL_IP, opt, &r, &len);
}

/* The entries of @table (malloc'd), or NULL. */
static struct ipt_get_entries *entries(int s, const char *table, unsigned size)
{
	socklen_t len = sizeof(struct ipt_get_entries) + size;
	struct ipt_get_entries *g = calloc(1, len);
	strcpy(g->name, table);
	g->size = size;
	if (getsockopt(s, SOL_IP, IPT_SO_GET_ENTRIES, g, &len) < 0) {
		free(g);
		return NULL;
	}
	return g;
}

int main(void)
{
	if (unshare(CLONE_NEWNET) < 0)
		TAP_SKIP_ALL("unshare(CLONE_NEWNET) not permitted here");
	TAP_PLAN(21);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ipt_getinfo info;
	TAP_OK(get_info(s, "filter", &info) == 0 && info.valid_hooks == IPT_FILTER_HOOKS &&
		   info.num_entries == 4 && info.size == 632,
	       "GET_INFO filter: INPUT FORWARD OUTPUT, 4 entries, 632 bytes");
	TAP_OK(info.hook_entry[NF_INET_PRE_ROUTING] == 0xFFFFFFFF &&
		   info.hook_entry[NF_INET_LOCAL_IN] == 0 &&
		   info.hook_entry[NF_INET_FORWARD] == 152 &&
		   info.underflow[NF_INET_LOCAL_OUT] == 304,
	       "hook entries and underflows as Linux lays them out");
	struct ipt_getinfo ni;
	TAP_OK(get_info(s, "nat", &ni) == 0 && ni.valid_hooks == 0x1b && ni.size == 784,
	       "GET_INFO nat: PREROUTING INPUT OUTPUT POSTROUTING, 784 bytes");
	TAP_ERRNO(get_info(s, "nosuchtable", &ni), ENOENT, "an unknown table: ENOENT");
	socklen_t len = 10;
	TAP_ERRNO(getsockopt(s, SOL_IP, IPT_SO_GET_INFO, &ni, &len), EINVAL,
		  "GET_INFO short: EINVAL");

	struct ipt_get_entries *g = entries(s, "filter", info.size);
	struct ipt_entry *e = g ? (struct ipt_entry *)g->entrytable : NULL;
	TAP_OK(e && e->next_offset == 152 && e->target_offset == sizeof(*e) &&
		   ((struct xt_standard_target *)e->elems)->verdict == IPT_ACCEPT,
	       "GET_ENTRIES: the INPUT policy is an unconditional ACCEPT");
	free(g);
	len = sizeof(struct ipt_get_entries) + 100;
	g = calloc(1, len);
	strcpy(g->name, "filter");
	g->size = 99;
	TAP_ERRNO(getsockopt(s, SOL_IP, IPT_SO_GET_ENTRIES, g, &len), EINVAL,
		  "GET_ENTRIES with a length that is not header + size: EINVAL");
	g->size = 100;
	TAP_ERRNO(getsockopt(s, SOL_IP, IPT_SO_GET_ENTRIES, g, &len), EAGAIN,
		  "GET_ENTRIES of another size: EAGAIN");
	free(g);

	TAP_OK(revision(s, IPT_SO_GET_REVISION_MATCH, "tcp", 0) == 0, "revision: tcp 0");
	TAP_OK(revision(s, IPT_SO_GET_REVISION_MATCH, "conntrack", 3) == 0,
	       "revision: conntrack 3");
	TAP_ERRNO(revision(s, IPT_SO_GET_REVISION_MATCH, "tcp", 7), EPROTONOSUPPORT,
		  "revision: tcp 7 EPROTONOSUPPORT");
	TAP_ERRNO(revision(s, IPT_SO_GET_REVISION_TARGET, "NOSUCHTARGET", 0), ENOENT,
		  "revision: an unknown target ENOENT");

	/* INPUT: -p udp --dport 9 -j DROP; policies ACCEPT */
	struct ipt_blob b = {0};
	unsigned char m[256];
	struct xt_udp udp = {.spts = {0, 0xffff}, .dpts = {9, 9}};
	struct ipt_ip ipudp = {.proto = IPPROTO_UDP};
	ipt_add_std(&b, &ipudp, m, ipt_match(m, "udp", 0, &udp, sizeof(udp)), IPT_DROP);
	ipt_filter_policies(&b, IPT_ACCEPT);
	ipt_add_err(&b, "ERROR");
	struct xt_counters old[4];
	memset(old, 0xff, sizeof(old));
	size_t rlen;
	struct ipt_replace *r = ipt_replace_of(&b, "filter", IPT_FILTER_HOOKS, 3, old, &rlen);
	TAP_ERRNO(setsockopt(s, SOL_IP, IPT_SO_SET_REPLACE, r, (socklen_t)rlen), EAGAIN,
		  "SET_REPLACE with a wrong counter count: EAGAIN");
	r->num_counters = 4;
	TAP_ERRNO(setsockopt(s, SOL_IP, IPT_SO_SET_REPLACE, r, (socklen_t)rlen - 8), EINVAL,
		  "SET_REPLACE shorter than its size: EINVAL");
	strcpy(r->name, "nosuch");
	TAP_ERRNO(setsockopt(s, SOL_IP, IPT_SO_SET_REPLACE, r, (socklen_t)rlen), ENOENT,
		  "SET_REPLACE of an unknown table: ENOENT");
	strcpy(r->name, "filter");
	TAP_OK(setsockopt(s, SOL_IP, IPT_SO_SET_REPLACE, r, (socklen_t)rlen) == 0 &&
		   old[0].pcnt == 0 && old[3].bcnt == 0,
	       "SET_REPLACE: the old counters written back");
	free(r);
	TAP_OK(get_info(s, "filter", &info) == 0 && info.num_entries == 5 && info.size == 632 + 200,
	       "the new table: 5 entries");

	/* a jump into the middle of an entry: ELOOP */
	struct ipt_blob bad = {0};
	ipt_add_std(&bad, NULL, NULL, 0, 8);
	ipt_filter_policies(&bad, IPT_ACCEPT);
	ipt_add_err(&bad, "ERROR");
	r = ipt_replace_of(&bad, "filter", IPT_FILTER_HOOKS, 5, old, &rlen);
	TAP_ERRNO(setsockopt(s, SOL_IP, IPT_SO_SET_REPLACE, r, (socklen_t)rlen), ELOOP,
		  "a jump that lands inside an entry: ELOOP");
	free(r);

	size_t clen;
	struct xt_counters_info *ci = ipt_counters_of("filter", 5, 0, 3, 99, &clen);
	int ok = setsockopt(s, SOL_IP, IPT_SO_SET_ADD_COUNTERS, ci, (socklen_t)clen) == 0;
	free(ci);
	g = entries(s, "filter", info.size);
	e = g ? (struct ipt_entry *)g->entrytable : NULL;
	TAP_OK(ok && e && e->counters.pcnt == 3 && e->counters.bcnt == 99,
	       "SET_ADD_COUNTERS: the first rule counts 3 packets, 99 bytes");
	free(g);

	/* a socket keeps its namespace: from a child in a newer one, the old socket still
	 * sees the replaced table, a new socket the fresh one */
	pid_t pid = fork();
	if (pid == 0) {
		struct ipt_getinfo a, b;
		if (unshare(CLONE_NEWNET) < 0)
			_exit(2);
		int s2 = socket(AF_INET, SOCK_DGRAM, 0);
		_exit(get_info(s, "filter", &a) == 0 && a.num_entries == 5 &&
			      get_info(s2, "filter", &b) == 0 && b.num_entries == 4
			  ? 0
			  : 1);
	}
	int st;
	TAP_OK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "a socket's tables are its own namespace's, not the caller's");

	/* without CAP_NET_ADMIN */
	pid = fork();
	if (pid == 0) {
		if (setresuid(65534, 65534, 65534) < 0)
			_exit(2);
		_exit(get_info(s, "filter", &info) < 0 && errno == EPERM ? 0 : 1);
	}
	TAP_OK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "GET_INFO without CAP_NET_ADMIN: EPERM");
	return TAP_DONE();
}
