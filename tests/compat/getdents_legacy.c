/* getdents_legacy.c - the old getdents(2) (linux_dirent with d_type in the last byte). */
/* syscalls: getdents */
#include "tap.h"
#include <dirent.h>
#include <sys/syscall.h>

struct ldent {
	unsigned long ino;
	unsigned long off;
	unsigned short reclen;
	char name[];
};

int main(void)
{
	char buf[4096];
	int fd, n, seen = 0;

	TAP_PLAN(3);
	tap_write_file(tap_path("zz"), "");
	fd = open(tap_tmpdir(), O_RDONLY | O_DIRECTORY);
	n = syscall(SYS_getdents, fd, buf, sizeof(buf));
	TAP_OK(n > 0, "getdents returns entries");
	for (int off = 0; n > 0 && off < n;) {
		struct ldent *e = (struct ldent *)(buf + off);

		if (!strcmp(e->name, "zz") && buf[off + e->reclen - 1] == DT_REG)
			seen = 1;
		off += e->reclen;
	}
	TAP_OK(seen, "entry zz with DT_REG in the last byte");
	TAP_ERRNO(syscall(SYS_getdents, 999, buf, sizeof(buf)), EBADF, "bad fd -> EBADF");
	return TAP_DONE();
}
