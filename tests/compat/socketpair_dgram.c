/* socketpair_dgram.c - AF_UNIX SOCK_DGRAM keeps message boundaries; MSG_TRUNC; MSG_DONTWAIT. */
/* syscalls: socketpair sendto recvfrom */
#include "tap.h"
#include <sys/socket.h>

int main(void)
{
	char buf[16];
	int sv[2];

	TAP_PLAN(4);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	send(sv[0], "one", 3, 0);
	send(sv[0], "three", 5, 0);
	TAP_OK(recv(sv[1], buf, 16, 0) == 3, "first datagram 3 bytes");
	TAP_OK(recv(sv[1], buf, 2, MSG_TRUNC) == 5, "MSG_TRUNC returns the real length");
	TAP_ERRNO(recv(sv[1], buf, 16, MSG_DONTWAIT), EAGAIN, "empty + MSG_DONTWAIT -> EAGAIN");
	TAP_OK(send(sv[1], "", 0, 0) == 0 && recv(sv[0], buf, 16, MSG_DONTWAIT) == 0, "zero-length datagram");
	return TAP_DONE();
}
