/* tests/unit/vfs/test_mqueue.c - POSIX message queues in the VFS: mq_open's checks and
 * limits (names, attributes, CAP_SYS_RESOURCE, queues_max, RLIMIT_MSGQUEUE, modes),
 * priorities and FIFO order, EAGAIN/EMSGSIZE/EBADF, poll bits and wakeups, notification
 * registrations (due once, not while a receiver waits, EBUSY), mq_getsetattr, unlink of
 * an open queue, the mqueue filesystem (listing, status line, create, unlink); no leaks. */
#include "vfs_test.h"
#include <signal.h>
#include <sys/epoll.h>
#include "vfs/fs/mqueue.h"

static struct vfs_cred root_cred = {.cap_effective = ~0ULL};
static struct vfs_cred user_cred = {
    .uid = 1000, .euid = 1000, .fsuid = 1000, .gid = 1000, .egid = 1000, .fsgid = 1000};

static struct mq_caller caller(bool root)
{
	return (struct mq_caller){.cred = root ? &root_cred : &user_cred,
				  .umask = 022,
				  .cap_sys_resource = root,
				  .rlimit_msgqueue = 819200,
				  .pid = root ? 7 : 9,
				  .pid_start = 1};
}

static struct vfs_file *open_q(const char *name, int oflag, long maxmsg, long msgsize, int *err)
{
	struct mq_caller c = caller(true);
	struct mq_attr_k a = {.mq_maxmsg = maxmsg, .mq_msgsize = msgsize};
	struct vfs_file *f = NULL;
	*err = mq_open_queue(mq_ns_default(), &c, name, oflag, 0644, maxmsg ? &a : NULL, &f);
	return f;
}

static void unlink_q(const char *name)
{
	struct mq_caller c = caller(true);
	assert_int_equal(mq_unlink_queue(mq_ns_default(), &c, name), 0);
}

static void test_open_checks(void **state)
{
	struct mq_ns *ns = mq_ns_default();
	struct mq_caller r = caller(true), u = caller(false);
	struct mq_attr_k a = {.mq_maxmsg = 11, .mq_msgsize = 16};
	struct vfs_file *f;
	int err;
	assert_int_equal(mq_open_queue(ns, &r, "", O_RDWR | O_CREAT, 0600, NULL, &f), -EACCES);
	assert_int_equal(mq_open_queue(ns, &r, "a/b", O_RDWR | O_CREAT, 0600, NULL, &f), -EACCES);
	assert_int_equal(mq_open_queue(ns, &r, "..", O_RDWR | O_CREAT, 0600, NULL, &f), -EACCES);
	char longname[300];
	memset(longname, 'x', 299);
	longname[299] = 0;
	assert_int_equal(mq_open_queue(ns, &r, longname, O_RDWR | O_CREAT, 0600, NULL, &f),
			 -ENAMETOOLONG);
	assert_int_equal(mq_open_queue(ns, &r, "q", O_RDWR, 0, NULL, &f), -ENOENT);
	assert_int_equal(mq_open_queue(ns, &r, "q", O_ACCMODE | O_CREAT, 0600, NULL, &f), -EINVAL);
	/* msg_max binds without CAP_SYS_RESOURCE only; the hard limit always */
	assert_int_equal(mq_open_queue(ns, &u, "q", O_RDWR | O_CREAT, 0600, &a, &f), -EINVAL);
	a.mq_maxmsg = 70000;
	assert_int_equal(mq_open_queue(ns, &r, "q", O_RDWR | O_CREAT, 0600, &a, &f), -EINVAL);
	a.mq_maxmsg = 0;
	assert_int_equal(mq_open_queue(ns, &r, "q", O_RDWR | O_CREAT, 0600, &a, &f), -EINVAL);
	a.mq_maxmsg = 11;
	assert_int_equal(mq_open_queue(ns, &r, "q", O_RDWR | O_CREAT, 0600, &a, &f), 0);
	vfs_file_put(f);
	/* exclusive create, modes: 0644 & ~022 for another user: read only */
	assert_int_equal(mq_open_queue(ns, &r, "q", O_RDWR | O_CREAT | O_EXCL, 0600, NULL, &f),
			 -EEXIST);
	assert_int_equal(mq_open_queue(ns, &u, "q", O_RDONLY, 0, NULL, &f), -EACCES); /* 0600 */
	assert_int_equal(mq_unlink_queue(ns, &u, "q"), -EACCES);
	unlink_q("q");
	f = open_q("p", O_RDWR | O_CREAT, 0, 0, &err);
	assert_int_equal(err, 0);
	struct mq_attr_k got;
	assert_int_equal(mq_getsetattr(f, NULL, &got), 0);
	assert_int_equal(got.mq_maxmsg, 10); /* the defaults */
	assert_int_equal(got.mq_msgsize, 8192);
	vfs_file_put(f);
	unlink_q("p");
	assert_int_equal(mq_unlink_queue(ns, &r, "p"), -ENOENT);
}

