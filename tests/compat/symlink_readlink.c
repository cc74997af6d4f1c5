/* symlink_readlink.c - symlink/symlinkat/readlink/readlinkat: content, truncation, EINVAL. */
/* syscalls: symlink symlinkat readlink readlinkat */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	char buf[64];
	int dfd;
	long n;

	TAP_PLAN(7);
	TAP_OK(syscall(SYS_symlink, "some/target", tap_path("l")) == 0, "symlink (dangling is fine)");
	n = syscall(SYS_readlink, tap_path("l"), buf, sizeof(buf));
	TAP_OK(n == 11 && !memcmp(buf, "some/target", 11), "readlink returns target, no NUL");
	TAP_OK(syscall(SYS_readlink, tap_path("l"), buf, 4) == 4 && !memcmp(buf, "some", 4),
	       "readlink truncates silently");
	tap_write_file(tap_path("f"), "");
	TAP_ERRNO(syscall(SYS_readlink, tap_path("f"), buf, sizeof(buf)), EINVAL, "not a link -> EINVAL");
	dfd = open(tap_tmpdir(), O_RDONLY | O_DIRECTORY);
	TAP_OK(symlinkat("f", dfd, "l2") == 0, "symlinkat relative");
	TAP_OK(readlinkat(dfd, "l2", buf, sizeof(buf)) == 1 && buf[0] == 'f', "readlinkat");
	TAP_ERRNO(syscall(SYS_symlink, "x", tap_path("l")), EEXIST, "symlink existing -> EEXIST");
	close(dfd);
	return TAP_DONE();
}
