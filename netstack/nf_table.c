/* netstack/nf_table.c - the iptables tables of a namespace and their socket-option ABI
 * (net/ipv4/netfilter/ip_tables.c, x_tables.c): IPT_SO_GET_INFO, IPT_SO_GET_ENTRIES,
 * IPT_SO_GET_REVISION_MATCH/TARGET, IPT_SO_SET_REPLACE, IPT_SO_SET_ADD_COUNTERS; the
 * built-in tables `filter` and `nat` with their ACCEPT policies; the validation of a
 * replacement blob (translate_table: every offset and size checked, loops refused) and
 * its compilation into struct nf_rule.
 *
 * Owns: struct nf_ns, struct nf_table and their memory. Must not: trust a byte of a blob
 * (it comes from the app), touch guest memory, or check capabilities (the caller does). */
#include "netstack/nf_internal.h" /* first (net/if.h before linux/if.h) */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---- the built-in tables ---- */

static const struct {
	const char *name;
	unsigned valid_hooks;
} table_defs[NF_TABLES] = {
    [NF_TABLE_FILTER] = {"filter", (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD) |
				       (1 << NF_INET_LOCAL_OUT)},
    [NF_TABLE_NAT] = {"nat", (1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_IN) |
				 (1 << NF_INET_LOCAL_OUT) | (1 << NF_INET_POST_ROUTING)},
};

#define STD_ENTRY_SIZE (sizeof(struct ipt_entry) + XT_ALIGN(sizeof(struct xt_standard_target)))
#define ERR_ENTRY_SIZE (sizeof(struct ipt_entry) + XT_ALIGN(sizeof(struct xt_error_target)))

/* Linux's ipt_alloc_initial_table: one unconditional ACCEPT per valid hook, then the
 * ERROR entry that ends every table. Returns the replace header + blob (malloc'd). */
static struct ipt_replace *initial_replace(enum nf_table_id id)
{
	unsigned hooks = table_defs[id].valid_hooks, n = (unsigned)__builtin_popcount(hooks);
	size_t size = n * STD_ENTRY_SIZE + ERR_ENTRY_SIZE;
	struct ipt_replace *r = calloc(1, sizeof(*r) + size);
	if (!r)
		return NULL;
	strcpy(r->name, table_defs[id].name);
	r->valid_hooks = hooks;
	r->num_entries = n + 1;
	r->size = (unsigned)size;
	uint8_t *pos = (uint8_t *)r->entries;
	for (unsigned h = 0; h < NF_HOOKS; h++) {
		if (!(hooks & (1u << h)))
			continue;
		struct ipt_entry *e = (struct ipt_entry *)pos;
		e->target_offset = sizeof(*e);
		e->next_offset = STD_ENTRY_SIZE;
		struct xt_standard_target *st = (struct xt_standard_target *)e->elems;
		st->target.u.target_size = XT_ALIGN(sizeof(*st));
		st->verdict = -NF_ACCEPT - 1;
		r->hook_entry[h] = r->underflow[h] = (unsigned)(pos - (uint8_t *)r->entries);
		pos += STD_ENTRY_SIZE;
	}
	struct ipt_entry *e = (struct ipt_entry *)pos;
	e->target_offset = sizeof(*e);
	e->next_offset = ERR_ENTRY_SIZE;
	struct xt_error_target *et = (struct xt_error_target *)e->elems;
	et->target.u.target_size = XT_ALIGN(sizeof(*et));
	strcpy(et->target.u.user.name, XT_ERROR_TARGET);
	strcpy(et->errorname, XT_ERROR_TARGET);
	return r;
}

static int table_init(struct nf_table *t, enum nf_table_id id)
{
	struct ipt_replace *r = initial_replace(id);
	if (!r)
		return -ENOMEM;
	uint8_t *blob = malloc(r->size);
	int err = -ENOMEM;
	if (blob) {
		memcpy(blob, r->entries, r->size);
		memset(t, 0, sizeof(*t));
		t->name = table_defs[id].name;
		err = nf_table_translate(t, r, blob);
		if (err)
			free(blob);
		t->initial_entries = t->num_entries;
	}
	free(r);
	return err;
}

