/* pty_jobctl.c - controlling terminal and job control on a pty: setsid + TIOCSCTTY,
 * /dev/tty, TIOCGPGRP/TIOCSPGRP/TIOCGSID, ^C on the master sends SIGINT to the foreground
 * group, TIOCGPTPEER, a closed master hangs up the slave, pts/N goes away. */
/* syscalls: ioctl openat read write setsid */
#include "tap.h"
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static volatile sig_atomic_t got_int;
static void on_int(int s)
{
	got_int = 1;
}

int main(void)
{
	int m, s, n, sync[2];
	char name[64], buf[64];
	pid_t pid;

	TAP_PLAN(7);
	m = posix_openpt(O_RDWR | O_NOCTTY);
	unlockpt(m);
	snprintf(name, sizeof(name), "%s", ptsname(m));
	s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	TAP_OK(s >= 0 && isatty(s), "TIOCGPTPEER opens the slave");
	close(s);
	if (pipe(sync) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		int ok = 1, v = 0, tty;
		setsid();
		s = open(name, O_RDWR); /* a session leader without a ctty acquires it */
		tty = open("/dev/tty", O_RDWR);
		ok &= s >= 0 && tty >= 0;
		ok &= ioctl(s, TIOCGPGRP, &v) == 0 && v == getpgrp();
		ok &= ioctl(s, TIOCGSID, &v) == 0 && v == getsid(0);
		ok &= tcsetpgrp(s, getpgrp()) == 0;
		signal(SIGINT, on_int);
		(void)!write(sync[1], ok ? "1" : "0", 1);
		for (int i = 0; i < 300 && !got_int; i++)
			usleep(10000);
		_exit(got_int ? 0 : 3);
	}
	n = read(sync[0], buf, 1);
	TAP_OK(n == 1 && buf[0] == '1',
	       "setsid child: ctty, /dev/tty, TIOCGPGRP, TIOCGSID, tcsetpgrp");
	(void)!write(m, "\003", 1);
	int st = 0;
	waitpid(pid, &st, 0);
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "^C on the master: SIGINT to the foreground group");
	TAP_ERRNO(open("/dev/tty", O_RDWR), ENXIO, "no controlling terminal: /dev/tty ENXIO");
	s = open(name, O_RDWR | O_NOCTTY);
	close(m);
	n = read(s, buf, sizeof(buf));
	TAP_OK(n == 0 || (n < 0 && errno == EIO), "slave read after master close: EOF/EIO");
	TAP_ERRNO(write(s, "x", 1), EIO, "slave write after hang-up: EIO");
	close(s);
	struct stat sb;
	TAP_OK(stat(name, &sb) < 0 && errno == ENOENT, "%s removed when both sides closed", name);
	return TAP_DONE();
}
