/* tests/unit/sentry/test_console.c - OCI consoles (sentry/console.c) against a real host pty
 * (the test plays containerd on its master) and a sandbox devpts in a tmpfs namespace: the
 * slave as fds 0-2 and controlling terminal, raw host side, bytes both ways with the
 * sandbox's echo and output processing, a host resize copied with SIGWINCH, the host's
 * hang-up turned into the sandbox's, release. The event loop is faked (the test fires the
 * host fd's wait queue). No leaks. */
/* wrap: loop_watch_fd loop_unwatch_fd */
#include "../vfs/vfs_test.h"
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/epoll.h>
#include <termios.h>
#include "sentry/console.h"
#include "sentry/task.h"
#include "vfs/fs/devpts.h"
#include "vfs/tty.h"

/* ---- the faked event loop: one watched fd ---- */
static int watched_fd = -1;
static struct waitq *watched_wq;

int __wrap_loop_watch_fd(int fd, uint32_t events, struct waitq *wq)
{
	watched_fd = fd;
	watched_wq = wq;
	return 0;
}

void __wrap_loop_unwatch_fd(int fd)
{
	if (fd == watched_fd) {
		watched_fd = -1;
		watched_wq = NULL;
	}
}

static void fire_host(void)
{
	if (watched_wq)
		waitq_wake(watched_wq, EPOLLIN | EPOLLOUT);
}

/* ---- fake job control: signals recorded ---- */
static int sigs[16], sig_to[16], nsigs;

static bool f_caller(struct tty_caller *out)
{
	return false; /* Sentry-internal calls only */
}

static int record(int to, int sig)
{
	if (nsigs < 16) {
		sig_to[nsigs] = to;
		sigs[nsigs++] = sig;
	}
	return 0;
}

static int f_signal_pgrp(int pgid, int sig)
{
	return record(pgid, sig);
}

static int f_signal_proc(int pid, int sig)
{
	return record(pid, sig);
}

static const struct tty_job_ops fake_ops = {
    .caller = f_caller,
    .signal_pgrp = f_signal_pgrp,
    .signal_proc = f_signal_proc,
};

static bool got_signal(int sig)
{
	for (int i = 0; i < nsigs; i++)
		if (sigs[i] == sig)
			return true;
	return false;
}

