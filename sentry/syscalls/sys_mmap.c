/* sentry/syscalls/sys_mmap.c - file mappings. Anonymous mmap, munmap, mprotect, mremap,
 * madvise and brk never reach the Sentry (PASS in the stub filter); a file mapping does:
 * the Sentry installs the file's host fd into the stub for one injected mmap and closes
 * it again, so the app never holds a host fd. */
#include "sentry/task.h"
#include "vfs/file.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>

/* implements mmap(2) for file-backed mappings */
long sys_mmap(struct task *t, const struct syscall_args *a)
{
	uint64_t addr = a->a[0], len = a->a[1], prot = a->a[2], flags = a->a[3], off = a->a[5];
	int fd = (int)a->a[4];
	struct vfs_file *f;
	long r;

	if (flags & MAP_ANONYMOUS)
		return SYSRET_PASS;
	if (!len)
		return -EINVAL;
	if (off & 4095)
		return -EINVAL;
	int type = flags & MAP_TYPE;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	f = vfs_fdtable_lookup(task_fdt(t), fd);
	if (!f)
		return -EBADF;
	if (f->flags & O_PATH) {
		r = -EBADF;
		goto out;
	}
	int acc = f->flags & O_ACCMODE;
	bool shared_write = type != MAP_PRIVATE && (prot & PROT_WRITE);
	if (acc == O_WRONLY || (shared_write && acc != O_RDWR) ||
	    (shared_write && (f->flags & O_APPEND))) {
		r = -EACCES;
		goto out;
	}
	int host = vfs_file_host_fd(f, shared_write);
	struct stat st;
	if (host == -ENODEV && vfs_file_stat(f, &st) == 0 && S_ISCHR(st.st_mode) &&
	    st.st_rdev == makedev(1, 5)) {
		/* /dev/zero: an anonymous mapping (shared ones stay shared across fork) */
		r = stub_inject(t, SYS_mmap, addr, len, prot, flags | MAP_ANONYMOUS,
				(uint64_t)-1, 0);
		goto out;
	}
	if (host < 0) {
		r = host;
		goto out;
	}
	int sfd = stub_install_fd(t, host);
	if (sfd < 0) {
		r = sfd;
		goto out;
	}
	r = stub_inject(t, SYS_mmap, addr, len, prot, flags, sfd, off);
	stub_close_fd(t, sfd);
out:
	vfs_file_put(f);
	return r;
}
