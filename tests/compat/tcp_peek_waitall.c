/* tcp_peek_waitall.c - MSG_PEEK, MSG_WAITALL across segments, MSG_DONTWAIT, MSG_TRUNC discards, MSG_OOB, FIONREAD, SIOCATMARK. */
/* syscalls: recvfrom sendto ioctl socket connect accept */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	struct pollfd p;
	static char big[200000], in[200000];
	char buf[16];
	int l, c, s, n = -1, mark = -1;
	pid_t pid;

	TAP_PLAN(9);
	l = socket(AF_INET, SOCK_STREAM, 0);
	bind(l, (void *)&a, sizeof(a));
	listen(l, 4);
	getsockname(l, (void *)&a, &len);
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof(a));
	s = accept(l, NULL, NULL);
	TAP_ERRNO(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN, "MSG_DONTWAIT, no data -> EAGAIN");
	send(c, "abcdef", 6, 0);
	p = (struct pollfd){ .fd = s, .events = POLLIN };
	poll(&p, 1, 2000);
	TAP_OK(ioctl(s, FIONREAD, &n) == 0 && n == 6, "FIONREAD %d", n);
	TAP_OK(recv(s, buf, 3, MSG_PEEK) == 3 && !memcmp(buf, "abc", 3), "MSG_PEEK");
	TAP_OK(recv(s, buf, 2, MSG_TRUNC) == 2, "MSG_TRUNC discards");
	TAP_OK(recv(s, buf, sizeof(buf), 0) == 4 && !memcmp(buf, "cdef", 4), "the rest after the discard");
	TAP_ERRNO(recv(s, buf, 1, MSG_OOB), EINVAL, "MSG_OOB without urgent data -> EINVAL");
	TAP_OK(ioctl(s, SIOCATMARK, &mark) == 0 && mark == 0, "SIOCATMARK 0");
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 31 + 7);
	pid = fork();
	if (pid == 0) {
		/* pieces with pauses: the receiver must glue them */
		for (size_t off = 0; off < sizeof(big); off += 50000) {
			send(c, big + off, 50000, 0);
			usleep(20000);
		}
		_exit(0);
	}
	TAP_OK(recv(s, in, sizeof(in), MSG_WAITALL) == (ssize_t)sizeof(in) && !memcmp(in, big, sizeof(in)),
	       "MSG_WAITALL gathers %zu bytes", sizeof(in));
	TAP_OK(tap_wait(pid) == 0, "sender done");
	return TAP_DONE();
}
