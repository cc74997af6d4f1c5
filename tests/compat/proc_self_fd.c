/* proc_self_fd.c - /proc/self/fd lists an open fd; its link names the file; fdinfo has flags. */
/* syscalls: openat readlink getdents64 */
#include "tap.h"
#include <dirent.h>

int main(void)
{
	char link[64], target[256] = { 0 }, info[256];
	DIR *d;
	struct dirent *e;
	int fd, seen = 0;

	TAP_PLAN(4);
	tap_write_file(tap_path("f"), "");
	fd = open(tap_path("f"), O_RDONLY | O_CLOEXEC);
	d = opendir("/proc/self/fd");
	while (d && (e = readdir(d)))
		if (atoi(e->d_name) == fd && e->d_name[0] != '.')
			seen = 1;
	closedir(d);
	TAP_OK(seen, "fd %d listed", fd);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	TAP_OK(readlink(link, target, sizeof(target)) > 0 && !strcmp(target, tap_path("f")), "link target is the path");
	snprintf(link, sizeof(link), "/proc/self/fdinfo/%d", fd);
	TAP_OK(tap_read_file(link, info, sizeof(info)) > 0 && strstr(info, "pos:\t0") && strstr(info, "flags:\t02"),
	       "fdinfo pos 0, O_CLOEXEC flags");
	close(fd);
	TAP_OK(access(link, F_OK) < 0, "gone after close");
	return TAP_DONE();
}
