/* umask_basic.c - umask(2) returns the previous mask and applies to open/mkdir. */
/* syscalls: umask openat mkdir */
#include "tap.h"

int main(void)
{
	struct stat st;

	TAP_PLAN(4);
	umask(022);
	TAP_OK(umask(077) == 022, "umask returns previous");
	close(open(tap_path("f"), O_CREAT | O_WRONLY, 0666));
	TAP_OK(stat(tap_path("f"), &st) == 0 && (st.st_mode & 0777) == 0600, "file 0666 & ~077 = 0600");
	mkdir(tap_path("d"), 0777);
	TAP_OK(stat(tap_path("d"), &st) == 0 && (st.st_mode & 0777) == 0700, "dir 0777 & ~077 = 0700");
	TAP_OK(umask(01777) == 077 && umask(022) == 0777, "only 0777 bits kept");
	return TAP_DONE();
}
