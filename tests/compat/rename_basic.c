/* rename_basic.c - rename/renameat: move, replace, dir rules (ENOTEMPTY, EISDIR, EINVAL). */
/* syscalls: rename renameat */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	char buf[8];
	int dfd;

	TAP_PLAN(8);
	tap_write_file(tap_path("a"), "A");
	tap_write_file(tap_path("b"), "B");
	TAP_OK(syscall(SYS_rename, tap_path("a"), tap_path("c")) == 0, "rename a -> c");
	TAP_OK(access(tap_path("a"), F_OK) < 0 && tap_read_file(tap_path("c"), buf, 8) == 1, "a gone, c there");
	TAP_OK(syscall(SYS_rename, tap_path("c"), tap_path("b")) == 0 &&
		       tap_read_file(tap_path("b"), buf, 8) == 1 && buf[0] == 'A', "replace b atomically");
	mkdir(tap_path("d1"), 0700);
	mkdir(tap_path("d2"), 0700);
	tap_write_file(tap_path("d2/x"), "");
	TAP_ERRNO(syscall(SYS_rename, tap_path("d1"), tap_path("d2")), ENOTEMPTY, "dir onto non-empty -> ENOTEMPTY");
	TAP_ERRNO(syscall(SYS_rename, tap_path("b"), tap_path("d1")), EISDIR, "file onto dir -> EISDIR");
	TAP_ERRNO(syscall(SYS_rename, tap_path("d1"), tap_path("d1/sub")), EINVAL, "dir into itself -> EINVAL");
	dfd = open(tap_tmpdir(), O_RDONLY | O_DIRECTORY);
	TAP_OK(syscall(SYS_renameat, dfd, "b", dfd, "e") == 0, "renameat relative");
	TAP_ERRNO(syscall(SYS_renameat, dfd, "missing", dfd, "x"), ENOENT, "missing source -> ENOENT");
	close(dfd);
	return TAP_DONE();
}
