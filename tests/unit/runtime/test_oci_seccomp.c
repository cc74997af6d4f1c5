/* tests/unit/runtime/test_oci_seccomp.c - linux.seccomp into BPF (runtime/oci_seccomp.c):
 * the programs are validated and run with the Sentry's interpreter (sentry/seccomp_bpf.c)
 * on chosen syscalls; a Docker-like default profile translates and fits the stub; bad
 * fields give one line naming them. The runtime's objects are not in libcore.a, so the
 * translator is compiled in here. Our own allocations are counted (wrapped). */
/* wrap: malloc free */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <linux/audit.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include "runtime/oci_seccomp.c"
#include "sentry/seccomp_bpf.h"

static long live_allocs;
void *__real_malloc(size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n)
{
	void *p = __real_malloc(n);
	live_allocs += p != NULL;
	return p;
}
void __wrap_free(void *p)
{
	live_allocs -= p != NULL;
	__real_free(p);
}

static int no_leaks(void **state)
{
	assert_int_equal(live_allocs, 0);
	return 0;
}

/* Builds @json (a linux.seccomp object); asserts success. */
static struct sock_fprog build(const char *json, unsigned *flags)
{
	json_error_t je;
	json_t *j = json_loads(json, 0, &je);
	struct sock_fprog p;
	char err[256] = "";
	unsigned fl = 0;
	if (!j)
		fail_msg("bad test JSON: %s", je.text);
	int r = oci_seccomp_build(j, &p, &fl, err, sizeof(err));
	json_decref(j);
	if (r != 0)
		fail_msg("build failed: %d %s", r, err);
	assert_int_equal(seccomp_bpf_check(p.filter, p.len), 0);
	if (flags)
		*flags = fl;
	return p;
}

static uint32_t verdict(const struct sock_fprog *p, uint32_t arch, int nr, uint64_t a0)
{
	struct seccomp_data d;
	memset(&d, 0, sizeof(d));
	d.nr = nr;
	d.arch = arch;
	d.instruction_pointer = 0x401000;
	d.args[0] = a0;
	return seccomp_bpf_run(p->filter, p->len, &d);
}

#define X86_64 AUDIT_ARCH_X86_64

static void test_rules(void **state)
{
	unsigned flags;
	struct sock_fprog p = build(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\","
	    "\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_LOG\"],"
	    "\"syscalls\":["
	    "{\"names\":[\"mkdir\",\"mkdirat\",\"no_such_syscall\"],\"action\":\"SCMP_ACT_ERRNO\"},"
	    "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
	    "{\"names\":[\"gettid\"],\"action\":\"SCMP_ACT_TRAP\"},"
	    "{\"names\":[\"getuid\"],\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":9},"
	    "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":97,"
	    " \"args\":[{\"index\":0,\"value\":16,\"op\":\"SCMP_CMP_EQ\"}]},"
	    "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_LOG\","
	    " \"args\":[{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"},"
	    "          {\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]},"
	    "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	    &flags);
	assert_int_equal(flags, SECCOMP_FILTER_FLAG_LOG); /* TSYNC dropped */
	assert_int_equal(verdict(&p, X86_64, SYS_mkdir, 0), SECCOMP_RET_ERRNO | EPERM);
	assert_int_equal(verdict(&p, X86_64, SYS_mkdirat, 0), SECCOMP_RET_ERRNO | EPERM);
	assert_int_equal(verdict(&p, X86_64, SYS_getpid, 0), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(verdict(&p, X86_64, SYS_gettid, 0), SECCOMP_RET_TRAP);
	assert_int_equal(verdict(&p, X86_64, SYS_getuid, 0), SECCOMP_RET_TRACE | 9);
	assert_int_equal(verdict(&p, X86_64, SYS_socket, 16), SECCOMP_RET_ERRNO | 97);
	assert_int_equal(verdict(&p, X86_64, SYS_socket, 1), SECCOMP_RET_ALLOW);
	/* two conditions on one argument: either matches (one rule each, as runc) */
	assert_int_equal(verdict(&p, X86_64, SYS_personality, 8), SECCOMP_RET_LOG);
	assert_int_equal(verdict(&p, X86_64, SYS_personality, 0), SECCOMP_RET_LOG);
	assert_int_equal(verdict(&p, X86_64, SYS_personality, 3), SECCOMP_RET_ALLOW);
	assert_int_equal(verdict(&p, X86_64, SYS_read, 0), SECCOMP_RET_ALLOW);
	/* an architecture not listed: libseccomp's bad-arch action (KILL_THREAD) */
	assert_int_equal(verdict(&p, AUDIT_ARCH_I386, 20, 0), SECCOMP_RET_KILL_THREAD);
	oci_seccomp_free(&p);
	assert_null(p.filter);
}

/* A representative Docker default profile (allow-list, ERRNO(EPERM) default, conditional
 * clone and personality, clone3 ENOSYS), as dockerd passes it in config.json. */
