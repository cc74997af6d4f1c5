/* tests/unit/sentry/test_ns_user.c - user namespaces (sentry/userns.c): id maps and
 * user_namespaces(7)'s write rules, translation both ways, ns_capable, and the map text
 * as readers in and outside the namespace see it. Processes are bare thread groups.
 * Allocations are counted (calloc/free wrapped): every test must free what it made. */
/* wrap: calloc free */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "sentry/nsproxy.h"
#include "sentry/task.h"
#include "sentry/cgroup.h"
#include "vfs/fs/cgroupfs.h"

#define CAP_SYS_ADMIN_BIT 21
#define ALL_CAPS ((1ULL << 41) - 1)

static int live_callocs;
static void *tracked[4096];
static int ntracked;

void *__real_calloc(size_t n, size_t m);
void __real_free(void *p);

void *__wrap_calloc(size_t n, size_t m)
{
	void *p = __real_calloc(n, m);
	if (p && ntracked < 4096) {
		tracked[ntracked++] = p;
		live_callocs++;
	}
	return p;
}

void __wrap_free(void *p)
{
	for (int i = 0; p && i < ntracked; i++) {
		if (tracked[i] == p) {
			tracked[i] = tracked[--ntracked];
			live_callocs--;
			break;
		}
	}
	__real_free(p);
}

/* A process of the sandbox's user namespace with @uid and capabilities @caps. */
static struct thread_group *proc(uint32_t uid, uint64_t caps)
{
	struct thread_group *tg = tg_new();
	assert_non_null(tg);
	tg->cred.uid = tg->cred.euid = tg->cred.suid = tg->cred.fsuid = uid;
	tg->cred.gid = tg->cred.egid = tg->cred.sgid = tg->cred.fsgid = uid;
	tg->cred.cap_effective = caps;
	return tg;
}

static void proc_free(struct thread_group *tg)
{
	user_ns_put(tg->userns);
	cgroup_tg_release(tg); /* the membership tg_new gave it */
	list_del(&tg->all_link);
	free(tg);
}

static int write_map(struct thread_group *w, struct thread_group *t, bool gid, const char *s)
{
	return userns_write_map(w, t, gid, s, strlen(s));
}

static void test_unprivileged_own_id(void **state)
{
	int before = live_callocs;
	struct thread_group *p = proc(1000, 0);
	struct user_ns *ns = user_ns_new(user_ns_init(), 1000, 1000);
	tg_set_userns(p, ns, ALL_CAPS);
	user_ns_put(ns);
	assert_int_equal(userns_from_uid(ns, 1000), 65534); /* no map yet */
	assert_int_equal(userns_make_uid(ns, 0), (uint32_t)-1);
	assert_int_equal(write_map(p, p, false, "0 0 1\n"), -EPERM);   /* not its own id */
	assert_int_equal(write_map(p, p, true, "0 1000 1\n"), -EPERM); /* setgroups allowed */
	assert_int_equal(write_map(p, p, false, "0 1000 1\n"), 0);
	assert_int_equal(write_map(p, p, false, "0 1000 1\n"), -EPERM); /* once */
	assert_int_equal(userns_from_uid(ns, 1000), 0);
	assert_int_equal(userns_make_uid(ns, 0), 1000);
	assert_int_equal(userns_write_setgroups(p, p, "deny", 4), 0);
	assert_int_equal(write_map(p, p, true, "0 1000 1\n"), 0);
	assert_int_equal(userns_write_setgroups(p, p, "allow", 5), -EPERM); /* too late */
	assert_int_equal(userns_from_gid(ns, 1000), 0);
	/* capabilities: all in its namespace, none over the sandbox's */
	assert_true(ns_capable(p, ns, CAP_SYS_ADMIN_BIT));
	assert_false(ns_capable(p, user_ns_init(), CAP_SYS_ADMIN_BIT));
	assert_int_equal(p->cred.cap_effective, 0);
	assert_int_equal(tg_caps_effective(p), ALL_CAPS);
	proc_free(p);
	assert_int_equal(live_callocs, before);
}

static void test_privileged_ranges(void **state)
{
	int before = live_callocs;
	struct thread_group *root = proc(0, ALL_CAPS), *c = proc(0, 0);
	struct user_ns *ns = user_ns_new(user_ns_init(), 0, 0);
	tg_set_userns(c, ns, ALL_CAPS);
	user_ns_put(ns);
	/* the owner (in the parent) has every capability over it, even without its own */
	struct thread_group *owner = proc(0, 0);
	assert_true(ns_capable(owner, ns, CAP_SYS_ADMIN_BIT));
	assert_int_equal(write_map(root, c, false, "0 100000 10\n10 100010 10 20\n"), -EINVAL);
	assert_int_equal(write_map(root, c, false, "0 100000 10\n5 200000 10\n"), -EINVAL);
	assert_int_equal(write_map(root, c, false, "0 100000 0\n"), -EINVAL);
	assert_int_equal(write_map(root, c, false, "0 100000 65536\n70000 0 1\n"), 0);
	assert_int_equal(userns_make_uid(ns, 5), 100005);
	assert_int_equal(userns_from_uid(ns, 100005), 5);
	assert_int_equal(userns_from_uid(ns, 0), 70000);
	assert_int_equal(userns_from_uid(ns, 99999), 65534);
	/* the map as the parent and as the namespace itself see it */
	char out[256];
	userns_render_map(root, c, false, out, sizeof(out));
	assert_string_equal(out, "         0     100000      65536\n"
				 "     70000          0          1\n");
	userns_render_map(c, c, false, out, sizeof(out));
	assert_string_equal(out, "         0     100000      65536\n"
				 "     70000          0          1\n");
	/* a nested namespace: lower ids are the writer's (the parent namespace's) */
	struct thread_group *g = proc(0, 0);
	g->cred = c->cred;
	struct user_ns *inner = user_ns_new(ns, c->cred.euid, c->cred.egid);
	tg_set_userns(g, inner, ALL_CAPS);
	user_ns_put(inner);
	assert_int_equal(write_map(c, g, false, "0 5 2\n"), 0);
	assert_int_equal(userns_make_uid(inner, 1), 100006);
	userns_render_map(c, g, false, out, sizeof(out));
	assert_string_equal(out, "         0          5          2\n");
	assert_int_equal(write_map(root, g, true, "0 1 1\n"), -EPERM); /* not parent nor self */
	proc_free(g);
	proc_free(owner);
	proc_free(c);
	proc_free(root);
	assert_int_equal(live_callocs, before);
}

int main(void)
{
	cgroup_root(); /* a singleton: made before the tests count allocations */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unprivileged_own_id),
	    cmocka_unit_test(test_privileged_ranges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
