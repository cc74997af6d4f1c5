/* netstack/nf_sockopt.c - the IPT_SO_* socket options (do_ipt_set_ctl, do_ipt_get_ctl of
 * net/ipv4/netfilter/ip_tables.c) over the namespace's tables: the length rules and
 * errnos of Linux, the replacement of a table (with its old counters handed back), the
 * counters iptables adds afterwards, and the extension revision queries.
 *
 * Owns: nothing beyond the call. Must not: touch guest memory or check capabilities
 * (sys_socket.c does: EPERM without CAP_NET_ADMIN). */
#include "netstack/nf_internal.h" /* first (net/if.h before linux/if.h) */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool nf_is_ipt_sockopt(int name, bool set)
{
	if (set)
		return name >= IPT_BASE_CTL && name <= IPT_SO_SET_MAX;
	return name >= IPT_BASE_CTL && name <= IPT_SO_GET_MAX;
}

static void name_copy(char *dst, const char *src, size_t cap)
{
	memcpy(dst, src, cap);
	dst[cap - 1] = 0;
}

static int get_info(struct nf_ns *nf, void *val, size_t *len)
{
	struct ipt_getinfo info;
	char name[XT_TABLE_MAXNAMELEN];
	if (*len != sizeof(info))
		return -EINVAL;
	name_copy(name, val, sizeof(name));
	struct nf_table *t = nf_table_lookup(nf, name);
	if (!t)
		return -ENOENT;
	memset(&info, 0, sizeof(info));
	strcpy(info.name, name);
	info.valid_hooks = t->valid_hooks;
	memcpy(info.hook_entry, t->hook_entry, sizeof(info.hook_entry));
	memcpy(info.underflow, t->underflow, sizeof(info.underflow));
	info.num_entries = t->num_entries;
	info.size = t->size;
	memcpy(val, &info, sizeof(info));
	*len = sizeof(info);
	return 0;
}

static int get_entries(struct nf_ns *nf, void *val, size_t *len)
{
	struct ipt_get_entries get;
	if (*len < sizeof(get))
		return -EINVAL;
	memcpy(&get, val, sizeof(get));
	if (*len != sizeof(get) + (size_t)get.size)
		return -EINVAL;
	get.name[sizeof(get.name) - 1] = 0;
	struct nf_table *t = nf_table_lookup(nf, get.name);
	if (!t)
		return -ENOENT;
	if (get.size != t->size)
		return -EAGAIN;
	memcpy((uint8_t *)val + sizeof(get), t->blob, t->size);
	return 0;
}

static int get_revision(int name, void *val, size_t *len)
{
	struct xt_get_revision rev;
	int err;
	if (*len != sizeof(rev))
		return -EINVAL;
	memcpy(&rev, val, sizeof(rev));
	rev.name[sizeof(rev.name) - 1] = 0;
	if (nf_ext_find(rev.name, rev.revision, name == IPT_SO_GET_REVISION_TARGET, &err)) {
		*len = 0; /* nothing is written back */
		return 0;
	}
	return err;
}

/* See netfilter.h. */
int nf_ipt_getsockopt(struct netns *ns, int name, void *val, size_t *len)
{
	struct nf_ns *nf = nf_ns_of(ns);
	if (!nf)
		return -ENOPROTOOPT;
	switch (name) {
	case IPT_SO_GET_INFO:
		return get_info(nf, val, len);
	case IPT_SO_GET_ENTRIES:
		return get_entries(nf, val, len);
	case IPT_SO_GET_REVISION_MATCH:
	case IPT_SO_GET_REVISION_TARGET:
		return get_revision(name, val, len);
	default:
		return -EINVAL; /* do_ipt_get_ctl's default */
	}
}

/* True when a rule of @t uses an extension that needs connection tracking. */
static bool table_needs_ct(const struct nf_table *t)
{
	for (unsigned i = 0; i < t->num_entries; i++) {
		const struct nf_rule *r = &t->rules[i];
		if (r->target && r->target->needs_ct)
			return true;
		for (unsigned m = 0; m < r->nmatch; m++)
			if (r->m[m].ext->needs_ct)
				return true;
	}
	return false;
}

/* do_replace + __do_replace: translate, find the table, check the hooks and the
 * counter count, swap, hand back the old counters. */