void nf_table_free(struct nf_table *t)
{
	free(t->blob);
	free(t->rules);
	free(t->matches);
	t->blob = NULL;
	t->rules = NULL;
	t->matches = NULL;
}

int nf_ns_init(struct netns *ns)
{
	struct nf_ns *nf = calloc(1, sizeof(*nf));
	if (!nf)
		return -ENOMEM;
	for (int i = 0; i < NF_TABLES; i++) {
		int err = table_init(&nf->tables[i], (enum nf_table_id)i);
		if (err) {
			while (i-- > 0)
				nf_table_free(&nf->tables[i]);
			free(nf);
			return err;
		}
	}
	int err = nf_ct_ns_init(nf);
	if (err) {
		for (int i = 0; i < NF_TABLES; i++)
			nf_table_free(&nf->tables[i]);
		free(nf);
		return err;
	}
	ns->nf = nf;
	return 0;
}

void nf_ns_fini(struct netns *ns)
{
	struct nf_ns *nf = ns->nf;
	if (!nf)
		return;
	nf_ct_ns_fini(nf);
	for (int i = 0; i < NF_TABLES; i++)
		nf_table_free(&nf->tables[i]);
	free(nf);
	ns->nf = NULL;
}

struct nf_ns *nf_ns_of(struct netns *ns)
{
	return ns->nf;
}

struct nf_table *nf_table_lookup(struct nf_ns *nf, const char *name)
{
	for (int i = 0; i < NF_TABLES; i++) {
		struct nf_table *t = &nf->tables[i];
		if (strcmp(t->name, name))
			continue;
		if (!t->instantiated) {
			t->instantiated = true;
			t->inst_seq = ++nf->inst_seq;
			if (i == NF_TABLE_NAT)
				nf->ct_enabled = true; /* iptable_nat pulls in nf_conntrack */
		}
		return t;
	}
	return NULL;
}

/* ---- translate_table ---- */

/* unconditional(): no address, interface, protocol or flag, and no match */
static bool is_unconditional(const struct ipt_entry *e)
{
	static const struct ipt_ip zero;
	return e->target_offset == sizeof(struct ipt_entry) && !memcmp(&e->ip, &zero, sizeof(zero));
}

static bool is_name(const char *field, size_t cap, const char *name)
{
	return strnlen(field, cap) < cap && !strcmp(field, name);
}

/* ip_checkentry */
static bool ip_ok(const struct ipt_ip *ip)
{
	return !(ip->flags & ~IPT_F_MASK) && !(ip->invflags & ~IPT_INV_MASK);
}

/* verdict_ok: a jump (> 0), ACCEPT, DROP, QUEUE or RETURN */
static bool verdict_ok(int v)
{
	if (v > 0)
		return true;
	if (v == XT_RETURN)
		return true;
	if (v < 0) {
		int nv = -v - 1;
		return nv == NF_ACCEPT || nv == NF_DROP || nv == NF_QUEUE;
	}
	return false;
}

/* xt_check_entry_offsets + xt_check_entry_match: the matches tile [elems, target), the
 * target fits before next_offset, the standard and ERROR targets have their sizes. */
