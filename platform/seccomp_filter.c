/* platform/seccomp_filter.c - builds the stub seccomp-BPF filter from per-syscall classes
 * (which the Sentry derives from its syscall table). Owns the filter's shape, not the list.
 *
 * Default: SECCOMP_RET_TRACE (the Sentry emulates). PASS: allowed. DENY: an errno.
 * The seccomp-trap platform adds an instruction-pointer prologue (the stub runtime's own
 * calls) and an overlay filter that turns the TRACE class into SECCOMP_RET_TRAP.
 * mmap is allowed only with MAP_ANONYMOUS (a file mapping needs the Sentry's fd).
 * Other ABIs: libseccomp's arch check fails i386 (`int 0x80`) and x32 syscalls with
 * ENOSYS (SCMP_FLTATR_ACT_BADARCH), so neither can bypass the table. */
#include "platform/platform.h"
#include "platform/stub_layout.h"
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The classes of the last plat_filter_build, for the seccomp-trap overlay. */
static uint8_t *saved_classes;
static size_t saved_n;

static int add_rule(scmp_filter_ctx ctx, unsigned nr, uint8_t cls)
{
	switch (cls) {
	case PLAT_CLASS_PASS:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	case PLAT_CLASS_PASS_ANON_MMAP:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					SCMP_A3(SCMP_CMP_MASKED_EQ, MAP_ANONYMOUS, MAP_ANONYMOUS));
	case PLAT_CLASS_DENY_ENOSYS:
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
	case PLAT_CLASS_DENY_EPERM:
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
	default:
		return 0; /* TRACE is the default action */
	}
}

/* The seccomp-trap overlay: TRACE-class calls (and the PASS calls that would let the app
 * take SIGSYS or the runtime's stack over, or leave without the Sentry seeing it) raise
 * SIGSYS; everything else defers to the base filter below it (ALLOW). */
static bool is_trap_owned(unsigned nr)
{
	return nr == SYS_rt_sigprocmask || nr == SYS_sigaltstack || nr == SYS_exit ||
	       nr == SYS_exit_group;
}

static int add_overlay_rule(scmp_filter_ctx ctx, unsigned nr, uint8_t cls)
{
	const uint32_t trap = SCMP_ACT_TRAP;
	switch (cls) {
	case PLAT_CLASS_TRACE:
		return seccomp_rule_add(ctx, trap, nr, 0);
	case PLAT_CLASS_PASS_ANON_MMAP:
		return seccomp_rule_add(ctx, trap, nr, 1,
					SCMP_A3(SCMP_CMP_MASKED_EQ, MAP_ANONYMOUS, 0));
	case PLAT_CLASS_PASS:
		return is_trap_owned(nr) ? seccomp_rule_add(ctx, trap, nr, 0) : 0;
	default:
		return 0;
	}
}

/* The overlay's guard of the stub runtime: munmap, mprotect, mremap (from or to) and a
 * MAP_FIXED mmap that start in STUB_RESERVED_SIZE at STUB_LOADER_BASE raise SIGSYS, and
 * the platform refuses them (trap_owned_call): the app cannot unmap or replace its own
 * SIGSYS handler. A range that starts below and runs over it is the app's own death. */
static int add_reserved_rules(scmp_filter_ctx ctx)
{
	const uint32_t trap = SCMP_ACT_TRAP;
	const uint64_t mask = ~(uint64_t)(STUB_RESERVED_SIZE - 1), base = STUB_LOADER_BASE;
	int r = seccomp_rule_add(ctx, trap, SCMP_SYS(munmap), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, mask, base));
	if (r == 0)
		r = seccomp_rule_add(ctx, trap, SCMP_SYS(mprotect), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, mask, base));
	if (r == 0)
		r = seccomp_rule_add(ctx, trap, SCMP_SYS(mremap), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, mask, base));
	if (r == 0)
		r = seccomp_rule_add(ctx, trap, SCMP_SYS(mremap), 2,
				     SCMP_A3(SCMP_CMP_MASKED_EQ, MREMAP_FIXED, MREMAP_FIXED),
				     SCMP_A4(SCMP_CMP_MASKED_EQ, mask, base));
	if (r == 0)
		r = seccomp_rule_add(ctx, trap, SCMP_SYS(mmap), 2,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, mask, base),
				     SCMP_A3(SCMP_CMP_MASKED_EQ, MAP_FIXED, MAP_FIXED));
	return r;
}

#define LD(off) ((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off)))
#define JEQ(k, jt, jf) ((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (jt), (jf)))
#define RET(k) ((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (k)))
#define IP_LO offsetof(struct seccomp_data, instruction_pointer)
#define IP_HI (IP_LO + 4)
#define ARG0_LO offsetof(struct seccomp_data, args)

