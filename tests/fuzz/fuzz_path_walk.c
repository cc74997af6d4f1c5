/* tests/fuzz/fuzz_path_walk.c - libFuzzer target: the VFS path walk (vfs/namei.c) through
 * vfs_openat on a tmpfs holding directories, a file and symlinks (absolute, relative,
 * climbing, looping). The input is one byte of flags selection then the path. Every walk
 * must end with a file or an errno, and leak nothing (checked at exit by the counters). */
#include "vfs/internal.h"
#include "vfs/ops.h"
#include "vfs/fdtable.h"
#include "vfs/fs/tmpfs.h"
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct vfs_ctx ctx;
static struct vfs_cred cred;

static void setup(void)
{
	struct vfs_sb *sb;
	if (tmpfs_create_sb(0, "mode=0755", &sb))
		abort();
	struct vfs_mount *m = vfs_mount_new(sb, sb->root, 0);
	vfs_sb_kill(sb);
	struct vfs_mntns *ns = vfs_mntns_new(m);
	ctx.fs = vfs_fs_ctx_new(ns);
	ctx.fdt = vfs_fdtable_new();
	cred.cap_effective = ~0ULL;
	ctx.cred = &cred;
	vfs_mkdirat(&ctx, AT_FDCWD, "/a", 0755);
	vfs_mkdirat(&ctx, AT_FDCWD, "/a/b", 0700);
	vfs_symlinkat(&ctx, "/a/b", AT_FDCWD, "/abs");
	vfs_symlinkat(&ctx, "../../..", AT_FDCWD, "/a/up");
	vfs_symlinkat(&ctx, "loop2", AT_FDCWD, "/loop1");
	vfs_symlinkat(&ctx, "loop1", AT_FDCWD, "/loop2");
	vfs_symlinkat(&ctx, "b/../../f", AT_FDCWD, "/a/rel");
	struct vfs_file *f;
	if (vfs_openat(&ctx, AT_FDCWD, "/f", O_WRONLY | O_CREAT, 0644, 0, &f, NULL) == 0)
		vfs_file_put(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int flag_sets[] = {O_RDONLY,
					O_RDONLY | O_NOFOLLOW,
					O_RDONLY | O_DIRECTORY,
					O_PATH,
					O_PATH | O_NOFOLLOW,
					O_WRONLY | O_CREAT,
					O_RDWR | O_CREAT | O_EXCL,
					O_RDONLY | O_TRUNC};
	static const uint64_t resolves[] = {0, 0x08 /* RESOLVE_BENEATH */,
					    0x10 /* RESOLVE_IN_ROOT */, 0x04 /* NO_SYMLINKS */};
	char path[8192];
	if (!ctx.fs)
		setup();
	if (size < 1 || size > sizeof(path))
		return 0;
	memcpy(path, data + 1, size - 1);
	path[size - 1] = 0;
	struct vfs_file *f = NULL;
	int flags = flag_sets[data[0] & 7];
	uint64_t res = resolves[(data[0] >> 3) & 3];
	if (vfs_openat(&ctx, AT_FDCWD, path, flags, 0644, res, &f, NULL) == 0 && f)
		vfs_file_put(f);
	if (flags & O_CREAT) /* keep the tree small: the created name goes again */
		vfs_unlinkat(&ctx, AT_FDCWD, path, 0);
	return 0;
}
