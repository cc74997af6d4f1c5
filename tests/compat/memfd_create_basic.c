/* memfd_create_basic.c - memfd_create: anonymous file, /proc link name, seals. */
/* syscalls: memfd_create fcntl ftruncate */
#include "tap.h"
#include <sys/mman.h>

int main(void)
{
	char link[64], target[128] = { 0 };
	int fd;

	TAP_PLAN(7);
	fd = memfd_create("compat", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	TAP_OK(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "memfd with MFD_CLOEXEC");
	TAP_OK(write(fd, "abc", 3) == 3 && pread(fd, link, 3, 0) == 3 && !memcmp(link, "abc", 3), "read/write");
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	TAP_OK(readlink(link, target, sizeof(target)) > 0 && !strncmp(target, "/memfd:compat", 13),
	       "/proc link is /memfd:compat (%s)", target);
	TAP_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK) == 0 &&
		       fcntl(fd, F_GET_SEALS) == (F_SEAL_GROW | F_SEAL_SHRINK), "add seals");
	TAP_ERRNO(ftruncate(fd, 100), EPERM, "grow under F_SEAL_GROW -> EPERM");
	TAP_ERRNO(memfd_create("x", 0x1000), EINVAL, "bad flags -> EINVAL");
	close(fd);
	fd = memfd_create("noseal", 0);
	TAP_ERRNO(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EPERM, "sealing not allowed -> EPERM");
	return TAP_DONE();
}
