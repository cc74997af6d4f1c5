/* unix_bind_path.c - AF_UNIX path socket: bind creates S_IFSOCK, listen/accept, EADDRINUSE. */
/* syscalls: socket bind listen accept4 accept connect getsockname getpeername */
#include "tap.h"
#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX }, got;
	socklen_t len = sizeof(got);
	struct stat st;
	int l, c, s, l2;
	char buf[8];

	TAP_PLAN(7);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", tap_path("sock"));
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	TAP_OK(bind(l, (void *)&a, sizeof(a)) == 0 && listen(l, 4) == 0, "bind + listen");
	TAP_OK(stat(a.sun_path, &st) == 0 && S_ISSOCK(st.st_mode), "socket inode created");
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	TAP_OK(connect(c, (void *)&a, sizeof(a)) == 0, "connect");
	s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	TAP_OK(s >= 0 && fcntl(s, F_GETFD) == FD_CLOEXEC, "accept4 SOCK_CLOEXEC");
	TAP_OK(write(c, "hi", 2) == 2 && read(s, buf, 8) == 2, "data flows");
	TAP_OK(getsockname(l, (void *)&got, &len) == 0 && !strcmp(got.sun_path, a.sun_path), "getsockname path");
	l2 = socket(AF_UNIX, SOCK_STREAM, 0);
	TAP_ERRNO(bind(l2, (void *)&a, sizeof(a)), EADDRINUSE, "bind existing path -> EADDRINUSE");
	return TAP_DONE();
}
