/* tests/escape/limits.c - an app cannot make the Sentry allocate without bound: each
 * request is answered as Linux answers it (the errno, or a bounded result). Written to
 * pass natively on Linux first; the driver runs it natively and under cvisor. */
#define _GNU_SOURCE
#include "tap.h"
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

int main(void)
{
	static struct iovec iov[IOV_MAX + 1];
	static char byte;
	char path[5000];
	int p[2], sv[2];

	for (int i = 0; i <= IOV_MAX; i++) {
		iov[i].iov_base = &byte;
		iov[i].iov_len = 1;
	}
	int null = open("/dev/null", O_RDWR);
	tap_errno(writev(null, iov, IOV_MAX + 1), EINVAL, EINVAL,
		  "writev: IOV_MAX+1 iovecs -> EINVAL");
	tap_errno(readv(null, iov, IOV_MAX + 1), EINVAL, EINVAL,
		  "readv: IOV_MAX+1 iovecs -> EINVAL");
	tap_errno(syscall(SYS_writev, null, iov, INT_MAX), EINVAL, EINVAL,
		  "writev: INT_MAX iovecs -> EINVAL");
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = IOV_MAX + 1};
	tap_errno(sendmsg(sv[0], &mh, 0), EMSGSIZE, EMSGSIZE,
		  "sendmsg: IOV_MAX+1 iovecs -> EMSGSIZE");

	/* a giant read into a small buffer: bounded by the data or the mapping, not the count */
	char *buf = mmap(NULL, (1 << 20) + 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(buf + (1 << 20), 4096, PROT_NONE); /* the buffer ends at a guard page */
	int fd = open("/bin/busybox", O_RDONLY);
	ssize_t n = read(fd, buf, 1UL << 34);
	tap((n > 0 && n <= 1 << 20) || (n < 0 && errno == EFAULT),
	    "read of 16 GiB into a 1 MiB buffer: at most 1 MiB (or EFAULT)", "another result");
	close(fd);
	pipe(p);
	write(p[1], "abc", 3);
	n = read(p[0], buf, 1UL << 34);
	tap(n == 3, "read of 16 GiB from a pipe holding 3 bytes: 3", "another result");

	/* epoll: maxevents bounds */
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN}, out[4];
	int q[2];
	pipe(q);
	write(q[1], "x", 1);
	epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev);
	tap_errno(epoll_wait(ep, out, 0, 0), EINVAL, EINVAL, "epoll_wait: maxevents 0 -> EINVAL");
	tap_errno(syscall(SYS_epoll_wait, ep, out, INT_MAX, 0), EINVAL, EINVAL,
		  "epoll_wait: maxevents INT_MAX -> EINVAL");
	n = epoll_wait(ep, (struct epoll_event *)buf, (1 << 20) / sizeof(struct epoll_event), 0);
	tap(n == 1, "epoll_wait: 87k maxevents, one ready: 1", "another result");

	/* paths */
	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = 0;
	tap_errno(open(path, O_RDONLY), ENAMETOOLONG, ENAMETOOLONG,
		  "open: 4999-byte path -> ENAMETOOLONG");
	path[300] = 0;
	tap_errno(open(path, O_RDONLY), ENAMETOOLONG, ENAMETOOLONG,
		  "open: 299-byte component -> ENAMETOOLONG");
	char big[70000];
	memset(big, 'x', sizeof(big));
	tap_errno(setxattr("/tmp", "user.big", big, sizeof(big), 0), E2BIG, E2BIG,
		  "setxattr: 70000-byte value -> E2BIG");

	/* fds: RLIMIT_NOFILE is enforced as EMFILE, poll's nfds by it */
	struct rlimit rl = {64, 64};
	setrlimit(RLIMIT_NOFILE, &rl);
	int last = -1, e = 0;
	for (int i = 0; i < 100; i++) {
		int f = open("/dev/null", O_RDONLY);
		if (f < 0) {
			e = errno;
			break;
		}
		last = f;
	}
	tap(e == EMFILE && last == 63, "open past RLIMIT_NOFILE 64 -> EMFILE at fd 64",
	    "another result");
	tap_errno(dup2(null, 64), EBADF, EBADF, "dup2 to fd 64 >= RLIMIT_NOFILE -> EBADF");
	tap_errno(fcntl(null, F_DUPFD, 64), EINVAL, EINVAL, "F_DUPFD from 64 -> EINVAL");
	static struct pollfd pfds[100];
	tap_errno(poll(pfds, 100, 0), EINVAL, EINVAL, "poll: nfds 100 > RLIMIT_NOFILE -> EINVAL");

	/* pipes: above pipe-max-size without CAP_SYS_RESOURCE -> EPERM */
	char mx[32] = "";
	int m = open("/proc/sys/fs/pipe-max-size", O_RDONLY);
	long max = m >= 0 && read(m, mx, sizeof(mx) - 1) > 0 ? atol(mx) : 1048576;
	if (setgid(65534) == 0 && setuid(65534) == 0) {
		tap_errno(fcntl(p[0], F_SETPIPE_SZ, max * 2), EPERM, EPERM,
			  "F_SETPIPE_SZ above pipe-max-size as nobody -> EPERM");
		tap(fcntl(p[0], F_SETPIPE_SZ, max) >= max, "F_SETPIPE_SZ at pipe-max-size works",
		    "refused");
	}
	return tap_end();
}
