/* Unit tests for vfs/perm.c and the permission rules of the VFS operations: mode bits,
 * groups, capabilities, sticky directories, umask, chmod/chown/utimes rules, EROFS. */
#include "tests/unit/vfs/vfs_test.h"
#include <sys/mount.h>

static void test_generic_permission(void **state)
{
	struct vfs_cred cr = { .fsuid = 1000, .fsgid = 1000, .ngroups = 1, .groups = { 50 } };
	struct stat st = { .st_mode = S_IFREG | 0640, .st_uid = 1000, .st_gid = 50 };
	assert_int_equal(vfs_permission(&cr, &st, MAY_READ | MAY_WRITE), 0);
	assert_int_equal(vfs_permission(&cr, &st, MAY_EXEC), -EACCES);
	st.st_uid = 0;
	assert_int_equal(vfs_permission(&cr, &st, MAY_READ), 0); /* supplementary group */
	assert_int_equal(vfs_permission(&cr, &st, MAY_WRITE), -EACCES);
	st.st_mode = S_IFREG | 0077; /* owner class denies even if others allow */
	st.st_uid = 1000;
	assert_int_equal(vfs_permission(&cr, &st, MAY_READ), -EACCES);
	cr.cap_effective = VFS_CAP(VFS_CAP_DAC_READ_SEARCH);
	assert_int_equal(vfs_permission(&cr, &st, MAY_READ), 0);
	assert_int_equal(vfs_permission(&cr, &st, MAY_WRITE), -EACCES);
	cr.cap_effective = VFS_CAP(VFS_CAP_DAC_OVERRIDE);
	assert_int_equal(vfs_permission(&cr, &st, MAY_WRITE), 0);
	st.st_mode = S_IFREG | 0600;
	assert_int_equal(vfs_permission(&cr, &st, MAY_EXEC), -EACCES); /* no x bit at all */
	st.st_mode = S_IFDIR | 0600;
	assert_int_equal(vfs_permission(&cr, &st, MAY_EXEC), 0);
}

static void test_ops_as_user(void **state)
{
	struct tctx t;
	struct vfs_file *f;
	struct stat st;
	tctx_init_tmpfs(&t);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/tmp", 01777), 0);
	assert_int_equal(vfs_chmodat(&t.c, AT_FDCWD, "/tmp", 01777, 0), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/root", 0700), 0);
	assert_int_equal(put_file(&t, "/root/secret", "s", 0600), 0);
	assert_int_equal(put_file(&t, "/tmp/rootfile", "r", 0644), 0);
	tctx_user(&t, 1000, 1000);
	assert_int_equal(stat_path(&t, "/root/secret", &st), -EACCES);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/tmp/rootfile", O_WRONLY, 0, 0, &f, NULL),
			 -EACCES);
	assert_int_equal(vfs_accessat(&t.c, AT_FDCWD, "/tmp/rootfile", R_OK, 0), 0);
	assert_int_equal(vfs_accessat(&t.c, AT_FDCWD, "/tmp/rootfile", W_OK, 0), -EACCES);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/mine", 0755), -EACCES);
	/* umask and ownership of new files */
	t.fs->umask = 027;
	assert_int_equal(put_file(&t, "/tmp/u", "u", 0666), 0);
	assert_int_equal(stat_path(&t, "/tmp/u", &st), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0640);
	assert_int_equal(st.st_uid, 1000);
	/* sticky /tmp: cannot remove or rename others' files */
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/tmp/rootfile", 0), -EPERM);
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/tmp/rootfile", AT_FDCWD, "/tmp/x", 0),
			 -EPERM);
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/tmp/u", AT_FDCWD, "/tmp/rootfile", 0),
			 -EPERM);
	/* chmod/chown/utimes rules */
	assert_int_equal(vfs_chmodat(&t.c, AT_FDCWD, "/tmp/rootfile", 0777, 0), -EPERM);
	assert_int_equal(vfs_chmodat(&t.c, AT_FDCWD, "/tmp/u", 02755, 0), 0);
	assert_int_equal(stat_path(&t, "/tmp/u", &st), 0);
	assert_int_equal(st.st_mode & 07777, 02755); /* in group 1000: setgid kept */
	assert_int_equal(vfs_chownat(&t.c, AT_FDCWD, "/tmp/u", 0, -1, 0), -EPERM);
	assert_int_equal(vfs_chownat(&t.c, AT_FDCWD, "/tmp/u", -1, 5, 0), -EPERM);
	assert_int_equal(vfs_chownat(&t.c, AT_FDCWD, "/tmp/u", 1000, 1000, 0), 0);
	struct timespec ts[2] = { { 1, 0 }, { 2, 0 } };
	assert_int_equal(vfs_utimensat(&t.c, AT_FDCWD, "/tmp/rootfile", ts, 0), -EPERM);
	assert_int_equal(vfs_utimensat(&t.c, AT_FDCWD, "/tmp/rootfile", NULL, 0), -EACCES);
	assert_int_equal(vfs_utimensat(&t.c, AT_FDCWD, "/tmp/u", ts, 0), 0);
	assert_int_equal(stat_path(&t, "/tmp/u", &st), 0);
	assert_int_equal(st.st_mtim.tv_sec, 2);
	assert_int_equal(vfs_mknodat(&t.c, AT_FDCWD, "/tmp/dev", S_IFCHR | 0600, 0x103), -EPERM);
	assert_int_equal(vfs_setxattr(&t.c, AT_FDCWD, "/tmp/u", true, "trusted.x", "1", 1, 0),
			 -EPERM);
	assert_int_equal(vfs_setxattr(&t.c, AT_FDCWD, "/tmp/rootfile", true, "user.x", "1", 1, 0),
			 -EACCES);
	/* root with CAP_CHOWN gives files away and the setuid bit falls */
	t.cred.fsuid = 0;
	t.cred.cap_effective = ~0ULL;
	assert_int_equal(vfs_chmodat(&t.c, AT_FDCWD, "/tmp/u", 04755, 0), 0);
	assert_int_equal(vfs_chownat(&t.c, AT_FDCWD, "/tmp/u", 7, 7, 0), 0);
	assert_int_equal(stat_path(&t, "/tmp/u", &st), 0);
	assert_int_equal(st.st_uid, 7);
	assert_int_equal(st.st_mode & 04000, 0);
	tctx_fini(&t);
}

static void test_readonly_mount(void **state)
{
	struct tctx t;
	struct vfs_file *f;
	tctx_init_tmpfs(&t);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/ro", 0755), 0);
	assert_int_equal(vfs_mount_at(t.ns, "/ro", "tmpfs", MS_RDONLY, NULL), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/ro/x", 0755), -EROFS);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/ro/f", O_CREAT | O_WRONLY, 0644, 0, &f, NULL),
			 -EROFS);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/ro", O_RDONLY, 0, 0, &f, NULL), 0);
	vfs_file_put(f);
	assert_int_equal(vfs_accessat(&t.c, AT_FDCWD, "/ro", W_OK, 0), -EROFS);
	assert_int_equal(vfs_chmodat(&t.c, AT_FDCWD, "/ro", 0700, 0), -EROFS);
	tctx_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generic_permission),
		cmocka_unit_test(test_ops_as_user),
		cmocka_unit_test(test_readonly_mount),
		cmocka_unit_test(test_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
