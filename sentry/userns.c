/* sentry/userns.c - user namespaces (user_namespaces(7)): the id maps and their write
 * rules, id translation at the syscall boundary, and capabilities relative to a
 * namespace (ns_capable).
 *
 * Credentials (tg->cred) are kept in kernel ids: the sandbox's user namespace's. What a
 * task is told (getuid, stat, /proc) goes through userns_from_uid of its namespace; what
 * it names (setuid, chown) through userns_make_uid. A process's capabilities count in its
 * own user namespace: tg->cred.cap_effective, which every check of a sandbox-wide object
 * reads, is empty outside the sandbox's namespace (tg_caps_effective is the set in the
 * process's own); the VFS applies that set (cred.ns_caps) to files whose owner and group
 * are mapped in the namespace, as Linux's capable_wrt_inode_uidgid. Must not touch guest
 * memory. */
#include "sentry/nsproxy.h"
#include "sentry/task.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define OVERFLOW_ID 65534
#define NO_ID ((uint32_t)-1)
#define CAP_SETUID_BIT 7
#define CAP_SETGID_BIT 6
#define CAP_SYS_ADMIN_BIT 21

static struct user_ns init_userns = {
	.ns = { .refs = 1, .ino = 4026531837ULL },
	.uid_map = { 1, { { 0, 0, 4294967295u } } },
	.gid_map = { 1, { { 0, 0, 4294967295u } } },
};

struct user_ns *user_ns_init(void)
{
	return &init_userns;
}

void user_ns_get(struct user_ns *ns)
{
	if (ns)
		ns->ns.refs++;
}

void user_ns_put(struct user_ns *ns)
{
	while (ns && ns != &init_userns && --ns->ns.refs == 0) {
		struct user_ns *parent = ns->parent;
		free(ns);
		ns = parent;
	}
}

struct user_ns *user_ns_new(struct user_ns *parent, uint32_t uid, uint32_t gid)
{
	struct user_ns *ns = calloc(1, sizeof(*ns));
	if (!ns)
		return NULL;
	ns->ns.refs = 1;
	ns->ns.ino = ns_next_ino();
	ns->level = parent->level + 1;
	ns->parent = parent;
	user_ns_get(parent);
	ns->owner_uid = uid;
	ns->owner_gid = gid;
	ns->setgroups_denied = parent->setgroups_denied;
	return ns;
}

struct user_ns *tg_userns(struct thread_group *tg)
{
	return tg && tg->userns ? tg->userns : &init_userns;
}

static uint32_t map_down(const struct id_map *m, uint32_t id)
{
	for (int i = 0; i < m->n; i++)
		if (id >= m->e[i].first && id - m->e[i].first < m->e[i].count)
			return m->e[i].lower + (id - m->e[i].first);
	return NO_ID;
}

static uint32_t map_up(const struct id_map *m, uint32_t kid)
{
	for (int i = 0; i < m->n; i++)
		if (kid >= m->e[i].lower && kid - m->e[i].lower < m->e[i].count)
			return m->e[i].first + (kid - m->e[i].lower);
	return NO_ID;
}

uint32_t userns_make_uid(const struct user_ns *ns, uint32_t id)
{
	return map_down(&ns->uid_map, id);
}

uint32_t userns_make_gid(const struct user_ns *ns, uint32_t id)
{
	return map_down(&ns->gid_map, id);
}

uint32_t userns_from_uid(const struct user_ns *ns, uint32_t kid)
{
	uint32_t v = map_up(&ns->uid_map, kid);
	return v == NO_ID ? OVERFLOW_ID : v;
}

uint32_t userns_from_gid(const struct user_ns *ns, uint32_t kid)
{
	uint32_t v = map_up(&ns->gid_map, kid);
	return v == NO_ID ? OVERFLOW_ID : v;
}

uint64_t tg_caps_effective(const struct thread_group *tg)
{
	return tg->userns && tg->userns != &init_userns ? tg->cap_eff_ns : tg->cred.cap_effective;
}

