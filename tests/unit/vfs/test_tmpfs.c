/* Unit tests for vfs/fs/tmpfs.c (through the path-based VFS operations): data, truncate,
 * sparse files, rename, hard links, unlink while open, readdir, xattrs, memfd, devfs. */
#include "tests/unit/vfs/vfs_test.h"
#include <linux/fs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

static void test_read_write_truncate(void **state)
{
	struct tctx t;
	struct vfs_file *f;
	struct stat st;
	char buf[64];
	tctx_init_tmpfs(&t);
	assert_int_equal(put_file(&t, "/a", "hello world", 0644), 0);
	assert_int_equal(get_file(&t, "/a", buf, sizeof(buf)), 11);
	assert_string_equal(buf, "hello world");
	assert_int_equal(vfs_truncate_path(&t.c, "/a", 5), 0);
	assert_int_equal(get_file(&t, "/a", buf, sizeof(buf)), 5);
	assert_int_equal(vfs_truncate_path(&t.c, "/a", 8), 0);
	assert_int_equal(get_file(&t, "/a", buf, sizeof(buf)), 8);
	assert_memory_equal(buf, "hello\0\0\0", 8);
	/* sparse write far away, pread, O_APPEND */
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/a", O_RDWR | O_APPEND, 0, 0, &f, NULL), 0);
	assert_int_equal(vfs_file_pwrite(f, "Z", 1, 1 << 20), 1); /* appends: O_APPEND */
	assert_int_equal(vfs_file_stat(f, &st), 0);
	assert_int_equal(st.st_size, 9);
	f->flags &= ~O_APPEND;
	assert_int_equal(vfs_file_pwrite(f, "Y", 1, 1 << 20), 1);
	assert_int_equal(vfs_file_stat(f, &st), 0);
	assert_int_equal(st.st_size, (1 << 20) + 1);
	assert_true(st.st_blocks < 64);
	assert_int_equal(vfs_file_pread(f, buf, 2, (1 << 20) - 1), 2);
	assert_memory_equal(buf, "\0Y", 2);
	assert_int_equal(vfs_file_llseek(f, 0, SEEK_END), (1 << 20) + 1);
	/* host fd: the data moves to a memfd and stays coherent */
	int hfd = vfs_file_host_fd(f, true);
	assert_true(hfd >= 0);
	assert_int_equal(pread(hfd, buf, 5, 0), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(vfs_file_pwrite(f, "J", 1, 0), 1);
	assert_int_equal(pread(hfd, buf, 1, 0), 1);
	assert_int_equal(buf[0], 'J');
	vfs_file_put(f);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/a", O_WRONLY | O_TRUNC, 0, 0, &f, NULL), 0);
	vfs_file_put(f);
	assert_int_equal(stat_path(&t, "/a", &st), 0);
	assert_int_equal(st.st_size, 0);
	tctx_fini(&t);
}

static void test_links_and_rename(void **state)
{
	struct tctx t;
	struct vfs_file *f;
	struct stat st, st2;
	char buf[64];
	tctx_init_tmpfs(&t);
	assert_int_equal(put_file(&t, "/a", "A", 0644), 0);
	assert_int_equal(put_file(&t, "/b", "B", 0644), 0);
	assert_int_equal(vfs_linkat(&t.c, AT_FDCWD, "/a", AT_FDCWD, "/a2", 0), 0);
	assert_int_equal(stat_path(&t, "/a2", &st), 0);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(vfs_linkat(&t.c, AT_FDCWD, "/a", AT_FDCWD, "/b", 0), -EEXIST);
	/* rename over: b now is A, old b gone */
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/a", AT_FDCWD, "/b", 0), 0);
	assert_int_equal(get_file(&t, "/b", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "A");
	assert_int_equal(stat_path(&t, "/a", &st), -ENOENT);
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/b", AT_FDCWD, "/a2", RENAME_NOREPLACE),
			 -EEXIST);
	assert_int_equal(put_file(&t, "/c", "C", 0644), 0);
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/b", AT_FDCWD, "/c", RENAME_EXCHANGE), 0);
	assert_int_equal(get_file(&t, "/b", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "C");
	/* directories */
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/d", 0755), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/d/e", 0755), 0);
	assert_int_equal(stat_path(&t, "/d", &st), 0);
	assert_int_equal(st.st_nlink, 3);
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/d", AT_FDCWD, "/d/e/x", 0), -EINVAL);
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/b", AT_FDCWD, "/d", 0), -EISDIR);
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/d", AT_FDCWD, "/b", 0), -ENOTDIR);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/d", AT_REMOVEDIR), -ENOTEMPTY);
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/d/e", AT_FDCWD, "/e", 0), 0);
	assert_int_equal(stat_path(&t, "/d", &st), 0);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(stat_path(&t, "/e", &st2), 0);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/d", AT_REMOVEDIR), 0);
	/* unlink while open: data stays readable, nlink 0 */
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/b", O_RDWR, 0, 0, &f, NULL), 0);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/b", 0), 0);
	assert_int_equal(stat_path(&t, "/b", &st), -ENOENT);
	assert_int_equal(vfs_file_pread(f, buf, 10, 0), 1);
	assert_int_equal(vfs_file_stat(f, &st), 0);
	assert_int_equal(st.st_nlink, 0);
	assert_int_equal(vfs_file_path(f, t.fs, buf, sizeof(buf)), 12);
	assert_string_equal(buf, "/b (deleted)");
	assert_int_equal(vfs_linkat(&t.c, AT_FDCWD, "/e", AT_FDCWD, "/e2", 0), -EPERM);
	vfs_file_put(f);
	tctx_fini(&t);
}

