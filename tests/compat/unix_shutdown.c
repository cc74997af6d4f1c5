/* unix_shutdown.c - shutdown(SHUT_WR) gives the peer EOF; writing after it -> EPIPE. */
/* syscalls: shutdown socketpair write read */
#include "tap.h"
#include <signal.h>
#include <sys/socket.h>

int main(void)
{
	char buf[8];
	int sv[2];

	TAP_PLAN(4);
	signal(SIGPIPE, SIG_IGN);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	TAP_OK(shutdown(sv[0], SHUT_WR) == 0, "SHUT_WR");
	TAP_OK(read(sv[1], buf, 8) == 0, "peer reads EOF");
	TAP_ERRNO(write(sv[0], "x", 1), EPIPE, "write after SHUT_WR -> EPIPE");
	TAP_ERRNO(shutdown(sv[0], 42), EINVAL, "bad how -> EINVAL");
	return TAP_DONE();
}
