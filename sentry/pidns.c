/* sentry/pidns.c - nested pid namespaces: the namespace objects, the numbers a process has
 * at each level (records keyed by its sandbox-level number), translation both ways, and
 * the lives of a namespace's pid 1: orphans go to it, its death kills the namespace, and
 * SIGKILL/SIGSTOP sent from inside are dropped (pid_namespaces(7); the other signals it
 * has no handler for are dropped by signal.c whoever sends them).
 * See pidns.h for who holds what. Must not resume tasks nor deliver signals itself
 * (signal.c does), nor free thread groups (task.c does). */
#include "sentry/pidns.h"
#include "sentry/task.h"
#include "common/log.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define REC_HASH 256
#define NR_WRAP 300 /* Linux's RESERVED_PIDS: numbers restart here after the maximum */
#define NR_MAX 4194304

struct pid_rec {
	struct list_head link;
	int gnr;              /* level 0 */
	struct pid_ns *ns;    /* allocated in (a reference) */
	int nr[PIDNS_MAX_LEVEL + 1];
};

static struct list_head rec_hash[REC_HASH];
static bool rec_ready;
static int nrecs;

static struct pid_ns root_pidns = {
	.ns = { .refs = 1, .ino = 4026531836ULL },
};

struct pid_ns *pidns_root(void)
{
	return &root_pidns;
}

void pid_ns_get(struct pid_ns *ns)
{
	if (ns)
		ns->ns.refs++;
}

void pid_ns_put(struct pid_ns *ns)
{
	while (ns && ns != &root_pidns && --ns->ns.refs == 0) {
		struct pid_ns *parent = ns->parent;
		user_ns_put(ns->ns.owner);
		free(ns);
		ns = parent;
	}
}

struct pid_ns *pid_ns_new(struct pid_ns *parent, struct user_ns *owner)
{
	struct pid_ns *ns = calloc(1, sizeof(*ns));
	if (!ns)
		return NULL;
	ns->ns.refs = 1;
	ns->ns.ino = ns_next_ino();
	ns->ns.owner = owner;
	user_ns_get(owner);
	ns->level = parent->level + 1;
	ns->parent = parent;
	pid_ns_get(parent);
	return ns;
}

bool pidns_is_ancestor(const struct pid_ns *anc, const struct pid_ns *ns)
{
	for (; ns; ns = ns->parent)
		if (ns == anc)
			return true;
	return false;
}

const struct pid_ns *pidns_at(const struct pid_ns *ns, int level)
{
	while (ns && ns->level > level)
		ns = ns->parent;
	return ns;
}

static struct list_head *bucket(int gnr)
{
	if (!rec_ready) {
		for (int i = 0; i < REC_HASH; i++)
			list_init(&rec_hash[i]);
		rec_ready = true;
	}
	return &rec_hash[(unsigned)gnr % REC_HASH];
}

static struct pid_rec *rec_find(int gnr)
{
	struct pid_rec *r;
	if (!nrecs)
		return NULL;
	list_for_each_entry(r, bucket(gnr), link)
		if (r->gnr == gnr)
			return r;
	return NULL;
}

/* Calls @fn on every record until it returns true; returns that record or NULL. */
static struct pid_rec *rec_scan(bool (*fn)(struct pid_rec *, const void *), const void *arg)
{
	if (!nrecs)
		return NULL;
	for (int i = 0; i < REC_HASH; i++) {
		struct pid_rec *r;
		list_for_each_entry(r, &rec_hash[i], link)
			if (fn(r, arg))
				return r;
	}
	return NULL;
}

struct nr_key {
	const struct pid_ns *ns;
	int nr;
};

static bool rec_has_nr(struct pid_rec *r, const void *arg)
{
	const struct nr_key *k = arg;
	return r->ns->level >= k->ns->level && r->nr[k->ns->level] == k->nr &&
	       pidns_at(r->ns, k->ns->level) == k->ns;
}

/* The next free number of nested namespace @ns. */
static int alloc_in(struct pid_ns *ns)
{
	for (int tries = 0; tries < NR_MAX; tries++) {
		int v = ++ns->last_nr;
		if (v >= NR_MAX)
			v = ns->last_nr = NR_WRAP;
		struct nr_key k = { ns, v };
		if (!rec_scan(rec_has_nr, &k))
			return v;
	}
	return -EAGAIN;
}

int pidns_alloc(struct pid_ns *ns)
{
	for (const struct pid_ns *p = ns; p; p = p->parent)
		if (p->dead)
			return -ENOMEM;
	if (ns->level == 0)
		return pid_alloc();
	struct pid_rec *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (struct pid_ns *p = ns; p->level > 0; p = p->parent) {
		int v = alloc_in(p);
		if (v < 0) {
			free(r);
			return v;
		}
		r->nr[p->level] = v;
	}
	r->gnr = r->nr[0] = pid_alloc();
	r->ns = ns;
	pid_ns_get(ns);
	list_add(&r->link, bucket(r->gnr));
	nrecs++;
	return r->gnr;
}

void pidns_release(int gnr)
{
	struct pid_rec *r = rec_find(gnr);
	if (!r || pid_in_use(gnr))
		return;
	list_del(&r->link);
	nrecs--;
	pid_ns_put(r->ns);
	free(r);
}

