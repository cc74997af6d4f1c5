/* Unit tests for vfs/fs/overlay.c: an in-memory upper over a read-only hostfs lower of a
 * temporary directory (vfs_mntns_new_overlay_host, as `cvisor do` uses). Copy-up keeps
 * data and attributes, whiteouts hide lower entries, opaque directories, merged readdir,
 * stable inode numbers, and the host directory is never modified. Also the "overlay"
 * mount type. */
#include "tests/unit/vfs/vfs_test.h"
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

static char tmpdir[] = "/tmp/cvisor-ovl-XXXXXX";

static void host_path(const char *rel, char *p)
{
	snprintf(p, 512, "%s/%s", tmpdir, rel);
}

static void host_put(const char *rel, const char *data)
{
	char p[512];
	host_path(rel, p);
	FILE *fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(data, fp);
	fclose(fp);
}

static int setup(void **state)
{
	char p[512];
	if (!mkdtemp(tmpdir))
		return -1;
	host_put("a", "lower a");
	host_put("b", "lower b");
	host_path("d", p);
	mkdir(p, 0755);
	host_put("d/x", "x");
	host_put("d/y", "y");
	host_path("d/e", p);
	mkdir(p, 0700);
	host_path("lnk", p);
	symlink("a", p);
	host_path("a", p);
	chmod(p, 0640);
	struct timespec ts[2] = { { 1000, 0 }, { 2000, 0 } };
	utimensat(AT_FDCWD, p, ts, 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

static void init_ovl(struct tctx *t)
{
	struct vfs_mntns *ns;
	int fd = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(vfs_mntns_new_overlay_host(fd, &ns), 0);
	tctx_init_ns(t, ns);
}

static void host_unchanged(void)
{
	char p[512], buf[64] = "";
	struct stat st;
	host_path("a", p);
	FILE *fp = fopen(p, "r");
	assert_non_null(fp);
	assert_non_null(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	assert_string_equal(buf, "lower a");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	host_path("b", p);
	assert_int_equal(stat(p, &st), 0);
	host_path("d/x", p);
	assert_int_equal(stat(p, &st), 0);
	host_path("new", p);
	assert_int_equal(stat(p, &st), -1);
}

static void test_copy_up(void **state)
{
	struct tctx t;
	struct vfs_file *f;
	struct stat st0, st;
	char buf[64];
	init_ovl(&t);
	assert_int_equal(stat_path(&t, "/a", &st0), 0);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/a", O_WRONLY | O_APPEND, 0, 0, &f, NULL), 0);
	assert_int_equal(vfs_file_write(f, "+", 1), 1);
	vfs_file_put(f);
	assert_int_equal(get_file(&t, "/a", buf, sizeof(buf)), 8);
	assert_string_equal(buf, "lower a+");
	assert_int_equal(stat_path(&t, "/a", &st), 0);
	assert_int_equal(st.st_ino, st0.st_ino);
	assert_int_equal(st.st_mode, S_IFREG | 0640);
	assert_int_equal(st.st_uid, st0.st_uid);
	/* chmod, xattr, truncate copy up too */
	assert_int_equal(vfs_chmodat(&t.c, AT_FDCWD, "/b", 0600, 0), 0);
	assert_int_equal(stat_path(&t, "/b", &st), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0600);
	assert_int_equal(get_file(&t, "/b", buf, sizeof(buf)), 7);
	assert_int_equal(vfs_setxattr(&t.c, AT_FDCWD, "/d/x", true, "user.k", "v", 1, 0), 0);
	assert_int_equal(vfs_getxattr(&t.c, AT_FDCWD, "/d/x", true, "user.k", buf, 64), 1);
	assert_int_equal(vfs_truncate_path(&t.c, "/d/y", 0), 0);
	assert_int_equal(stat_path(&t, "/d/y", &st), 0);
	assert_int_equal(st.st_size, 0);
	/* a symlink reads the same after its target is copied up */
	assert_int_equal(get_file(&t, "/lnk", buf, sizeof(buf)), 8);
	/* hard link of a lower file */
	assert_int_equal(vfs_linkat(&t.c, AT_FDCWD, "/d/x", AT_FDCWD, "/xl", 0), 0);
	assert_int_equal(get_file(&t, "/xl", buf, sizeof(buf)), 1);
	/* new files */
	assert_int_equal(put_file(&t, "/new", "n", 0644), 0);
	assert_int_equal(get_file(&t, "/new", buf, sizeof(buf)), 1);
	host_unchanged();
	tctx_fini(&t);
}

static void test_whiteout_opaque_readdir(void **state)
{
	struct tctx t;
	struct stat st;
	char list[1024];
	init_ovl(&t);
	assert_int_equal(list_dir(&t, "/", list, sizeof(list)), 4);
	assert_true(listed(list, "a") && listed(list, "b") && listed(list, "d") &&
		    listed(list, "lnk"));
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/b", 0), 0);
	assert_int_equal(stat_path(&t, "/b", &st), -ENOENT);
	assert_int_equal(put_file(&t, "/c", "c", 0644), 0);
	assert_int_equal(list_dir(&t, "/", list, sizeof(list)), 4);
	assert_false(listed(list, "b"));
	assert_true(listed(list, "c"));
	/* recreate over the whiteout */
	assert_int_equal(put_file(&t, "/b", "again", 0644), 0);
	assert_int_equal(stat_path(&t, "/b", &st), 0);
	assert_int_equal(st.st_size, 5);
	/* rmdir of a merged dir: ENOTEMPTY until emptied; then mkdir is opaque */
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/d", AT_REMOVEDIR), -ENOTEMPTY);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/d/x", 0), 0);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/d/y", 0), 0);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/d/e", AT_REMOVEDIR), 0);
	assert_int_equal(list_dir(&t, "/d", list, sizeof(list)), 0);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/d", AT_REMOVEDIR), 0);
	assert_int_equal(stat_path(&t, "/d", &st), -ENOENT);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/d", 0755), 0);
	assert_int_equal(list_dir(&t, "/d", list, sizeof(list)), 0);
	assert_int_equal(stat_path(&t, "/d/x", &st), -ENOENT);
	/* renames: files copy up and leave a whiteout; lower dirs are EXDEV */
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/a", AT_FDCWD, "/d/a2", 0), 0);
	assert_int_equal(stat_path(&t, "/a", &st), -ENOENT);
	assert_int_equal(stat_path(&t, "/d/a2", &st), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/up", 0755), 0);
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/up", AT_FDCWD, "/d/up", 0), 0);
	host_unchanged();
	tctx_fini(&t);
	init_ovl(&t);
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/d", AT_FDCWD, "/d2", 0), -EXDEV);
	tctx_fini(&t);
}

