/* execveat_cloned_exe.c - runc's "cloned binary" trick: bind its binary read-only onto
 * a file, open it O_PATH, detach and unlink it, execveat(fd, "", AT_EMPTY_PATH). The new
 * image's /proc/self/exe is that file on its read-only (detached) mount. */
/* syscalls: execveat mount umount2 openat fstatfs */
#include "mount_isolate.h"
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "child")) {
		struct statfs sf;
		char hdr[4];
		int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fstatfs(fd, &sf) < 0)
			_exit(2);
		if (!(sf.f_flags & ST_RDONLY))
			_exit(3);
		if (read(fd, hdr, 4) != 4 || memcmp(hdr, "\177ELF", 4))
			_exit(4);
		_exit(0);
	}
	TAP_PLAN(4);
	/* /proc/self/exe names the binary's mount in the namespace the test started in:
	 * resolve its path again in the private copy (a bind from another namespace is
	 * EINVAL). */
	char self[512] = { 0 };
	readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *base = mnt_isolate();
	char path[256];
	snprintf(path, sizeof(path), "%s/exe.copy", base);
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	close(fd);
	TAP_OK(mount(self, path, "", MS_BIND, NULL) == 0 &&
		       mount("", path, "", MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) == 0,
	       "bind /proc/self/exe onto a file, remount it read-only");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_PATH);
	TAP_OK(fd >= 0 && umount2(path, MNT_DETACH) == 0 && unlink(path) == 0,
	       "open it O_PATH, detach the mount, unlink the file");
	pid_t pid = fork();
	if (pid == 0) {
		char *av[] = { "execveat_cloned_exe", "child", NULL }, *ev[] = { NULL };
		syscall(SYS_execveat, fd, "", av, ev, AT_EMPTY_PATH);
		_exit(99);
	}
	int st = tap_wait(pid);
	TAP_OK(tap_exited(st, 0),
	       "the new image's /proc/self/exe is the file on its read-only mount (status %#x)", st);
	TAP_ERRNO(syscall(SYS_execveat, fd, "x", (char *[]){ NULL }, (char *[]){ NULL },
			  AT_EMPTY_PATH),
		  ENOTDIR, "execveat(O_PATH file fd, \"x\"): ENOTDIR");
	return TAP_DONE();
}