/* For the VFS (vfs_cred.ids_mapped): @uid and @gid ((uint32_t)-1: not asked) both have
 * a name in @userns. */
static bool ids_mapped(const void *userns, uint32_t uid, uint32_t gid)
{
	const struct user_ns *ns = userns;
	return (uid == NO_ID || map_up(&ns->uid_map, uid) != NO_ID) &&
	       (gid == NO_ID || map_up(&ns->gid_map, gid) != NO_ID);
}

void tg_caps_set_effective(struct thread_group *tg, uint64_t eff)
{
	if (tg->userns && tg->userns != &init_userns) {
		tg->cap_eff_ns = eff;
		tg->cred.cap_effective = 0;
		tg->cred.ns_caps = eff;
		tg->cred.userns = tg->userns;
		tg->cred.ids_mapped = ids_mapped;
	} else {
		tg->cred.cap_effective = eff;
		tg->cred.ns_caps = 0;
		tg->cred.userns = NULL;
		tg->cred.ids_mapped = NULL;
	}
}

void tg_set_userns(struct thread_group *tg, struct user_ns *ns, uint64_t eff)
{
	user_ns_get(ns);
	user_ns_put(tg->userns);
	tg->userns = ns;
	tg_caps_set_effective(tg, eff);
}

bool ns_capable(struct thread_group *tg, const struct user_ns *target, int cap)
{
	const struct user_ns *mine = tg_userns(tg);
	for (const struct user_ns *ns = target ? target : &init_userns; ns; ns = ns->parent) {
		if (ns == mine)
			return tg_caps_effective(tg) & (1ULL << cap);
		if (ns->level <= mine->level)
			return false;
		/* the owner of a child namespace has every capability in it */
		if (ns->parent == mine && ns->owner_uid == tg->cred.euid)
			return true;
	}
	return false;
}

void task_stat_ids(struct task *t, struct stat *st)
{
	const struct user_ns *ns = tg_userns(t->tg);
	if (ns == &init_userns)
		return;
	st->st_uid = userns_from_uid(ns, st->st_uid);
	st->st_gid = userns_from_gid(ns, st->st_gid);
}

int task_ids_from_user(struct task *t, uint32_t *uid, uint32_t *gid)
{
	const struct user_ns *ns = tg_userns(t->tg);
	if (ns == &init_userns)
		return 0;
	if (*uid != NO_ID && (*uid = map_down(&ns->uid_map, *uid)) == NO_ID)
		return -EINVAL;
	if (*gid != NO_ID && (*gid = map_down(&ns->gid_map, *gid)) == NO_ID)
		return -EINVAL;
	return 0;
}

/* ---- /proc/<pid>/uid_map, gid_map, setgroups ---- */

/* Parses "first lower count" lines into @m. Returns 0 or -EINVAL. */
static int parse_map(const char *buf, size_t len, struct id_map *m)
{
	char text[512];
	if (len >= sizeof(text))
		return -EINVAL;
	memcpy(text, buf, len);
	text[len] = 0;
	m->n = 0;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		unsigned long long f, l, c;
		int used = 0;
		if (sscanf(line, " %llu %llu %llu %n", &f, &l, &c, &used) != 3 || line[used])
			return -EINVAL;
		if (m->n == USERNS_MAP_MAX || c == 0 || f + c > 4294967296ULL ||
		    l + c > 4294967296ULL)
			return -EINVAL;
		for (int i = 0; i < m->n; i++) { /* no overlap, inside or outside */
			const struct id_extent *e = &m->e[i];
			if ((f < e->first + (unsigned long long)e->count && e->first < f + c) ||
			    (l < e->lower + (unsigned long long)e->count && e->lower < l + c))
				return -EINVAL;
		}
		m->e[m->n++] = (struct id_extent){ (uint32_t)f, (uint32_t)l, (uint32_t)c };
	}
	return m->n ? 0 : -EINVAL;
}

