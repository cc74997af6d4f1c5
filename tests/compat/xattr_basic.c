/* xattr_basic.c - user.* xattrs on a /dev/shm file: set/get/list/remove, l* and f* forms. */
/* syscalls: setxattr getxattr listxattr removexattr fsetxattr fgetxattr flistxattr fremovexattr lsetxattr lgetxattr llistxattr lremovexattr */
#include "tap.h"
#include <sys/xattr.h>

int main(void)
{
	char path[64], buf[128];
	ssize_t n;
	int fd;

	TAP_PLAN(9);
	snprintf(path, sizeof(path), "/dev/shm/cvisor-compat-xattr-%d", getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fsetxattr(fd, "user.probe", "1", 1, 0) < 0 && errno == EOPNOTSUPP) {
		unlink(path);
		TAP_SKIP_ALL("user xattrs unsupported on /dev/shm");
	}
	TAP_OK(setxattr(path, "user.a", "hello", 5, 0) == 0, "setxattr");
	n = getxattr(path, "user.a", buf, sizeof(buf));
	TAP_OK(n == 5 && !memcmp(buf, "hello", 5), "getxattr");
	TAP_OK(getxattr(path, "user.a", NULL, 0) == 5, "size query with NULL buffer");
	n = listxattr(path, buf, sizeof(buf));
	TAP_OK(n == (ssize_t)sizeof("user.probe\0user.a") && memmem(buf, n, "user.a", 7), "listxattr");
	TAP_OK(fgetxattr(fd, "user.probe", buf, sizeof(buf)) == 1 && buf[0] == '1', "fgetxattr");
	TAP_OK(flistxattr(fd, buf, sizeof(buf)) == n && fremovexattr(fd, "user.probe") == 0, "flistxattr, fremovexattr");
	TAP_OK(lsetxattr(path, "user.b", "x", 1, 0) == 0 && lgetxattr(path, "user.b", buf, 4) == 1 &&
		       llistxattr(path, buf, sizeof(buf)) > 0, "lsetxattr/lgetxattr/llistxattr");
	TAP_OK(removexattr(path, "user.a") == 0 && lremovexattr(path, "user.b") == 0, "removexattr/lremovexattr");
	TAP_OK(listxattr(path, buf, sizeof(buf)) == 0, "no xattrs left");
	close(fd);
	unlink(path);
	return TAP_DONE();
}
