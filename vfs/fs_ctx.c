/* vfs/fs_ctx.c - per-process filesystem context: root (chroot), cwd, umask.
 * Shared by CLONE_FS; holds references on the root and cwd paths. Every context is on one
 * list so that pivot_root(2) can move the roots and cwds that were on the old root. */
#include <stdlib.h>
#include "vfs/internal.h"

static struct list_head all_fs = LIST_HEAD_INIT(all_fs);

/* See internal.h. @fn may change the context's paths, not free it. */
void vfs_fs_ctx_for_each(void (*fn)(struct vfs_fs_ctx *fs, void *arg), void *arg)
{
	struct vfs_fs_ctx *fs;
	list_for_each_entry(fs, &all_fs, all_link)
		fn(fs, arg);
}

/* See vfs.h. NULL on ENOMEM. */
struct vfs_fs_ctx *vfs_fs_ctx_new(struct vfs_mntns *ns)
{
	struct vfs_fs_ctx *fs = calloc(1, sizeof(*fs));
	if (!fs)
		return NULL;
	fs->refs = 1;
	fs->root.mnt = ns->root;
	fs->root.dentry = ns->root->root;
	vfs_path_get(&fs->root);
	fs->cwd = fs->root;
	vfs_path_get(&fs->cwd);
	fs->umask = 022;
	list_add_tail(&fs->all_link, &all_fs);
	return fs;
}

struct vfs_fs_ctx *vfs_fs_ctx_clone(struct vfs_fs_ctx *src)
{
	struct vfs_fs_ctx *fs = calloc(1, sizeof(*fs));
	if (!fs)
		return NULL;
	fs->refs = 1;
	fs->root = src->root;
	vfs_path_get(&fs->root);
	fs->cwd = src->cwd;
	vfs_path_get(&fs->cwd);
	fs->umask = src->umask;
	list_add_tail(&fs->all_link, &all_fs);
	return fs;
}

void vfs_fs_ctx_get(struct vfs_fs_ctx *fs)
{
	fs->refs++;
}

void vfs_fs_ctx_put(struct vfs_fs_ctx *fs)
{
	if (!fs || --fs->refs > 0)
		return;
	list_del(&fs->all_link);
	vfs_path_put(&fs->root);
	vfs_path_put(&fs->cwd);
	free(fs);
}
