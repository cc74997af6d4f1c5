/* xattr_errors.c - xattr errors: ENODATA, ERANGE, XATTR_CREATE/REPLACE, EOPNOTSUPP namespace. */
/* syscalls: setxattr getxattr removexattr listxattr */
#include "tap.h"
#include <sys/xattr.h>

int main(void)
{
	char path[64], buf[4];

	TAP_PLAN(6);
	snprintf(path, sizeof(path), "/dev/shm/cvisor-compat-xerr-%d", getpid());
	close(open(path, O_RDWR | O_CREAT | O_TRUNC, 0600));
	if (setxattr(path, "user.a", "hello", 5, 0) < 0 && errno == EOPNOTSUPP) {
		unlink(path);
		TAP_SKIP_ALL("user xattrs unsupported on /dev/shm");
	}
	TAP_ERRNO(getxattr(path, "user.none", buf, sizeof(buf)), ENODATA, "missing -> ENODATA");
	TAP_ERRNO(getxattr(path, "user.a", buf, 2), ERANGE, "small buffer -> ERANGE");
	TAP_ERRNO(setxattr(path, "user.a", "x", 1, XATTR_CREATE), EEXIST, "XATTR_CREATE existing -> EEXIST");
	TAP_ERRNO(setxattr(path, "user.n", "x", 1, XATTR_REPLACE), ENODATA, "XATTR_REPLACE missing -> ENODATA");
	TAP_ERRNO(removexattr(path, "user.none"), ENODATA, "remove missing -> ENODATA");
	TAP_ERRNO(setxattr(path, "bogus.a", "x", 1, 0), EOPNOTSUPP, "unknown namespace -> EOPNOTSUPP");
	unlink(path);
	return TAP_DONE();
}