/* ---- fixture: a tmpfs root with devpts on /dev/pts, a thread group, a host pty ---- */
struct fix {
	struct tctx tc;
	struct thread_group tg;
	int host_master, host_slave;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	tty_set_job_ops(&fake_ops);
	nsigs = 0;
	tctx_init_tmpfs(&f->tc);
	assert_int_equal(vfs_mkdirat(&f->tc.c, AT_FDCWD, "/dev", 0755), 0);
	assert_int_equal(vfs_mkdirat(&f->tc.c, AT_FDCWD, "/dev/pts", 0755), 0);
	assert_int_equal(vfs_mount_at(f->tc.ns, "/dev/pts", "devpts", 0, NULL), 0);
	f->tg.vpid = f->tg.sid = f->tg.pgid = 1;
	f->tg.fs = f->tc.fs;
	f->tg.fdt = f->tc.fdt;
	f->tg.cred.uid = 1000;
	f->host_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	assert_true(f->host_master >= 0);
	assert_int_equal(unlockpt(f->host_master), 0);
	f->host_slave = ioctl(f->host_master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	assert_true(f->host_slave >= 0);
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	ioctl(f->host_master, TIOCSWINSZ, &ws);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	if (f->host_master >= 0)
		close(f->host_master);
	tctx_fini(&f->tc);
	free(f);
	assert_int_equal(console_live, 0);
	assert_no_leaks();
	assert_int_equal(tty_live, 0);
	return 0;
}

/* The file at @fd of the group's table, borrowed (the table holds it). */
static struct vfs_file *fd_file(struct fix *f, int fd)
{
	struct vfs_file *file = vfs_fdtable_lookup(f->tc.fdt, fd);
	vfs_file_put(file);
	return file;
}

/* Reads what the host master has within @ms milliseconds. */
static int host_read(struct fix *f, char *buf, size_t size, int ms)
{
	struct pollfd p = {f->host_master, POLLIN, 0};
	size_t n = 0;
	while (n + 1 < size && poll(&p, 1, ms) == 1) {
		ssize_t r = read(f->host_master, buf + n, size - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		ms = 50;
	}
	buf[n] = 0;
	return (int)n;
}

static void test_attach_proxies_both_ways(void **state)
{
	struct fix *f = *state;
	struct console *c;
	char buf[256];
	assert_int_equal(console_attach(&f->tg, f->host_slave, &c), 0);

	/* the app's fds 0-2: one slave file, /dev/pts/0, owned by the process's user */
	struct vfs_file *s0 = fd_file(f, 0);
	assert_non_null(s0);
	assert_ptr_equal(fd_file(f, 2), s0);
	struct tty *t = devpts_file_tty(s0);
	assert_non_null(t);
	assert_int_equal(t->index, 0);
	assert_int_equal(t->session, 1); /* the controlling terminal of the group's session */
	assert_int_equal(t->ws.row, 24); /* the host's size at attach */
	assert_int_equal(t->ws.col, 80);
	struct stat st;
	assert_int_equal(stat_path(&f->tc, "/dev/pts/0", &st), 0);
	assert_int_equal(st.st_uid, 1000);

	/* the host side is raw: the sandbox does the line discipline */
	struct termios tio;
	assert_int_equal(tcgetattr(f->host_master, &tio), 0);
	assert_false(tio.c_lflag & (ICANON | ECHO | ISIG));
	assert_false(tio.c_oflag & OPOST);

	/* host -> sandbox: a line typed on the host, with the sandbox's echo coming back */
	assert_int_equal(write(f->host_master, "hi\r", 3), 3);
	fire_host();
	assert_int_equal(vfs_file_read(s0, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "hi\n", 3); /* ICRNL */
	assert_int_equal(host_read(f, buf, sizeof(buf), 1000), 4);
	assert_string_equal(buf, "hi\r\n");

	/* sandbox -> host: the app's output, ONLCR applied by the sandbox pty */
	assert_int_equal(vfs_file_write(s0, "out\n", 4), 4);
	assert_int_equal(host_read(f, buf, sizeof(buf), 1000), 5);
	assert_string_equal(buf, "out\r\n");

	/* a ^C typed on the host is the sandbox's ISIG */
	assert_int_equal(write(f->host_master, "\x03", 1), 1);
	fire_host();
	assert_true(got_signal(SIGINT));

	console_release(c);
	assert_int_equal(console_live, 0);
}

static void test_resize(void **state)
{
	struct fix *f = *state;
	struct console *c;
	assert_int_equal(console_attach(&f->tg, f->host_slave, &c), 0);
	struct tty *t = devpts_file_tty(fd_file(f, 0));
	console_sync_all(); /* no change: no signal */
	assert_false(got_signal(SIGWINCH));
	struct winsize ws = {.ws_row = 40, .ws_col = 120};
	assert_int_equal(ioctl(f->host_master, TIOCSWINSZ, &ws), 0);
	console_sync_winsize(c);
	assert_int_equal(t->ws.row, 40);
	assert_int_equal(t->ws.col, 120);
	assert_true(got_signal(SIGWINCH));
	console_release(c);
}

static void test_host_hangup(void **state)
{
	struct fix *f = *state;
	struct console *c;
	char buf[16];
	assert_int_equal(console_attach(&f->tg, f->host_slave, &c), 0);
	struct vfs_file *s0 = fd_file(f, 0);
	close(f->host_master); /* containerd went away */
	f->host_master = -1;
	fire_host();
	assert_true(got_signal(SIGHUP)); /* to the session, as Linux's hang-up */
	assert_int_equal(vfs_file_read(s0, buf, sizeof(buf)), 0);
	assert_true(vfs_file_write(s0, "x", 1) < 0);
	assert_int_equal(console_live, 1); /* until its owner lets go */
	console_release(c);
	assert_int_equal(console_live, 0);
}

static void test_release_then_eof(void **state)
{
	struct fix *f = *state;
	struct console *c;
	char buf[64];
	assert_int_equal(console_attach(&f->tg, f->host_slave, &c), 0);
	struct vfs_file *s0 = fd_file(f, 0);
	assert_int_equal(vfs_file_write(s0, "last\n", 5), 5);
	/* the process is gone: its fds close, the console is released */
	for (int i = 0; i < 3; i++)
		vfs_fdtable_close(f->tc.fdt, i);
	console_release(c);
	assert_int_equal(host_read(f, buf, sizeof(buf), 1000), 6);
	assert_string_equal(buf, "last\r\n");
	/* nobody holds the host slave any more: EOF (EIO) on the master */
	assert_true(read(f->host_master, buf, sizeof(buf)) <= 0);
}

static void test_not_a_tty(void **state)
{
	struct fix *f = *state;
	struct console *c;
	int p[2];
	assert_int_equal(pipe(p), 0);
	close(p[1]);
	assert_int_equal(console_attach(&f->tg, p[0], &c), -ENOTTY); /* consumed */
	assert_int_equal(fcntl(p[0], F_GETFD), -1);
	close(f->host_slave);
	assert_null(fd_file(f, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_attach_proxies_both_ways, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_resize, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_host_hangup, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_release_then_eof, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_not_a_tty, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
