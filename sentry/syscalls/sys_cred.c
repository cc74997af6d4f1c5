/* sentry/syscalls/sys_cred.c - credentials and capabilities kept by the Sentry
 * (get/set[res][ug]id, setfs[ug]id, groups, capget/capset) and prctl. The host never
 * sees these: stubs keep running as they were started, with no capabilities.
 * Ids are kept as kernel (sandbox) ids and translated through the caller's user
 * namespace here (sentry/userns.c): unmapped ids read as 65534 and cannot be set
 * (EINVAL); capabilities count in the caller's own user namespace. */
#include "sentry/nsproxy.h"
#include "sentry/pidns.h"
#include "sentry/task.h"
#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <string.h>
#include <sys/prctl.h>

#define CAP_BIT(c) (1ULL << (c))
#define CAP_ALL ((1ULL << (CAP_LAST_CAP + 1)) - 1)

/* @cap in the caller's own user namespace (what setuid & co. need) */
static bool capable(struct task *t, int cap)
{
	return tg_caps_effective(t->tg) & CAP_BIT(cap);
}

static uint32_t from_kid(struct task *t, bool gid, uint32_t kid)
{
	const struct user_ns *ns = tg_userns(t->tg);
	return gid ? userns_from_gid(ns, kid) : userns_from_uid(ns, kid);
}

/* The kernel id of @id as the caller names it: -1 stays -1; -EINVAL when unmapped. */
static int to_kid(struct task *t, bool gid, uint32_t id, uint32_t *out)
{
	const struct user_ns *ns = tg_userns(t->tg);
	if (id == (uint32_t)-1) {
		*out = id;
		return 0;
	}
	*out = gid ? userns_make_gid(ns, id) : userns_make_uid(ns, id);
	return *out == (uint32_t)-1 ? -EINVAL : 0;
}

/* Only the bits Linux 6.x knows before the exec-restriction ones. */
#define SECBITS_ALL (SECURE_ALL_BITS & 0xffu)
#define SECBITS_LOCKS (SECBITS_ALL << 1)

/* Linux's rules for dropping capabilities when uids change (capabilities(7)), unless
 * SECBIT_NO_SETUID_FIXUP; "root" is the uid 0 of the process's user namespace (none when
 * unmapped). */
static void fixup_caps(struct thread_group *tg, uint32_t ouid, uint32_t oeuid, uint32_t osuid)
{
	struct vfs_cred *c = &tg->cred;
	uint32_t root = userns_make_uid(tg_userns(tg), 0); /* its namespace's root: kernel id */
	bool was_root = ouid == root || oeuid == root || osuid == root;
	bool now_root = c->uid == root || c->euid == root || c->suid == root;
	c->fsuid = c->euid;
	if (tg->securebits & SECBIT_NO_SETUID_FIXUP)
		return;
	if (was_root && !now_root) {
		if (!(tg->securebits & SECBIT_KEEP_CAPS)) {
			tg->cap_permitted = 0;
			tg_caps_set_effective(tg, 0);
		}
		tg->cap_ambient = 0; /* whatever KEEP_CAPS says, as Linux */
	}
	if (oeuid == root && c->euid != root)
		tg_caps_set_effective(tg, 0);
	if (oeuid != root && c->euid == root)
		tg_caps_set_effective(tg, tg->cap_permitted);
}

