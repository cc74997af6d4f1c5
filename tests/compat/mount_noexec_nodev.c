/* mount_noexec_nodev.c - per-mount flags: MS_NOEXEC refuses execve (EACCES), MS_NODEV
 * refuses opening device nodes (EACCES), MS_NOSUID is listed; remounting without them
 * lifts them. In its own mount namespace (mount_isolate.h). */
/* syscalls: mount unshare execve mknodat openat */
#include "mount_isolate.h"
#include <sys/sysmacros.h>

static int run(const char *path)
{
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = {(char *)path, NULL};
		execv(path, argv);
		_exit(errno == EACCES ? 126 : 127);
	}
	int st = tap_wait(pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(void)
{
	char line[4096];
	TAP_PLAN(8);
	mnt_isolate();
	const char *m = strdup(tap_path("m")), *prog = strdup(tap_path("m/prog")),
		   *dev = strdup(tap_path("m/null"));
	mkdir(m, 0755);
	TAP_OK(mount("t", m, "tmpfs", MS_NOEXEC | MS_NODEV | MS_NOSUID, NULL) == 0,
	       "mount noexec,nodev,nosuid");
	TAP_OK(tap_write_file(prog, "#!/bin/sh\nexit 7\n") == 0 && chmod(prog, 0755) == 0 &&
		   mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0,
	       "a script and a device node");
	TAP_OK(run(prog) == 126, "exec on noexec is EACCES");
	TAP_ERRNO(open(dev, O_RDWR), EACCES, "device open on nodev is EACCES");
	TAP_OK(mnt_info_line(m, line, sizeof(line)) && strstr(line, "nosuid,nodev,noexec"),
	       "mountinfo lists nosuid,nodev,noexec");
	TAP_OK(mount(NULL, m, NULL, MS_REMOUNT | MS_BIND, NULL) == 0, "remount,bind without them");
	TAP_OK(run(prog) == 7, "exec works again");
	int fd = open(dev, O_RDWR);
	TAP_OK(fd >= 0 && write(fd, "x", 1) == 1, "device open works again");
	return TAP_DONE();
}
