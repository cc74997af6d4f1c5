/* test_trap_filter.c - the seccomp-trap platform's filters (platform/seccomp_filter.c),
 * run through the Sentry's cBPF interpreter: the base filter allows the stub runtime's
 * wake-up write only from its site and only to its fd; the overlay traps the TRACE class
 * (and the calls the platform answers itself), lets everything else reach the base, and
 * defers to the base for calls from the retrace site. */
#include "platform/platform.h"
#include "platform/stub_layout.h"
#include "sentry/seccomp_bpf.h"
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <cmocka.h>

#define N 450
static uint8_t classes[N];
static struct sock_fprog base, overlay;

static int setup(void **state)
{
	memset(classes, PLAT_CLASS_TRACE, sizeof(classes));
	classes[SYS_futex] = PLAT_CLASS_PASS;
	classes[SYS_rt_sigprocmask] = PLAT_CLASS_PASS;
	classes[SYS_exit_group] = PLAT_CLASS_PASS;
	classes[SYS_mmap] = PLAT_CLASS_PASS_ANON_MMAP;
	classes[SYS_munmap] = PLAT_CLASS_PASS;
	classes[SYS_mprotect] = PLAT_CLASS_PASS;
	classes[SYS_mremap] = PLAT_CLASS_PASS;
	classes[SYS_kexec_load] = PLAT_CLASS_DENY_EPERM;
	plat = &plat_seccomp_trap_ops;
	if (plat_filter_build(classes, N, &base) < 0 || plat_filter_build_trap_overlay(&overlay) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	plat_filter_free(&base);
	plat_filter_free(&overlay);
	plat = &plat_ptrace_ops;
	return 0;
}

static uint32_t run(const struct sock_fprog *p, int nr, uint64_t ip, uint64_t a0)
{
	struct seccomp_data d;
	memset(&d, 0, sizeof(d));
	d.nr = nr;
	d.arch = AUDIT_ARCH_X86_64;
	d.instruction_pointer = ip;
	d.args[0] = a0;
	return seccomp_bpf_run(p->filter, p->len, &d) & SECCOMP_RET_ACTION_FULL;
}

static void test_base_wake_site(void **state)
{
	assert_int_equal(run(&base, SYS_write, STUB_RT_WAKE + 2, STUB_WAKE_FD), SECCOMP_RET_ALLOW);
	/* the same write from anywhere else, or to another fd: the Sentry's */
	assert_int_equal(run(&base, SYS_write, 0x401002, STUB_WAKE_FD), SECCOMP_RET_TRACE);
	assert_int_equal(run(&base, SYS_write, STUB_RT_WAKE + 2, 1), SECCOMP_RET_TRACE);
	assert_int_equal(run(&base, SYS_write, STUB_RT_WAKE + 2 + (1ULL << 32), STUB_WAKE_FD),
			 SECCOMP_RET_TRACE);
	/* another call from the wake site is classed as usual */
	assert_int_equal(run(&base, SYS_openat, STUB_RT_WAKE + 2, STUB_WAKE_FD),
			 SECCOMP_RET_TRACE);
	assert_int_equal(run(&base, SYS_futex, STUB_RT_WAKE + 2, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(run(&base, SYS_kexec_load, STUB_RT_WAKE + 2, 0), SECCOMP_RET_ERRNO);
}

static void test_overlay_classes(void **state)
{
	assert_int_equal(run(&overlay, SYS_getpid, 0x401002, 0), SECCOMP_RET_TRAP);
	assert_int_equal(run(&overlay, SYS_futex, 0x401002, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(run(&overlay, SYS_kexec_load, 0x401002, 0), SECCOMP_RET_ALLOW);
	/* the platform answers these itself: the app cannot block SIGSYS or leave unseen */
	assert_int_equal(run(&overlay, SYS_rt_sigprocmask, 0x401002, 0), SECCOMP_RET_TRAP);
	assert_int_equal(run(&overlay, SYS_exit_group, 0x401002, 0), SECCOMP_RET_TRAP);
}

static void test_overlay_sites(void **state)
{
	/* retrace site: the base decides (TRACE class: a ptrace stop) */
	assert_int_equal(run(&overlay, SYS_getpid, STUB_RT_RETRACE + 2, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(run(&base, SYS_getpid, STUB_RT_RETRACE + 2, 0), SECCOMP_RET_TRACE);
	/* the wake write passes the overlay to reach the base's check */
	assert_int_equal(run(&overlay, SYS_write, STUB_RT_WAKE + 2, STUB_WAKE_FD),
			 SECCOMP_RET_ALLOW);
	assert_int_equal(run(&overlay, SYS_write, STUB_RT_WAKE + 2, 1), SECCOMP_RET_TRAP);
	/* every call from the ptrace gadget goes to the Sentry, as RET_TRACE sent it there */
	assert_int_equal(run(&overlay, SYS_getpid, STUB_GADGET_ADDR + 2, 0), SECCOMP_RET_TRAP);
	assert_int_equal(run(&overlay, SYS_futex, STUB_GADGET_ADDR + 2, 0), SECCOMP_RET_TRAP);
	assert_int_equal(run(&base, SYS_futex, STUB_GADGET_ADDR + 2, 0), SECCOMP_RET_ALLOW);
}

static uint32_t run_mem(const struct sock_fprog *p, int nr, uint64_t a0, uint64_t a3, uint64_t a4)
{
	struct seccomp_data d;
	memset(&d, 0, sizeof(d));
	d.nr = nr;
	d.arch = AUDIT_ARCH_X86_64;
	d.instruction_pointer = 0x401002;
	d.args[0] = a0;
	d.args[3] = a3;
	d.args[4] = a4;
	return seccomp_bpf_run(p->filter, p->len, &d) & SECCOMP_RET_ACTION_FULL;
}

static void test_overlay_reserved(void **state)
{
	const uint64_t in = STUB_SLOTS_ADDR + 0x1000, out = STUB_LOADER_BASE + STUB_RESERVED_SIZE;
	const uint64_t anon = MAP_PRIVATE | MAP_ANONYMOUS;
	/* starting in the runtime's 16 MiB: the platform refuses them */
	assert_int_equal(run_mem(&overlay, SYS_munmap, STUB_LOADER_BASE, 0, 0), SECCOMP_RET_TRAP);
	assert_int_equal(run_mem(&overlay, SYS_mprotect, in, 0, 0), SECCOMP_RET_TRAP);
	assert_int_equal(run_mem(&overlay, SYS_mremap, in, 0, 0), SECCOMP_RET_TRAP);
	assert_int_equal(run_mem(&overlay, SYS_mremap, 0x10000, MREMAP_MAYMOVE | MREMAP_FIXED, in),
			 SECCOMP_RET_TRAP);
	assert_int_equal(run_mem(&overlay, SYS_mmap, in, anon | MAP_FIXED, 0), SECCOMP_RET_TRAP);
	/* elsewhere, a hint, or a move that is not to there: as before */
	assert_int_equal(run_mem(&overlay, SYS_munmap, out, 0, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(run_mem(&overlay, SYS_munmap, STUB_LOADER_BASE - 4096, 0, 0),
			 SECCOMP_RET_ALLOW);
	assert_int_equal(run_mem(&overlay, SYS_mmap, in, anon, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(run_mem(&overlay, SYS_mmap, out, anon | MAP_FIXED, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(run_mem(&overlay, SYS_mremap, 0x10000, MREMAP_MAYMOVE, in),
			 SECCOMP_RET_ALLOW);
}

static void test_other_arch(void **state)
{
	struct seccomp_data d;
	memset(&d, 0, sizeof(d));
	d.nr = 1;
	d.arch = AUDIT_ARCH_I386;
	d.instruction_pointer = STUB_RT_WAKE + 2;
	d.args[0] = STUB_WAKE_FD;
	assert_int_equal(seccomp_bpf_run(base.filter, base.len, &d) & SECCOMP_RET_ACTION_FULL,
			 SECCOMP_RET_ERRNO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_base_wake_site),
	    cmocka_unit_test(test_overlay_classes),
	    cmocka_unit_test(test_overlay_sites),
	    cmocka_unit_test(test_overlay_reserved),
	    cmocka_unit_test(test_other_arch),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