#define GET_ID(fn, field)                                                                          \
	long sys_##fn(struct task *t, const struct syscall_args *a)                                \
	{                                                                                          \
		return from_kid(t, GID_##field, t->tg->cred.field);                                \
	}
enum { GID_uid = 0, GID_euid = 0, GID_gid = 1, GID_egid = 1 };
/* implement getuid(2), geteuid(2), getgid(2), getegid(2) */
GET_ID(getuid, uid)
GET_ID(geteuid, euid)
GET_ID(getgid, gid)
GET_ID(getegid, egid)

static long put3(struct task *t, const struct syscall_args *a, uint32_t x, uint32_t y, uint32_t z)
{
	if (guest_copy_out(&t->mem, a->a[0], &x, 4) < 0 ||
	    guest_copy_out(&t->mem, a->a[1], &y, 4) < 0 ||
	    guest_copy_out(&t->mem, a->a[2], &z, 4) < 0)
		return -EFAULT;
	return 0;
}

/* implements getresuid(2) */
long sys_getresuid(struct task *t, const struct syscall_args *a)
{
	const struct vfs_cred *c = &t->tg->cred;
	return put3(t, a, from_kid(t, false, c->uid), from_kid(t, false, c->euid),
		    from_kid(t, false, c->suid));
}

/* implements getresgid(2) */
long sys_getresgid(struct task *t, const struct syscall_args *a)
{
	const struct vfs_cred *c = &t->tg->cred;
	return put3(t, a, from_kid(t, true, c->gid), from_kid(t, true, c->egid),
		    from_kid(t, true, c->sgid));
}

/* setresuid/setresgid core, on kernel ids: -1 keeps a value; unprivileged callers may
 * only pick among the current real, effective and saved ids. */
static long set_res_k(struct task *t, bool gid, uint32_t r, uint32_t e, uint32_t s)
{
	struct vfs_cred *c = &t->tg->cred;
	uint32_t *pr = gid ? &c->gid : &c->uid, *pe = gid ? &c->egid : &c->euid,
		 *ps = gid ? &c->sgid : &c->suid;
	uint32_t ou = c->uid, oe = c->euid, os = c->suid;
	bool priv = capable(t, gid ? CAP_SETGID : CAP_SETUID);
#define ALLOWED(v) ((v) == (uint32_t)-1 || priv || (v) == *pr || (v) == *pe || (v) == *ps)
	if (!ALLOWED(r) || !ALLOWED(e) || !ALLOWED(s))
		return -EPERM;
#undef ALLOWED
	if (r != (uint32_t)-1)
		*pr = r;
	if (e != (uint32_t)-1)
		*pe = e;
	if (s != (uint32_t)-1)
		*ps = s;
	if (gid)
		c->fsgid = c->egid;
	else
		fixup_caps(t->tg, ou, oe, os);
	return 0;
}

/* set_res_k with ids as the caller names them. */
static long set_res(struct task *t, bool gid, uint32_t r, uint32_t e, uint32_t s)
{
	uint32_t kr, ke, ks;
	if (to_kid(t, gid, r, &kr) || to_kid(t, gid, e, &ke) || to_kid(t, gid, s, &ks))
		return -EINVAL;
	return set_res_k(t, gid, kr, ke, ks);
}

/* implements setresuid(2) */
long sys_setresuid(struct task *t, const struct syscall_args *a)
{
	return set_res(t, false, (uint32_t)a->a[0], (uint32_t)a->a[1], (uint32_t)a->a[2]);
}

/* implements setresgid(2) */
long sys_setresgid(struct task *t, const struct syscall_args *a)
{
	return set_res(t, true, (uint32_t)a->a[0], (uint32_t)a->a[1], (uint32_t)a->a[2]);
}

/* implements setuid(2): privileged sets all three, else only the effective id */
long sys_setuid(struct task *t, const struct syscall_args *a)
{
	uint32_t id = (uint32_t)a->a[0];
	if (id == (uint32_t)-1)
		return -EINVAL;
	if (capable(t, CAP_SETUID))
		return set_res(t, false, id, id, id);
	return set_res(t, false, (uint32_t)-1, id, (uint32_t)-1);
}

/* implements setgid(2) */
long sys_setgid(struct task *t, const struct syscall_args *a)
{
	uint32_t id = (uint32_t)a->a[0];
	if (id == (uint32_t)-1)
		return -EINVAL;
	if (capable(t, CAP_SETGID))
		return set_res(t, true, id, id, id);
	return set_res(t, true, (uint32_t)-1, id, (uint32_t)-1);
}

static long set_re(struct task *t, bool gid, uint32_t r, uint32_t e)
{
	struct vfs_cred *c = &t->tg->cred;
	if (to_kid(t, gid, r, &r) || to_kid(t, gid, e, &e))
		return -EINVAL;
	uint32_t cur_r = gid ? c->gid : c->uid;
	uint32_t s = (uint32_t)-1;
	if (r != (uint32_t)-1 || (e != (uint32_t)-1 && e != cur_r))
		s = e != (uint32_t)-1 ? e : (gid ? c->egid : c->euid);
	return set_res_k(t, gid, r, e, s);
}

/* implements setreuid(2) */
long sys_setreuid(struct task *t, const struct syscall_args *a)
{
	return set_re(t, false, (uint32_t)a->a[0], (uint32_t)a->a[1]);
}

/* implements setregid(2) */
long sys_setregid(struct task *t, const struct syscall_args *a)
{
	return set_re(t, true, (uint32_t)a->a[0], (uint32_t)a->a[1]);
}

/* implements setfsuid(2): returns the previous fsuid */
long sys_setfsuid(struct task *t, const struct syscall_args *a)
{
	struct vfs_cred *c = &t->tg->cred;
	uint32_t old = from_kid(t, false, c->fsuid), id;
	if (to_kid(t, false, (uint32_t)a->a[0], &id) || id == (uint32_t)-1)
		return old; /* an invalid id changes nothing (the probe idiom) */
	if (capable(t, CAP_SETUID) || id == c->uid || id == c->euid || id == c->suid ||
	    id == c->fsuid)
		c->fsuid = id;
	return old;
}

/* implements setfsgid(2) */
long sys_setfsgid(struct task *t, const struct syscall_args *a)
{
	struct vfs_cred *c = &t->tg->cred;
	uint32_t old = from_kid(t, true, c->fsgid), id;
	if (to_kid(t, true, (uint32_t)a->a[0], &id) || id == (uint32_t)-1)
		return old; /* an invalid id changes nothing (the probe idiom) */
	if (capable(t, CAP_SETGID) || id == c->gid || id == c->egid || id == c->sgid ||
	    id == c->fsgid)
		c->fsgid = id;
	return old;
}

/* implements getgroups(2) */
long sys_getgroups(struct task *t, const struct syscall_args *a)
{
	const struct vfs_cred *c = &t->tg->cred;
	int size = (int)a->a[0];
	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if ((uint32_t)size < c->ngroups)
		return -EINVAL;
	uint32_t g[64];
	for (uint32_t i = 0; i < c->ngroups && i < 64; i++)
		g[i] = from_kid(t, true, c->groups[i]);
	if (guest_copy_out(&t->mem, a->a[1], g, c->ngroups * 4) < 0)
		return -EFAULT;
	return c->ngroups;
}

/* implements setgroups(2) (at most 64 groups here: EINVAL beyond); in a user namespace
 * only once its gid_map is written and unless its setgroups file says "deny" */
long sys_setgroups(struct task *t, const struct syscall_args *a)
{
	struct vfs_cred *c = &t->tg->cred;
	const struct user_ns *ns = tg_userns(t->tg);
	size_t n = a->a[0];
	uint32_t g[64];
	if (!capable(t, CAP_SETGID) || ns->setgroups_denied || !ns->gid_map.n)
		return -EPERM;
	if (n > 64)
		return -EINVAL;
	if (n && guest_copy_in(&t->mem, g, a->a[1], n * 4) < 0)
		return -EFAULT;
	for (size_t i = 0; i < n; i++)
		if (to_kid(t, true, g[i], &g[i]))
			return -EINVAL;
	memcpy(c->groups, g, n * 4);
	c->ngroups = (uint32_t)n;
	return 0;
}

/* implements capget(2) */
long sys_capget(struct task *t, const struct syscall_args *a)
{
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct d[2];
	struct thread_group *tg = t->tg;
	if (guest_copy_in(&t->mem, &hdr, a->a[0], sizeof(hdr)) < 0)
		return -EFAULT;
	if (hdr.version != _LINUX_CAPABILITY_VERSION_3 && hdr.version != _LINUX_CAPABILITY_VERSION_2 &&
	    hdr.version != _LINUX_CAPABILITY_VERSION_1) {
		hdr.version = _LINUX_CAPABILITY_VERSION_3;
		guest_copy_out(&t->mem, a->a[0], &hdr, sizeof(hdr));
		return a->a[1] ? -EINVAL : 0;
	}
	if (hdr.pid) {
		struct task *o = pidns_task(hdr.pid, task_pidns(t));
		if (!o)
			return -ESRCH;
		tg = o->tg;
	}
	if (!a->a[1])
		return 0;
	uint64_t eff = tg_caps_effective(tg), per = tg->cap_permitted, inh = tg->cap_inheritable;
	d[0].effective = (uint32_t)eff;
	d[1].effective = (uint32_t)(eff >> 32);
	d[0].permitted = (uint32_t)per;
	d[1].permitted = (uint32_t)(per >> 32);
	d[0].inheritable = (uint32_t)inh;
	d[1].inheritable = (uint32_t)(inh >> 32);
	size_t n = hdr.version == _LINUX_CAPABILITY_VERSION_1 ? 1 : 2;
	return guest_copy_out(&t->mem, a->a[1], d, n * sizeof(d[0])) < 0 ? -EFAULT : 0;
}

/* implements capset(2): only for the caller; new sets within the rules of capabilities(7) */
long sys_capset(struct task *t, const struct syscall_args *a)
{
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct d[2] = {{0}};
	struct thread_group *tg = t->tg;
	if (guest_copy_in(&t->mem, &hdr, a->a[0], sizeof(hdr)) < 0)
		return -EFAULT;
	if (hdr.version != _LINUX_CAPABILITY_VERSION_3 && hdr.version != _LINUX_CAPABILITY_VERSION_2 &&
	    hdr.version != _LINUX_CAPABILITY_VERSION_1)
		return -EINVAL;
	if (hdr.pid && hdr.pid != pidns_nr(t->vtid, task_pidns(t)) &&
	    hdr.pid != tg_vnr(t->tg, t))
		return -EPERM;
	size_t n = hdr.version == _LINUX_CAPABILITY_VERSION_1 ? 1 : 2;
	if (guest_copy_in(&t->mem, d, a->a[1], n * sizeof(d[0])) < 0)
		return -EFAULT;
	uint64_t eff = d[0].effective | ((uint64_t)d[1].effective << 32);
	uint64_t per = d[0].permitted | ((uint64_t)d[1].permitted << 32);
	uint64_t inh = d[0].inheritable | ((uint64_t)d[1].inheritable << 32);
	eff &= CAP_ALL;
	per &= CAP_ALL;
	inh &= CAP_ALL;
	if (per & ~tg->cap_permitted)
		return -EPERM;
	if (eff & ~per)
		return -EPERM;
	if ((inh & ~(tg->cap_inheritable | tg->cap_permitted)) && !capable(t, CAP_SETPCAP))
		return -EPERM;
	if (inh & ~(tg->cap_inheritable | tg->cap_bounding))
		return -EPERM;
	tg->cap_permitted = per;
	tg_caps_set_effective(tg, eff);
	tg->cap_inheritable = inh;
	tg->cap_ambient &= per & inh;
	return 0;
}

/* implements prctl(2) for the options in the table's note */
long sys_prctl(struct task *t, const struct syscall_args *a)
{
	struct thread_group *tg = t->tg;
	int opt = (int)a->a[0];
	uint64_t arg2 = a->a[1];
	char name[16];

	switch (opt) {
	case PR_SET_NAME:
		if (guest_strncpy_in(&t->mem, name, arg2, sizeof(name)) == -EFAULT)
			return -EFAULT;
		name[15] = 0;
		memcpy(t->comm, name, 16);
		if (t == tg->leader)
			memcpy(tg->comm, name, 16);
		return 0;
	case PR_GET_NAME:
		return guest_copy_out(&t->mem, arg2, t->comm[0] ? t->comm : tg->comm, 16) < 0 ? -EFAULT
											      : 0;
	case PR_SET_PDEATHSIG:
		if (arg2 >= SENTRY_NSIG)
			return -EINVAL;
		t->pdeath_sig = (int)arg2;
		return 0;
	case PR_GET_PDEATHSIG: {
		int v = t->pdeath_sig;
		return guest_copy_out(&t->mem, arg2, &v, sizeof(v)) < 0 ? -EFAULT : 0;
	}
	case PR_SET_CHILD_SUBREAPER:
		tg->subreaper = arg2 != 0;
		return 0;
	case PR_GET_CHILD_SUBREAPER: {
		int v = tg->subreaper;
		return guest_copy_out(&t->mem, arg2, &v, sizeof(v)) < 0 ? -EFAULT : 0;
	}
	case PR_SET_NO_NEW_PRIVS:
		if (arg2 != 1 || a->a[2] || a->a[3] || a->a[4])
			return -EINVAL;
		tg->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		return tg->no_new_privs;
	case PR_SET_DUMPABLE:
		if (arg2 > 1)
			return -EINVAL;
		tg->dumpable = (int)arg2;
		return 0;
	case PR_GET_DUMPABLE:
		return tg->dumpable;
	case PR_SET_KEEPCAPS:
		if (arg2 > 1)
			return -EINVAL;
		if (tg->securebits & SECBIT_KEEP_CAPS_LOCKED)
			return -EPERM;
		tg->securebits = arg2 ? tg->securebits | SECBIT_KEEP_CAPS
				      : tg->securebits & ~SECBIT_KEEP_CAPS;
		return 0;
	case PR_GET_KEEPCAPS:
		return !!(tg->securebits & SECBIT_KEEP_CAPS);
	case PR_GET_SECUREBITS:
		return tg->securebits;
	case PR_SET_SECUREBITS:
		/* no change of a locked bit, no unlocking, no unknown bit, CAP_SETPCAP */
		if ((((tg->securebits & SECBITS_LOCKS) >> 1) & (tg->securebits ^ arg2)) ||
		    (tg->securebits & SECBITS_LOCKS & ~arg2) ||
		    (arg2 & ~(uint64_t)(SECBITS_LOCKS | SECBITS_ALL)) || !capable(t, CAP_SETPCAP))
			return -EPERM;
		tg->securebits = (unsigned)arg2;
		return 0;
	case PR_CAPBSET_READ:
		if (arg2 > CAP_LAST_CAP)
			return -EINVAL;
		return !!(tg->cap_bounding & CAP_BIT(arg2));
	case PR_CAPBSET_DROP:
		if (arg2 > CAP_LAST_CAP)
			return -EINVAL;
		if (!capable(t, CAP_SETPCAP))
			return -EPERM;
		tg->cap_bounding &= ~CAP_BIT(arg2);
		return 0;
	case PR_CAP_AMBIENT:
		if (arg2 == PR_CAP_AMBIENT_IS_SET)
			return a->a[2] > CAP_LAST_CAP ? -EINVAL : !!(tg->cap_ambient & CAP_BIT(a->a[2]));
		if (arg2 == PR_CAP_AMBIENT_CLEAR_ALL) {
			tg->cap_ambient = 0;
			return 0;
		}
		if (a->a[2] > CAP_LAST_CAP)
			return -EINVAL;
		if (arg2 == PR_CAP_AMBIENT_LOWER) {
			tg->cap_ambient &= ~CAP_BIT(a->a[2]);
			return 0;
		}
		if (arg2 == PR_CAP_AMBIENT_RAISE) {
			if (!(tg->cap_permitted & tg->cap_inheritable & CAP_BIT(a->a[2])) ||
			    (tg->securebits & SECBIT_NO_CAP_AMBIENT_RAISE))
				return -EPERM;
			tg->cap_ambient |= CAP_BIT(a->a[2]);
			return 0;
		}
		return -EINVAL;
	case PR_SET_SECCOMP:
		return seccomp_prctl_set(t, arg2, a->a[2]);
	case PR_GET_SECCOMP:
		return seccomp_prctl_get(t);
	case PR_SET_TIMERSLACK:
	case PR_SET_THP_DISABLE:
		return 0;
	case PR_GET_TIMERSLACK:
		return 50000;
	case PR_GET_THP_DISABLE:
		return 0;
	default:
		return -EINVAL;
	}
}
