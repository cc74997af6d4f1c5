/* sendmmsg_recvmmsg.c - batches of datagrams: counts, msg_len, MSG_WAITFORONE, MSG_DONTWAIT. */
/* syscalls: sendmmsg recvmmsg socketpair */
#include "tap.h"
#include <sys/socket.h>

int main(void)
{
	char a[3][8] = { "one", "three", "x" }, b[3][8];
	struct iovec si[3], ri[3];
	struct mmsghdr sm[3], rm[3];
	int sv[2];

	TAP_PLAN(5);
	memset(sm, 0, sizeof(sm));
	memset(rm, 0, sizeof(rm));
	for (int i = 0; i < 3; i++) {
		si[i] = (struct iovec){ a[i], strlen(a[i]) };
		ri[i] = (struct iovec){ b[i], sizeof(b[i]) };
		sm[i].msg_hdr.msg_iov = &si[i];
		sm[i].msg_hdr.msg_iovlen = 1;
		rm[i].msg_hdr.msg_iov = &ri[i];
		rm[i].msg_hdr.msg_iovlen = 1;
	}
	TAP_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "dgram pair");
	TAP_OK(sendmmsg(sv[0], sm, 2, 0) == 2 && sm[0].msg_len == 3 && sm[1].msg_len == 5,
	       "sendmmsg sends 2, msg_len set");
	TAP_OK(recvmmsg(sv[1], rm, 3, MSG_DONTWAIT, NULL) == 2 && rm[0].msg_len == 3 &&
	       rm[1].msg_len == 5 && !memcmp(b[1], "three", 5), "recvmmsg returns what is queued");
	TAP_ERRNO(recvmmsg(sv[1], rm, 3, MSG_DONTWAIT, NULL), EAGAIN, "empty -> EAGAIN");
	send(sv[0], "z", 1, 0);
	TAP_OK(recvmmsg(sv[1], rm, 3, MSG_WAITFORONE, NULL) == 1, "MSG_WAITFORONE returns after one");
	return TAP_DONE();
}
