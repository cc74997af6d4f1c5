/* umount_busy.c - umount2(2): EBUSY with a file open or a cwd inside or a submount,
 * EINVAL for a non-mount-point and bad flags, MNT_DETACH while busy (the open file keeps
 * working), MNT_EXPIRE (EAGAIN first), UMOUNT_NOFOLLOW on a symlink. In its own mount
 * namespace (mount_isolate.h). */
/* syscalls: umount2 mount unshare chdir */
#include "mount_isolate.h"

int main(void)
{
	char buf[16];
	int pfd[2];
	TAP_PLAN(12);
	mnt_isolate();
	const char *m = strdup(tap_path("m")), *lnk = strdup(tap_path("lnk"));
	mkdir(m, 0755);
	symlink(m, lnk);
	TAP_OK(mount("t", m, "tmpfs", 0, NULL) == 0 && tap_write_file(tap_path("m/f"), "data") == 0,
	       "a tmpfs with a file");
	int fd = open(tap_path("m/f"), O_RDONLY);
	TAP_ERRNO(umount2(m, 0), EBUSY, "an open file makes it busy");
	close(fd);
	pipe(pfd);
	pid_t pid = fork();
	if (pid == 0) {
		close(pfd[1]);
		if (chdir(m) == 0)
			read(pfd[0], buf, 1);
		_exit(0);
	}
	close(pfd[0]);
	usleep(1000);
	for (int i = 0; i < 2000; i++) { /* until the child's chdir is done */
		char cwd[64], link[300];
		snprintf(cwd, sizeof(cwd), "/proc/%d/cwd", pid);
		ssize_t n = readlink(cwd, link, sizeof(link) - 1);
		if (n > 0 && (link[n] = 0, !strcmp(link, m)))
			break;
		usleep(1000);
	}
	TAP_ERRNO(umount2(m, 0), EBUSY, "a cwd inside makes it busy");
	close(pfd[1]);
	tap_wait(pid);
	mkdir(tap_path("m/sub"), 0755);
	TAP_OK(mount("t2", tap_path("m/sub"), "tmpfs", 0, NULL) == 0 && umount2(m, 0) == -1 &&
		   errno == EBUSY,
	       "a submount makes it busy");
	TAP_OK(umount2(tap_path("m/sub"), 0) == 0, "the submount unmounts");
	TAP_ERRNO(umount2(tap_path("m/sub"), 0), EINVAL, "a non-mount-point is EINVAL");
	TAP_ERRNO(umount2(m, 0x100), EINVAL, "unknown flags are EINVAL");
	TAP_ERRNO(umount2(m, MNT_EXPIRE | MNT_DETACH), EINVAL, "MNT_EXPIRE with MNT_DETACH");
	TAP_ERRNO(umount2(lnk, UMOUNT_NOFOLLOW), EINVAL, "UMOUNT_NOFOLLOW: the link is no mount");
	TAP_ERRNO(umount2(m, MNT_EXPIRE), EAGAIN, "MNT_EXPIRE marks it first");
	fd = open(tap_path("m/f"), O_RDONLY);
	TAP_OK(umount2(lnk, MNT_DETACH) == 0 && access(tap_path("m/f"), F_OK) < 0,
	       "MNT_DETACH (through the symlink) while a file is open");
	TAP_OK(read(fd, buf, sizeof(buf)) == 4 && !memcmp(buf, "data", 4),
	       "the open file still reads");
	close(fd);
	return TAP_DONE();
}
