/* vfs/fs/cgroupfs_tree.c - the cgroup v2 hierarchy: cgroups, their creation and removal
 * with Linux's limits, subtree_control and the no-internal-process rule, the membership
 * counts (populated) and pids charges the Sentry keeps, and the effective freeze.
 *
 * Owns every struct cgroup. Knows nothing of tasks (sentry/cgroup.c does) nor of files
 * (cgroupfs.c does). Never blocks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "vfs/fs/cgroupfs.h"

const char *const cgroup_ctrl_names[CG_NR_CTRL] = {
    [CG_CPUSET] = "cpuset", [CG_CPU] = "cpu",	[CG_IO] = "io",
    [CG_MEMORY] = "memory", [CG_PIDS] = "pids",
};

long cgroup_live;
static struct cgroup *root;
static uint64_t next_seq;

static struct cgroup *cgroup_alloc(const char *name, size_t len)
{
	struct cgroup *cg = calloc(1, sizeof(*cg));
	if (!cg)
		return NULL;
	cg->name = strndup(name, len);
	if (!cg->name) {
		free(cg);
		return NULL;
	}
	cg->refs = 1;
	list_init(&cg->children);
	list_init(&cg->sibling);
	cg->ino = vfs_next_ino();
	cg->seq = ++next_seq;
	cg->max_descendants = CG_MAX;
	cg->max_depth = CG_MAX;
	cg->pids_max = CG_MAX;
	cg->memory_max = cg->memory_high = cg->memory_swap_max = CG_MAX;
	cg->cpu_max_quota = CG_MAX;
	cg->cpu_max_period = 100000;
	cg->cpu_weight = 100;
	cgroup_live++;
	return cg;
}

struct cgroup *cgroup_root(void)
{
	if (!root)
		root = cgroup_alloc("", 0);
	return root;
}

void cgroup_get(struct cgroup *cg)
{
	cg->refs++;
}

void cgroup_put(struct cgroup *cg)
{
	while (cg && --cg->refs == 0) {
		struct cgroup *parent = cg->parent;
		if (cg == root)
			root = NULL;
		free(cg->name);
		free(cg);
		cgroup_live--;
		cg = parent;
	}
}

static void remove_children(struct cgroup *cg)
{
	struct cgroup *c, *tmp;
	list_for_each_entry_safe(c, tmp, &cg->children, sibling)
	{
		remove_children(c);
		c->dead = true;
		list_del(&c->sibling);
		list_init(&c->sibling);
		cgroup_put(c);
	}
	cg->nr_descendants = 0;
}

void cgroup_tree_reset(void)
{
	struct cgroup *r = root;
	if (!r)
		return;
	remove_children(r);
	root = NULL;
	cgroup_put(r);
}

struct cgroup *cgroup_child(struct cgroup *cg, const char *name, size_t len)
{
	struct cgroup *c;
	list_for_each_entry(c, &cg->children, sibling) if (strlen(c->name) == len &&
							   !memcmp(c->name, name, len)) return c;
	return NULL;
}

bool cgroup_is_ancestor(const struct cgroup *a, const struct cgroup *d)
{
	for (; d; d = d->parent)
		if (d == a)
			return true;
	return false;
}

/* Linux's cgroup_check_hierarchy_limits: a new child of @parent would be @level deep
 * below each ancestor. */
static bool within_limits(const struct cgroup *parent)
{
	int64_t level = 1;
	for (const struct cgroup *a = parent; a; a = a->parent, level++) {
		if (a->nr_descendants >= a->max_descendants)
			return false;
		if (level > a->max_depth)
			return false;
	}
	return true;
}

int cgroup_mkdir(struct cgroup *parent, const char *name, size_t len, struct cgroup **out)
{
	if (parent->dead)
		return -ENOENT;
	if (cgroup_child(parent, name, len))
		return -EEXIST;
	if (!within_limits(parent))
		return -EAGAIN;
	struct cgroup *cg = cgroup_alloc(name, len);
	if (!cg)
		return -ENOMEM;
	cgroup_get(parent);
	cg->parent = parent;
	cg->level = parent->level + 1;
	list_add_tail(&cg->sibling, &parent->children);
	for (struct cgroup *a = parent; a; a = a->parent)
		a->nr_descendants++;
	*out = cg;
	return 0;
}

int cgroup_rmdir(struct cgroup *cg)
{
	if (!cg->parent || cg->dead)
		return cg->dead ? -ENOENT : -EBUSY;
	if (!list_empty(&cg->children) || cgroup_is_populated(cg))
		return -EBUSY;
	cg->dead = true;
	list_del(&cg->sibling);
	list_init(&cg->sibling);
	for (struct cgroup *a = cg->parent; a; a = a->parent)
		a->nr_descendants--;
	cgroup_put(cg); /* the tree's reference */
	return 0;
}

int cgroup_path(struct cgroup *cg, char *buf, size_t size)
{
	if (!cg->parent) {
		if (size < 2)
			return -ENAMETOOLONG;
		memcpy(buf, "/", 2);
		return 1;
	}
	size_t len = 0;
	for (struct cgroup *a = cg; a->parent; a = a->parent)
		len += 1 + strlen(a->name);
	if (len + 1 > size)
		return -ENAMETOOLONG;
	buf[len] = 0;
	size_t end = len;
	for (struct cgroup *a = cg; a->parent; a = a->parent) {
		size_t n = strlen(a->name);
		end -= n;
		memcpy(buf + end, a->name, n);
		buf[--end] = '/';
	}
	return (int)len;
}

