/* sentry/bpf/bpf_cgroup.c - BPF_CGROUP_DEVICE attachments of cgroups and the device
 * check (bpf_cgroup.h).
 *
 * Owns the attachment lists (cg->bpf). The effective programs are computed at each check
 * by Linux's rule (compute_effective_progs): the cgroup's own programs, then those of
 * each ancestor while nothing was collected yet or when that ancestor's flags say
 * BPF_F_ALLOW_MULTI. Never touches guest memory. */
#include <errno.h>
#include <stdlib.h>
#include "sentry/bpf/bpf_cgroup.h"
#include "sentry/bpf/bpf_prog.h"
#include "vfs/fs/cgroupfs.h"

struct attach {
	struct list_head link;
	struct bpf_prog *prog; /* a reference */
};

struct cg_progs {
	struct list_head list; /* struct attach, in attach order */
	uint32_t flags;	       /* 0, BPF_F_ALLOW_OVERRIDE or BPF_F_ALLOW_MULTI */
	int n;
};

static struct cg_progs *progs_of(const struct cgroup *cg)
{
	return cg ? cg->bpf : NULL;
}

/* Linux's hierarchy_allows_attach: the nearest ancestor with programs decides. */
static bool hierarchy_allows_attach(const struct cgroup *cg)
{
	for (const struct cgroup *p = cg->parent; p; p = p->parent) {
		const struct cg_progs *cp = progs_of(p);
		if (cp && (cp->flags & BPF_F_ALLOW_MULTI))
			return true;
		if (cp && cp->n)
			return cp->flags & BPF_F_ALLOW_OVERRIDE;
	}
	return true;
}

int bpf_cgroup_attach(struct cgroup *cg, struct bpf_prog *prog, struct bpf_prog *replace,
		      uint32_t flags)
{
	uint32_t saved = flags & (BPF_F_ALLOW_OVERRIDE | BPF_F_ALLOW_MULTI);
	if (((flags & BPF_F_ALLOW_OVERRIDE) && (flags & BPF_F_ALLOW_MULTI)) ||
	    ((flags & BPF_F_REPLACE) && !(flags & BPF_F_ALLOW_MULTI)))
		return -EINVAL;
	if (!!replace != !!(flags & BPF_F_REPLACE))
		return -EINVAL;
	if (!hierarchy_allows_attach(cg))
		return -EPERM;
	struct cg_progs *cp = progs_of(cg);
	if (cp && cp->n && cp->flags != saved)
		return -EPERM;
	if (cp && cp->n >= BPF_CGROUP_MAX_PROGS)
		return -E2BIG;
	struct attach *a = NULL, *it;
	if (cp && !(flags & BPF_F_ALLOW_MULTI)) {
		if (cp->n) /* single mode: the new program takes the old one's place */
			a = list_first_entry(&cp->list, struct attach, link);
	} else if (cp) {
		list_for_each_entry(it, &cp->list,
				    link) if (it->prog == prog && prog != replace) return -EINVAL;
		if (replace) {
			list_for_each_entry(it, &cp->list, link) if (it->prog == replace) a = it;
			if (!a)
				return -ENOENT;
		}
	} else if (replace) {
		return -ENOENT;
	}
	if (!cp) {
		cp = calloc(1, sizeof(*cp));
		if (!cp)
			return -ENOMEM;
		list_init(&cp->list);
		cg->bpf = cp;
	}
	bpf_prog_get(prog);
	if (a) {
		bpf_prog_put(a->prog);
		a->prog = prog;
	} else {
		a = calloc(1, sizeof(*a));
		if (!a) {
			bpf_prog_put(prog);
			return -ENOMEM;
		}
		a->prog = prog;
		list_add_tail(&a->link, &cp->list);
		cp->n++;
	}
	cp->flags = saved;
	return 0;
}

int bpf_cgroup_detach(struct cgroup *cg, struct bpf_prog *prog)
{
	struct cg_progs *cp = progs_of(cg);
	if (!cp || !cp->n)
		return cp && (cp->flags & BPF_F_ALLOW_MULTI) && !prog ? -EINVAL : -ENOENT;
	struct attach *a = NULL, *it;
	if (!(cp->flags & BPF_F_ALLOW_MULTI)) {
		/* Linux keeps detaching with any (even an invalid) fd in these modes */
		a = list_first_entry(&cp->list, struct attach, link);
	} else {
		if (!prog)
			return -EINVAL;
		list_for_each_entry(it, &cp->list, link) if (it->prog == prog) a = it;
		if (!a)
			return -ENOENT;
	}
	list_del(&a->link);
	bpf_prog_put(a->prog);
	free(a);
	if (--cp->n == 0) {
		cg->bpf = NULL;
		free(cp);
	}
	return 0;
}

/* Calls @fn for each effective program of @cg, in run order, until it returns false. */
static void for_each_effective(const struct cgroup *cg, bool (*fn)(struct bpf_prog *, void *),
			       void *arg)
{
	int cnt = 0;
	for (const struct cgroup *p = cg; p; p = p->parent) {
		const struct cg_progs *cp = progs_of(p);
		if (!cp || (cnt > 0 && !(cp->flags & BPF_F_ALLOW_MULTI)))
			continue;
		struct attach *a;
		list_for_each_entry(a, &cp->list, link)
		{
			cnt++;
			if (!fn(a->prog, arg))
				return;
		}
	}
}

struct query {
	uint32_t *ids, max, n, total;
};

static bool query_one(struct bpf_prog *p, void *arg)
{
	struct query *q = arg;
	if (q->n < q->max)
		q->ids[q->n++] = p->id;
	q->total++;
	return true;
}

uint32_t bpf_cgroup_query(struct cgroup *cg, bool effective, uint32_t *ids, uint32_t max,
			  uint32_t *total, uint32_t *flags)
{
	struct query q = {.ids = ids, .max = max};
	const struct cg_progs *cp = progs_of(cg);
	*flags = effective || !cp ? 0 : cp->flags;
	if (effective) {
		for_each_effective(cg, query_one, &q);
	} else if (cp) {
		struct attach *a;
		list_for_each_entry(a, &cp->list, link) query_one(a->prog, &q);
	}
	*total = q.total;
	return q.n;
}

struct dev_run {
	const uint32_t *ctx; /* struct bpf_cgroup_dev_ctx */
	bool denied;
};

static bool dev_run_one(struct bpf_prog *p, void *arg)
{
	struct dev_run *r = arg;
	if (!(bpf_prog_run(p, r->ctx, 3 * sizeof(uint32_t)) & 1))
		r->denied = true;
	return !r->denied;
}

int bpf_cgroup_dev_check(struct cgroup *cg, unsigned type, unsigned major, unsigned minor,
			 unsigned access)
{
	if (!cg)
		cg = cgroup_root();
	uint32_t ctx[3] = {access << 16 | type, major, minor};
	struct dev_run r = {.ctx = ctx};
	for_each_effective(cg, dev_run_one, &r);
	return r.denied ? -EPERM : 0;
}

void bpf_cgroup_release(struct cgroup *cg)
{
	struct cg_progs *cp = progs_of(cg);
	if (!cp)
		return;
	struct attach *a, *tmp;
	list_for_each_entry_safe(a, tmp, &cp->list, link)
	{
		list_del(&a->link);
		bpf_prog_put(a->prog);
		free(a);
	}
	cg->bpf = NULL;
	free(cp);
}