struct pid_ns *pidns_of(int gnr)
{
	struct pid_rec *r = rec_find(gnr);
	return r ? r->ns : &root_pidns;
}

int pidns_nr(int gnr, const struct pid_ns *ns)
{
	if (gnr <= 0)
		return 0;
	if (!ns || ns->level == 0)
		return gnr;
	struct pid_rec *r = rec_find(gnr);
	if (!r || r->ns->level < ns->level || pidns_at(r->ns, ns->level) != ns)
		return 0;
	return r->nr[ns->level];
}

int pidns_find(int nr, const struct pid_ns *ns)
{
	if (nr <= 0)
		return 0;
	if (!ns || ns->level == 0)
		return nr;
	struct nr_key k = { ns, nr };
	struct pid_rec *r = rec_scan(rec_has_nr, &k);
	return r ? r->gnr : 0;
}

struct pid_ns *tg_pidns(struct thread_group *tg)
{
	return pidns_of(tg->vpid);
}

struct pid_ns *task_pidns(struct task *t)
{
	return tg_pidns(t->tg);
}

struct thread_group *pidns_tg(int nr, const struct pid_ns *ns)
{
	int g = pidns_find(nr, ns);
	return g ? tg_by_vpid(g) : NULL;
}

struct task *pidns_task(int nr, const struct pid_ns *ns)
{
	int g = pidns_find(nr, ns);
	return g ? task_by_vtid(g) : NULL;
}

int tg_vnr(struct thread_group *tg, struct task *viewer)
{
	return tg ? pidns_nr(tg->vpid, task_pidns(viewer)) : 0;
}

/* ---- pid 1 ---- */

void pidns_new_group(struct thread_group *tg)
{
	struct pid_ns *ns = tg_pidns(tg);
	if (ns->level > 0 && !ns->has_init && pidns_nr(tg->vpid, ns) == 1) {
		ns->has_init = true;
		ns->reaper = tg;
	}
}

struct thread_group *pidns_find_reaper(struct thread_group *tg)
{
	struct pid_ns *ns = tg_pidns(tg);
	if (ns->level == 0) {
		for (struct thread_group *p = tg->parent; p; p = p->parent)
			if (p->subreaper && !p->zombie)
				return p;
		return init_tg;
	}
	if (ns->reaper == tg || ns->dead)
		return NULL;
	/* a subreaper ancestor in the same namespace (Linux stops at the namespace) */
	for (struct thread_group *p = tg->parent; p && tg_pidns(p) == ns; p = p->parent)
		if (p->subreaper && !p->zombie)
			return p;
	return ns->reaper;
}

/* Whether a process other than @except1/@except2 is in @ns (zombies too). */
static bool ns_has_others(const struct pid_ns *ns, const struct thread_group *except1,
			  const struct thread_group *except2)
{
	struct thread_group *g;
	list_for_each_entry(g, &all_groups, all_link)
		if (g != except1 && g != except2 && pidns_nr(g->vpid, ns))
			return true;
	return false;
}

bool pidns_init_died(struct thread_group *tg)
{
	struct pid_ns *ns = tg_pidns(tg);
	if (ns->level == 0 || ns->reaper != tg)
		return false;
	ns->dead = true;
	struct thread_group *g, *tmp;
	siginfo_t si;
	signal_info_user(&si, SIGKILL, SI_KERNEL, NULL);
	list_for_each_entry_safe(g, tmp, &all_groups, all_link)
		if (g != tg && !g->zombie && pidns_nr(g->vpid, ns))
			signal_send_group(g, &si);
	log_debug("pid namespace %llu: pid 1 (pid %d) died", (unsigned long long)ns->ns.ino,
		  tg->vpid);
	return ns_has_others(ns, tg, NULL);
}

void pidns_group_reaped(struct thread_group *tg)
{
	struct pid_ns *own = tg_pidns(tg);
	if (own->reaper == tg)
		own->reaper = NULL;
	for (struct pid_ns *ns = own; ns && ns->level > 0; ns = ns->parent) {
		struct thread_group *r = ns->reaper;
		if (r && r != tg && r->ns_exit_pending && ns->dead && !ns_has_others(ns, r, tg)) {
			r->ns_exit_pending = false;
			tg_death_notify(r);
			return; /* the notification may have reaped r: stop walking */
		}
	}
}

bool pidns_is_init(struct thread_group *tg)
{
	struct pid_ns *ns = tg_pidns(tg);
	return ns->level > 0 && ns->reaper == tg;
}

bool pidns_init_ignores(struct task *sender, struct thread_group *tg, int sig)
{
	if (!sender || (sig != SIGKILL && sig != SIGSTOP) || !pidns_is_init(tg))
		return false;
	return pidns_nr(sender->tg->vpid, tg_pidns(tg)) != 0; /* from inside */
}

void pidns_fix_siginfo(struct task *t, siginfo_t *info)
{
	bool from_task = info->si_code == SI_USER || info->si_code == SI_TKILL ||
			 (info->si_signo == SIGCHLD && info->si_code > 0);
	if (!from_task)
		return;
	info->si_pid = pidns_nr(info->si_pid, task_pidns(t));
	info->si_uid = userns_from_uid(tg_userns(t->tg), info->si_uid);
}