static int check_entry_offsets(const struct ipt_entry *e)
{
	size_t toff = e->target_offset, noff = e->next_offset;
	if (toff < sizeof(*e) || toff + sizeof(struct xt_entry_target) > noff)
		return -EINVAL;
	const struct xt_entry_target *t = (const void *)((const uint8_t *)e + toff);
	if (t->u.target_size < sizeof(*t) || toff + t->u.target_size > noff)
		return -EINVAL;
	if (is_name(t->u.user.name, sizeof(t->u.user.name), XT_STANDARD_TARGET)) {
		const struct xt_standard_target *st = (const void *)t;
		if (XT_ALIGN(toff + sizeof(*st)) != noff)
			return -EINVAL;
		if (!verdict_ok(st->verdict))
			return -EINVAL;
	} else if (is_name(t->u.user.name, sizeof(t->u.user.name), XT_ERROR_TARGET)) {
		const struct xt_error_target *et = (const void *)t;
		if (t->u.target_size != XT_ALIGN(sizeof(*et)) ||
		    strnlen(et->errorname, sizeof(et->errorname)) == sizeof(et->errorname))
			return -EINVAL;
	}
	int length = (int)toff - (int)sizeof(*e);
	size_t pos = sizeof(*e);
	while (length > 0) {
		const struct xt_entry_match *m = (const void *)((const uint8_t *)e + pos);
		if (pos % __alignof__(struct xt_entry_match))
			return -EINVAL;
		if (length < (int)sizeof(*m) || m->u.match_size < sizeof(*m) ||
		    m->u.match_size > length)
			return -EINVAL;
		length -= m->u.match_size;
		pos += m->u.match_size;
	}
	return 0;
}

/* check_underflow: a chain's policy is an unconditional standard ACCEPT or DROP */
static bool underflow_ok(const struct ipt_entry *e)
{
	if (!is_unconditional(e))
		return false;
	const struct xt_standard_target *st = (const void *)e->elems;
	if (!is_name(st->target.u.user.name, sizeof(st->target.u.user.name), XT_STANDARD_TARGET))
		return false;
	int v = -st->verdict - 1;
	return v == NF_DROP || v == NF_ACCEPT;
}

/* Pass 1 (check_entry_size_and_hooks): walks the entries, checks each one's bounds, finds
 * the hook entries and underflows; fills t->rules[i].e. */
static int walk_entries(struct nf_table *t, const struct ipt_replace *repl, uint8_t *blob)
{
	size_t off = 0, size = repl->size;
	unsigned i = 0;
	for (int h = 0; h < NF_HOOKS; h++)
		t->hook_entry[h] = t->underflow[h] = 0xFFFFFFFF;
	while (off < size) {
		struct ipt_entry *e = (struct ipt_entry *)(blob + off);
		if (off % __alignof__(struct ipt_entry) || off + sizeof(*e) >= size ||
		    e->next_offset > size - off)
			return -EINVAL;
		if (e->next_offset < sizeof(*e) + sizeof(struct xt_entry_target))
			return -EINVAL;
		if (!ip_ok(&e->ip))
			return -EINVAL;
		int err = check_entry_offsets(e);
		if (err)
			return err;
		for (int h = 0; h < NF_HOOKS; h++) {
			if (!(repl->valid_hooks & (1u << h)))
				continue;
			if (off == repl->hook_entry[h]) {
				t->hook_entry[h] = (unsigned)off;
				t->hook_rule[h] = i;
			}
			if (off == repl->underflow[h]) {
				if (!underflow_ok(e))
					return -EINVAL;
				t->underflow[h] = (unsigned)off;
				t->underflow_rule[h] = i;
			}
		}
		memset(&e->counters, 0, sizeof(e->counters));
		e->comefrom = 0;
		if (i < repl->num_entries)
			t->rules[i].e = e;
		const struct xt_entry_target *tg = (const void *)((uint8_t *)e + e->target_offset);
		if (is_name(tg->u.user.name, sizeof(tg->u.user.name), XT_ERROR_TARGET))
			t->stacksize++;
		i++;
		off += e->next_offset;
	}
	if (i != repl->num_entries)
		return -EINVAL;
	/* xt_check_table_hooks: every valid hook has an entry and an underflow, in order */
	unsigned max_entry = 0, max_uflow = 0;
	bool ordered = false;
	for (int h = 0; h < NF_HOOKS; h++) {
		if (!(repl->valid_hooks & (1u << h)))
			continue;
		if (t->hook_entry[h] == 0xFFFFFFFF || t->underflow[h] == 0xFFFFFFFF)
			return -EINVAL;
		if (ordered && (max_uflow >= t->underflow[h] || max_entry >= t->hook_entry[h]))
			return -EINVAL;
		max_entry = t->hook_entry[h];
		max_uflow = t->underflow[h];
		ordered = true;
	}
	return 0;
}