static void test_docker_default(void **state)
{
	json_error_t je;
	json_t *j = json_load_file("tests/unit/runtime/docker_default_seccomp.json", 0, &je);
	struct sock_fprog p;
	char err[256] = "";
	unsigned flags;
	const uint16_t natives[] = {SYS_futex, SYS_munmap, SYS_exit_group};
	const struct seccomp_bpf_host host = {0x7e0000000002ULL, 0xc5ec, SYS_mmap, natives, 3};
	struct sock_filter *h;
	unsigned hlen;

	if (!j)
		fail_msg("docker_default_seccomp.json: %s", je.text);
	assert_int_equal(oci_seccomp_build(j, &p, &flags, err, sizeof(err)), 0);
	json_decref(j);
	assert_int_equal(seccomp_bpf_check(p.filter, p.len), 0);
	assert_int_equal(verdict(&p, X86_64, SYS_getpid, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(verdict(&p, X86_64, SYS_execve, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(verdict(&p, X86_64, SYS_mount, 0), SECCOMP_RET_ERRNO | EPERM);
	assert_int_equal(verdict(&p, X86_64, SYS_bpf, 0), SECCOMP_RET_ERRNO | EPERM);
	assert_int_equal(verdict(&p, X86_64, SYS_clone, SIGCHLD), SECCOMP_RET_ALLOW);
	assert_int_equal(verdict(&p, X86_64, SYS_clone, CLONE_NEWNS | SIGCHLD),
			 SECCOMP_RET_ERRNO | EPERM);
	assert_int_equal(verdict(&p, X86_64, SYS_clone3, 0), SECCOMP_RET_ERRNO | ENOSYS);
	assert_int_equal(verdict(&p, X86_64, SYS_personality, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(verdict(&p, X86_64, SYS_personality, 1), SECCOMP_RET_ERRNO | EPERM);
	/* i386 is listed: its own table (20 is getpid there) */
	assert_int_equal(verdict(&p, AUDIT_ARCH_I386, 20, 0), SECCOMP_RET_ALLOW);
	/* it fits the stub with the Sentry's prefix */
	assert_int_equal(seccomp_bpf_translate(p.filter, p.len, &host, &h, &hlen), 0);
	assert_true(hlen <= SECCOMP_BPF_MAXINSNS);
	free(h);
	oci_seccomp_free(&p);
}

static void expect_error(const char *json, const char *msg)
{
	json_t *j = json_loads(json, 0, NULL);
	struct sock_fprog p;
	char err[256] = "";
	unsigned flags;
	assert_non_null(j);
	assert_int_equal(oci_seccomp_build(j, &p, &flags, err, sizeof(err)), -EINVAL);
	json_decref(j);
	assert_null(p.filter);
	if (!strstr(err, msg))
		fail_msg("message \"%s\" lacks \"%s\"", err, msg);
}

static void test_errors(void **state)
{
	expect_error("[]", "linux.seccomp: expected an object");
	expect_error("{}", "linux.seccomp.defaultAction: expected an action");
	expect_error("{\"defaultAction\":\"SCMP_ACT_FOO\"}",
		     "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_FOO\"");
	expect_error("{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}", "not supported");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\"}",
		     "linux.seccomp.listenerPath");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":\"x\"}",
		     "linux.seccomp.defaultErrnoRet");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_FOO\"]}",
		     "linux.seccomp.architectures[0]: unknown architecture");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_X\"]}",
		     "linux.seccomp.flags[0]");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":{}}",
		     "linux.seccomp.syscalls: expected an array");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":\"read\","
		     "\"action\":\"SCMP_ACT_ERRNO\"}]}",
		     "linux.seccomp.syscalls[0].names");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{},{\"names\":[\"read\"],"
		     "\"action\":\"SCMP_ACT_KILL\",\"args\":[{\"index\":6,\"value\":1,"
		     "\"op\":\"SCMP_CMP_EQ\"}]}]}",
		     "linux.seccomp.syscalls[0].names"); /* the first bad rule is named */
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
		     "\"action\":\"SCMP_ACT_KILL\",\"args\":[{\"index\":6,\"value\":1,"
		     "\"op\":\"SCMP_CMP_EQ\"}]}]}",
		     "linux.seccomp.syscalls[0].args[0].index");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
		     "\"action\":\"SCMP_ACT_KILL\",\"args\":[{\"index\":0,\"value\":1,"
		     "\"op\":\"SCMP_CMP_ABOUT\"}]}]}",
		     "linux.seccomp.syscalls[0].args[0].op");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
		     "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":5000}]}",
		     "linux.seccomp.syscalls[0].errnoRet");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_rules, no_leaks),
	    cmocka_unit_test_teardown(test_docker_default, no_leaks),
	    cmocka_unit_test_teardown(test_errors, no_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