static void test_limits(void **state)
{
	struct mq_ns *ns = mq_ns_default();
	struct mq_caller u = caller(false);
	struct mq_attr_k a = {.mq_maxmsg = 10, .mq_msgsize = 8192};
	struct vfs_file *f[12];
	char name[16];
	int made = 0, err = 0;
	for (; made < 12; made++) {
		snprintf(name, sizeof(name), "r%d", made);
		err = mq_open_queue(ns, &u, name, O_RDWR | O_CREAT, 0600, &a, &f[made]);
		if (err)
			break;
	}
	assert_int_equal(err, -EMFILE); /* RLIMIT_MSGQUEUE 819200: nine such queues */
	assert_int_equal(made, 9);
	for (int i = 0; i < made; i++) {
		vfs_file_put(f[i]);
		snprintf(name, sizeof(name), "r%d", i);
		unlink_q(name);
	}
	/* the bytes come back with the queues: one fits again */
	assert_int_equal(mq_open_queue(ns, &u, "r0", O_RDWR | O_CREAT, 0600, &a, &f[0]), 0);
	vfs_file_put(f[0]);
	unlink_q("r0");
	/* queues_max */
	unsigned old = ns->queues_max;
	ns->queues_max = 1;
	a.mq_maxmsg = 1;
	a.mq_msgsize = 8;
	assert_int_equal(mq_open_queue(ns, &u, "s0", O_RDWR | O_CREAT, 0600, &a, &f[0]), 0);
	assert_int_equal(mq_open_queue(ns, &u, "s1", O_RDWR | O_CREAT, 0600, &a, &f[1]), -ENOSPC);
	vfs_file_put(f[0]);
	unlink_q("s0");
	ns->queues_max = old;
}

static int wakes;
static uint32_t wake_bits;
static void on_wake(struct waiter *w, uint32_t ev)
{
	wakes++;
	wake_bits |= ev;
}

static void test_send_receive(void **state)
{
	int err;
	struct vfs_file *f = open_q("m", O_RDWR | O_CREAT | O_NONBLOCK, 3, 8, &err);
	struct mq_notification n;
	char buf[8];
	unsigned prio;
	assert_int_equal(err, 0);
	assert_int_equal(vfs_file_poll(f), EPOLLOUT | EPOLLWRNORM);
	struct waiter w;
	waiter_init(&w, on_wake, NULL);
	waiter_add(vfs_file_waitq(f), &w, 0);
	assert_int_equal(mq_receive_msg(f, buf, 8, &prio), -EAGAIN);
	assert_int_equal(mq_receive_msg(f, buf, 7, &prio), -EMSGSIZE);
	assert_int_equal(mq_send_msg(f, "123456789", 9, 0, &n), -EMSGSIZE);
	assert_int_equal(mq_send_msg(f, "x", 1, MQ_PRIO_MAX, &n), -EINVAL);
	assert_int_equal(mq_send_msg(f, "a", 1, 1, &n), 0);
	assert_true(wake_bits & EPOLLIN);
	assert_int_equal(mq_send_msg(f, "b", 1, 7, &n), 0);
	assert_int_equal(mq_send_msg(f, "c", 1, 1, &n), 0);
	assert_int_equal(vfs_file_poll(f), EPOLLIN | EPOLLRDNORM);
	assert_int_equal(mq_send_msg(f, "d", 1, 1, &n), -EAGAIN);
	char line[100];
	ssize_t r = vfs_file_pread(f, line, sizeof(line) - 1, 0);
	assert_true(r > 0);
	line[r] = 0;
	assert_string_equal(line, "QSIZE:3          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n");
	wake_bits = 0;
	assert_int_equal(mq_receive_msg(f, buf, 8, &prio), 1);
	assert_true(buf[0] == 'b' && prio == 7);
	assert_true(wake_bits & EPOLLOUT);
	assert_int_equal(mq_receive_msg(f, buf, 8, &prio), 1);
	assert_true(buf[0] == 'a' && prio == 1);
	assert_int_equal(mq_receive_msg(f, buf, 8, &prio), 1);
	assert_true(buf[0] == 'c');
	waiter_remove(&w);
	/* direction checks */
	struct vfs_file *ro = open_q("m", O_RDONLY, 0, 0, &err),
			*wo = open_q("m", O_WRONLY, 0, 0, &err);
	assert_int_equal(mq_send_msg(ro, "x", 1, 0, &n), -EBADF);
	assert_int_equal(mq_receive_msg(wo, buf, 8, &prio), -EBADF);
	/* unlinked while open: still usable */
	unlink_q("m");
	assert_int_equal(mq_send_msg(wo, "z", 1, 0, &n), 0);
	assert_int_equal(mq_receive_msg(ro, buf, 8, &prio), 1);
	assert_int_equal(mq_send_msg(wo, "left", 4, 0, &n), 0); /* freed with the queue */
	vfs_file_put(ro);
	vfs_file_put(wo);
	vfs_file_put(f);
	assert_int_equal(mq_live_msgs, 0);
	assert_int_equal(mq_live_queues, 0);
}

