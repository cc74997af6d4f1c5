/* epoll_ctl_errors.c - epoll_ctl/epoll_wait errors: EEXIST, ENOENT, EPERM, EBADF, EINVAL. */
/* syscalls: epoll_create1 epoll_ctl epoll_wait epoll_create */
#include "tap.h"
#include <sys/epoll.h>
#include <sys/syscall.h>

int main(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, out[1];
	int ep, p[2], f;

	TAP_PLAN(9);
	ep = epoll_create1(0);
	pipe(p);
	tap_write_file(tap_path("f"), "");
	f = open(tap_path("f"), O_RDONLY);
	TAP_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "add");
	TAP_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST, "add twice -> EEXIST");
	TAP_ERRNO(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev), ENOENT, "mod unregistered -> ENOENT");
	TAP_OK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0, "del");
	TAP_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT, "del again -> ENOENT");
	TAP_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev), EPERM, "regular file -> EPERM");
	TAP_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev), EBADF, "bad fd -> EBADF");
	TAP_ERRNO(epoll_wait(ep, out, 0, 0), EINVAL, "maxevents 0 -> EINVAL");
	TAP_ERRNO(syscall(SYS_epoll_create, 0), EINVAL, "epoll_create(0) -> EINVAL");
	return TAP_DONE();
}
