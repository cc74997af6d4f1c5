/* vfs/fdtable.c - file descriptor tables: the app's fds, FD_CLOEXEC, RLIMIT_NOFILE.
 * A table holds one reference on each installed file description. Closing an fd drops
 * the process's POSIX record locks on that file (the table is the lock owner). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include "vfs/internal.h"
#include "vfs/fdtable.h"

struct vfs_fdtable *vfs_fdtable_new(void)
{
	struct vfs_fdtable *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->refs = 1;
	t->limit = 1024;
	return t;
}

static int fdt_grow(struct vfs_fdtable *t, unsigned want)
{
	if (want <= t->size)
		return 0;
	unsigned n = t->size ? t->size : 64;
	while (n < want)
		n *= 2;
	struct vfs_file **files = realloc(t->files, n * sizeof(*files));
	if (!files)
		return -ENOMEM;
	t->files = files;
	uint8_t *fl = realloc(t->fdflags, n);
	if (!fl)
		return -ENOMEM;
	t->fdflags = fl;
	memset(t->files + t->size, 0, (n - t->size) * sizeof(*files));
	memset(t->fdflags + t->size, 0, n - t->size);
	t->size = n;
	return 0;
}

struct vfs_fdtable *vfs_fdtable_clone(struct vfs_fdtable *src)
{
	struct vfs_fdtable *t = vfs_fdtable_new();
	if (!t)
		return NULL;
	t->limit = src->limit;
	if (fdt_grow(t, src->size)) {
		vfs_fdtable_put(t);
		return NULL;
	}
	for (unsigned i = 0; i < src->size; i++) {
		t->files[i] = src->files[i];
		t->fdflags[i] = src->fdflags[i];
		if (t->files[i])
			vfs_file_get(t->files[i]);
	}
	return t;
}

void vfs_fdtable_get(struct vfs_fdtable *t)
{
	t->refs++;
}

void vfs_fdtable_put(struct vfs_fdtable *t)
{
	if (!t || --t->refs > 0)
		return;
	for (unsigned i = 0; i < t->size; i++)
		vfs_fdtable_close(t, (int)i);
	free(t->files);
	free(t->fdflags);
	free(t);
}

void vfs_fdtable_exec(struct vfs_fdtable *t)
{
	for (unsigned i = 0; i < t->size; i++)
		if (t->files[i] && (t->fdflags[i] & FD_CLOEXEC))
			vfs_fdtable_close(t, (int)i);
}

int vfs_fdtable_install(struct vfs_fdtable *t, struct vfs_file *file, int minfd, bool cloexec)
{
	if (minfd < 0)
		return -EINVAL;
	unsigned fd = (unsigned)minfd;
	while (fd < t->size && t->files[fd])
		fd++;
	if (fd >= t->limit)
		return -EMFILE;
	if (fdt_grow(t, fd + 1))
		return -ENOMEM;
	vfs_file_get(file);
	t->files[fd] = file;
	t->fdflags[fd] = cloexec ? FD_CLOEXEC : 0;
	return (int)fd;
}

struct vfs_file *vfs_fdtable_lookup(struct vfs_fdtable *t, int fd)
{
	if (fd < 0 || (unsigned)fd >= t->size || !t->files[fd])
		return NULL;
	vfs_file_get(t->files[fd]);
	return t->files[fd];
}

void vfs_fdtable_set_limit(struct vfs_fdtable *t, unsigned limit)
{
	t->limit = limit;
}

unsigned vfs_fdtable_limit(struct vfs_fdtable *t)
{
	return t->limit;
}

static void fd_release(struct vfs_fdtable *t, struct vfs_file *f)
{
	struct vfs_inode *inode = vfs_file_inode(f);
	if (inode && inode->locks)
		vfs_locks_owner_close(inode, t);
	vfs_file_put(f);
}

int vfs_fdtable_close(struct vfs_fdtable *t, int fd)
{
	if (fd < 0 || (unsigned)fd >= t->size || !t->files[fd])
		return -EBADF;
	struct vfs_file *f = t->files[fd];
	t->files[fd] = NULL;
	t->fdflags[fd] = 0;
	fd_release(t, f);
	return 0;
}

int vfs_fdtable_replace(struct vfs_fdtable *t, int fd, struct vfs_file *file, bool cloexec)
{
	if (fd < 0 || (unsigned)fd >= t->limit)
		return -EBADF;
	if (fdt_grow(t, (unsigned)fd + 1))
		return -ENOMEM;
	struct vfs_file *old = t->files[fd];
	vfs_file_get(file);
	t->files[fd] = file;
	t->fdflags[fd] = cloexec ? FD_CLOEXEC : 0;
	if (old)
		fd_release(t, old);
	return fd;
}

int vfs_fdtable_get_flags(struct vfs_fdtable *t, int fd)
{
	if (fd < 0 || (unsigned)fd >= t->size || !t->files[fd])
		return -EBADF;
	return t->fdflags[fd];
}

int vfs_fdtable_set_flags(struct vfs_fdtable *t, int fd, int flags)
{
	if (fd < 0 || (unsigned)fd >= t->size || !t->files[fd])
		return -EBADF;
	t->fdflags[fd] = flags & FD_CLOEXEC;
	return 0;
}

int vfs_fdtable_count(struct vfs_fdtable *t)
{
	int n = 0;
	for (unsigned i = 0; i < t->size; i++)
		n += t->files[i] != NULL;
	return n;
}

/* Highest fd slot that may be in use + 1 (for close_range, /proc/self/fd). */
unsigned vfs_fdtable_size(struct vfs_fdtable *t)
{
	return t->size;
}
