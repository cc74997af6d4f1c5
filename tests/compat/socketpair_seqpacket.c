/* socketpair_seqpacket.c - SOCK_SEQPACKET: boundaries kept, excess truncated (MSG_TRUNC flag). */
/* syscalls: socketpair sendmsg recvmsg */
#include "tap.h"
#include <sys/socket.h>

int main(void)
{
	char buf[4];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int sv[2];

	TAP_PLAN(3);
	TAP_OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0, "seqpacket pair");
	send(sv[0], "abcdefgh", 8, 0);
	send(sv[0], "xy", 2, 0);
	TAP_OK(recvmsg(sv[1], &mh, 0) == 4 && (mh.msg_flags & MSG_TRUNC) && !memcmp(buf, "abcd", 4),
	       "long record truncated, MSG_TRUNC set");
	TAP_OK(recv(sv[1], buf, 4, 0) == 2 && !memcmp(buf, "xy", 2), "rest discarded; next record intact");
	return TAP_DONE();
}
