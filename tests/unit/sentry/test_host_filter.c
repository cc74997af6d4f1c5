/* tests/unit/sentry/test_host_filter.c - the Sentry's own seccomp filter
 * (sentry/host_filter.c from sentry/host_syscalls.def): the counts, and in forked
 * children that install it: listed calls run, unlisted ones, PROT_EXEC mappings,
 * unlisted ptrace requests and i386 calls kill by SIGSYS; the debug (trap) mode writes
 * the syscall number to the log first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "sentry/host_filter.h"
#include "common/log.h"
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_counts(void **state)
{
	int none = host_filter_count(HOST_NET_NONE, HOST_PLAT_PTRACE);
	int sandbox = host_filter_count(HOST_NET_SANDBOX, HOST_PLAT_PTRACE);
	int host = host_filter_count(HOST_NET_HOST, HOST_PLAT_PTRACE);
	assert_true(none > 20);
	assert_true(none <= sandbox);
	assert_true(none < host);
	assert_true(sandbox <= 70); /* the published target of the default mode */
	/* seccomp-trap adds futex and sched_yield (its PTRACE_SEIZE/DETACH are values of an
	 * already counted ptrace), in every network mode */
	assert_int_equal(host_filter_count(HOST_NET_NONE, HOST_PLAT_TRAP), none + 2);
	assert_int_equal(host_filter_count(HOST_NET_SANDBOX, HOST_PLAT_TRAP), sandbox + 2);
	assert_int_equal(host_filter_count(HOST_NET_HOST, HOST_PLAT_TRAP), host + 2);
	assert_int_equal(host_plat_of("seccomp-trap"), HOST_PLAT_TRAP);
	assert_int_equal(host_plat_of("ptrace"), HOST_PLAT_PTRACE);
}

/* Runs @body in a child under the filter of platform @pl (@act); returns the child's wait
 * status. */
static int under_filter_of(enum host_plat pl, enum host_filter_action act, void (*body)(void))
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit no_core = {0, 0};
		setrlimit(RLIMIT_CORE, &no_core); /* the deaths below are expected */
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    host_filter_install(HOST_NET_NONE, pl, act) < 0)
			syscall(SYS_exit_group, 100);
		body();
		syscall(SYS_exit_group, 0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static int under_filter(enum host_filter_action act, void (*body)(void))
{
	return under_filter_of(HOST_PLAT_PTRACE, act, body);
}

static void listed_calls(void)
{
	char buf[1];
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || syscall(SYS_getpid) <= 0 || write(-1, buf, 0) != -1)
		syscall(SYS_exit_group, 1);
}

static void unlisted_call(void)
{
	syscall(SYS_getppid);
}

static void exec_mapping(void)
{
	mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void ptrace_attach(void)
{
	ptrace(PTRACE_ATTACH, 1, 0, 0);
}

/* seccomp-trap's own calls: a seize of a pid that is not there (ESRCH), a detach of
 * one we do not trace, a futex wake nobody waits for, a yield */
static void trap_calls(void)
{
	uint32_t word = 0;
	if (ptrace(PTRACE_SEIZE, 0x7ffffff0, 0, 0) != -1 || ptrace(PTRACE_DETACH, 1, 0, 0) != -1 ||
	    syscall(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0) != 0 || sched_yield() != 0)
		syscall(SYS_exit_group, 1);
}

static void i386_call(void)
{
	/* getpid through the i386 ABI: listed in x86-64, but another arch */
	__asm__ volatile("mov $20, %%eax\n\tint $0x80" ::: "eax", "memory");
}

static void test_listed_calls_run(void **state)
{
	int st = under_filter(HOST_FILTER_KILL, listed_calls);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_violations_kill(void **state)
{
	void (*bodies[])(void) = {unlisted_call, exec_mapping, ptrace_attach, i386_call};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		int st = under_filter(HOST_FILTER_KILL, bodies[i]);
		assert_true(WIFSIGNALED(st));
		assert_int_equal(WTERMSIG(st), SIGSYS);
	}
}

static void test_trap_platform(void **state)
{
	int st = under_filter_of(HOST_PLAT_TRAP, HOST_FILTER_KILL, trap_calls);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	/* the ptrace platform's filter has none of them; seize is still no attach */
	st = under_filter(HOST_FILTER_KILL, trap_calls);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
	st = under_filter_of(HOST_PLAT_TRAP, HOST_FILTER_KILL, ptrace_attach);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
}

static void test_trap_mode_logs_the_number(void **state)
{
	int p[2];
	char buf[512] = "";
	assert_int_equal(pipe(p), 0);
	log_set_fd(p[1], LOG_DEBUG);
	int st = under_filter(HOST_FILTER_TRAP, unlisted_call);
	log_set_fd(-1, LOG_ERROR);
	close(p[1]);
	assert_true(read(p[0], buf, sizeof(buf) - 1) > 0);
	close(p[0]);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
	char want[64];
	snprintf(want, sizeof(want), "host syscall %d ", SYS_getppid);
	assert_non_null(strstr(buf, want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counts),
	    cmocka_unit_test(test_listed_calls_run),
	    cmocka_unit_test(test_violations_kill),
	    cmocka_unit_test(test_trap_platform),
	    cmocka_unit_test(test_trap_mode_logs_the_number),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