static void test_readdir_and_xattr(void **state)
{
	struct tctx t;
	char list[1024], buf[64];
	tctx_init_tmpfs(&t);
	for (int i = 0; i < 300; i++) {
		snprintf(buf, sizeof(buf), "/file%03d", i);
		assert_int_equal(put_file(&t, buf, "", 0644), 0);
	}
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/file007", 0), 0);
	char *big = malloc(65536);
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY, 0, 0, &f, NULL), 0);
	int count = 0;
	ssize_t n;
	while ((n = vfs_file_getdents64(f, big, 1000)) > 0)
		for (ssize_t o = 0; o < n; count++) {
			uint16_t rl;
			memcpy(&rl, big + o + 16, 2);
			o += rl;
		}
	assert_int_equal(n, 0);
	assert_int_equal(count, 299 + 2);
	assert_int_equal(vfs_file_getdents64(f, big, 10), 0);
	assert_int_equal(vfs_file_llseek(f, 0, SEEK_SET), 0);
	assert_int_equal(vfs_file_getdents64(f, big, 10), -EINVAL);
	vfs_file_put(f);
	free(big);
	/* xattrs */
	assert_int_equal(vfs_setxattr(&t.c, AT_FDCWD, "/file001", true, "user.k", "v1", 2, 0), 0);
	assert_int_equal(vfs_setxattr(&t.c, AT_FDCWD, "/file001", true, "user.k", "v", 1,
				      XATTR_CREATE), -EEXIST);
	assert_int_equal(vfs_setxattr(&t.c, AT_FDCWD, "/file001", true, "user.x", "v", 1,
				      XATTR_REPLACE), -ENODATA);
	assert_int_equal(vfs_setxattr(&t.c, AT_FDCWD, "/file001", true, "bogus.k", "v", 1, 0),
			 -EOPNOTSUPP);
	assert_int_equal(vfs_setxattr(&t.c, AT_FDCWD, "/file001", true, "trusted.t", "T", 1, 0), 0);
	assert_int_equal(vfs_getxattr(&t.c, AT_FDCWD, "/file001", true, "user.k", buf, 64), 2);
	assert_int_equal(vfs_getxattr(&t.c, AT_FDCWD, "/file001", true, "user.k", NULL, 0), 2);
	assert_int_equal(vfs_getxattr(&t.c, AT_FDCWD, "/file001", true, "user.k", buf, 1), -ERANGE);
	assert_int_equal(vfs_listxattr(&t.c, AT_FDCWD, "/file001", true, list, sizeof(list)), 17);
	tctx_user(&t, 0, 0);
	assert_int_equal(vfs_listxattr(&t.c, AT_FDCWD, "/file001", true, list, sizeof(list)), 7);
	t.cred.cap_effective = ~0ULL;
	assert_int_equal(vfs_removexattr(&t.c, AT_FDCWD, "/file001", true, "user.k"), 0);
	assert_int_equal(vfs_removexattr(&t.c, AT_FDCWD, "/file001", true, "user.k"), -ENODATA);
	tctx_fini(&t);
}

static void test_memfd_and_devfs(void **state)
{
	struct tctx t;
	struct vfs_file *f;
	char buf[64];
	tctx_init_tmpfs(&t);
	assert_int_equal(vfs_memfd_create("x", 0, &f), 0);
	assert_int_equal(vfs_file_write(f, "abc", 3), 3);
	assert_int_equal(vfs_file_path(f, t.fs, buf, sizeof(buf)), 18);
	assert_string_equal(buf, "/memfd:x (deleted)");
	vfs_file_put(f);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/dev", 0755), 0);
	assert_int_equal(vfs_mount_at(t.ns, "/dev", "devfs", 0, NULL), 0);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/dev/full", O_RDWR, 0, 0, &f, NULL), 0);
	assert_int_equal(vfs_file_write(f, "x", 1), -ENOSPC);
	assert_int_equal(vfs_file_read(f, buf, 4), 4);
	vfs_file_put(f);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/dev/null", O_RDWR, 0, 0, &f, NULL), 0);
	assert_int_equal(vfs_file_write(f, "x", 1), 1);
	assert_int_equal(vfs_file_read(f, buf, 4), 0);
	vfs_file_put(f);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/dev/urandom", O_RDONLY, 0, 0, &f, NULL), 0);
	assert_int_equal(vfs_file_read(f, buf, 32), 32);
	vfs_file_put(f);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/dev/tty", O_RDWR, 0, 0, &f, NULL), -ENXIO);
	assert_int_equal(put_file(&t, "/dev/shm/seg", "s", 0600), 0);
	struct stat st, st2;
	assert_int_equal(stat_path(&t, "/dev/shm/seg", &st), 0);
	assert_int_equal(stat_path(&t, "/dev", &st2), 0);
	assert_int_not_equal(st.st_dev, st2.st_dev);
	/* a device node made with mknod anywhere opens the same device */
	assert_int_equal(vfs_mknodat(&t.c, AT_FDCWD, "/mynull", S_IFCHR | 0666, makedev(1, 3)), 0);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/mynull", O_RDONLY, 0, 0, &f, NULL), 0);
	assert_int_equal(vfs_file_read(f, buf, 4), 0);
	vfs_file_put(f);
	tctx_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_write_truncate),
		cmocka_unit_test(test_links_and_rename),
		cmocka_unit_test(test_readdir_and_xattr),
		cmocka_unit_test(test_memfd_and_devfs),
		cmocka_unit_test(test_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
