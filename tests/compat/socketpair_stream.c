/* socketpair_stream.c - AF_UNIX SOCK_STREAM pair: bidirectional bytes, EOF on close, flags. */
/* syscalls: socketpair sendto recvfrom read write */
#include "tap.h"
#include <sys/socket.h>

int main(void)
{
	char buf[16] = { 0 };
	int sv[2];

	TAP_PLAN(5);
	TAP_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0 && fcntl(sv[0], F_GETFD) == FD_CLOEXEC,
	       "socketpair SOCK_CLOEXEC");
	TAP_OK(write(sv[0], "ping", 4) == 4 && read(sv[1], buf, 16) == 4 && !strcmp(buf, "ping"), "a -> b");
	TAP_OK(send(sv[1], "pong", 4, 0) == 4 && recv(sv[0], buf, 16, 0) == 4 && !memcmp(buf, "pong", 4), "b -> a");
	close(sv[1]);
	TAP_OK(read(sv[0], buf, 16) == 0, "EOF after peer close");
	TAP_ERRNO(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP, "AF_INET pair -> EOPNOTSUPP");
	return TAP_DONE();
}