/* Renames onto an existing name: the replaced entry's upper dentry is the overlay inode's
 * reference, not one the rename may drop (it used to be put twice: a double free when the
 * replaced overlay inode was evicted). */
static void test_rename_replace(void **state)
{
	struct tctx t;
	struct stat st;
	char buf[64];
	init_ovl(&t);
	/* over a lower-only file */
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/a", AT_FDCWD, "/b", 0), 0);
	assert_int_equal(stat_path(&t, "/a", &st), -ENOENT);
	assert_int_equal(get_file(&t, "/b", buf, sizeof(buf)), 7);
	assert_string_equal(buf, "lower a");
	/* over a copied-up file */
	assert_int_equal(vfs_chmodat(&t.c, AT_FDCWD, "/d/x", 0600, 0), 0);
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/d/y", AT_FDCWD, "/d/x", 0), 0);
	assert_int_equal(stat_path(&t, "/d/y", &st), -ENOENT);
	assert_int_equal(get_file(&t, "/d/x", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "y");
	/* over an upper-only file, then again over the result (compat rename_basic) */
	assert_int_equal(put_file(&t, "/n1", "1", 0644), 0);
	assert_int_equal(put_file(&t, "/n2", "2", 0644), 0);
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/n1", AT_FDCWD, "/n2", 0), 0);
	assert_int_equal(get_file(&t, "/n2", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "1");
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/n2", AT_FDCWD, "/b", 0), 0);
	assert_int_equal(get_file(&t, "/b", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "1");
	/* an empty upper dir over an empty upper dir; exchange of a file and a lower file */
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/u1", 0755), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/u2", 0755), 0);
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/u1", AT_FDCWD, "/u2", 0), 0);
	assert_int_equal(stat_path(&t, "/u1", &st), -ENOENT);
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/b", AT_FDCWD, "/lnk", RENAME_EXCHANGE), 0);
	assert_int_equal(get_file(&t, "/lnk", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "1");
	assert_int_equal(vfs_readlinkat(&t.c, AT_FDCWD, "/b", buf, sizeof(buf)), 1);
	host_unchanged();
	tctx_fini(&t);
	assert_no_leaks();
}

static void test_overlay_mount_type(void **state)
{
	struct tctx t;
	char buf[64], opts[600];
	tctx_init_tmpfs(&t);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/lower", 0755), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/upper", 0755), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/work", 0755), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/merged", 0755), 0);
	assert_int_equal(put_file(&t, "/lower/l", "L", 0644), 0);
	snprintf(opts, sizeof(opts), "lowerdir=/lower,upperdir=/upper,workdir=/work");
	assert_int_equal(vfs_mount_at(t.ns, "/merged", "overlay", 0, opts), 0);
	assert_int_equal(get_file(&t, "/merged/l", buf, sizeof(buf)), 1);
	assert_int_equal(put_file(&t, "/merged/l", "M", 0644), 0);
	assert_int_equal(get_file(&t, "/upper/l", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "M");
	assert_int_equal(get_file(&t, "/lower/l", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "L");
	tctx_fini(&t);
}

/* Several lower layers: lookup through them in order (the topmost copy wins), whiteouts
 * and opaque directories in a lower layer hide what is below, a file above hides a
 * directory below, directories merge, copy-up from the bottom layer, and a read-only
 * overlay of lower layers alone. */
static void test_overlay_multi_lower(void **state)
{
	struct tctx t;
	char buf[64], list[512], opts[600];
	struct stat st;
	tctx_init_tmpfs(&t);
	const char *dirs[] = { "/l1", "/l2", "/l3", "/u", "/w", "/m", "/ro", "/l1/d", "/l3/d",
			       "/l2/e", "/l3/e", "/l2/f" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, dirs[i], 0755), 0);
	assert_int_equal(put_file(&t, "/l3/a", "3", 0644), 0);
	assert_int_equal(put_file(&t, "/l2/a", "2", 0644), 0);
	assert_int_equal(put_file(&t, "/l3/b", "b", 0644), 0);
	assert_int_equal(vfs_mknodat(&t.c, AT_FDCWD, "/l2/b", S_IFCHR | 0600, makedev(0, 0)), 0);
	assert_int_equal(put_file(&t, "/l1/c", "c", 0644), 0);
	assert_int_equal(put_file(&t, "/l1/d/x", "x", 0644), 0);
	assert_int_equal(put_file(&t, "/l3/d/y", "y", 0644), 0);
	assert_int_equal(put_file(&t, "/l3/e/z", "z", 0644), 0);
	assert_int_equal(vfs_setxattr(&t.c, AT_FDCWD, "/l2/e", true, "trusted.overlay.opaque",
				      "y", 1, 0), 0);
	assert_int_equal(put_file(&t, "/l1/f", "f", 0644), 0);
	assert_int_equal(put_file(&t, "/l2/f/under", "u", 0644), 0);

	snprintf(opts, sizeof(opts), "lowerdir=/l1:/l2:/l3,upperdir=/u,workdir=/w");
	assert_int_equal(vfs_mount_at(t.ns, "/m", "overlay", 0, opts), 0);
	assert_int_equal(get_file(&t, "/m/a", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "2");
	assert_int_equal(stat_path(&t, "/m/b", &st), -ENOENT);
	assert_int_equal(list_dir(&t, "/m/d", list, sizeof(list)), 2);
	assert_true(listed(list, "x") && listed(list, "y"));
	assert_int_equal(list_dir(&t, "/m/e", list, sizeof(list)), 0);
	assert_int_equal(stat_path(&t, "/m/f", &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(list_dir(&t, "/m", list, sizeof(list)), 5);
	assert_true(listed(list, "a") && listed(list, "c") && listed(list, "d") &&
		    listed(list, "e") && listed(list, "f") && !listed(list, "b"));
	/* copy-up from the bottom layer, removal over a lower layer */
	assert_int_equal(put_file(&t, "/m/d/y", "Y", 0644), 0);
	assert_int_equal(get_file(&t, "/u/d/y", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "Y");
	assert_int_equal(get_file(&t, "/l3/d/y", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "y");
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/m/a", 0), 0);
	assert_int_equal(stat_path(&t, "/m/a", &st), -ENOENT);
	assert_int_equal(stat_path(&t, "/l2/a", &st), 0);

	/* lower layers only: read-only; one lower without an upper is EINVAL */
	assert_int_equal(vfs_mount_at(t.ns, "/ro", "overlay", 0, "lowerdir=/l1"), -EINVAL);
	assert_int_equal(vfs_mount_at(t.ns, "/ro", "overlay", 0, "lowerdir=/l1::/l2"), -EINVAL);
	assert_int_equal(vfs_mount_at(t.ns, "/ro", "overlay", 0, "lowerdir=/l2:/l3"), 0);
	assert_int_equal(get_file(&t, "/ro/a", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "2");
	assert_int_equal(put_file(&t, "/ro/new", "n", 0644), -EROFS);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/ro/dir", 0755), -EROFS);
	tctx_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_up),
		cmocka_unit_test(test_whiteout_opaque_readdir),
		cmocka_unit_test(test_rename_replace),
		cmocka_unit_test(test_overlay_mount_type),
		cmocka_unit_test(test_overlay_multi_lower),
		cmocka_unit_test(test_leaks),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
