/* tests/unit/vfs/test_tty.c - the pty line discipline (vfs/tty.c): canonical editing,
 * echo, ISIG through fake job-control ops, input/output processing, VMIN/VTIME on a fake
 * clock, hang-up, job-control ioctls; and devpts pairs (nodes appear and go). No leaks. */
/* wrap: stimer_now_ns guest_copy_in guest_copy_out */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include "common/timer.h"
#include "vfs/tty.h"
#include "vfs/fs/devpts.h"
#include "vfs_test.h"

static int64_t fake_now = 1000000000LL;
int64_t __wrap_stimer_now_ns(void)
{
	return fake_now;
}

/* Guest memory is our own in these tests. */
int __wrap_guest_copy_in(struct guest_mem *m, void *dst, uint64_t src, size_t len)
{
	memcpy(dst, (void *)(uintptr_t)src, len);
	return 0;
}

int __wrap_guest_copy_out(struct guest_mem *m, uint64_t dst, const void *src, size_t len)
{
	memcpy((void *)(uintptr_t)dst, src, len);
	return 0;
}

/* ---- fake job control: one caller, signals recorded ---- */
static struct tty_caller me = {.pid = 10, .pgid = 10, .sid = 10, .session_leader = true};
static int sigs[16], nsigs, sig_pgrp[16];

static bool f_caller(struct tty_caller *out)
{
	*out = me;
	return true;
}

static int f_signal_pgrp(int pgid, int sig)
{
	if (nsigs < 16) {
		sig_pgrp[nsigs] = pgid;
		sigs[nsigs++] = sig;
	}
	return 0;
}

static int f_signal_proc(int pid, int sig)
{
	return f_signal_pgrp(-pid, sig);
}

static int f_pgrp_session(int pgid)
{
	return pgid == 10 || pgid == 11 ? 10 : pgid == 99 ? 99 : 0;
}

static bool f_orphaned(int pgid)
{
	return false;
}

static bool ignore_ttou;
static bool f_ignores(int sig)
{
	return sig == SIGTTOU && ignore_ttou;
}

static const struct tty_job_ops fake_ops = {
    .caller = f_caller,
    .signal_pgrp = f_signal_pgrp,
    .signal_proc = f_signal_proc,
    .pgrp_session = f_pgrp_session,
    .pgrp_orphaned = f_orphaned,
    .caller_ignores = f_ignores,
};

static int setup(void **state)
{
	tty_set_job_ops(&fake_ops);
	nsigs = 0;
	me = (struct tty_caller){.pid = 10, .pgid = 10, .sid = 10, .session_leader = true};
	struct tty *t = tty_new_pty(0);
	assert_non_null(t);
	t->master_open = true;
	t->slave_opens = 1;
	t->slave_ever_opened = true;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tty *t = *state;
	if (t->session)
		tty_session_leader_exit(t->session);
	tty_put(t);
	assert_int_equal(tty_live, 0);
	return 0;
}

static void in(struct tty *t, const char *s)
{
	assert_int_equal(tty_input(t, s, strlen(s)), (ssize_t)strlen(s));
}

