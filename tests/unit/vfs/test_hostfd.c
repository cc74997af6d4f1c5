/* Unit tests for vfs/hostfd.c: a pipe read end never blocks (-EAGAIN, then data, then
 * EOF), readiness is asked of the Sentry through vfs_host_ops.watch_fd, regular files
 * read and write at the shared offset; plus O_TMPFILE on tmpfs. */
#include "tests/unit/vfs/vfs_test.h"
#include <sys/epoll.h>

static int watched_fd = -1;
static uint32_t watched_ev;

static int fake_watch(int fd, uint32_t ev, struct waitq *wq)
{
	watched_fd = fd;
	watched_ev = ev;
	return 0;
}

static void fake_unwatch(int fd)
{
	watched_fd = -1;
}

static const struct vfs_host_ops ops = { .watch_fd = fake_watch, .unwatch_fd = fake_unwatch };

static void test_pipe_nonblocking(void **state)
{
	int p[2];
	char buf[16];
	assert_int_equal(pipe(p), 0);
	vfs_set_host_ops(&ops);
	struct vfs_file *f = vfs_hostfd_file_new(p[0], O_RDONLY);
	assert_non_null(f);
	assert_int_equal(vfs_file_read(f, buf, sizeof(buf)), -EAGAIN);
	assert_true(watched_fd >= 0);
	assert_true(watched_ev & EPOLLIN);
	assert_non_null(vfs_file_waitq(f));
	assert_int_equal(write(p[1], "hi", 2), 2);
	assert_true(vfs_file_poll(f) & EPOLLIN);
	assert_int_equal(vfs_file_read(f, buf, sizeof(buf)), 2);
	close(p[1]);
	assert_int_equal(vfs_file_read(f, buf, sizeof(buf)), 0);
	vfs_file_put(f);
	assert_int_equal(watched_fd, -1);
	vfs_set_host_ops(NULL);
}

static void test_regular_file(void **state)
{
	char path[] = "/tmp/cvisor-hostfd-XXXXXX", buf[16];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	struct vfs_file *f = vfs_hostfd_file_new(fd, O_RDWR | O_APPEND);
	assert_non_null(f);
	assert_int_equal(vfs_file_write(f, "abc", 3), 3);
	assert_int_equal(vfs_file_write(f, "de", 2), 2);
	assert_int_equal(vfs_file_pread(f, buf, 16, 0), 5);
	assert_memory_equal(buf, "abcde", 5);
	struct stat st;
	assert_int_equal(vfs_file_stat(f, &st), 0);
	assert_int_equal(st.st_size, 5);
	vfs_file_put(f);
}

static void test_tmpfile(void **state)
{
	struct tctx t;
	struct vfs_file *f;
	char buf[64];
	tctx_init_tmpfs(&t);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/", O_TMPFILE | O_RDWR, 0600, 0, &f, NULL), 0);
	assert_int_equal(vfs_file_write(f, "t", 1), 1);
	assert_true(vfs_file_path(f, t.fs, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "(deleted)"));
	assert_int_equal(buf[1], '#');
	vfs_file_put(f);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/", O_TMPFILE | O_RDONLY, 0600, 0, &f, NULL),
			 -EINVAL);
	tctx_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipe_nonblocking),
		cmocka_unit_test(test_regular_file),
		cmocka_unit_test(test_tmpfile),
		cmocka_unit_test(test_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
