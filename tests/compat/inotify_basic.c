/* inotify_basic.c - inotify: IN_CREATE, IN_MODIFY, IN_DELETE with names; rm_watch; EINVAL. */
/* syscalls: inotify_init1 inotify_add_watch inotify_rm_watch inotify_init read */
#include "tap.h"
#include <poll.h>
#include <sys/inotify.h>
#include <sys/syscall.h>

static int next_event(int fd, struct inotify_event *ev, size_t cap)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, 2000) != 1)
		return -1;
	return read(fd, ev, cap);
}

int main(void)
{
	char buf[4096] __attribute__((aligned(8)));
	struct inotify_event *ev = (void *)buf;
	int fd, wd, legacy;

	TAP_PLAN(7);
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	TAP_OK(fd >= 0, "inotify_init1");
	wd = inotify_add_watch(fd, tap_tmpdir(), IN_CREATE | IN_DELETE | IN_MODIFY);
	TAP_OK(wd >= 0, "add_watch on tmp dir");
	close(open(tap_path("f"), O_CREAT | O_WRONLY, 0600));
	TAP_OK(next_event(fd, ev, sizeof(buf)) > 0 && ev->wd == wd && (ev->mask & IN_CREATE) &&
		       !strcmp(ev->name, "f"), "IN_CREATE f");
	tap_write_file(tap_path("f"), "x");
	TAP_OK(next_event(fd, ev, sizeof(buf)) > 0 && (ev->mask & IN_MODIFY), "IN_MODIFY");
	unlink(tap_path("f"));
	TAP_OK(next_event(fd, ev, sizeof(buf)) > 0 && (ev->mask & IN_DELETE) && !strcmp(ev->name, "f"), "IN_DELETE");
	TAP_OK(inotify_rm_watch(fd, wd) == 0, "rm_watch");
	legacy = syscall(SYS_inotify_init);
	TAP_ERRNO(inotify_rm_watch(legacy, 12345), EINVAL, "unknown wd -> EINVAL");
	return TAP_DONE();
}
