/* Unit tests for vfs/fs/hostfs.c over a temporary host directory: reads and writes go
 * through, symlinks resolve inside the mount (escape attempts fail), a symlink swapped in
 * on the host after the lookup is not followed by the host, host mount points show up
 * empty, the host fd count stays bounded, read-only mode is EROFS. */
#include "tests/unit/vfs/vfs_test.h"
#include <sys/stat.h>

static char tmpdir[] = "/tmp/cvisor-hostfs-XXXXXX";

static void host_put(const char *rel, const char *data)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
	FILE *fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(data, fp);
	fclose(fp);
}

static void host_path(const char *rel, char *p)
{
	snprintf(p, 512, "%s/%s", tmpdir, rel);
}

static void init_host(struct tctx *t, bool ro)
{
	struct vfs_mntns *ns;
	int fd = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(vfs_mntns_new_host(fd, ro, &ns), 0);
	tctx_init_ns(t, ns);
}

static int setup(void **state)
{
	char p[512];
	if (!mkdtemp(tmpdir))
		return -1;
	host_put("f", "host file");
	host_path("dir", p);
	mkdir(p, 0755);
	host_path("dir/sub", p);
	mkdir(p, 0755);
	host_put("dir/sub/file", "deep");
	host_path("esc", p);
	symlink("/", p);
	host_path("up", p);
	symlink("../../../..", p);
	host_path("dir/abs", p);
	symlink("/f", p);
	host_path("many", p);
	mkdir(p, 0755);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

static void test_read_write_through(void **state)
{
	struct tctx t;
	char buf[128], p[512], list[1024];
	struct stat st, hst;
	init_host(&t, false);
	assert_int_equal(get_file(&t, "/f", buf, sizeof(buf)), 9);
	assert_string_equal(buf, "host file");
	assert_int_equal(get_file(&t, "/dir/sub/../sub/file", buf, sizeof(buf)), 4);
	assert_int_equal(stat_path(&t, "/f", &st), 0);
	host_path("f", p);
	assert_int_equal(stat(p, &hst), 0);
	assert_int_equal(st.st_ino, hst.st_ino);
	assert_int_equal(st.st_dev, hst.st_dev);
	assert_int_equal(put_file(&t, "/new", "written", 0600), 0);
	host_path("new", p);
	assert_int_equal(stat(p, &hst), 0);
	assert_int_equal(hst.st_size, 7);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/nd", 0755), 0);
	assert_int_equal(vfs_renameat2(&t.c, AT_FDCWD, "/new", AT_FDCWD, "/nd/moved", 0), 0);
	assert_int_equal(get_file(&t, "/nd/moved", buf, sizeof(buf)), 7);
	assert_int_equal(vfs_symlinkat(&t.c, "moved", AT_FDCWD, "/nd/link"), 0);
	assert_int_equal(get_file(&t, "/nd/link", buf, sizeof(buf)), 7);
	assert_int_equal(list_dir(&t, "/nd", list, sizeof(list)), 2);
	assert_true(listed(list, "moved") && listed(list, "link"));
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/nd", AT_REMOVEDIR), -ENOTEMPTY);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/nd/link", 0), 0);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/nd/moved", 0), 0);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/nd", AT_REMOVEDIR), 0);
	host_path("nd", p);
	assert_int_equal(stat(p, &hst), -1);
	assert_int_equal(vfs_chmodat(&t.c, AT_FDCWD, "/f", 0600, 0), 0);
	host_path("f", p);
	assert_int_equal(stat(p, &hst), 0);
	assert_int_equal(hst.st_mode & 0777, 0600);
	tctx_fini(&t);
}

static void test_escapes(void **state)
{
	struct tctx t;
	char buf[128], p[512];
	struct vfs_file *f;
	init_host(&t, false);
	/* symlinks pointing out resolve in our tree, whose root is the mount */
	assert_int_equal(get_file(&t, "/esc/f", buf, sizeof(buf)), 9);
	assert_string_equal(buf, "host file");
	assert_int_equal(get_file(&t, "/up/f", buf, sizeof(buf)), 9);
	assert_int_equal(get_file(&t, "/dir/abs", buf, sizeof(buf)), 9);
	assert_int_equal(get_file(&t, "/esc/etc/passwd", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(get_file(&t, "/../../../../etc/passwd", buf, sizeof(buf)), -ENOENT);
	/* swap a cached regular file for a symlink on the host: the host must not follow */
	host_put("g", "gee");
	assert_int_equal(get_file(&t, "/g", buf, sizeof(buf)), 3);
	host_path("g", p);
	unlink(p);
	symlink("/etc/passwd", p);
	int r = vfs_openat(&t.c, AT_FDCWD, "/g", O_RDONLY, 0, 0, &f, NULL);
	assert_true(r < 0);
	/* swap a cached directory for a symlink to / */
	host_put("dir/sub/pw", "mine");
	assert_int_equal(get_file(&t, "/dir/sub/pw", buf, sizeof(buf)), 4);
	char p2[512];
	host_path("dir/sub", p);
	host_path("dir/sub.old", p2);
	rename(p, p2);
	symlink("/etc", p);
	r = get_file(&t, "/dir/sub/passwd", buf, sizeof(buf));
	assert_true(r < 0);
	tctx_fini(&t);
}

static void test_fd_bound_and_readonly(void **state)
{
	struct tctx t;
	char p[512], path[64];
	struct stat st;
	struct vfs_file *f;
	for (int i = 0; i < 600; i++) {
		snprintf(path, sizeof(path), "many/d%d", i);
		host_path(path, p);
		mkdir(p, 0755);
	}
	init_host(&t, true);
	for (int i = 0; i < 600; i++) {
		snprintf(path, sizeof(path), "/many/d%d/.", i);
		assert_int_equal(stat_path(&t, path, &st), 0);
	}
	struct vfs_debug_counts dc;
	vfs_debug_counts(&dc);
	assert_true(dc.host_fds <= 260);
	assert_int_equal(stat_path(&t, "/many/d3", &st), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/x", 0755), -EROFS);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/f", O_WRONLY, 0, 0, &f, NULL), -EROFS);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/f", 0), -EROFS);
	tctx_fini(&t);
}

static void test_host_mount_point(void **state)
{
	struct tctx t;
	struct vfs_mntns *ns;
	char list[1024];
	struct stat st;
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(vfs_mntns_new_host(fd, true, &ns), 0);
	tctx_init_ns(&t, ns);
	assert_int_equal(stat_path(&t, "/proc", &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(list_dir(&t, "/proc", list, sizeof(list)), 0);
	assert_int_equal(stat_path(&t, "/proc/self", &st), -ENOENT);
	tctx_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_write_through),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_fd_bound_and_readonly),
		cmocka_unit_test(test_host_mount_point),
		cmocka_unit_test(test_leaks),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
