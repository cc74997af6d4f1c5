/* Unit tests for vfs/namei.c: symlinks and ELOOP, "..", mounts, chroot, trailing slashes,
 * dirfds, name length limits, open flags that change the walk. */
#include "tests/unit/vfs/vfs_test.h"
#include <sys/mount.h>

static void test_symlink_loops(void **state)
{
	struct tctx t;
	struct vfs_file *f;
	struct stat st;
	char name[32], target[32];
	tctx_init_tmpfs(&t);
	assert_int_equal(vfs_symlinkat(&t.c, "l2", AT_FDCWD, "/l1"), 0);
	assert_int_equal(vfs_symlinkat(&t.c, "l1", AT_FDCWD, "/l2"), 0);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/l1", O_RDONLY, 0, 0, &f, NULL), -ELOOP);
	assert_int_equal(stat_path(&t, "/l1", &st), -ELOOP);
	assert_int_equal(vfs_statat(&t.c, AT_FDCWD, "/l1", AT_SYMLINK_NOFOLLOW, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* a chain of 40 links resolves, 41 do not */
	assert_int_equal(put_file(&t, "/target", "x", 0644), 0);
	assert_int_equal(vfs_symlinkat(&t.c, "/target", AT_FDCWD, "/c0"), 0);
	for (int i = 1; i <= 40; i++) {
		snprintf(name, sizeof(name), "/c%d", i);
		snprintf(target, sizeof(target), "c%d", i - 1);
		assert_int_equal(vfs_symlinkat(&t.c, target, AT_FDCWD, name), 0);
	}
	assert_int_equal(stat_path(&t, "/c39", &st), 0);
	assert_int_equal(stat_path(&t, "/c40", &st), -ELOOP);
	/* O_NOFOLLOW on a symlink: ELOOP; with O_PATH: the link itself */
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/c0", O_RDONLY | O_NOFOLLOW, 0, 0, &f, NULL),
			 -ELOOP);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/c0", O_PATH | O_NOFOLLOW, 0, 0, &f, NULL), 0);
	assert_int_equal(vfs_file_stat(f, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	vfs_file_put(f);
	tctx_fini(&t);
}

static void test_dotdot_and_mounts(void **state)
{
	struct tctx t;
	struct stat st, st2;
	char buf[256];
	tctx_init_tmpfs(&t);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/a", 0755), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/mnt", 0755), 0);
	assert_int_equal(put_file(&t, "/mnt/hidden", "h", 0644), 0);
	assert_int_equal(stat_path(&t, "/../../..", &st), 0);
	assert_int_equal(stat_path(&t, "/", &st2), 0);
	assert_int_equal(st.st_ino, st2.st_ino);
	assert_int_equal(stat_path(&t, "/../a/../../a", &st), 0);
	assert_int_equal(vfs_mount_at(t.ns, "/mnt", "tmpfs", 0, NULL), 0);
	assert_int_equal(stat_path(&t, "/mnt/hidden", &st), -ENOENT);
	assert_int_equal(put_file(&t, "/mnt/x", "x", 0644), 0);
	assert_int_equal(get_file(&t, "/mnt/../mnt/x", buf, sizeof(buf)), 1);
	assert_int_equal(stat_path(&t, "/mnt/..", &st), 0);
	assert_int_equal(st.st_ino, st2.st_ino);
	/* rmdir of a mount point: EBUSY; cross-mount rename/link: EXDEV */
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/mnt", AT_REMOVEDIR), -EBUSY);
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/mnt/x", AT_FDCWD, "/x", 0), -EXDEV);
	assert_int_equal(vfs_linkat(&t.c, AT_FDCWD, "/mnt/x", AT_FDCWD, "/x", 0), -EXDEV);
	/* getcwd through the mount */
	assert_int_equal(vfs_chdir(&t.c, "/mnt"), 0);
	assert_int_equal(vfs_getcwd(&t.c, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "/mnt");
	assert_int_equal(stat_path(&t, "x", &st), 0);
	tctx_fini(&t);
}

static void test_chroot(void **state)
{
	struct tctx t;
	struct stat st;
	char buf[256];
	tctx_init_tmpfs(&t);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/jail", 0755), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/jail/in", 0755), 0);
	assert_int_equal(put_file(&t, "/secret", "s", 0644), 0);
	assert_int_equal(vfs_symlinkat(&t.c, "/secret", AT_FDCWD, "/jail/abs"), 0);
	assert_int_equal(vfs_symlinkat(&t.c, "../../../secret", AT_FDCWD, "/jail/rel"), 0);
	assert_int_equal(vfs_chroot(&t.c, "/jail"), 0);
	assert_int_equal(stat_path(&t, "/in", &st), 0);
	assert_int_equal(stat_path(&t, "/../../secret", &st), -ENOENT);
	assert_int_equal(stat_path(&t, "/abs", &st), -ENOENT);
	assert_int_equal(stat_path(&t, "/rel", &st), -ENOENT);
	/* the cwd stayed outside the new root */
	assert_int_equal(vfs_getcwd(&t.c, buf, sizeof(buf)), 15);
	assert_string_equal(buf, "(unreachable)/");
	assert_int_equal(vfs_chdir(&t.c, "/in"), 0);
	assert_int_equal(vfs_getcwd(&t.c, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "/in");
	tctx_user(&t, 1000, 1000);
	assert_int_equal(vfs_chroot(&t.c, "/in"), -EPERM);
	tctx_fini(&t);
}

static void test_trailing_slash_and_names(void **state)
{
	struct tctx t;
	struct stat st;
	struct vfs_file *f;
	char name[300], *path;
	tctx_init_tmpfs(&t);
	assert_int_equal(put_file(&t, "/file", "x", 0644), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/dir/", 0755), 0);
	assert_int_equal(stat_path(&t, "/dir/", &st), 0);
	assert_int_equal(stat_path(&t, "/dir//.//", &st), 0);
	assert_int_equal(stat_path(&t, "/file/", &st), -ENOTDIR);
	assert_int_equal(stat_path(&t, "/file/x", &st), -ENOTDIR);
	assert_int_equal(stat_path(&t, "/nope/x", &st), -ENOENT);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/new/", O_CREAT | O_WRONLY, 0644, 0, &f, NULL),
			 -EISDIR);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/file/", 0), -ENOTDIR);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/dir", 0), -EISDIR);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/dir/.", AT_REMOVEDIR), -EINVAL);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/", AT_REMOVEDIR), -EBUSY);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/", 0755), -EEXIST);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/dir/..", 0755), -EEXIST);
	assert_int_equal(vfs_symlinkat(&t.c, "x", AT_FDCWD, "/sl/"), -ENOENT);
	assert_int_equal(stat_path(&t, "", &st), -ENOENT);
	memset(name, 'a', 256);
	name[0] = '/';
	name[256] = 0;
	assert_int_equal(stat_path(&t, name, &st), -ENOENT); /* 255 chars */
	name[256] = 'a';
	name[257] = 0;
	assert_int_equal(stat_path(&t, name, &st), -ENAMETOOLONG);
	path = malloc(5000);
	memset(path, '/', 4999);
	path[4999] = 0;
	assert_int_equal(stat_path(&t, path, &st), -ENAMETOOLONG);
	free(path);
	/* open flags */
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/file", O_RDONLY | O_DIRECTORY, 0, 0, &f, NULL),
			 -ENOTDIR);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/dir", O_WRONLY, 0, 0, &f, NULL), -EISDIR);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/file", O_CREAT | O_EXCL | O_WRONLY, 0644, 0,
				    &f, NULL), -EEXIST);
	/* O_CREAT through a dangling symlink creates its target */
	assert_int_equal(vfs_symlinkat(&t.c, "/dir/created", AT_FDCWD, "/dangling"), 0);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/dangling", O_CREAT | O_WRONLY, 0600, 0, &f,
				    NULL), 0);
	vfs_file_put(f);
	assert_int_equal(stat_path(&t, "/dir/created", &st), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0600);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/dangling", O_CREAT | O_EXCL | O_WRONLY, 0600,
				    0, &f, NULL), -EEXIST);
	tctx_fini(&t);
}

