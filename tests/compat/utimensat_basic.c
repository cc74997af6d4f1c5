/* utimensat_basic.c - utimensat/futimens set times; UTIME_OMIT, UTIME_NOW; utimes legacy. */
/* syscalls: utimensat utimes utime */
#include "tap.h"
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <utime.h>

int main(void)
{
	struct timespec ts[2] = { { 1000000, 500 }, { 2000000, 700 } };
	struct timeval tv[2] = { { 3000, 0 }, { 4000, 0 } };
	struct utimbuf ub = { 5000, 6000 };
	struct stat st;
	time_t now = time(NULL);

	TAP_PLAN(7);
	tap_write_file(tap_path("f"), "");
	TAP_OK(utimensat(AT_FDCWD, tap_path("f"), ts, 0) == 0, "utimensat");
	TAP_OK(stat(tap_path("f"), &st) == 0 && st.st_atim.tv_sec == 1000000 && st.st_atim.tv_nsec == 500 &&
		       st.st_mtim.tv_sec == 2000000 && st.st_mtim.tv_nsec == 700, "atime/mtime with ns");
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_NOW;
	TAP_OK(utimensat(AT_FDCWD, tap_path("f"), ts, 0) == 0 && stat(tap_path("f"), &st) == 0 &&
		       st.st_atim.tv_sec == 1000000 && st.st_mtime >= now - 5, "UTIME_OMIT keeps, UTIME_NOW sets");
	ts[0].tv_nsec = 2000000000;
	TAP_ERRNO(utimensat(AT_FDCWD, tap_path("f"), ts, 0), EINVAL, "bad tv_nsec -> EINVAL");
	TAP_OK(syscall(SYS_utimes, tap_path("f"), tv) == 0 && stat(tap_path("f"), &st) == 0 &&
		       st.st_atime == 3000 && st.st_mtime == 4000, "utimes");
	TAP_OK(syscall(SYS_utime, tap_path("f"), &ub) == 0 && stat(tap_path("f"), &st) == 0 &&
		       st.st_atime == 5000 && st.st_mtime == 6000, "utime");
	TAP_ERRNO(utimensat(AT_FDCWD, tap_path("none"), NULL, 0), ENOENT, "missing -> ENOENT");
	return TAP_DONE();
}
