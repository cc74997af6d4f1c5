/* platform/guest_mem.c - copies between the Sentry and an app's address space.
 * process_vm_readv/writev first; /proc/<tid>/mem (which also writes read-only pages) as
 * the fallback. Must not interpret what it copies. */
#include "platform/guest_mem.h"
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

void guest_mem_init(struct guest_mem *m, pid_t host_tid)
{
	m->host_tid = host_tid;
	m->mem_fd = -1;
}

void guest_mem_release(struct guest_mem *m)
{
	if (m->mem_fd >= 0)
		close(m->mem_fd);
	m->mem_fd = -1;
}

static int mem_fd(struct guest_mem *m)
{
	char path[64];
	if (m->mem_fd >= 0)
		return m->mem_fd;
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)m->host_tid);
	m->mem_fd = open(path, O_RDWR | O_CLOEXEC);
	return m->mem_fd;
}

static bool range_ok(uint64_t gaddr, size_t len)
{
	return gaddr + len >= gaddr && gaddr + len <= 0x800000000000ULL;
}

int guest_copy_in(struct guest_mem *m, void *dst, uint64_t src_gaddr, size_t len)
{
	struct iovec l = {dst, len}, r = {(void *)(uintptr_t)src_gaddr, len};
	ssize_t n;
	if (len == 0)
		return 0;
	if (!range_ok(src_gaddr, len))
		return -EFAULT;
	n = process_vm_readv(m->host_tid, &l, 1, &r, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	if (n < 0 && errno != ENOSYS && errno != EPERM)
		return -EFAULT;
	if (mem_fd(m) < 0)
		return -EFAULT;
	n = pread(m->mem_fd, dst, len, (off_t)src_gaddr);
	return n == (ssize_t)len ? 0 : -EFAULT;
}

int guest_copy_out(struct guest_mem *m, uint64_t dst_gaddr, const void *src, size_t len)
{
	struct iovec l = {(void *)src, len}, r = {(void *)(uintptr_t)dst_gaddr, len};
	ssize_t n;
	if (len == 0)
		return 0;
	if (!range_ok(dst_gaddr, len))
		return -EFAULT;
	n = process_vm_writev(m->host_tid, &l, 1, &r, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	if (n < 0 && errno != ENOSYS && errno != EPERM)
		return -EFAULT;
	return guest_copy_out_force(m, dst_gaddr, src, len);
}

int guest_copy_out_force(struct guest_mem *m, uint64_t dst_gaddr, const void *src, size_t len)
{
	ssize_t n;
	if (len == 0)
		return 0;
	if (!range_ok(dst_gaddr, len) || mem_fd(m) < 0)
		return -EFAULT;
	n = pwrite(m->mem_fd, src, len, (off_t)dst_gaddr);
	return n == (ssize_t)len ? 0 : -EFAULT;
}

long guest_strncpy_in(struct guest_mem *m, char *dst, uint64_t src_gaddr, size_t max)
{
	size_t done = 0;
	/* Read page by page so a string ending just before an unmapped page works. */
	while (done < max) {
		uint64_t a = src_gaddr + done;
		size_t chunk = 4096 - (a & 4095);
		if (chunk > max - done)
			chunk = max - done;
		int r = guest_copy_in(m, dst + done, a, chunk);
		if (r < 0)
			return r;
		char *nul = memchr(dst + done, 0, chunk);
		if (nul)
			return (long)(nul - dst);
		done += chunk;
	}
	return -ENAMETOOLONG;
}

int guest_clear(struct guest_mem *m, uint64_t dst_gaddr, size_t len)
{
	static const char zeros[4096];
	while (len) {
		size_t c = len < sizeof(zeros) ? len : sizeof(zeros);
		int r = guest_copy_out(m, dst_gaddr, zeros, c);
		if (r < 0)
			return r;
		dst_gaddr += c;
		len -= c;
	}
	return 0;
}
