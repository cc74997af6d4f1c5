/* unix_scm_credentials.c - SO_PASSCRED delivers SCM_CREDENTIALS; SO_PEERCRED of the peer. */
/* syscalls: setsockopt getsockopt sendmsg recvmsg socketpair */
#include "tap.h"
#include <sys/socket.h>

int main(void)
{
	char cbuf[CMSG_SPACE(sizeof(struct ucred))], c;
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	struct ucred uc = { 0 };
	socklen_t len = sizeof(uc);
	int sv[2], one = 1;

	TAP_PLAN(3);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	TAP_OK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &len) == 0 && uc.pid == getpid() && uc.uid == getuid(),
	       "SO_PEERCRED is us");
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	write(sv[0], "x", 1);
	TAP_OK(recvmsg(sv[1], &mh, 0) == 1 && (cm = CMSG_FIRSTHDR(&mh)) && cm->cmsg_type == SCM_CREDENTIALS,
	       "SCM_CREDENTIALS attached");
	memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
	TAP_OK(uc.pid == getpid() && uc.uid == 0 && uc.gid == 0, "pid/uid/gid of the sender");
	return TAP_DONE();
}
