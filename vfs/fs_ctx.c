/* vfs/fs_ctx.c - per-process filesystem context: root (chroot), cwd, umask.
 * Shared by CLONE_FS; holds references on the root and cwd paths. */
#include <stdlib.h>
#include "vfs/internal.h"

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
	vfs_path_put(&fs->root);
	vfs_path_put(&fs->cwd);
	free(fs);
}