static void test_notify(void **state)
{
	int err;
	struct vfs_file *f = open_q("n", O_RDWR | O_CREAT, 4, 8, &err);
	struct mq_caller me = caller(true), other = caller(false);
	struct mq_sigevent sig = {.value = 99, .signo = SIGUSR1, .notify = SIGEV_SIGNAL};
	struct mq_sigevent none = {.notify = SIGEV_NONE};
	struct mq_sigevent bad = {.signo = 65, .notify = SIGEV_SIGNAL};
	struct mq_notification n;
	char buf[8];
	assert_int_equal(mq_notify_set(f, &me, &bad), -EINVAL);
	assert_int_equal(mq_notify_set(f, &me, &sig), 0);
	assert_int_equal(mq_notify_set(f, &other, &sig), -EBUSY);
	assert_int_equal(mq_notify_set(f, &me, &sig), -EBUSY);
	assert_int_equal(mq_notify_set(f, &other, NULL), 0); /* not its registration */
	char line[100];
	ssize_t r = vfs_file_pread(f, line, sizeof(line) - 1, 0);
	line[r] = 0;
	assert_string_equal(line, "QSIZE:0          NOTIFY:0     SIGNO:10    NOTIFY_PID:7     \n");
	assert_int_equal(mq_send_msg(f, "a", 1, 0, &n), 0);
	assert_true(n.pending && n.pid == 7 && n.signo == SIGUSR1 && n.value == 99);
	assert_int_equal(mq_send_msg(f, "b", 1, 0, &n), 0);
	assert_false(n.pending); /* not empty before; and the registration is gone */
	mq_receive_msg(f, buf, 8, NULL);
	mq_receive_msg(f, buf, 8, NULL);
	assert_int_equal(mq_send_msg(f, "c", 1, 0, &n), 0);
	assert_false(n.pending);
	mq_receive_msg(f, buf, 8, NULL);
	/* a receiver waiting takes it: no notification, registration kept */
	assert_int_equal(mq_notify_set(f, &other, &sig), 0);
	struct waiter w;
	waiter_init(&w, on_wake, NULL);
	waiter_add(mq_waitq(f, false), &w, EPOLLIN);
	assert_int_equal(mq_send_msg(f, "d", 1, 0, &n), 0);
	assert_false(n.pending);
	waiter_remove(&w);
	mq_receive_msg(f, buf, 8, NULL);
	assert_int_equal(mq_notify_set(f, &other, NULL), 0);
	/* SIGEV_NONE: registered, nothing to deliver, then gone */
	assert_int_equal(mq_notify_set(f, &me, &none), 0);
	r = vfs_file_pread(f, line, sizeof(line) - 1, 0);
	line[r] = 0;
	assert_string_equal(line, "QSIZE:0          NOTIFY:1     SIGNO:0     NOTIFY_PID:7     \n");
	assert_int_equal(mq_send_msg(f, "e", 1, 0, &n), 0);
	assert_false(n.pending);
	assert_int_equal(mq_notify_set(f, &other, &sig), 0); /* free again */
	/* getsetattr */
	struct mq_attr_k nw = {.mq_flags = O_NONBLOCK}, old;
	assert_int_equal(mq_getsetattr(f, &nw, &old), 0);
	assert_int_equal(old.mq_flags, 0);
	assert_int_equal(old.mq_curmsgs, 1);
	assert_true(f->flags & O_NONBLOCK);
	nw.mq_flags = O_APPEND;
	assert_int_equal(mq_getsetattr(f, &nw, NULL), -EINVAL);
	vfs_file_put(f);
	unlink_q("n");
}

