/* fcntl_ofd_lock.c - open file description locks: conflict between two opens in one process. */
/* syscalls: fcntl */
#include "tap.h"

static int ofd(int fd, int cmd, short type, struct flock *out)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 100 };
	int r = fcntl(fd, cmd, &fl);

	if (out)
		*out = fl;
	return r;
}

int main(void)
{
	struct flock fl;
	int a, b, c;

	TAP_PLAN(5);
	a = open(tap_path("f"), O_RDWR | O_CREAT, 0600);
	b = open(tap_path("f"), O_RDWR);
	TAP_OK(ofd(a, F_OFD_SETLK, F_WRLCK, NULL) == 0, "OFD write lock on a");
	TAP_ERRNO(ofd(b, F_OFD_SETLK, F_WRLCK, NULL), EAGAIN, "second description conflicts -> EAGAIN");
	TAP_OK(ofd(b, F_OFD_GETLK, F_WRLCK, &fl) == 0 && fl.l_type == F_WRLCK && fl.l_pid == -1,
	       "F_OFD_GETLK sees it, l_pid -1");
	c = dup(a);
	close(c);
	TAP_ERRNO(ofd(b, F_OFD_SETLK, F_RDLCK, NULL), EAGAIN, "closing a dup keeps the OFD lock");
	close(a);
	TAP_OK(ofd(b, F_OFD_SETLK, F_WRLCK, NULL) == 0, "released when description closes");
	return TAP_DONE();
}
