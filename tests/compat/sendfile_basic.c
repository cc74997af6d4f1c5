/* sendfile_basic.c - sendfile(2) file->file and file->pipe, with and without an offset. */
/* syscalls: sendfile */
#include "tap.h"
#include <sys/sendfile.h>

int main(void)
{
	char buf[16] = { 0 };
	off_t off = 2;
	int in, out, p[2];

	TAP_PLAN(6);
	tap_write_file(tap_path("in"), "0123456789");
	in = open(tap_path("in"), O_RDONLY);
	out = open(tap_path("out"), O_RDWR | O_CREAT, 0600);
	TAP_OK(sendfile(out, in, &off, 5) == 5 && off == 7, "with offset: 5 bytes, offset updated");
	TAP_OK(lseek(in, 0, SEEK_CUR) == 0, "file offset of in untouched");
	TAP_OK(pread(out, buf, 16, 0) == 5 && !strcmp(buf, "23456"), "data copied");
	pipe(p);
	TAP_OK(sendfile(p[1], in, NULL, 100) == 10 && lseek(in, 0, SEEK_CUR) == 10, "NULL offset uses file offset");
	TAP_OK(read(p[0], buf, 16) == 10 && !memcmp(buf, "0123456789", 10), "pipe got the data");
	TAP_ERRNO(sendfile(out, 999, NULL, 1), EBADF, "bad in fd -> EBADF");
	return TAP_DONE();
}
