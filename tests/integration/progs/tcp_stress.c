/* tcp_stress.c - many concurrent TCP connections over 127.0.0.1, every byte checked.
 *
 * Usage: tcp_stress [CONNS [MIB_TOTAL]]   (default 100 connections, 100 MiB in total)
 * A forked server accepts CONNS connections and serves them from one epoll loop: each
 * connection starts with its 4-byte id, then carries a pattern derived from the id and the
 * offset; the server checks every byte and, at the client's FIN, answers with the byte
 * count and an FNV-1a hash of what it saw. The client drives all its connections from
 * its own epoll loop (non-blocking connects and writes) and checks each answer.
 * Prints one line "ok CONNS conns, N MiB, T s, R MB/s" and exits 0, or a reason and 1. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct conn {
	int fd;
	uint32_t id;
	uint64_t off;	 /* stream bytes written (client) or pattern bytes checked (server) */
	uint64_t hash;	 /* FNV-1a of the pattern bytes */
	uint8_t hdr[16]; /* server: the id; client: the answer */
	int hdr_got;
	int done;
};

static uint64_t per_conn;

static uint8_t pat(uint32_t id, uint64_t off)
{
	uint64_t x = (off + 1) * 0x9E3779B97F4A7C15ULL ^ (uint64_t)id * 0xC2B2AE3D27D4EB4FULL;
	return (uint8_t)(x >> 29);
}

static uint64_t fnv(uint64_t h, uint8_t b)
{
	return (h ^ b) * 1099511628211ULL;
}

static void die(const char *what)
{
	fprintf(stderr, "tcp_stress: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* The server: returns 0 when every connection was served and checked. */
static int server(int l, int nconns)
{
	int ep = epoll_create1(0), served = 0, accepted = 0;
	struct conn *cs = calloc((size_t)nconns, sizeof(*cs));
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}, evs[64];
	static uint8_t buf[65536];
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	while (served < nconns) {
		int n = epoll_wait(ep, evs, 64, 30000);
		if (n <= 0)
			die("server epoll_wait (stalled)");
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (!c) {
				int fd;
				while ((fd = accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					if (accepted >= nconns)
						die("too many connections");
					c = &cs[accepted++];
					c->fd = fd;
					c->hash = 14695981039346656037ULL;
					ev = (struct epoll_event){.events = EPOLLIN, .data.ptr = c};
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				}
				continue;
			}
			for (;;) {
				ssize_t r = read(c->fd, buf, sizeof(buf));
				if (r < 0 && errno == EAGAIN)
					break;
				if (r < 0)
					die("server read");
				if (r == 0) {
					uint64_t ans[2] = {c->off, c->hash};
					if (write(c->fd, ans, sizeof(ans)) != sizeof(ans))
						die("server answer");
					epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
					close(c->fd);
					served++;
					break;
				}
				ssize_t k = 0;
				while (c->hdr_got < 4 && k < r)
					c->hdr[c->hdr_got++] = buf[k++];
				if (c->hdr_got == 4)
					memcpy(&c->id, c->hdr, 4);
				for (; k < r; k++, c->off++) {
					if (buf[k] != pat(c->id, c->off)) {
						fprintf(stderr,
							"tcp_stress: conn %u: bad byte at %llu\n",
							c->id, (unsigned long long)c->off);
						return 1;
					}
					c->hash = fnv(c->hash, buf[k]);
				}
			}
		}
	}
	return 0;
}

/* The client: returns 0 when every answer matched. */
static int client(struct sockaddr_in *a, int nconns)
{
	int ep = epoll_create1(0), finished = 0;
	struct conn *cs = calloc((size_t)nconns, sizeof(*cs));
	struct epoll_event ev, evs[64];
	static uint8_t buf[65536];
	for (int i = 0; i < nconns; i++) {
		struct conn *c = &cs[i];
		c->id = (uint32_t)i * 2654435761u + 1;
		c->hash = 14695981039346656037ULL;
		c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (c->fd < 0)
			die("socket");
		if (connect(c->fd, (void *)a, sizeof(*a)) < 0 && errno != EINPROGRESS)
			die("connect");
		ev = (struct epoll_event){.events = EPOLLOUT | EPOLLIN, .data.ptr = c};
		epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
	}
	while (finished < nconns) {
		int n = epoll_wait(ep, evs, 64, 30000);
		if (n <= 0)
			die("client epoll_wait (stalled)");
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (evs[i].events & EPOLLERR) {
				int e = 0;
				socklen_t el = sizeof(e);
				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &el);
				errno = e;
				die("connection error");
			}
			/* the stream: the 4-byte id, then per_conn pattern bytes; c->off counts
			 * the stream bytes written */
			while (!c->done && (evs[i].events & EPOLLOUT)) {
				uint64_t end = per_conn + 4;
				size_t len = 0;
				for (uint64_t p = c->off; len < sizeof(buf) && p < end; p++, len++)
					buf[len] =
					    p < 4 ? ((uint8_t *)&c->id)[p] : pat(c->id, p - 4);
				ssize_t w = write(c->fd, buf, len);
				if (w < 0 && errno == EAGAIN)
					break;
				if (w <= 0)
					die("client write");
				for (ssize_t k = 0; k < w; k++)
					if (c->off + (uint64_t)k >= 4)
						c->hash = fnv(c->hash, buf[k]);
				c->off += (uint64_t)w;
				if (c->off == end) {
					shutdown(c->fd, SHUT_WR);
					c->done = 1;
					ev = (struct epoll_event){.events = EPOLLIN, .data.ptr = c};
					epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
				}
			}
			if (c->done == 1 && (evs[i].events & (EPOLLIN | EPOLLHUP))) {
				uint64_t ans[2];
				ssize_t r = read(c->fd, ans, sizeof(ans));
				if (r < 0 && errno == EAGAIN)
					continue;
				if (r != sizeof(ans) || ans[0] != per_conn || ans[1] != c->hash) {
					fprintf(
					    stderr, "tcp_stress: conn %u: bad answer (%zd, %llu)\n",
					    c->id, r,
					    r == sizeof(ans) ? (unsigned long long)ans[0] : 0ULL);
					return 1;
				}
				c->done = 2;
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				close(c->fd);
				finished++;
			}
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	int nconns = argc > 1 ? atoi(argv[1]) : 100;
	long mib = argc > 2 ? atol(argv[2]) : 100;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	struct timespec t0, t1;
	int st;
	if (nconns < 1 || mib < 1)
		return 2;
	per_conn = ((uint64_t)mib << 20) / (uint64_t)nconns;
	int l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (void *)&a, sizeof(a)) < 0 || listen(l, nconns) < 0 ||
	    getsockname(l, (void *)&a, &len) < 0)
		die("listen");
	nonblock(l);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		_exit(server(l, nconns));
	close(l);
	int rc = client(&a, nconns);
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "tcp_stress: failed (client %d, server status %#x)\n", rc, st);
		return 1;
	}
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	double total = (double)per_conn * nconns;
	printf("ok %d conns, %.0f MiB, %.2f s, %.0f MB/s\n", nconns, total / (1 << 20), s,
	       total / s / 1e6);
	return 0;
}