int cgroup_path_from(struct cgroup *cg, struct cgroup *from, char *buf, size_t size)
{
	if (!from || !from->parent)
		return cgroup_path(cg, buf, size);
	/* the nearest common ancestor: climb the deeper one, then both */
	struct cgroup *a = cg, *b = from;
	while (a->level > b->level)
		a = a->parent;
	while (b->level > a->level)
		b = b->parent;
	while (a != b) {
		a = a->parent;
		b = b->parent;
	}
	size_t len = 0;
	for (struct cgroup *x = from; x != a; x = x->parent)
		len += 3; /* "/.." */
	for (struct cgroup *x = cg; x != a; x = x->parent)
		len += 1 + strlen(x->name);
	if (len == 0)
		len = 1; /* "/" */
	if (len + 1 > size)
		return -ENAMETOOLONG;
	size_t pos = 0;
	for (struct cgroup *x = from; x != a; x = x->parent, pos += 3)
		memcpy(buf + pos, "/..", 3);
	size_t end = len;
	buf[end] = 0;
	for (struct cgroup *x = cg; x != a; x = x->parent) {
		size_t n = strlen(x->name);
		end -= n;
		memcpy(buf + end, x->name, n);
		buf[--end] = '/';
	}
	if (pos == 0 && end == len)
		buf[0] = '/', buf[1] = 0;
	return (int)len;
}

unsigned cgroup_controllers(struct cgroup *cg)
{
	return cg->parent ? cg->parent->subtree_control : CG_ALL_CTRLS;
}

/* Linux's cgroup_can_be_thread_root (no threaded cgroups exist here). */
static bool can_be_thread_root(const struct cgroup *cg)
{
	if (!cg->parent)
		return true; /* mixable */
	if (cg->nr_populated_children)
		return false;
	return !(cg->subtree_control & ~CG_THREADED_CTRLS);
}

int cgroup_can_attach(struct cgroup *cg)
{
	if (cg->dead)
		return -ENOENT;
	if (!cg->parent || can_be_thread_root(cg))
		return 0;
	return cg->subtree_control ? -EBUSY : 0;
}

static int ctrl_by_name(const char *s, size_t len)
{
	for (int i = 0; i < CG_NR_CTRL; i++)
		if (strlen(cgroup_ctrl_names[i]) == len && !memcmp(cgroup_ctrl_names[i], s, len))
			return i;
	return -1;
}

int cgroup_subtree_control_write(struct cgroup *cg, const char *buf)
{
	unsigned enable = 0, disable = 0;
	const char *p = buf;
	if (cg->dead)
		return -ENOENT;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		const char *tok = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		int c = ctrl_by_name(tok + 1, (size_t)(p - tok - 1));
		if (c < 0 || (*tok != '+' && *tok != '-'))
			return -EINVAL;
		if (*tok == '+') {
			enable |= 1u << c;
			disable &= ~(1u << c);
		} else {
			disable |= 1u << c;
			enable &= ~(1u << c);
		}
	}
	for (int c = 0; c < CG_NR_CTRL; c++) {
		unsigned bit = 1u << c;
		if (enable & bit) {
			if (cg->subtree_control & bit)
				enable &= ~bit;
			else if (!(cgroup_controllers(cg) & bit))
				return -ENOENT;
		} else if (disable & bit) {
			if (!(cg->subtree_control & bit)) {
				disable &= ~bit;
				continue;
			}
			struct cgroup *ch;
			list_for_each_entry(ch, &cg->children,
					    sibling) if (ch->subtree_control & bit) return -EBUSY;
		}
	}
	if (!enable && !disable)
		return 0;
	/* Linux's cgroup_vet_subtree_control_enable: the root is mixable; threaded
	 * controllers may always be enabled where a thread root could be; domain ones
	 * not in a cgroup that has processes of its own. */
	if (enable && cg->parent) {
		bool domain = enable & ~CG_THREADED_CTRLS;
		if (!domain && can_be_thread_root(cg))
			;
		else if (cg->nr_procs)
			return -EBUSY;
	}
	cg->subtree_control = (cg->subtree_control | enable) & ~disable;
	return 0;
}

bool cgroup_is_populated(const struct cgroup *cg)
{
	return cg->nr_populated > 0;
}

void cgroup_proc_enter(struct cgroup *cg)
{
	cg->nr_procs++;
	for (struct cgroup *a = cg; a; a = a->parent) {
		if (a->nr_populated++ == 0 && a->parent)
			a->parent->nr_populated_children++;
	}
}

void cgroup_proc_leave(struct cgroup *cg)
{
	cg->nr_procs--;
	for (struct cgroup *a = cg; a; a = a->parent) {
		if (--a->nr_populated == 0 && a->parent)
			a->parent->nr_populated_children--;
	}
}

int cgroup_pids_try_charge(struct cgroup *cg)
{
	for (struct cgroup *a = cg; a; a = a->parent) {
		if (a->pids_max != CG_MAX && a->pids_current + 1 > a->pids_max) {
			cg->pids_events_max++;
			return -EAGAIN;
		}
	}
	cgroup_pids_force_charge(cg);
	return 0;
}

void cgroup_pids_force_charge(struct cgroup *cg)
{
	for (struct cgroup *a = cg; a; a = a->parent)
		a->pids_current++;
}

void cgroup_pids_uncharge(struct cgroup *cg)
{
	for (struct cgroup *a = cg; a; a = a->parent)
		a->pids_current--;
}

bool cgroup_freeze_effective(const struct cgroup *cg)
{
	for (; cg; cg = cg->parent)
		if (cg->freeze)
			return true;
	return false;
}
