/* platform/seccomp_filter.c - builds the stub seccomp-BPF filter from per-syscall classes
 * (which the Sentry derives from its syscall table). Owns the filter's shape, not the list.
 *
 * Default: SECCOMP_RET_TRACE (the Sentry emulates). PASS: allowed. DENY: an errno.
 * mmap is allowed only with MAP_ANONYMOUS (a file mapping needs the Sentry's fd).
 * Other ABIs: libseccomp's arch check fails i386 (`int 0x80`) and x32 syscalls with
 * ENOSYS (SCMP_FLTATR_ACT_BADARCH), so neither can bypass the table. */
#include "platform/platform.h"
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

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

int plat_filter_build(const uint8_t *classes, size_t n, struct sock_fprog *out)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRACE(0));
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
		r = add_rule(ctx, (unsigned)nr, classes[nr]);
		if (r < 0)
			goto out_release;
	}
	fd = memfd_create("cvisor-filter", MFD_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto out_release;
	}
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		goto out_close;
	size = lseek(fd, 0, SEEK_END);
	out->len = (unsigned short)(size / sizeof(struct sock_filter));
	out->filter = malloc(size);
	if (!out->filter) {
		r = -ENOMEM;
		goto out_close;
	}
	if (pread(fd, out->filter, size, 0) != size) {
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

void plat_filter_free(struct sock_fprog *prog)
{
	free(prog->filter);
	prog->filter = NULL;
	prog->len = 0;
}