static void test_dirfd(void **state)
{
	struct tctx t;
	struct vfs_file *f;
	struct stat st;
	tctx_init_tmpfs(&t);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/d", 0755), 0);
	assert_int_equal(put_file(&t, "/d/f", "x", 0644), 0);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/d", O_PATH | O_DIRECTORY, 0, 0, &f, NULL), 0);
	int dfd = vfs_fdtable_install(t.fdt, f, 0, false);
	vfs_file_put(f);
	assert_int_equal(dfd, 0);
	assert_int_equal(vfs_statat(&t.c, dfd, "f", 0, &st), 0);
	assert_int_equal(st.st_size, 1);
	assert_int_equal(vfs_statat(&t.c, dfd, "", AT_EMPTY_PATH, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(vfs_statat(&t.c, dfd, "", 0, &st), -ENOENT);
	assert_int_equal(vfs_statat(&t.c, 42, "f", 0, &st), -EBADF);
	assert_int_equal(vfs_statat(&t.c, 42, "/d/f", 0, &st), 0);
	assert_int_equal(vfs_openat(&t.c, dfd, "f", O_RDONLY, 0, 0, &f, NULL), 0);
	int ffd = vfs_fdtable_install(t.fdt, f, 0, false);
	vfs_file_put(f);
	assert_int_equal(vfs_statat(&t.c, ffd, "x", 0, &st), -ENOTDIR);
	/* openat2 RESOLVE_BENEATH / IN_ROOT */
	assert_int_equal(vfs_openat(&t.c, dfd, "../d/f", O_RDONLY, 0, 0x08 /* BENEATH */, &f, NULL),
			 -EXDEV);
	assert_int_equal(vfs_openat(&t.c, dfd, "/f", O_RDONLY, 0, 0x10 /* IN_ROOT */, &f, NULL), 0);
	vfs_file_put(f);
	tctx_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symlink_loops),
		cmocka_unit_test(test_dotdot_and_mounts),
		cmocka_unit_test(test_chroot),
		cmocka_unit_test(test_trailing_slash_and_names),
		cmocka_unit_test(test_dirfd),
		cmocka_unit_test(test_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
