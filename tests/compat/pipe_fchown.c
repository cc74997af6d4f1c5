/* pipe_fchown.c - a pipe's inode has an owner and a mode: fchown, fchmod and futimens work
 * on it (runc hands the container's stdio pipes to the container's user this way). */
/* syscalls: pipe2 fchown fchmod utimensat fstat setresuid */
#include "tap.h"
#include <sys/stat.h>

int main(void)
{
	int p[2];
	struct stat st;

	TAP_PLAN(8);
	TAP_OK(pipe2(p, O_CLOEXEC) == 0 && fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode) &&
		       (st.st_mode & 07777) == 0600 && st.st_uid == geteuid() &&
		       st.st_gid == getegid(),
	       "a new pipe is S_IFIFO 0600, owned by its creator");
	TAP_OK(fchown(p[0], 1234, 4321) == 0 && fstat(p[1], &st) == 0 && st.st_uid == 1234 &&
		       st.st_gid == 4321,
	       "fchown of one end changes the inode both ends share");
	TAP_OK(fchmod(p[1], 0640) == 0 && fstat(p[0], &st) == 0 &&
		       st.st_mode == (S_IFIFO | 0640),
	       "fchmod changes its mode");
	struct timespec ts[2] = { { 1000, 0 }, { 2000, 0 } };
	TAP_OK(futimens(p[0], ts) == 0 && fstat(p[0], &st) == 0 && st.st_mtim.tv_sec == 2000 &&
		       st.st_atim.tv_sec == 1000,
	       "futimens sets its times");

	int c[2];
	pipe(c);
	pid_t pid = fork();
	if (pid == 0) {
		int q[2];
		struct stat s;
		close(c[0]);
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(1);
		int ok = pipe(q) == 0 && fstat(q[0], &s) == 0 && s.st_uid == 65534 &&
			 s.st_gid == 65534;
		ok |= (fchown(p[0], 65534, 65534) == -1 && errno == EPERM) << 1;
		ok |= (fchmod(p[0], 0666) == -1 && errno == EPERM) << 2;
		ok |= (fchown(q[0], 65534, 65534) == 0) << 3;
		char b = (char)ok;
		write(c[1], &b, 1);
		_exit(0);
	}
	close(c[1]);
	char r = 0;
	read(c[0], &r, 1);
	tap_wait(pid);
	TAP_OK(r & 1, "a pipe made by an unprivileged user is owned by it");
	TAP_OK(r & 2, "fchown of another user's pipe: EPERM without CAP_CHOWN");
	TAP_OK(r & 4, "fchmod of another user's pipe: EPERM");
	TAP_OK(r & 8, "fchown of one's own pipe to one's own ids succeeds");
	return TAP_DONE();
}