/* Reads what the master would see, as a string. */
static const char *master_out(struct tty *t)
{
	static char buf[512];
	ssize_t n = tty_master_read(t, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	return buf;
}

static const char *slave_in(struct tty *t, ssize_t *n_out)
{
	static char buf[512];
	ssize_t n = tty_slave_read(t, buf, sizeof(buf) - 1, false);
	buf[n > 0 ? n : 0] = 0;
	if (n_out)
		*n_out = n;
	return buf;
}

static void test_canon_erase_and_echo(void **state)
{
	struct tty *t = *state;
	ssize_t n;
	in(t, "ab");
	assert_int_equal(tty_slave_read(t, (char[8]){0}, 8, false), -EAGAIN);
	assert_false(tty_slave_poll(t) & EPOLLIN);
	in(t, "\x7f"
	      "c\r");
	assert_string_equal(slave_in(t, &n), "ac\n");
	assert_string_equal(master_out(t), "ab\b \bc\r\n");
}

static void test_canon_kill_werase(void **state)
{
	struct tty *t = *state;
	in(t, "abc\x15x\n");
	assert_string_equal(slave_in(t, NULL), "x\n");
	in(t, "foo bar\x17"
	      "baz\n");
	assert_string_equal(slave_in(t, NULL), "foo baz\n");
}

static void test_canon_one_line_per_read_and_eof(void **state)
{
	struct tty *t = *state;
	ssize_t n;
	in(t, "l1\nl2\n");
	assert_string_equal(slave_in(t, NULL), "l1\n");
	assert_string_equal(slave_in(t, NULL), "l2\n");
	in(t, "ab\x04");
	assert_string_equal(slave_in(t, &n), "ab");
	in(t, "\x04");
	slave_in(t, &n);
	assert_int_equal(n, 0);
	assert_int_equal(tty_slave_read(t, (char[8]){0}, 8, false), -EAGAIN);
}

static void test_echoctl_and_echo_off(void **state)
{
	struct tty *t = *state;
	in(t, "\x01\n");
	assert_string_equal(master_out(t), "^A\r\n");
	slave_in(t, NULL);
	struct tty_termios tio = t->tio;
	tio.c_lflag &= ~ECHO;
	tio.c_lflag |= ECHONL;
	tty_set_termios(t, &tio);
	in(t, "secret\n");
	assert_string_equal(master_out(t), "\r\n");
	assert_string_equal(slave_in(t, NULL), "secret\n");
}

static void test_isig(void **state)
{
	struct tty *t = *state;
	tty_set_ctty(t, 10, 11);
	in(t, "junk\x03");
	assert_int_equal(nsigs, 1);
	assert_int_equal(sigs[0], SIGINT);
	assert_int_equal(sig_pgrp[0], 11);
	assert_string_equal(master_out(t), "^C");
	assert_int_equal(t->ilen, 0); /* flushed */
	in(t, "\x1c\x1a");
	assert_int_equal(nsigs, 3);
	assert_int_equal(sigs[1], SIGQUIT);
	assert_int_equal(sigs[2], SIGTSTP);
	struct tty_termios tio = t->tio;
	tio.c_lflag &= ~ISIG;
	tty_set_termios(t, &tio);
	in(t, "\x03\n");
	assert_int_equal(nsigs, 3);
	assert_int_equal(slave_in(t, NULL)[0], 3);
}

static void test_input_output_maps(void **state)
{
	struct tty *t = *state;
	struct tty_termios tio = t->tio;
	tio.c_lflag &= ~ECHO;
	tio.c_iflag |= IGNCR;
	tty_set_termios(t, &tio);
	in(t, "a\rb\n");
	assert_string_equal(slave_in(t, NULL), "ab\n");
	tio.c_iflag &= ~(IGNCR | ICRNL);
	tio.c_iflag |= INLCR;
	tio.c_lflag &= ~ICANON;
	tty_set_termios(t, &tio);
	in(t, "x\n");
	assert_string_equal(slave_in(t, NULL), "x\r");
	assert_int_equal(tty_slave_write(t, "o\n", 2), 2);
	assert_string_equal(master_out(t), "o\r\n");
	tio.c_oflag &= ~OPOST;
	tty_set_termios(t, &tio);
	assert_int_equal(tty_slave_write(t, "o\n", 2), 2);
	assert_string_equal(master_out(t), "o\n");
}

static void test_vmin(void **state)
{
	struct tty *t = *state;
	struct tty_termios tio = t->tio;
	char buf[8];
	tio.c_lflag &= ~(ICANON | ECHO);
	tio.c_cc[VMIN] = 2;
	tio.c_cc[VTIME] = 0;
	tty_set_termios(t, &tio);
	in(t, "a");
	assert_int_equal(tty_slave_read(t, buf, 8, false), -EAGAIN);
	assert_false(tty_slave_poll(t) & EPOLLIN);
	in(t, "b");
	assert_int_equal(tty_slave_read(t, buf, 8, false), 2);
	/* MIN=0 TIME=0: polling read */
	tio.c_cc[VMIN] = 0;
	tty_set_termios(t, &tio);
	assert_int_equal(tty_slave_read(t, buf, 8, false), 0);
}

static void test_vtime(void **state)
{
	struct tty *t = *state;
	struct tty_termios tio = t->tio;
	char buf[8];
	tio.c_lflag &= ~(ICANON | ECHO);
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 2; /* 200 ms */
	tty_set_termios(t, &tio);
	assert_int_equal(tty_slave_read(t, buf, 8, false), -EAGAIN);
	assert_true(stimer_armed(&t->vtimer));
	fake_now += 100000000LL;
	stimer_run_expired(fake_now);
	assert_int_equal(tty_slave_read(t, buf, 8, false), -EAGAIN);
	fake_now += 150000000LL;
	stimer_run_expired(fake_now);
	assert_int_equal(tty_slave_read(t, buf, 8, false), 0); /* timed out */
	/* MIN=3 TIME=1: inter-byte timer after the first byte */
	tio.c_cc[VMIN] = 3;
	tio.c_cc[VTIME] = 1;
	tty_set_termios(t, &tio);
	assert_int_equal(tty_slave_read(t, buf, 8, false), -EAGAIN);
	assert_false(stimer_armed(&t->vtimer));
	in(t, "z");
	assert_int_equal(tty_slave_read(t, buf, 8, false), -EAGAIN);
	fake_now += 200000000LL;
	stimer_run_expired(fake_now);
	assert_int_equal(tty_slave_read(t, buf, 8, false), 1);
}

static void test_hangup(void **state)
{
	struct tty *t = *state;
	tty_set_ctty(t, 10, 11);
	in(t, "q\n");
	tty_master_closed(t);
	assert_true(nsigs >= 2);
	assert_int_equal(sigs[0], SIGHUP);
	assert_int_equal(t->session, 0);
	assert_string_equal(slave_in(t, NULL), "q\n");
	ssize_t n;
	slave_in(t, &n);
	assert_int_equal(n, 0);
	assert_int_equal(tty_slave_write(t, "x", 1), -EIO);
	assert_true(tty_slave_poll(t) & EPOLLHUP);
}

static void test_master_eio_after_slave_close(void **state)
{
	struct tty *t = *state;
	char buf[8];
	assert_int_equal(tty_master_read(t, buf, 8), -EAGAIN);
	tty_slave_write(t, "z", 1);
	tty_slave_closed(t);
	assert_true(tty_master_poll(t) & EPOLLHUP);
	assert_int_equal(tty_master_read(t, buf, 8), 1);
	assert_int_equal(tty_master_read(t, buf, 8), -EIO);
	t->slave_opens = 1; /* for teardown symmetry */
}

static void test_job_ioctls(void **state)
{
	struct tty *t = *state;
	struct vfs_file f = {.flags = O_RDWR};
	struct vfs_ctx c = {0};
	int v = 0;
	/* not our ctty yet */
	assert_int_equal(tty_ioctl(t, &f, &c, TIOCGPGRP, (uintptr_t)&v, false), -ENOTTY);
	assert_int_equal(tty_ioctl(t, &f, &c, TIOCSCTTY, 0, false), 0);
	assert_int_equal(t->session, 10);
	assert_int_equal(tty_ioctl(t, &f, &c, TIOCGPGRP, (uintptr_t)&v, false), 0);
	assert_int_equal(v, 10);
	v = 11;
	assert_int_equal(tty_ioctl(t, &f, &c, TIOCSPGRP, (uintptr_t)&v, false), 0);
	assert_int_equal(t->pgrp, 11);
	v = 99; /* a shell blocks SIGTTOU before tcsetpgrp from the background */
	nsigs = 0;
	assert_int_equal(tty_ioctl(t, &f, &c, TIOCSPGRP, (uintptr_t)&v, false), -EINTR);
	assert_int_equal(sigs[0], SIGTTOU);
	ignore_ttou = true;
	assert_int_equal(tty_ioctl(t, &f, &c, TIOCSPGRP, (uintptr_t)&v, false), -EPERM);
	v = 1234;
	assert_int_equal(tty_ioctl(t, &f, &c, TIOCSPGRP, (uintptr_t)&v, false), -ESRCH);
	ignore_ttou = false;
	assert_int_equal(tty_ioctl(t, &f, &c, TIOCGSID, (uintptr_t)&v, false), 0);
	assert_int_equal(v, 10);
	/* we (pgrp 10) are now in the background: TCSETS sends SIGTTOU */
	struct termios tio;
	assert_int_equal(tty_ioctl(t, &f, &c, TCGETS, (uintptr_t)&tio, false), 0);
	assert_true(tio.c_lflag & ICANON);
	nsigs = 0;
	assert_int_equal(tty_ioctl(t, &f, &c, TCSETS, (uintptr_t)&tio, false), -EINTR);
	assert_int_equal(nsigs, 1);
	assert_int_equal(sigs[0], SIGTTOU);
	assert_int_equal(sig_pgrp[0], 10);
	assert_int_equal(tty_check_read(t), -EINTR);
	assert_int_equal(sigs[1], SIGTTIN);
	me.pgid = 11; /* foreground now */
	assert_int_equal(tty_check_read(t), 0);
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	nsigs = 0;
	assert_int_equal(tty_ioctl(t, &f, &c, TIOCSWINSZ, (uintptr_t)&ws, true), 0);
	assert_int_equal(nsigs, 1);
	assert_int_equal(sigs[0], SIGWINCH);
	memset(&ws, 0, sizeof(ws));
	assert_int_equal(tty_ioctl(t, &f, &c, TIOCGWINSZ, (uintptr_t)&ws, false), 0);
	assert_int_equal(ws.ws_col, 80);
	/* a second session leader cannot take it */
	me = (struct tty_caller){.pid = 20, .pgid = 20, .sid = 20, .session_leader = true};
	assert_int_equal(tty_ioctl(t, &f, &c, TIOCSCTTY, 0, false), -EPERM);
	me = (struct tty_caller){.pid = 10, .pgid = 10, .sid = 10, .session_leader = true};
	assert_int_equal(tty_ioctl(t, &f, &c, TIOCNOTTY, 0, false), 0);
	assert_int_equal(t->session, 0);
}

static void test_devpts_pair(void **state)
{
	struct vfs_sb *sb;
	struct vfs_file *m, *s;
	struct vfs_ctx c = {0};
	int n = -1, unlock = 0;
	struct tctx tc;
	tty_set_job_ops(&fake_ops);
	assert_int_equal(devpts_create_sb(0, NULL, &sb), 0);
	struct vfs_mount *mnt = vfs_mount_new(sb, sb->root, 0);
	vfs_sb_kill(sb);
	tctx_init_ns(&tc, vfs_mntns_new(mnt));
	assert_int_equal(vfs_openat(&tc.c, AT_FDCWD, "/ptmx", O_RDWR | O_NOCTTY, 0, 0, &m, NULL),
			 0);
	assert_int_equal(m->ops->ioctl(m, &c, TIOCGPTN, (uintptr_t)&n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(vfs_openat(&tc.c, AT_FDCWD, "/0", O_RDWR | O_NOCTTY, 0, 0, &s, NULL),
			 -EIO);
	assert_int_equal(m->ops->ioctl(m, &c, TIOCSPTLCK, (uintptr_t)&unlock), 0);
	assert_int_equal(vfs_openat(&tc.c, AT_FDCWD, "/0", O_RDWR | O_NOCTTY, 0, 0, &s, NULL), 0);
	struct stat st;
	assert_int_equal(vfs_statat(&tc.c, AT_FDCWD, "/0", 0, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_rdev, makedev(136, 0));
	assert_int_equal(vfs_file_write(m, "hi\n", 3), 3);
	char buf[16];
	assert_int_equal(vfs_file_read(s, buf, sizeof(buf)), 3);
	assert_int_equal(vfs_file_write(s, "yo\n", 3), 3);
	assert_int_equal(vfs_file_read(m, buf, sizeof(buf)), 8); /* echo + output */
	assert_memory_equal(buf, "hi\r\nyo\r\n", 8);
	vfs_file_put(m);
	assert_int_equal(vfs_file_read(s, buf, sizeof(buf)), 0); /* hung up */
	assert_int_equal(vfs_statat(&tc.c, AT_FDCWD, "/0", 0, &st), 0);
	vfs_file_put(s);
	assert_int_equal(vfs_statat(&tc.c, AT_FDCWD, "/0", 0, &st), -ENOENT);
	tctx_fini(&tc);
	assert_no_leaks();
	assert_int_equal(tty_live, 0);
	assert_int_equal(devpts_live_instances, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_canon_erase_and_echo, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_canon_kill_werase, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_canon_one_line_per_read_and_eof, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_echoctl_and_echo_off, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_isig, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_input_output_maps, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vmin, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vtime, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hangup, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_master_eio_after_slave_close, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_job_ioctls, setup, teardown),
	    cmocka_unit_test(test_devpts_pair),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
