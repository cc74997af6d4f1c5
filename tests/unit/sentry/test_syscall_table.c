/* Keeps the syscall table honest (sentry/syscalls/syscalls.def):
 * - a TRACE entry marked full or partial has a handler, and one marked none has none;
 * - PASS entries are exactly the reviewed list of ARCHITECTURE.md (plus the few noted);
 * - DENY entries have no handler; notes are never empty for partial/none;
 * - numbers match the host's asm/unistd_64.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <cmocka.h>
#include "sentry/syscall_table.h"

static void test_levels_match_handlers(void **state)
{
	int bad = 0;
	for (int i = 0; i < SYSCALL_TABLE_SIZE; i++) {
		const struct syscall_entry *e = &syscall_table[i];
		if (!e->name)
			continue;
		if (e->cls == SC_TRACE && e->level != SL_NONE && !e->fn) {
			print_error("%s is marked %s but has no handler\n", e->name,
				    syscall_level_name(e->level));
			bad++;
		}
		if (e->cls == SC_TRACE && e->level == SL_NONE && e->fn) {
			print_error("%s has a handler but is marked none\n", e->name);
			bad++;
		}
		if ((e->cls == SC_DENY || e->cls == SC_DENY_EPERM) && e->fn) {
			print_error("%s is denied but has a handler\n", e->name);
			bad++;
		}
		if (e->level != SL_FULL && !e->note[0]) {
			print_error("%s is %s without a note\n", e->name,
				    syscall_level_name(e->level));
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_pass_list_reviewed(void **state)
{
	static const char *reviewed[] = {
		"munmap", "mprotect", "mremap", "madvise", "brk", "futex", "sched_yield",
		"nanosleep", "clock_nanosleep", "clock_gettime", "clock_getres", "gettimeofday",
		"time", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "arch_prctl",
		"set_robust_list", "rseq", "getrandom", "exit", "exit_group", "rt_sigsuspend",
		"pause", "mlock", "munlock", "mlock2", "mincore", "membarrier", "msync",
		"rt_sigpending", "mlockall", "munlockall", "restart_syscall", "getcpu", NULL};
	int bad = 0;
	for (int i = 0; i < SYSCALL_TABLE_SIZE; i++) {
		const struct syscall_entry *e = &syscall_table[i];
		if (!e->name || e->cls != SC_PASS)
			continue;
		bool ok = false;
		for (const char **r = reviewed; *r; r++)
			if (!strcmp(*r, e->name))
				ok = true;
		if (!ok) {
			print_error("%s is PASS but not on the reviewed list\n", e->name);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_numbers(void **state)
{
	assert_string_equal(syscall_lookup(SYS_read)->name, "read");
	assert_string_equal(syscall_lookup(SYS_openat)->name, "openat");
	assert_string_equal(syscall_lookup(SYS_execve)->name, "execve");
	assert_string_equal(syscall_lookup(SYS_clone3)->name, "clone3");
	assert_int_equal(syscall_nr_by_name("getpid"), SYS_getpid);
	assert_null(syscall_lookup(-1));
	assert_null(syscall_lookup(100000));
	assert_int_equal(syscall_lookup(SYS_kexec_load)->cls, SC_DENY_EPERM);
	assert_int_equal(syscall_lookup(SYS_io_uring_setup)->cls, SC_DENY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels_match_handlers),
		cmocka_unit_test(test_pass_list_reviewed),
		cmocka_unit_test(test_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
