/* tests/unit/sentry/test_ns_net.c - the netstack hook of net namespaces
 * (sentry/nsproxy.c): with netns_clone_for_task / netns_release_for_task (the netstack's,
 * replaced here by counting fakes through --wrap), CLONE_NEWNET gives the task a namespace holding a new stack instance,
 * released once with the namespace's last reference; the namespace gets its own inode
 * number; the sandbox's initial one has no instance (NULL). Allocations are counted
 * (calloc/free wrapped): the test must free what it made. */
/* wrap: calloc free netns_clone_for_task netns_release_for_task */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "sentry/nsproxy.h"
#include "sentry/task.h"
#include "sentry/cgroup.h"
#include "vfs/fs/cgroupfs.h"

static int stacks_made, stacks_released;
static int live_callocs;
static void *tracked[1024];
static int ntracked;

void *__real_calloc(size_t n, size_t m);
void __real_free(void *p);

void *__wrap_calloc(size_t n, size_t m)
{
	void *p = __real_calloc(n, m);
	if (p && ntracked < 1024) {
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
static int token[4];

void *__wrap_netns_clone_for_task(uint64_t owner_userns_ino)
{
	return &token[stacks_made++ % 4];
}

void __wrap_netns_release_for_task(void *stack)
{
	assert_true(stack >= (void *)token && stack < (void *)(token + 4));
	stacks_released++;
}

static void test_unshare_net(void **state)
{
	int before = live_callocs;
	struct thread_group *tg = tg_new();
	struct task t = {.tg = tg};
	tg->cred.cap_effective = 1ULL << 21; /* CAP_SYS_ADMIN */
	tg->leader = NULL;		     /* a thread of its own: the group's namespaces stay */
	t.ns = task_ns_new(NULL);
	assert_non_null(t.ns);
	assert_null(task_net_stack(&t));
	uint64_t init_ino = t.ns->net->ns.ino;
	assert_int_equal(task_ns_check(&t, CLONE_NEWNET, true), 0);
	assert_int_equal(task_ns_unshare(&t, CLONE_NEWNET), 0);
	assert_int_equal(stacks_made, 1);
	assert_ptr_equal(task_net_stack(&t), &token[0]);
	assert_int_not_equal(t.ns->net->ns.ino, init_ino);
	/* a second set sharing it: one release, at the last reference */
	struct task_ns *other = t.ns;
	task_ns_get(other);
	assert_int_equal(task_ns_unshare(&t, CLONE_NEWUTS), 0);
	assert_ptr_equal(task_net_stack(&t), &token[0]); /* the copy shares the net ns */
	task_ns_put(other);
	assert_int_equal(stacks_released, 0);
	task_ns_put(t.ns);
	assert_int_equal(stacks_released, 1);
	/* without CAP_SYS_ADMIN: EPERM */
	tg->cred.cap_effective = 0;
	t.ns = task_ns_new(NULL);
	assert_int_equal(task_ns_check(&t, CLONE_NEWNET, true), -EPERM);
	task_ns_put(t.ns);
	cgroup_tg_release(tg); /* the membership tg_new gave it */
	list_del(&tg->all_link);
	free(tg);
	assert_int_equal(live_callocs, before);
}

int main(void)
{
	cgroup_root(); /* a singleton: made before the tests count allocations */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unshare_net),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
