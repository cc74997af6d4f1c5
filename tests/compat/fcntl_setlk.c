/* fcntl_setlk.c - POSIX record locks between processes: F_SETLK conflict, F_GETLK owner. */
/* syscalls: fcntl fork wait4 */
#include "tap.h"

static int lock(int fd, int cmd, short type, off_t start, off_t len, struct flock *out)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
	int r = fcntl(fd, cmd, &fl);

	if (out)
		*out = fl;
	return r;
}

int main(void)
{
	int fd, go[2], done[2];
	struct flock fl;
	pid_t pid;
	char c;

	TAP_PLAN(6);
	fd = open(tap_path("f"), O_RDWR | O_CREAT, 0600);
	pipe(go);
	pipe(done);
	pid = fork();
	if (pid == 0) {
		int cfd = open(tap_path("f"), O_RDWR);

		lock(cfd, F_SETLK, F_WRLCK, 0, 10, NULL);
		write(go[1], "g", 1);
		read(done[0], &c, 1);
		_exit(0);
	}
	read(go[0], &c, 1);
	TAP_ERRNO(lock(fd, F_SETLK, F_WRLCK, 5, 1, NULL), EAGAIN, "conflicting F_SETLK -> EAGAIN");
	TAP_OK(lock(fd, F_GETLK, F_WRLCK, 0, 1, &fl) == 0 && fl.l_type == F_WRLCK && fl.l_pid == pid &&
		       fl.l_start == 0 && fl.l_len == 10, "F_GETLK reports child's lock");
	TAP_OK(lock(fd, F_SETLK, F_WRLCK, 10, 5, NULL) == 0, "non-overlapping range locks");
	TAP_OK(lock(fd, F_GETLK, F_RDLCK, 20, 1, &fl) == 0 && fl.l_type == F_UNLCK, "F_GETLK free range -> F_UNLCK");
	write(done[1], "d", 1);
	tap_wait(pid);
	TAP_OK(lock(fd, F_SETLKW, F_WRLCK, 0, 10, NULL) == 0, "lock free after child exit");
	TAP_ERRNO(lock(fd, F_SETLK, 99, 0, 1, NULL), EINVAL, "bad l_type -> EINVAL");
	return TAP_DONE();
}