/* Prologue of the trap platform's filters: the stub runtime's write to its wake-up fd
 * is allowed from STUB_RT_WAKE only; in the overlay, a call made from STUB_RT_RETRACE
 * defers to the base filter (TRACE class: a ptrace stop, as on the ptrace platform), and
 * every call made from the ptrace gadget traps (the Sentry sees it, as RET_TRACE made it
 * see it on ptrace: sys_seccomp.c re-checks such calls against the app's filters).
 * Returns the number of instructions written to @p (at most 16). */
static unsigned trap_prologue(struct sock_filter *p, bool overlay)
{
	unsigned i = 0;
	uint32_t hi = (uint32_t)((uint64_t)STUB_LOADER_BASE >> 32);
	p[i++] = LD(offsetof(struct seccomp_data, arch));                   /* 0 */
	p[i++] = JEQ(AUDIT_ARCH_X86_64, 0, 12);                              /* 1 -> 14 */
	p[i++] = LD(IP_HI);                                                  /* 2 */
	p[i++] = JEQ(hi, 0, 10);                                             /* 3 -> 14 */
	p[i++] = LD(IP_LO);                                                  /* 4 */
	p[i++] = JEQ((uint32_t)(STUB_RT_RETRACE + 2), overlay ? 7 : 8, 0);   /* 5 -> 13/14 */
	p[i++] = JEQ((uint32_t)(STUB_GADGET_ADDR + 2), overlay ? 5 : 7, 0);  /* 6 -> 12/14 */
	p[i++] = JEQ((uint32_t)(STUB_RT_WAKE + 2), 0, 6);                    /* 7 -> 14 */
	p[i++] = LD(offsetof(struct seccomp_data, nr));                      /* 8 */
	p[i++] = JEQ(SYS_write, 0, 4);                                       /* 9 -> 14 */
	p[i++] = LD(ARG0_LO);                                                /* 10 */
	p[i++] = JEQ(STUB_WAKE_FD, 1, 2);                                    /* 11 -> 13/14 */
	p[i++] = RET(SECCOMP_RET_TRAP);                                      /* 12 */
	p[i++] = RET(SECCOMP_RET_ALLOW);                                     /* 13 */
	return i;                                                            /* 14: the body */
}

enum { FILTER_PTRACE, FILTER_TRAP_BASE, FILTER_TRAP_OVERLAY };

static int filter_build(const uint8_t *classes, size_t n, int kind, struct sock_fprog *out)
{
	scmp_filter_ctx ctx =
	    seccomp_init(kind == FILTER_TRAP_OVERLAY ? SCMP_ACT_ALLOW : SCMP_ACT_TRACE(0));
	struct sock_filter pro[16];
	unsigned npro = kind == FILTER_PTRACE ? 0 : trap_prologue(pro, kind == FILTER_TRAP_OVERLAY);
	int r = -ENOMEM, fd = -1;
	off_t size;

	if (!ctx)
		return -ENOMEM;
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS));
	if (r < 0)
		goto out_release;
	/* The stub sets no_new_privs itself, before loading. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0)
		goto out_release;
	for (size_t nr = 0; nr < n; nr++) {
		if (kind == FILTER_TRAP_OVERLAY)
			r = add_overlay_rule(ctx, (unsigned)nr, classes[nr]);
		else
			r = add_rule(ctx, (unsigned)nr, classes[nr]);
		if (r < 0)
			goto out_release;
	}
	if (kind == FILTER_TRAP_OVERLAY && (r = add_reserved_rules(ctx)) < 0)
		goto out_release;
	fd = memfd_create("cvisor-filter", MFD_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto out_release;
	}
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		goto out_close;
	size = lseek(fd, 0, SEEK_END);
	out->len = (unsigned short)(size / sizeof(struct sock_filter) + npro);
	out->filter = malloc(size + npro * sizeof(struct sock_filter));
	if (!out->filter) {
		r = -ENOMEM;
		goto out_close;
	}
	memcpy(out->filter, pro, npro * sizeof(struct sock_filter));
	if (pread(fd, out->filter + npro, size, 0) != size) {
		free(out->filter);
		r = -EIO;
		goto out_close;
	}
	r = 0;
out_close:
	close(fd);
out_release:
	seccomp_release(ctx);
	return r;
}

int plat_filter_build(const uint8_t *classes, size_t n, struct sock_fprog *out)
{
	if (plat != &plat_seccomp_trap_ops)
		return filter_build(classes, n, FILTER_PTRACE, out);
	uint8_t *c = malloc(n);
	if (!c)
		return -ENOMEM;
	memcpy(c, classes, n);
	free(saved_classes);
	saved_classes = c;
	saved_n = n;
	return filter_build(classes, n, FILTER_TRAP_BASE, out);
}

int plat_filter_build_trap_overlay(struct sock_fprog *out)
{
	if (!saved_classes)
		return -EINVAL;
	return filter_build(saved_classes, saved_n, FILTER_TRAP_OVERLAY, out);
}

void plat_filter_free(struct sock_fprog *prog)
{
	free(prog->filter);
	prog->filter = NULL;
	prog->len = 0;
}