/* Converts the outside ids of @m from namespace @outer into kernel ids; every range must
 * be mapped there (else -EPERM). */
static int map_to_kernel(struct id_map *m, const struct user_ns *outer, bool gid)
{
	const struct id_map *om = gid ? &outer->gid_map : &outer->uid_map;
	for (int i = 0; i < m->n; i++) {
		uint32_t k = map_down(om, m->e[i].lower);
		uint32_t klast = map_down(om, m->e[i].lower + m->e[i].count - 1);
		if (k == NO_ID || klast == NO_ID || klast - k != m->e[i].count - 1)
			return -EPERM;
		m->e[i].lower = k;
	}
	return 0;
}

int userns_write_map(struct thread_group *writer, struct thread_group *target, bool gid,
		     const char *buf, size_t len)
{
	struct user_ns *ns = tg_userns(target), *wns = tg_userns(writer);
	struct id_map *dst = gid ? &ns->gid_map : &ns->uid_map;
	struct id_map m;
	if (ns == &init_userns || dst->n)
		return -EPERM; /* written once; the sandbox's is fixed */
	if (wns != ns && wns != ns->parent)
		return -EPERM;
	if (!ns_capable(writer, ns, CAP_SYS_ADMIN_BIT))
		return -EPERM;
	int err = parse_map(buf, len, &m);
	if (err)
		return err;
	/* outside ids are the writer's, or the parent's when the writer is inside */
	err = map_to_kernel(&m, wns == ns ? ns->parent : wns, gid);
	if (err)
		return err;
	bool own_id = m.n == 1 && m.e[0].count == 1 && ns->owner_uid == writer->cred.euid &&
		      (gid ? m.e[0].lower == writer->cred.egid && ns->setgroups_denied
			   : m.e[0].lower == writer->cred.euid);
	if (!own_id && !(ns_capable(writer, ns->parent, gid ? CAP_SETGID_BIT : CAP_SETUID_BIT)))
		return -EPERM;
	*dst = m;
	return 0;
}

int userns_write_setgroups(struct thread_group *writer, struct thread_group *target,
			   const char *buf, size_t len)
{
	struct user_ns *ns = tg_userns(target);
	bool deny;
	if (len >= 4 && !memcmp(buf, "deny", 4) && (len == 4 || buf[4] == '\n'))
		deny = true;
	else if (len >= 5 && !memcmp(buf, "allow", 5) && (len == 5 || buf[5] == '\n'))
		deny = false;
	else
		return -EINVAL;
	if (!ns_capable(writer, ns, CAP_SYS_ADMIN_BIT))
		return -EPERM;
	if (deny) {
		if (ns->gid_map.n || ns == &init_userns)
			return -EPERM; /* too late: gid_map is written */
		ns->setgroups_denied = true;
	} else if (ns->setgroups_denied) {
		return -EPERM; /* "deny" is for good */
	}
	return 0;
}

void userns_render_map(struct thread_group *reader, struct thread_group *target, bool gid,
		       char *buf, size_t size)
{
	const struct user_ns *ns = tg_userns(target), *rns = tg_userns(reader);
	const struct id_map *m = gid ? &ns->gid_map : &ns->uid_map;
	const struct user_ns *outer = rns == ns && ns->parent ? ns->parent : rns;
	size_t off = 0;
	buf[0] = 0;
	for (int i = 0; i < m->n && off < size; i++) {
		uint32_t lower = map_up(gid ? &outer->gid_map : &outer->uid_map, m->e[i].lower);
		if (lower == NO_ID)
			continue; /* not expressible in the reader's namespace */
		int n = snprintf(buf + off, size - off, "%10u %10u %10u\n", m->e[i].first, lower,
				 m->e[i].count);
		if (n < 0 || (size_t)n >= size - off)
			break;
		off += (size_t)n;
	}
}
