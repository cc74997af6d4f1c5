/* test_trap_slot.c - the seccomp-trap slot protocol (platform/seccomp_trap/slot.h): the
 * registers of a request as a seccomp stop shows them, the reply's registers, the
 * request/reply hand-shake and when the Sentry must wake a sleeping stub. */
#include "platform/seccomp_trap/slot.h"
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void *new_slot(void)
{
	void *s = calloc(1, 4096);
	assert_non_null(s);
	return s;
}

static void test_request_regs(void **state)
{
	void *s = new_slot();
	struct user_regs_struct r;
	uint64_t *g = slot_gregs(s);
	for (int i = 0; i < G_N; i++)
		g[i] = 1000 + i;
	slot_set_u64(s, SLOT_NR, 39);
	slot_set_u64(s, SLOT_FSBASE, 0x7f00);
	slot_regs_load(s, &r);
	assert_int_equal(r.orig_rax, 39);
	assert_int_equal((long)r.rax, -ENOSYS);
	assert_int_equal(r.rip, 1000 + G_RIP);
	assert_int_equal(r.rdi, 1000 + G_RDI);
	assert_int_equal(r.r10, 1000 + G_R10);
	assert_int_equal(r.rsp, 1000 + G_RSP);
	assert_int_equal(r.eflags, 1000 + G_EFL);
	assert_int_equal(r.fs_base, 0x7f00);
	assert_int_equal(r.cs, 0x33);
	free(s);
}

static void test_reply_regs(void **state)
{
	void *s = new_slot();
	struct user_regs_struct r;
	memset(&r, 0, sizeof(r));
	r.rax = 4242;
	r.rip = 0x401000;
	r.orig_rax = 57;
	r.rbx = 7;
	slot_regs_store(s, &r);
	assert_int_equal(slot_gregs(s)[G_RAX], 4242);
	assert_int_equal(slot_gregs(s)[G_RIP], 0x401000);
	assert_int_equal(slot_gregs(s)[G_RBX], 7);
	assert_int_equal(slot_u64(s, SLOT_NR), 57); /* the retrace command runs it */
	/* segments and the rest of the frame are never the slot's to set */
	assert_int_equal(slot_gregs(s)[G_CSGSFS], 0);
	free(s);
}

static void test_handshake(void **state)
{
	void *s = new_slot();
	assert_false(slot_has_request(s));
	*slot_state(s) = SLOT_REQUEST;
	assert_true(slot_has_request(s));
	assert_false(slot_reply(s, SLOT_CMD_RETURN)); /* the stub was spinning: no wake */
	assert_int_equal(*slot_state(s), SLOT_REPLY);
	assert_false(slot_has_request(s));
	*slot_state(s) = SLOT_REQUEST_ASLEEP;
	assert_true(slot_has_request(s));
	assert_true(slot_reply(s, SLOT_CMD_HANDOFF)); /* asleep: FUTEX_WAKE needed */
	assert_int_equal(*(uint32_t *)((char *)s + SLOT_CMD), SLOT_CMD_HANDOFF);
	free(s);
}

static void test_garbage_state(void **state)
{
	void *s = new_slot();
	/* what the app scribbles is never a request, whatever the value */
	for (uint32_t v = 3; v < 100; v++) {
		*slot_state(s) = v * 7919;
		assert_int_equal(slot_has_request(s),
				 *slot_state(s) == SLOT_REQUEST || *slot_state(s) == SLOT_REQUEST_ASLEEP);
	}
	free(s);
}

static void test_layout(void **state)
{
	/* the stub (stub/loader.S) and the struct views must agree */
	assert_true(SLOT_GREGS + G_N * 8 <= SLOT_SIGINFO);
	assert_true(SLOT_SIGINFO + 128 <= 4096);
	assert_true(STUB_SLOTS_SIZE == STUB_NSLOTS * STUB_SLOT_SIZE);
	assert_true(STUB_RT_HANDLER < STUB_RT_BOUNCE && STUB_RT_BOUNCE < STUB_LOADER_BASE + 0x1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_request_regs), cmocka_unit_test(test_reply_regs),
	    cmocka_unit_test(test_handshake),    cmocka_unit_test(test_garbage_state),
	    cmocka_unit_test(test_layout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
