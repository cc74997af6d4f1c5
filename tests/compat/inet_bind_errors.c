/* inet_bind_errors.c - bind(2) on AF_INET datagram sockets: Linux's errnos for short
 * addresses, other families, AF_UNSPEC (only with INADDR_ANY), non-local addresses
 * (IP_FREEBIND allows them), a second bind, a taken port, and ports below 1024 without
 * CAP_NET_BIND_SERVICE. */
/* syscalls: socket bind setsockopt getsockname setresuid */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int one = 1;

	TAP_PLAN(9);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	TAP_ERRNO(bind(s, (void *)&a, sizeof(a) - 1), EINVAL, "a short address");
	a.sin_family = AF_INET6;
	TAP_ERRNO(bind(s, (void *)&a, sizeof(a)), EAFNOSUPPORT, "another family");
	a.sin_family = AF_UNSPEC;
	TAP_ERRNO(bind(s, (void *)&a, sizeof(a)), EAFNOSUPPORT, "AF_UNSPEC with an address");
	a.sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.77", &a.sin_addr); /* TEST-NET-1: never ours */
	TAP_ERRNO(bind(s, (void *)&a, sizeof(a)), EADDRNOTAVAIL, "an address that is not local");
	int fb = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(fb, SOL_IP, IP_FREEBIND, &one, sizeof(one));
	TAP_OK(bind(fb, (void *)&a, sizeof(a)) == 0, "IP_FREEBIND binds it");
	struct sockaddr_in u = {.sin_family = AF_UNSPEC};
	TAP_OK(bind(s, (void *)&u, sizeof(u)) == 0 && getsockname(s, (void *)&a, &len) == 0 &&
		       a.sin_port != 0,
	       "AF_UNSPEC with INADDR_ANY binds an ephemeral port");
	TAP_ERRNO(bind(s, (void *)&a, sizeof(a)), EINVAL, "a second bind");
	int t = socket(AF_INET, SOCK_DGRAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	TAP_ERRNO(bind(t, (void *)&a, sizeof(a)), EADDRINUSE, "a taken port");
	pid_t pid = fork();
	if (pid == 0) {
		if (setresuid(65534, 65534, 65534))
			_exit(2);
		int c = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_in p = {.sin_family = AF_INET, .sin_port = htons(999)};
		errno = 0;
		_exit(bind(c, (void *)&p, sizeof(p)) < 0 && errno == EACCES ? 0 : 1);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "EACCES below 1024 without CAP_NET_BIND_SERVICE");
	return TAP_DONE();
}
