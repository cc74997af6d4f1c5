/* unix_abstract.c - abstract AF_UNIX names: no filesystem entry; ECONNREFUSED when unbound. */
/* syscalls: socket bind listen accept connect */
#include "tap.h"
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t alen;
	int l, c, s = -1;
	char buf[8];

	TAP_PLAN(4);
	alen = offsetof(struct sockaddr_un, sun_path) + 1 +
	       snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "cvisor-compat-%d", getpid());
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	TAP_OK(bind(l, (void *)&a, alen) == 0 && listen(l, 1) == 0, "bind abstract + listen");
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	TAP_OK(connect(c, (void *)&a, alen) == 0 && (s = accept(l, NULL, NULL)) >= 0, "connect + accept");
	TAP_OK(write(s, "abs", 3) == 3 && read(c, buf, 8) == 3, "data");
	close(l);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	TAP_ERRNO(connect(c, (void *)&a, alen), ECONNREFUSED, "after close -> ECONNREFUSED");
	return TAP_DONE();
}
