/* ns_net.c - unshare(CLONE_NEWNET) gives a network stack of its own: a new inode under
 * /proc/self/ns/net, no way to the first namespace's listener on 127.0.0.1 (its loopback
 * is down); the first namespace's stack is untouched. Runs in a child so the test's own
 * process keeps its namespace. */
/* syscalls: unshare socket bind connect */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>

static int tcp_to(in_port_t port, int *err)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = port};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int r = connect(s, (struct sockaddr *)&a, sizeof(a));
	*err = r < 0 ? errno : 0;
	close(s);
	return r;
}

int main(void)
{
	struct stat before, after;
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	TAP_PLAN(4);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	TAP_OK(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(l, 4) == 0 &&
		       getsockname(l, (struct sockaddr *)&a, &len) == 0 &&
		       stat("/proc/self/ns/net", &before) == 0,
	       "a listener on 127.0.0.1 in the first namespace");
	int p[2];
	if (pipe(p) < 0)
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		char res[2] = {'0', '0'};
		int err;
		if (unshare(CLONE_NEWNET) == 0) {
			res[0] = stat("/proc/self/ns/net", &after) == 0 && after.st_ino != before.st_ino
				     ? '1'
				     : '0';
			res[1] = tcp_to(a.sin_port, &err) < 0 ? '1' : '0';
		}
		(void)!write(p[1], res, 2);
		_exit(0);
	}
	char res[2] = {0};
	int st;
	TAP_OK(read(p[0], res, 2) == 2 && res[0] == '1' && waitpid(pid, &st, 0) == pid,
	       "unshare(CLONE_NEWNET): a new /proc/self/ns/net inode");
	TAP_OK(res[1] == '1', "the first namespace's listener is not reachable from it");
	int err;
	TAP_OK(tcp_to(a.sin_port, &err) == 0, "the first namespace still reaches it");
	close(l);
	return TAP_DONE();
}