static int set_replace(struct nf_ns *nf, const void *val, size_t len, struct nf_old_counters *old)
{
	struct ipt_replace repl;
	if (len < sizeof(repl))
		return -EINVAL;
	memcpy(&repl, val, sizeof(repl));
	if (repl.num_counters >= INT_MAX / sizeof(struct xt_counters))
		return -ENOMEM;
	if (repl.num_counters == 0)
		return -EINVAL;
	if ((uint64_t)len < (uint64_t)repl.size + sizeof(repl))
		return -EINVAL;
	if (repl.size > NF_SOCKOPT_MAX)
		return -ENOMEM;
	repl.name[sizeof(repl.name) - 1] = 0;
	uint8_t *blob = malloc(repl.size ? repl.size : 1);
	if (!blob)
		return -ENOMEM;
	memcpy(blob, (const uint8_t *)val + sizeof(repl), repl.size);
	struct nf_table nt;
	memset(&nt, 0, sizeof(nt));
	nt.name = repl.name;
	int err = nf_table_translate(&nt, &repl, blob);
	if (err) {
		free(blob);
		return err;
	}
	struct nf_table *t = nf_table_lookup(nf, repl.name);
	err = -ENOENT;
	if (!t)
		goto out_free;
	err = -EINVAL;
	if (repl.valid_hooks != t->valid_hooks)
		goto out_free;
	err = -EAGAIN;
	if (repl.num_counters != t->num_entries)
		goto out_free;
	struct xt_counters *c = calloc(t->num_entries, sizeof(*c));
	err = -ENOMEM;
	if (!c)
		goto out_free;
	for (unsigned i = 0; i < t->num_entries; i++)
		c[i] = t->rules[i].e->counters;
	nt.name = t->name;
	nt.instantiated = t->instantiated;
	nt.inst_seq = t->inst_seq;
	nt.initial_entries = t->initial_entries;
	nf_table_free(t);
	*t = nt;
	if (table_needs_ct(t))
		nf->ct_enabled = true; /* the extension's nf_ct_netns_get */
	old->data = c;
	old->bytes = repl.num_counters * sizeof(*c);
	old->gaddr = (uint64_t)(uintptr_t)repl.counters;
	return 0;
out_free:
	nf_table_free(&nt);
	return err;
}

/* do_add_counters (xt_copy_counters' length rules) */
static int add_counters(struct nf_ns *nf, const void *val, size_t len)
{
	struct xt_counters_info info;
	if (len <= sizeof(info))
		return -EINVAL;
	memcpy(&info, val, sizeof(info));
	if (info.num_counters == 0)
		return -EINVAL;
	if (info.num_counters >= INT_MAX / sizeof(struct xt_counters))
		return -ENOMEM;
	if ((uint64_t)info.num_counters * sizeof(struct xt_counters) != len - sizeof(info))
		return -EINVAL;
	info.name[sizeof(info.name) - 1] = 0;
	struct nf_table *t = nf_table_lookup(nf, info.name);
	if (!t)
		return -ENOENT;
	if (info.num_counters != t->num_entries)
		return -EINVAL;
	const uint8_t *src = (const uint8_t *)val + sizeof(info);
	for (unsigned i = 0; i < t->num_entries; i++) {
		struct xt_counters c;
		memcpy(&c, src + i * sizeof(c), sizeof(c));
		t->rules[i].e->counters.pcnt += c.pcnt;
		t->rules[i].e->counters.bcnt += c.bcnt;
	}
	return 0;
}

/* See netfilter.h. */
int nf_ipt_setsockopt(struct netns *ns, int name, const void *val, size_t len,
		      struct nf_old_counters *old)
{
	struct nf_ns *nf = nf_ns_of(ns);
	memset(old, 0, sizeof(*old));
	if (!nf)
		return -ENOPROTOOPT;
	switch (name) {
	case IPT_SO_SET_REPLACE:
		return set_replace(nf, val, len, old);
	case IPT_SO_SET_ADD_COUNTERS:
		return add_counters(nf, val, len);
	default:
		return -EINVAL;
	}
}

/* See netfilter.h: the instantiated tables, newest first, one per line. */
size_t nf_ipt_table_names(struct netns *ns, char *buf, size_t cap)
{
	struct nf_ns *nf = ns ? nf_ns_of(ns) : NULL;
	size_t n = 0;
	if (!nf || !cap)
		return 0;
	buf[0] = 0;
	for (unsigned seq = nf->inst_seq; seq > 0; seq--)
		for (int i = 0; i < NF_TABLES; i++)
			if (nf->tables[i].instantiated && nf->tables[i].inst_seq == seq &&
			    n < cap) {
				int w = snprintf(buf + n, cap - n, "%s\n", nf->tables[i].name);
				n = w < 0 ? n : (n + (size_t)w < cap ? n + (size_t)w : cap - 1);
			}
	return n;
}
