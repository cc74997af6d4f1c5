/* socket_fchown.c - a socket's (sockfs) inode has an owner, a mode and times: fchown,
 * fchmod and futimens work on TCP, UDP and AF_UNIX sockets and fstat shows the result;
 * the owner-or-CAP_FOWNER / CAP_CHOWN rules apply. */
/* syscalls: socket socketpair fchown fchmod utimensat fstat setresuid */
#include "tap.h"
#include <sys/socket.h>
#include <sys/stat.h>

/* fchmod + fchown + fstat of @fd: 1 when all took effect. */
static int chattr_ok(int fd, mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st;
	if (fchmod(fd, mode) < 0 || fchown(fd, uid, gid) < 0 || fstat(fd, &st) < 0)
		return 0;
	return st.st_mode == (S_IFSOCK | mode) && st.st_uid == uid && st.st_gid == gid;
}

int main(void)
{
	struct stat st;

	TAP_PLAN(9);
	int tcp = socket(AF_INET, SOCK_STREAM, 0);
	TAP_OK(tcp >= 0 && fstat(tcp, &st) == 0 && st.st_mode == (S_IFSOCK | 0777) &&
		       st.st_uid == geteuid() && st.st_gid == getegid(),
	       "a new socket is S_IFSOCK 0777, owned by its creator");
	TAP_OK(fchmod(tcp, 0640) == 0 && fstat(tcp, &st) == 0 && st.st_mode == (S_IFSOCK | 0640),
	       "fchmod of a TCP socket");
	TAP_OK(fchown(tcp, 1234, 4321) == 0 && fstat(tcp, &st) == 0 && st.st_uid == 1234 &&
		       st.st_gid == 4321,
	       "fchown of a TCP socket");
	struct timespec ts[2] = { { 1000, 0 }, { 2000, 0 } };
	TAP_OK(futimens(tcp, ts) == 0 && fstat(tcp, &st) == 0 && st.st_atim.tv_sec == 1000 &&
		       st.st_mtim.tv_sec == 2000,
	       "futimens of a socket sets its times");

	int udp = socket(AF_INET, SOCK_DGRAM, 0);
	TAP_OK(udp >= 0 && chattr_ok(udp, 0600, 55, 66), "fchmod and fchown of a UDP socket");

	int sp[2];
	TAP_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0 && chattr_ok(sp[0], 0700, 77, 88) &&
		       fstat(sp[1], &st) == 0 && st.st_mode == (S_IFSOCK | 0777) &&
		       st.st_uid == geteuid(),
	       "AF_UNIX: each end of a socketpair has its own inode");

	int c[2];
	if (pipe(c) < 0)
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		close(c[0]);
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(1);
		int mine = socket(AF_UNIX, SOCK_DGRAM, 0);
		int ok = mine >= 0 && fchmod(mine, 0600) == 0 && fchown(mine, -1, 65534) == 0 &&
			 fstat(mine, &st) == 0 && st.st_mode == (S_IFSOCK | 0600);
		ok |= (fchown(mine, 0, -1) == -1 && errno == EPERM) << 1;
		ok |= (fchmod(tcp, 0666) == -1 && errno == EPERM) << 2;
		ok |= (fchown(tcp, 65534, -1) == -1 && errno == EPERM) << 3;
		char b = (char)ok;
		write(c[1], &b, 1);
		_exit(0);
	}
	close(c[1]);
	char r = 0;
	read(c[0], &r, 1);
	tap_wait(pid);
	TAP_OK(r & 1, "an unprivileged owner may fchmod its socket and chown it to its group");
	TAP_OK((r & 2) && (r & 4), "but not give it away, nor fchmod another's socket (EPERM)");
	TAP_OK(r & 8, "nor fchown another's socket (EPERM)");
	return TAP_DONE();
}
