/* tests/unit/sentry/test_ns_pid.c - pid namespaces (sentry/pidns.c): numbers at every
 * level, translation both ways, visibility, pid 1 and reapers, release of records and
 * namespaces. Processes are bare thread groups of the pid table (no host threads).
 * Allocations are counted (calloc/free wrapped): every test must free what it made. */
/* wrap: calloc free */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "sentry/pidns.h"
#include "sentry/task.h"
#include "sentry/cgroup.h"
#include "vfs/fs/cgroupfs.h"

static int live_callocs;

void *__real_calloc(size_t n, size_t m);
void __real_free(void *p);

/* Only the callocs of the namespace code are counted: their frees balance them. */
static void *tracked[4096];
static int ntracked;

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

/* A process whose pid was allocated in @ns (its sandbox-level number is its vpid). */
static struct thread_group *proc_in(struct pid_ns *ns)
{
	int g = pidns_alloc(ns);
	assert_true(g > 0);
	struct thread_group *tg = tg_new();
	assert_non_null(tg);
	tg->vpid = tg->pgid = tg->sid = g;
	pidns_new_group(tg);
	return tg;
}

static void proc_free(struct thread_group *tg)
{
	int g = tg->vpid;
	cgroup_tg_release(tg); /* the membership tg_new gave it */
	list_del(&tg->all_link);
	free(tg);
	pidns_release(g);
}

static void test_root_numbers(void **state)
{
	int before = live_callocs;
	struct thread_group *a = proc_in(pidns_root());
	assert_ptr_equal(pidns_of(a->vpid), pidns_root());
	assert_int_equal(pidns_nr(a->vpid, pidns_root()), a->vpid);
	assert_int_equal(pidns_find(a->vpid, pidns_root()), a->vpid);
	assert_ptr_equal(pidns_tg(a->vpid, pidns_root()), a);
	proc_free(a);
	assert_int_equal(live_callocs, before);
}

static void test_nested_translation(void **state)
{
	int before = live_callocs;
	struct pid_ns *root = pidns_root();
	struct thread_group *outside = proc_in(root);
	struct pid_ns *a = pid_ns_new(root, user_ns_init());
	assert_non_null(a);
	assert_int_equal(a->level, 1);
	struct thread_group *init = proc_in(a);
	assert_int_equal(pidns_nr(init->vpid, a), 1);
	assert_ptr_equal(a->reaper, init); /* the first process is pid 1 */
	assert_int_equal(pidns_nr(init->vpid, root), init->vpid);
	struct thread_group *second = proc_in(a);
	assert_int_equal(pidns_nr(second->vpid, a), 2);
	/* a grandchild namespace: numbers at three levels */
	struct pid_ns *b = pid_ns_new(a, user_ns_init());
	struct thread_group *deep = proc_in(b);
	assert_int_equal(pidns_nr(deep->vpid, b), 1);
	assert_int_equal(pidns_nr(deep->vpid, a), 3);
	assert_int_equal(pidns_nr(deep->vpid, root), deep->vpid);
	assert_int_equal(pidns_find(3, a), deep->vpid);
	assert_int_equal(pidns_find(1, b), deep->vpid);
	/* visibility: upward only */
	assert_int_equal(pidns_nr(outside->vpid, a), 0);
	assert_int_equal(pidns_nr(init->vpid, b), 0);
	assert_null(pidns_tg(2, b));
	assert_ptr_equal(pidns_tg(2, a), second);
	/* a sibling namespace sees nothing of a */
	struct pid_ns *c = pid_ns_new(root, user_ns_init());
	assert_int_equal(pidns_nr(second->vpid, c), 0);
	assert_int_equal(pidns_find(2, c), 0);
	assert_true(pidns_is_ancestor(root, b));
	assert_true(pidns_is_ancestor(a, b));
	assert_false(pidns_is_ancestor(b, a));
	assert_false(pidns_is_ancestor(c, b));
	/* the reaper of an orphan in b is b's pid 1; b's pid 1 has none (b dies with it) */
	deep->parent = init;
	assert_null(pidns_find_reaper(deep));
	second->parent = init;
	assert_ptr_equal(pidns_find_reaper(second), init);
	init->subreaper = true; /* a subreaper ancestor inside the namespace comes first */
	assert_ptr_equal(pidns_find_reaper(second), init);
	/* release: records go with their last user, namespaces with their last reference */
	pid_ns_put(c);
	pid_ns_put(b);
	pid_ns_put(a); /* the records still hold a and b */
	int dv = deep->vpid;
	proc_free(deep);
	assert_ptr_equal(pidns_of(dv), root);
	proc_free(second);
	proc_free(init);
	proc_free(outside);
	assert_int_equal(live_callocs, before);
}

static void test_pgid_keeps_record(void **state)
{
	int before = live_callocs;
	struct pid_ns *a = pid_ns_new(pidns_root(), user_ns_init());
	struct thread_group *leader = proc_in(a), *member = proc_in(a);
	member->pgid = leader->vpid; /* the group outlives its leader */
	int lg = leader->vpid;
	proc_free(leader);
	assert_int_equal(pidns_nr(lg, a), 1); /* still named in a: a pgid uses it */
	member->pgid = member->vpid;
	pidns_release(lg);
	assert_int_equal(pidns_nr(lg, a), 0);
	proc_free(member);
	pid_ns_put(a);
	assert_int_equal(live_callocs, before);
}

static void test_dead_namespace(void **state)
{
	int before = live_callocs;
	struct pid_ns *a = pid_ns_new(pidns_root(), user_ns_init());
	struct thread_group *init = proc_in(a);
	assert_false(pidns_init_died(init)); /* nobody else to wait for */
	assert_true(a->dead);
	assert_int_equal(pidns_alloc(a), -ENOMEM);
	proc_free(init);
	pid_ns_put(a);
	assert_int_equal(live_callocs, before);
}

int main(void)
{
	cgroup_root(); /* a singleton: made before the tests count allocations */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_root_numbers),
	    cmocka_unit_test(test_nested_translation),
	    cmocka_unit_test(test_pgid_keeps_record),
	    cmocka_unit_test(test_dead_namespace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
