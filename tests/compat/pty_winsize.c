/* pty_winsize.c - TIOCSWINSZ/TIOCGWINSZ round trip; ENOTTY on a non-tty. */
/* syscalls: ioctl */
#include "tap.h"
#include <sys/ioctl.h>
#include <pty.h>

int main(void)
{
	struct winsize ws = { .ws_row = 33, .ws_col = 101 }, got;
	int m, s;

	TAP_PLAN(4);
	TAP_OK(openpty(&m, &s, NULL, NULL, &ws) == 0, "openpty with size");
	TAP_OK(ioctl(s, TIOCGWINSZ, &got) == 0 && got.ws_row == 33 && got.ws_col == 101, "TIOCGWINSZ");
	ws.ws_row = 7;
	TAP_OK(ioctl(m, TIOCSWINSZ, &ws) == 0 && ioctl(s, TIOCGWINSZ, &got) == 0 && got.ws_row == 7,
	       "TIOCSWINSZ on master seen on slave");
	TAP_ERRNO(ioctl(open("/dev/null", O_RDONLY), TIOCGWINSZ, &got), ENOTTY, "non-tty -> ENOTTY");
	return TAP_DONE();
}
