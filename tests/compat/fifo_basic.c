/* fifo_basic.c - mkfifo/mknodat S_IFIFO: open rules (ENXIO), data through, EEXIST. */
/* syscalls: mknodat mknod openat read write */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	struct stat st;
	char buf[8] = { 0 };
	int r, w;

	TAP_PLAN(7);
	TAP_OK(mkfifo(tap_path("f"), 0600) == 0, "mkfifo");
	TAP_OK(stat(tap_path("f"), &st) == 0 && S_ISFIFO(st.st_mode), "S_ISFIFO");
	TAP_ERRNO(open(tap_path("f"), O_WRONLY | O_NONBLOCK), ENXIO, "O_WRONLY|O_NONBLOCK without reader -> ENXIO");
	r = open(tap_path("f"), O_RDONLY | O_NONBLOCK);
	TAP_OK(r >= 0, "O_RDONLY|O_NONBLOCK opens at once");
	w = open(tap_path("f"), O_WRONLY | O_NONBLOCK);
	TAP_OK(w >= 0 && write(w, "fifo", 4) == 4 && read(r, buf, 8) == 4 && !strcmp(buf, "fifo"), "data flows");
	TAP_OK(syscall(SYS_mknod, tap_path("g"), S_IFIFO | 0600, 0) == 0, "mknod S_IFIFO");
	TAP_ERRNO(mkfifo(tap_path("g"), 0600), EEXIST, "mkfifo existing -> EEXIST");
	return TAP_DONE();
}
