/* tests/unit/vfs/fake_file.h - fake file descriptions (vfs/file.c's contract) for the
 * suites of file-like objects, linked with -Wl,--wrap=vfs_file_new_anon,vfs_file_get,
 * vfs_file_put so they need only the object under test. live_files counts what is open. */
#ifndef CVISOR_TEST_FAKE_FILE_H
#define CVISOR_TEST_FAKE_FILE_H
#include <stdlib.h>
#include "vfs/epoll.h"
#include "vfs/file.h"

static long live_files;
struct vfs_file *__wrap_vfs_file_new_anon(const struct vfs_file_ops *ops, void *priv, int flags,
					  const char *name)
{
	static uint64_t ino;
	struct vfs_file *f = calloc(1, sizeof(*f));
	f->refs = 1;
	f->ops = ops;
	f->priv = priv;
	f->flags = flags;
	f->anon_name = name;
	f->anon_ino = ++ino;
	list_init(&f->epoll_links);
	live_files++;
	return f;
}

void __wrap_vfs_file_get(struct vfs_file *f)
{
	f->refs++;
}

void __wrap_vfs_file_put(struct vfs_file *f)
{
	if (!f || --f->refs > 0)
		return;
	if (!list_empty(&f->epoll_links) && vfs_epoll_file_released)
		vfs_epoll_file_released(f);
	if (f->ops && f->ops->release)
		f->ops->release(f);
	free(f);
	live_files--;
}

#endif
