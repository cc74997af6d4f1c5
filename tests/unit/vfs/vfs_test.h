/* tests/unit/vfs/vfs_test.h - shared fixtures for the VFS unit tests: a namespace, an fs
 * context, an fd table and a vfs_ctx; small file helpers; the leak check every suite
 * runs at the end (no live inode, dentry, file, mount, superblock or host fd). */
#ifndef CVISOR_TESTS_UNIT_VFS_TEST_H
#define CVISOR_TESTS_UNIT_VFS_TEST_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vfs/internal.h"
#include "vfs/ops.h"
#include "vfs/fdtable.h"
#include "vfs/fs/tmpfs.h"

struct tctx {
	struct vfs_mntns *ns;
	struct vfs_fs_ctx *fs;
	struct vfs_fdtable *fdt;
	struct vfs_cred cred;
	struct vfs_ctx c;
};

static inline void tctx_init_ns(struct tctx *t, struct vfs_mntns *ns)
{
	memset(t, 0, sizeof(*t));
	t->ns = ns;
	t->fs = vfs_fs_ctx_new(ns);
	t->fdt = vfs_fdtable_new();
	t->cred.cap_effective = ~0ULL;
	t->c.cred = &t->cred;
	t->c.fs = t->fs;
	t->c.fdt = t->fdt;
	t->fs->umask = 022;
}

static inline void tctx_init_tmpfs(struct tctx *t)
{
	struct vfs_sb *sb;
	assert_int_equal(tmpfs_create_sb(0, "mode=0755", &sb), 0);
	struct vfs_mount *m = vfs_mount_new(sb, sb->root, 0);
	vfs_sb_kill(sb);
	tctx_init_ns(t, vfs_mntns_new(m));
}

static inline void tctx_fini(struct tctx *t)
{
	vfs_fdtable_put(t->fdt);
	vfs_fs_ctx_put(t->fs);
	vfs_mntns_put(t->ns);
}

/* Runs as an unprivileged user @uid/@gid. */
static inline void tctx_user(struct tctx *t, uint32_t uid, uint32_t gid)
{
	t->cred.uid = t->cred.euid = t->cred.fsuid = uid;
	t->cred.gid = t->cred.egid = t->cred.fsgid = gid;
	t->cred.cap_effective = 0;
}

static inline int put_file(struct tctx *t, const char *path, const char *data, mode_t mode)
{
	struct vfs_file *f;
	int err = vfs_openat(&t->c, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode, 0, &f, NULL);
	if (err)
		return err;
	ssize_t n = vfs_file_write(f, data, strlen(data));
	vfs_file_put(f);
	return n < 0 ? (int)n : 0;
}

/* Reads @path into @buf (NUL-terminated); returns the length or -errno. */
static inline int get_file(struct tctx *t, const char *path, char *buf, size_t size)
{
	struct vfs_file *f;
	int err = vfs_openat(&t->c, AT_FDCWD, path, O_RDONLY, 0, 0, &f, NULL);
	if (err)
		return err;
	ssize_t n = vfs_file_read(f, buf, size - 1);
	vfs_file_put(f);
	if (n >= 0)
		buf[n] = 0;
	return (int)n;
}

static inline int stat_path(struct tctx *t, const char *path, struct stat *st)
{
	return vfs_statat(&t->c, AT_FDCWD, path, 0, st);
}

/* Lists directory @path into @out as "a b c " (sorted by the fs' order). */
static inline int list_dir(struct tctx *t, const char *path, char *out, size_t size)
{
	struct vfs_file *f;
	char buf[8192];
	out[0] = 0;
	int err = vfs_openat(&t->c, AT_FDCWD, path, O_RDONLY | O_DIRECTORY, 0, 0, &f, NULL);
	if (err)
		return err;
	ssize_t n;
	int count = 0;
	while ((n = vfs_file_getdents64(f, buf, sizeof(buf))) > 0) {
		for (ssize_t o = 0; o < n;) {
			uint16_t reclen;
			memcpy(&reclen, buf + o + 16, 2);
			const char *name = buf + o + 19;
			if (strcmp(name, ".") && strcmp(name, "..")) {
				strncat(out, name, size - strlen(out) - 2);
				strcat(out, " ");
				count++;
			}
			o += reclen;
		}
	}
	vfs_file_put(f);
	return n < 0 ? (int)n : count;
}

static inline bool listed(const char *list, const char *name)
{
	char pat[300];
	snprintf(pat, sizeof(pat), " %s ", name);
	char tmp[8200];
	snprintf(tmp, sizeof(tmp), " %s", list);
	return strstr(tmp, pat) != NULL;
}

static inline void assert_no_leaks(void)
{
	struct vfs_debug_counts dc;
	vfs_dcache_shrink(0);
	tmpfs_memfd_shutdown();
	vfs_debug_counts(&dc);
	if (dc.inodes || dc.dentries || dc.files || dc.mounts || dc.sbs || dc.host_fds)
		fprintf(stderr, "leak: inodes %ld dentries %ld files %ld mounts %ld sbs %ld fds %ld\n",
			dc.inodes, dc.dentries, dc.files, dc.mounts, dc.sbs, dc.host_fds);
	assert_int_equal(dc.inodes, 0);
	assert_int_equal(dc.dentries, 0);
	assert_int_equal(dc.files, 0);
	assert_int_equal(dc.mounts, 0);
	assert_int_equal(dc.sbs, 0);
	assert_int_equal(dc.host_fds, 0);
}

static inline void test_leaks(void **state)
{
	assert_no_leaks();
}

#endif
