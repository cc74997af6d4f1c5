/* pty_open.c - posix_openpt/grantpt/unlockpt/ptsname; master->slave data with ICANON. */
/* syscalls: openat ioctl read write */
#include "tap.h"
#include <poll.h>
#include <termios.h>

int main(void)
{
	char buf[64] = { 0 }, *name;
	struct pollfd p;
	int m, s, n;

	TAP_PLAN(5);
	m = posix_openpt(O_RDWR | O_NOCTTY);
	TAP_OK(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0, "openpt, grantpt, unlockpt");
	name = ptsname(m);
	TAP_OK(name && !strncmp(name, "/dev/pts/", 9), "ptsname %s", name ? name : "");
	s = open(name, O_RDWR | O_NOCTTY);
	TAP_OK(s >= 0 && isatty(s), "slave opens and is a tty");
	write(m, "hello\n", 6);
	p = (struct pollfd){ .fd = s, .events = POLLIN };
	poll(&p, 1, 2000);
	n = read(s, buf, sizeof(buf));
	TAP_OK(n == 6 && !strcmp(buf, "hello\n"), "line arrives on slave");
	write(s, "out", 3);
	memset(buf, 0, sizeof(buf));
	n = 0;
	/* The echo and the slave's output may arrive in separate reads: gather both. */
	for (int i = 0; i < 40 && !(strstr(buf, "hello") && strstr(buf, "out")); i++) {
		p = (struct pollfd){ .fd = m, .events = POLLIN };
		if (poll(&p, 1, 50) == 1) {
			int r = read(m, buf + n, sizeof(buf) - 1 - n);

			if (r > 0)
				n += r;
		}
	}
	TAP_OK(strstr(buf, "hello") && strstr(buf, "out"), "master sees echo and slave output");
	return TAP_DONE();
}
