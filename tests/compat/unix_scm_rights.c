/* unix_scm_rights.c - SCM_RIGHTS passes an fd: received fd shares the file offset. */
/* syscalls: sendmsg recvmsg socketpair */
#include "tap.h"
#include <sys/socket.h>

int main(void)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, c = 'x', data[8] = { 0 };
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int sv[2], fd, got = -1;

	TAP_PLAN(4);
	tap_write_file(tap_path("f"), "abcdef");
	fd = open(tap_path("f"), O_RDONLY);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	TAP_OK(sendmsg(sv[0], &mh, 0) == 1, "sendmsg with SCM_RIGHTS");
	memset(cbuf, 0, sizeof(cbuf));
	mh.msg_controllen = sizeof(cbuf);
	TAP_OK(recvmsg(sv[1], &mh, MSG_CMSG_CLOEXEC) == 1 && (cm = CMSG_FIRSTHDR(&mh)) && cm->cmsg_type == SCM_RIGHTS,
	       "recvmsg gets SCM_RIGHTS");
	memcpy(&got, CMSG_DATA(cm), sizeof(int));
	TAP_OK(got >= 0 && got != fd && fcntl(got, F_GETFD) == FD_CLOEXEC, "new fd, MSG_CMSG_CLOEXEC applied");
	read(fd, data, 2);
	TAP_OK(read(got, data, 2) == 2 && !memcmp(data, "cd", 2), "shares the open file description");
	return TAP_DONE();
}