/* The index of the entry at byte offset @off, or -1 (xt_find_jump_offset). */
static long rule_at(const struct nf_table *t, unsigned off)
{
	long lo = 0, hi = (long)t->num_entries - 1;
	uint8_t *want = t->blob + off;
	while (lo <= hi) {
		long mid = (lo + hi) / 2;
		uint8_t *at = (uint8_t *)t->rules[mid].e;
		if (at == want)
			return mid;
		if (at < want)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Pass 2: standard targets (verdicts, jump indexes) and the ERROR target. */
static int compile_std_targets(struct nf_table *t)
{
	for (unsigned i = 0; i < t->num_entries; i++) {
		struct nf_rule *r = &t->rules[i];
		const struct xt_entry_target *tg =
		    (const void *)((uint8_t *)r->e + r->e->target_offset);
		r->tdata = tg->data;
		if (is_name(tg->u.user.name, sizeof(tg->u.user.name), XT_STANDARD_TARGET)) {
			r->is_std = true;
			r->verdict = ((const struct xt_standard_target *)tg)->verdict;
			if (r->verdict >= 0) {
				long j = rule_at(t, (unsigned)r->verdict);
				if (j < 0)
					return -ELOOP; /* mark_source_chains: not an entry */
				r->jump = (unsigned)j;
			}
		} else if (is_name(tg->u.user.name, sizeof(tg->u.user.name), XT_ERROR_TARGET)) {
			r->is_error = true;
		}
	}
	return 0;
}

/* mark_source_chains: walks every hook's rules depth first as Linux does, recording in
 * comefrom which hooks reach each rule; a rule met again on the current path is a loop
 * (-ELOOP), so is falling off the end of the table. @back is scratch (num_entries). */
static int mark_chains(struct nf_table *t, unsigned *back)
{
	const unsigned onpath = 1u << NF_HOOKS, n = t->num_entries;
	for (unsigned h = 0; h < NF_HOOKS; h++) {
		if (!(t->valid_hooks & (1u << h)))
			continue;
		unsigned pos = t->hook_rule[h];
		back[pos] = pos;
		for (;;) {
			struct nf_rule *r = &t->rules[pos];
			bool visited = r->e->comefrom & (1u << h);
			if (r->e->comefrom & onpath)
				return -ELOOP;
			r->e->comefrom |= (1u << h) | onpath;
			if ((t->rules[pos].is_std && r->verdict < 0 && is_unconditional(r->e)) ||
			    visited) {
				unsigned oldpos;
				do { /* return: back through the last jump */
					r->e->comefrom ^= onpath;
					oldpos = pos;
					pos = back[pos];
					back[oldpos] = 0;
					if (pos == oldpos)
						goto next_hook;
					r = &t->rules[pos];
				} while (oldpos == pos + 1);
				if (pos + 1 >= n)
					return -ELOOP;
				back[pos + 1] = pos;
				pos++;
			} else {
				unsigned np;
				if (t->rules[pos].is_std && r->verdict >= 0)
					np = r->jump;
				else if ((np = pos + 1) >= n)
					return -ELOOP;
				back[np] = pos;
				pos = np;
			}
		}
	next_hook:;
	}
	return 0;
}

/* Pass 3 (find_check_entry): every match and target is a known extension whose data
 * passes its checks. */
static int compile_extensions(struct nf_table *t, const char *table)
{
	size_t nmatch = 0;
	for (unsigned i = 0; i < t->num_entries; i++) {
		const struct ipt_entry *e = t->rules[i].e;
		for (size_t pos = sizeof(*e); pos < e->target_offset;
		     pos +=
		     ((const struct xt_entry_match *)((const uint8_t *)e + pos))->u.match_size)
			nmatch++;
	}
	t->matches = calloc(nmatch ? nmatch : 1, sizeof(*t->matches));
	if (!t->matches)
		return -ENOMEM;
	struct nf_match_ref *mref = t->matches;
	for (unsigned i = 0; i < t->num_entries; i++) {
		struct nf_rule *r = &t->rules[i];
		struct ipt_entry *e = r->e;
		struct nf_ext_check c = {.table = table, .hook_mask = e->comefrom, .ip = &e->ip};
		int err;
		r->m = mref;
		for (size_t pos = sizeof(*e); pos < e->target_offset;) {
			struct xt_entry_match *m = (void *)((uint8_t *)e + pos);
			char name[sizeof(m->u.user.name)];
			memcpy(name, m->u.user.name, sizeof(name));
			name[sizeof(name) - 1] = 0;
			const struct nf_ext *x = nf_ext_find(name, m->u.user.revision, false, &err);
			if (!x)
				return err; /* ENOENT: Linux's request_module found no module */
			if ((err = nf_ext_check(x, m->data, m->u.match_size - sizeof(*m), &c)))
				return err;
			mref->ext = x;
			mref->data = m->data;
			mref++;
			r->nmatch++;
			pos += m->u.match_size;
		}
		struct xt_entry_target *tg = (void *)((uint8_t *)e + e->target_offset);
		if (r->is_error || r->is_std)
			continue;
		char name[sizeof(tg->u.user.name)];
		memcpy(name, tg->u.user.name, sizeof(name));
		name[sizeof(name) - 1] = 0;
		const struct nf_ext *x = nf_ext_find(name, tg->u.user.revision, true, &err);
		if (!x)
			return err;
		if ((err = nf_ext_check(x, tg->data, tg->u.target_size - sizeof(*tg), &c)))
			return err;
		r->target = x;
	}
	return 0;
}

/* A table whose every rule is an unconditional ACCEPT (the built-in policies and the
 * final ERROR entry): traversing it can only accept. */
static bool is_trivial(const struct nf_table *t)
{
	for (unsigned i = 0; i < t->num_entries; i++) {
		const struct nf_rule *r = &t->rules[i];
		if (r->is_error && i == t->num_entries - 1)
			continue;
		if (!r->is_std || r->verdict != -NF_ACCEPT - 1 || !is_unconditional(r->e))
			return false;
	}
	return true;
}

/* See nf_internal.h. */
int nf_table_translate(struct nf_table *t, const struct ipt_replace *repl, uint8_t *blob)
{
	int err;
	char name[XT_TABLE_MAXNAMELEN];
	memcpy(name, repl->name, sizeof(name));
	name[sizeof(name) - 1] = 0;
	t->valid_hooks = repl->valid_hooks;
	t->num_entries = repl->num_entries;
	t->size = repl->size;
	t->blob = blob;
	if (!repl->num_entries || repl->num_entries > repl->size / sizeof(struct ipt_entry))
		return -EINVAL;
	t->rules = calloc(repl->num_entries, sizeof(*t->rules));
	unsigned *back = calloc(repl->num_entries, sizeof(*back));
	err = -ENOMEM;
	if (!t->rules || !back)
		goto out;
	if ((err = walk_entries(t, repl, blob)))
		goto out;
	if ((err = compile_std_targets(t)))
		goto out;
	if ((err = mark_chains(t, back)))
		goto out;
	if ((err = compile_extensions(t, name)))
		goto out;
	t->trivial = is_trivial(t);
out:
	free(back);
	if (err) {
		free(t->rules);
		free(t->matches);
		t->rules = NULL;
		t->matches = NULL;
		t->blob = NULL;
	}
	return err;
}
