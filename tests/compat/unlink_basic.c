/* unlink_basic.c - unlink/unlinkat: open fd survives unlink; EISDIR; AT_REMOVEDIR. */
/* syscalls: unlink unlinkat */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	char buf[8] = { 0 };
	int fd, dfd;

	TAP_PLAN(8);
	tap_write_file(tap_path("f"), "keep");
	fd = open(tap_path("f"), O_RDONLY);
	TAP_OK(syscall(SYS_unlink, tap_path("f")) == 0, "unlink");
	TAP_OK(access(tap_path("f"), F_OK) < 0 && errno == ENOENT, "name is gone");
	TAP_OK(read(fd, buf, 8) == 4 && !strcmp(buf, "keep"), "open fd still reads data");
	TAP_ERRNO(syscall(SYS_unlink, tap_path("f")), ENOENT, "unlink again -> ENOENT");
	mkdir(tap_path("d"), 0700);
	TAP_ERRNO(syscall(SYS_unlink, tap_path("d")), EISDIR, "unlink dir -> EISDIR");
	dfd = open(tap_tmpdir(), O_RDONLY | O_DIRECTORY);
	TAP_ERRNO(unlinkat(dfd, "d", 0x1), EINVAL, "unknown flag -> EINVAL");
	TAP_OK(unlinkat(dfd, "d", AT_REMOVEDIR) == 0, "unlinkat AT_REMOVEDIR");
	tap_write_file(tap_path("g"), "");
	TAP_ERRNO(unlinkat(dfd, "g", AT_REMOVEDIR), ENOTDIR, "AT_REMOVEDIR on file -> ENOTDIR");
	close(fd);
	close(dfd);
	return TAP_DONE();
}
