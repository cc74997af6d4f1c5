/* splice_pipe.c - splice(2) file->pipe->file; EINVAL when neither end is a pipe. */
/* syscalls: splice */
#include "tap.h"

int main(void)
{
	char buf[16] = { 0 };
	loff_t off = 3;
	int in, out, p[2];

	TAP_PLAN(5);
	tap_write_file(tap_path("in"), "abcdefghij");
	in = open(tap_path("in"), O_RDONLY);
	out = open(tap_path("out"), O_RDWR | O_CREAT, 0600);
	pipe(p);
	TAP_OK(splice(in, &off, p[1], NULL, 4, 0) == 4 && off == 7, "file -> pipe, offset advanced");
	TAP_OK(splice(p[0], NULL, out, NULL, 4, 0) == 4, "pipe -> file");
	TAP_OK(pread(out, buf, 16, 0) == 4 && !strcmp(buf, "defg"), "data arrived");
	TAP_ERRNO(splice(in, NULL, out, NULL, 4, 0), EINVAL, "no pipe -> EINVAL");
	TAP_ERRNO(splice(p[0], &off, out, NULL, 4, 0), ESPIPE, "offset on pipe side -> ESPIPE");
	return TAP_DONE();
}
