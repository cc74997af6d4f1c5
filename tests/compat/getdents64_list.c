/* getdents64_list.c - getdents64(2) lists every entry incl. . and .., with d_type. */
/* syscalls: getdents64 openat */
#include "tap.h"
#include <dirent.h>
#include <sys/syscall.h>

struct ent {
	unsigned long long ino;
	long long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

int main(void)
{
	char buf[4096];
	int fd, n, found = 0, types = 0, total = 0;

	TAP_PLAN(5);
	tap_write_file(tap_path("a"), "");
	tap_write_file(tap_path("b"), "");
	mkdir(tap_path("d"), 0700);
	fd = open(tap_tmpdir(), O_RDONLY | O_DIRECTORY);
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (int off = 0; off < n;) {
			struct ent *e = (struct ent *)(buf + off);

			total++;
			if (!strcmp(e->name, "a") || !strcmp(e->name, "b") || !strcmp(e->name, "d") ||
			    !strcmp(e->name, ".") || !strcmp(e->name, ".."))
				found++;
			if ((!strcmp(e->name, "a") && e->type == DT_REG) ||
			    (!strcmp(e->name, "d") && e->type == DT_DIR))
				types++;
			off += e->reclen;
		}
	}
	TAP_OK(n == 0, "getdents64 ends with 0");
	TAP_OK(found == 5 && total == 5, "5 entries: . .. a b d (got %d/%d)", found, total);
	TAP_OK(types == 2, "d_type DT_REG and DT_DIR");
	lseek(fd, 0, SEEK_SET);
	TAP_ERRNO(syscall(SYS_getdents64, fd, buf, 1), EINVAL, "tiny buffer -> EINVAL");
	close(fd);
	fd = open(tap_path("a"), O_RDONLY);
	TAP_ERRNO(syscall(SYS_getdents64, fd, buf, sizeof(buf)), ENOTDIR, "on a file -> ENOTDIR");
	return TAP_DONE();
}