static void test_mqueue_fs(void **state)
{
	struct tctx t;
	char list[1024], buf[128];
	int err;
	tctx_init_tmpfs(&t);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/mq", 0755), 0);
	struct vfs_path at;
	struct vfs_sb *sb;
	assert_int_equal(vfs_walk(&t.c, AT_FDCWD, "/mq", LOOKUP_DIRECTORY, &at, NULL), 0);
	assert_int_equal(mqueue_create_sb(0, NULL, &sb), 0);
	assert_int_equal(vfs_mount_sb_at(&at, sb, 0), 0);
	vfs_sb_kill(sb);
	vfs_path_put(&at);
	struct vfs_file *f = open_q("one", O_RDWR | O_CREAT, 2, 8, &err);
	struct mq_notification n;
	assert_int_equal(mq_send_msg(f, "abc", 3, 0, &n), 0);
	assert_int_equal(list_dir(&t, "/mq", list, sizeof(list)), 1);
	assert_true(listed(list, "one"));
	assert_int_equal(get_file(&t, "/mq/one", buf, sizeof(buf)), 60);
	assert_string_equal(buf, "QSIZE:3          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n");
	struct stat st;
	assert_int_equal(stat_path(&t, "/mq", &st), 0);
	assert_int_equal(st.st_mode, S_IFDIR | S_ISVTX | 0777);
	assert_int_equal(stat_path(&t, "/mq/one", &st), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0644);
	assert_int_equal(st.st_size, 80);
	/* create by open(O_CREAT); a descriptor opened by path is a queue descriptor */
	struct vfs_file *g;
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/mq/two", O_RDWR | O_CREAT, 0600, 0, &g, NULL),
			 0);
	assert_true(mq_file_is(g));
	assert_int_equal(mq_send_msg(g, "x", 1, 0, &n), 0);
	assert_int_equal(vfs_file_write(g, "x", 1), -EINVAL);
	vfs_file_put(g);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/mq/dir", 0755), -EPERM);
	/* unlink through the fs, and through mq_unlink: both drop out of the listing */
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/mq/two", 0), 0);
	assert_int_equal(stat_path(&t, "/mq/one", &st), 0);
	unlink_q("one");
	assert_int_equal(stat_path(&t, "/mq/one", &st), -ENOENT);
	assert_int_equal(list_dir(&t, "/mq", list, sizeof(list)), 0);
	vfs_file_put(f);
	tctx_fini(&t);
}

/* Tables of other IPC namespaces: separate names, RLIMIT_MSGQUEUE counted across them,
 * and the last put of a table unlinks its queues (an open descriptor keeps its queue). */
static void test_namespaces(void **state)
{
	struct mq_ns *a = mq_ns_new(), *b = mq_ns_new();
	struct mq_caller u = caller(false);
	struct mq_attr_k at = {.mq_maxmsg = 10, .mq_msgsize = 8192};
	struct vfs_file *fa, *fb, *f2;
	struct mq_notification n;
	char buf[8192];
	unsigned prio;
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(mq_open_queue(a, &u, "q", O_RDWR | O_CREAT | O_EXCL, 0600, &at, &fa), 0);
	assert_int_equal(mq_open_queue(b, &u, "q", O_RDWR, 0, NULL, &f2), -ENOENT);
	/* the first queue (81920 bytes and overhead) is charged in every namespace */
	u.rlimit_msgqueue = 100000;
	assert_int_equal(mq_open_queue(b, &u, "q", O_RDWR | O_CREAT | O_EXCL, 0600, &at, &fb),
			 -EMFILE);
	u.rlimit_msgqueue = 819200;
	assert_int_equal(mq_open_queue(b, &u, "q", O_RDWR | O_CREAT | O_EXCL, 0600, &at, &fb), 0);
	assert_int_equal(mq_send_msg(fa, "a", 1, 0, &n), 0);
	assert_int_equal(mq_receive_msg(fb, buf, sizeof(buf), &prio), -EAGAIN);
	mq_ns_put(a);
	assert_int_equal(mq_receive_msg(fa, buf, sizeof(buf), &prio), 1);
	vfs_file_put(fa);
	mq_ns_put(b);
	vfs_file_put(fb);
	assert_int_equal(mq_live_queues, 0);
}

static void test_no_mq_leaks(void **state)
{
	assert_no_leaks();
	assert_int_equal(mq_live_queues, 0);
	assert_int_equal(mq_live_msgs, 0);
	mq_ns_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_checks),	 cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_send_receive), cmocka_unit_test(test_notify),
	    cmocka_unit_test(test_mqueue_fs),	 cmocka_unit_test(test_namespaces),
	    cmocka_unit_test(test_no_mq_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
