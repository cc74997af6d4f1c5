/* unix_epipe.c - writing to a stream socket whose peer closed: SIGPIPE, or EPIPE with MSG_NOSIGNAL. */
/* syscalls: sendto socketpair fork wait4 */
#include "tap.h"
#include <signal.h>
#include <sys/socket.h>

int main(void)
{
	int sv[2], st;
	pid_t pid;

	TAP_PLAN(2);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	close(sv[1]);
	TAP_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE, "MSG_NOSIGNAL -> EPIPE");
	pid = fork();
	if (pid == 0) {
		send(sv[0], "x", 1, 0);
		_exit(0);
	}
	st = tap_wait(pid);
	TAP_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "without it: killed by SIGPIPE");
	return TAP_DONE();
}
