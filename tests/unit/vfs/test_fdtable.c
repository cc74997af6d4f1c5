/* Unit tests for vfs/fdtable.c and vfs/lock.c: lowest-fd allocation, dup2 semantics,
 * close-on-exec, RLIMIT_NOFILE, clone sharing descriptions, record locks. */
#include "tests/unit/vfs/vfs_test.h"
#include "vfs/lock.h"

static void test_install_dup_cloexec(void **state)
{
	struct tctx t;
	struct vfs_file *f, *g;
	tctx_init_tmpfs(&t);
	assert_int_equal(put_file(&t, "/f", "0123456789", 0644), 0);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/f", O_RDONLY, 0, 0, &f, NULL), 0);
	assert_int_equal(vfs_fdtable_install(t.fdt, f, 0, false), 0);
	assert_int_equal(vfs_fdtable_install(t.fdt, f, 0, true), 1);
	assert_int_equal(vfs_fdtable_install(t.fdt, f, 10, false), 10);
	assert_int_equal(vfs_fdtable_get_flags(t.fdt, 1), FD_CLOEXEC);
	assert_int_equal(vfs_fdtable_close(t.fdt, 0), 0);
	assert_int_equal(vfs_fdtable_close(t.fdt, 0), -EBADF);
	assert_int_equal(vfs_fdtable_install(t.fdt, f, 0, false), 0);
	/* shared offset through dup'ed descriptions */
	g = vfs_fdtable_lookup(t.fdt, 10);
	char buf[4];
	assert_int_equal(vfs_file_read(g, buf, 4), 4);
	vfs_file_put(g);
	g = vfs_fdtable_lookup(t.fdt, 0);
	assert_int_equal(g->pos, 4);
	vfs_file_put(g);
	/* clone shares descriptions, not the table */
	struct vfs_fdtable *c2 = vfs_fdtable_clone(t.fdt);
	assert_int_equal(vfs_fdtable_count(c2), 3);
	vfs_fdtable_close(c2, 10);
	assert_int_equal(vfs_fdtable_count(t.fdt), 3);
	vfs_fdtable_exec(c2);
	assert_int_equal(vfs_fdtable_count(c2), 1);
	assert_null(vfs_fdtable_lookup(c2, 1));
	vfs_fdtable_put(c2);
	/* dup2 onto an open fd replaces it */
	assert_int_equal(vfs_fdtable_replace(t.fdt, 1, f, false), 1);
	assert_int_equal(vfs_fdtable_get_flags(t.fdt, 1), 0);
	assert_int_equal(f->refs, 4);
	/* limit */
	vfs_fdtable_set_limit(t.fdt, 12);
	assert_int_equal(vfs_fdtable_install(t.fdt, f, 11, false), 11);
	assert_int_equal(vfs_fdtable_install(t.fdt, f, 11, false), -EMFILE);
	assert_int_equal(vfs_fdtable_replace(t.fdt, 12, f, false), -EBADF);
	vfs_file_put(f);
	tctx_fini(&t);
}

static void test_locks(void **state)
{
	struct tctx t;
	struct vfs_file *f;
	int a, b;
	tctx_init_tmpfs(&t);
	assert_int_equal(put_file(&t, "/f", "x", 0644), 0);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/f", O_RDWR, 0, 0, &f, NULL), 0);
	struct vfs_inode *i = vfs_file_inode(f);
	struct vfs_lock_req r = { F_WRLCK, 0, 99, 1 };
	assert_int_equal(vfs_lock_set(i, &a, VFS_LOCK_POSIX, &r), 0);
	r = (struct vfs_lock_req){ F_RDLCK, 50, 60, 2 };
	assert_int_equal(vfs_lock_set(i, &b, VFS_LOCK_POSIX, &r), -EAGAIN);
	assert_int_equal(vfs_lock_test(i, &b, VFS_LOCK_POSIX, &r), 0);
	assert_int_equal(r.type, F_WRLCK);
	assert_int_equal(r.pid, 1);
	/* unlock the middle: split in two */
	r = (struct vfs_lock_req){ F_UNLCK, 40, 69, 1 };
	assert_int_equal(vfs_lock_set(i, &a, VFS_LOCK_POSIX, &r), 0);
	r = (struct vfs_lock_req){ F_RDLCK, 50, 60, 2 };
	assert_int_equal(vfs_lock_set(i, &b, VFS_LOCK_POSIX, &r), 0);
	r = (struct vfs_lock_req){ F_WRLCK, 65, 75, 2 };
	assert_int_equal(vfs_lock_set(i, &b, VFS_LOCK_POSIX, &r), -EAGAIN);
	/* flock is a separate namespace */
	r = (struct vfs_lock_req){ F_WRLCK, 0, VFS_LOCK_EOF, 3 };
	assert_int_equal(vfs_lock_set(i, f, VFS_LOCK_FLOCK, &r), 0);
	/* closing: the owner's POSIX locks go */
	vfs_locks_owner_close(i, &a);
	r = (struct vfs_lock_req){ F_WRLCK, 65, 75, 2 };
	assert_int_equal(vfs_lock_set(i, &b, VFS_LOCK_POSIX, &r), 0);
	vfs_file_put(f);
	tctx_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_install_dup_cloexec),
		cmocka_unit_test(test_locks),
		cmocka_unit_test(test_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
