/* epoll_ctl_opath.c - an O_PATH descriptor is no file for epoll_ctl: EBADF, as for a closed
 * fd (Linux looks both up with fdget, which skips O_PATH files); the same file opened for
 * reading is EPERM (a regular file cannot be polled). Go's runtime adds every file it opens
 * to its epoll, O_PATH handles included (containerd's fifo package), and reads the errno. */
/* syscalls: epoll_create1 epoll_ctl openat */
#include <sys/epoll.h>
#include "tap.h"

int main(void)
{
	struct epoll_event ev = { .events = EPOLLIN };

	TAP_PLAN(4);
	tap_write_file(tap_path("f"), "");
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int path = open(tap_path("f"), O_PATH | O_CLOEXEC);
	int rd = open(tap_path("f"), O_RDONLY | O_CLOEXEC);
	TAP_OK(ep >= 0 && path >= 0 && rd >= 0, "epoll fd, O_PATH fd, read fd");
	TAP_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, path, &ev), EBADF, "add an O_PATH fd -> EBADF");
	TAP_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, rd, &ev), EPERM, "add a regular file -> EPERM");
	TAP_ERRNO(epoll_ctl(path, EPOLL_CTL_ADD, rd, &ev), EBADF, "an O_PATH fd as epfd -> EBADF");
	return TAP_DONE();
}
