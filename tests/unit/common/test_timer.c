/* Unit tests for common/timer.c: ordering, cancel, re-arm from a callback. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "common/timer.h"

static int fired[8], nfired;

static void record(struct stimer *tm)
{
	fired[nfired++] = (int)(intptr_t)tm->priv;
}

static void test_order_and_cancel(void **state)
{
	struct stimer t[4];
	for (int i = 0; i < 4; i++)
		stimer_init(&t[i], record, (void *)(intptr_t)i);
	nfired = 0;
	assert_int_equal(stimer_arm(&t[0], 30), 0);
	assert_int_equal(stimer_arm(&t[1], 10), 0);
	assert_int_equal(stimer_arm(&t[2], 20), 0);
	assert_int_equal(stimer_arm(&t[3], 5), 0);
	stimer_cancel(&t[3]);
	assert_false(stimer_armed(&t[3]));
	assert_int_equal(stimer_next_deadline(), 10);
	assert_int_equal(stimer_run_expired(25), 2);
	assert_int_equal(fired[0], 1);
	assert_int_equal(fired[1], 2);
	assert_int_equal(stimer_run_expired(100), 1);
	assert_int_equal(fired[2], 0);
	assert_int_equal(stimer_next_deadline(), -1);
}

static struct stimer rearm;
static int rearm_count;
static void rearm_fn(struct stimer *tm)
{
	if (++rearm_count < 3)
		stimer_arm(tm, tm->deadline_ns + 10);
}

static void test_rearm_in_callback(void **state)
{
	stimer_init(&rearm, rearm_fn, NULL);
	stimer_arm(&rearm, 1);
	assert_int_equal(stimer_run_expired(5), 1);
	assert_true(stimer_armed(&rearm));
	assert_int_equal(stimer_run_expired(100), 2);
	assert_int_equal(rearm_count, 3);
	assert_false(stimer_armed(&rearm));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_cancel),
		cmocka_unit_test(test_rearm_in_callback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
