/* pty_echo.c - termios: ECHO off stops echo; raw mode delivers bytes without newline. */
/* syscalls: ioctl read write */
#include "tap.h"
#include <poll.h>
#include <termios.h>

static int ready(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms);
}

int main(void)
{
	struct termios t;
	char buf[32];
	int m, s;

	TAP_PLAN(4);
	m = posix_openpt(O_RDWR | O_NOCTTY);
	grantpt(m);
	unlockpt(m);
	s = open(ptsname(m), O_RDWR | O_NOCTTY);
	TAP_OK(tcgetattr(s, &t) == 0 && (t.c_lflag & ECHO) && (t.c_lflag & ICANON), "default ECHO|ICANON");
	t.c_lflag &= ~(ECHO | ICANON);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	TAP_OK(tcsetattr(s, TCSANOW, &t) == 0 && tcgetattr(s, &t) == 0 && !(t.c_lflag & ECHO), "ECHO off set");
	write(m, "k", 1);
	TAP_OK(ready(s, 2000) == 1 && read(s, buf, sizeof(buf)) == 1 && buf[0] == 'k', "raw byte without newline");
	TAP_OK(ready(m, 100) == 0, "no echo on master");
	return TAP_DONE();
}
