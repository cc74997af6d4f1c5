/* net_echo.c - one TCP or UDP exchange between two network namespaces (net_veth.sh).
 *
 * Usage: net_echo serve tcp|udp ADDR PORT    answers one message with "echo:" + it, exits 0
 *        net_echo send  tcp|udp ADDR PORT MSG sends MSG, prints the answer and the peer's
 *                                             address ("echo:MSG from A.B.C.D"), exits 0
 * Either side gives up after 10 s (exit 1 with the reason on stderr). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char *what)
{
	fprintf(stderr, "net_echo: %s: %s\n", what, strerror(errno));
	return 1;
}

/* Waits up to 10 s for @fd to be readable. */
static int wait_in(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int r = poll(&p, 1, 10000);
	if (r == 0)
		errno = ETIMEDOUT;
	return r == 1 ? 0 : -1;
}

static int serve(int tcp, struct sockaddr_in *a)
{
	char buf[512], out[600];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	int one = 1, s = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)a, sizeof(*a)) < 0)
		return fail("bind");
	if (tcp && listen(s, 1) < 0)
		return fail("listen");
	printf("listening\n");
	fflush(stdout);
	if (wait_in(s) < 0)
		return fail("waiting");
	if (tcp) {
		int c = accept(s, NULL, NULL);
		if (c < 0 || wait_in(c) < 0)
			return fail("accept");
		ssize_t n = read(c, buf, sizeof(buf) - 1);
		if (n <= 0)
			return fail("read");
		int m = snprintf(out, sizeof(out), "echo:%.*s", (int)n, buf);
		if (write(c, out, (size_t)m) != m)
			return fail("write");
		close(c);
	} else {
		ssize_t n = recvfrom(s, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return fail("recvfrom");
		int m = snprintf(out, sizeof(out), "echo:%.*s", (int)n, buf);
		if (sendto(s, out, (size_t)m, 0, (struct sockaddr *)&from, fl) != m)
			return fail("sendto");
	}
	close(s);
	return 0;
}

static int send_one(int tcp, struct sockaddr_in *a, const char *msg)
{
	char buf[600];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	int s = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	size_t len = strlen(msg);
	if (connect(s, (struct sockaddr *)a, sizeof(*a)) < 0)
		return fail("connect");
	if (write(s, msg, len) != (ssize_t)len)
		return fail("write");
	if (wait_in(s) < 0)
		return fail("waiting for the answer");
	ssize_t n = recvfrom(s, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &fl);
	if (n < 0)
		return fail("read");
	fl = sizeof(from); /* a stream receive reports no address (length 0) */
	if (tcp && getpeername(s, (struct sockaddr *)&from, &fl) < 0)
		return fail("getpeername");
	printf("%.*s from %s\n", (int)n, buf, inet_ntoa(from.sin_addr));
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	if (argc < 5 || inet_pton(AF_INET, argv[3], &a.sin_addr) != 1 ||
	    (strcmp(argv[2], "tcp") && strcmp(argv[2], "udp"))) {
		fprintf(stderr, "usage: net_echo serve|send tcp|udp ADDR PORT [MSG]\n");
		return 2;
	}
	a.sin_port = htons((uint16_t)atoi(argv[4]));
	int tcp = !strcmp(argv[2], "tcp");
	if (!strcmp(argv[1], "serve"))
		return serve(tcp, &a);
	if (!strcmp(argv[1], "send") && argc > 5)
		return send_one(tcp, &a, argv[5]);
	fprintf(stderr, "usage: net_echo serve|send tcp|udp ADDR PORT [MSG]\n");
	return 2;
}
