/* open_creat_excl.c - openat(2) O_CREAT and O_CREAT|O_EXCL: create once, then EEXIST. */
/* syscalls: openat close newfstatat */
#include "tap.h"

int main(void)
{
	const char *p = tap_path("f");
	struct stat st;
	int fd;

	TAP_PLAN(6);
	fd = open(p, O_CREAT | O_EXCL | O_WRONLY, 0640);
	TAP_OK(fd >= 0, "O_CREAT|O_EXCL creates a new file");
	TAP_OK(stat(p, &st) == 0 && S_ISREG(st.st_mode), "created file is regular");
	TAP_OK((st.st_mode & 0777) == (0640 & ~umask(022)), "mode honours umask");
	TAP_OK(close(fd) == 0, "close");
	TAP_ERRNO(open(p, O_CREAT | O_EXCL | O_WRONLY, 0600), EEXIST, "O_EXCL on existing -> EEXIST");
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	TAP_OK(fd >= 0 && close(fd) == 0, "O_CREAT without O_EXCL opens existing");
	return TAP_DONE();
}
