/* mount_pseudo_fs.c - mounting the pseudo filesystems a container runtime mounts: proc
 * (PROC_SUPER_MAGIC, /proc/self names the caller), sysfs (SYSFS_MAGIC, its top-level
 * directories), devpts with newinstance (a fresh instance: its ptmx hands out pty 0,
 * whose node exists in that instance only; ptmxmode= applies), and an unknown type
 * (ENODEV). In its own mount namespace (mount_isolate.h). */
/* syscalls: mount statfs openat ioctl readlinkat */
#include "mount_isolate.h"
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>

int main(void)
{
	struct statfs sf;
	struct stat st;
	char buf[64];
	TAP_PLAN(9);
	mnt_isolate();
	const char *proc = strdup(tap_path("proc")), *sys = strdup(tap_path("sys")),
		   *pts = strdup(tap_path("pts")), *other = strdup(tap_path("other"));
	mkdir(proc, 0755);
	mkdir(sys, 0755);
	mkdir(pts, 0755);
	mkdir(other, 0755);

	TAP_OK(mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0 &&
		   statfs(proc, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC,
	       "mount -t proc: PROC_SUPER_MAGIC");
	char self[600];
	snprintf(self, sizeof(self), "%s/self", proc);
	ssize_t n = readlink(self, buf, sizeof(buf) - 1);
	TAP_OK(n > 0 && (buf[n] = 0, atoi(buf) == getpid()), "its self link names the caller (%s)",
	       n > 0 ? buf : "?");

	TAP_OK(mount("sysfs", sys, "sysfs", MS_RDONLY, NULL) == 0 && statfs(sys, &sf) == 0 &&
		   sf.f_type == SYSFS_MAGIC,
	       "mount -t sysfs: SYSFS_MAGIC");
	char p[600];
	bool dirs = true;
	for (const char *d = "class\0devices\0fs\0kernel\0"; *d; d += strlen(d) + 1) {
		snprintf(p, sizeof(p), "%s/%s", sys, d);
		dirs = dirs && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
	}
	TAP_OK(dirs, "it has class, devices, fs and kernel");

	TAP_OK(mount("devpts", pts, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620") == 0 &&
		   statfs(pts, &sf) == 0 && sf.f_type == DEVPTS_SUPER_MAGIC,
	       "mount -t devpts -o newinstance: DEVPTS_SUPER_MAGIC");
	snprintf(p, sizeof(p), "%s/ptmx", pts);
	TAP_OK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0666, "ptmxmode=0666 applies (%o)",
	       (unsigned)(st.st_mode & 07777));
	int m = open(p, O_RDWR | O_NOCTTY);
	unsigned idx = 99;
	TAP_OK(m >= 0 && ioctl(m, TIOCGPTN, &idx) == 0 && idx == 0,
	       "the new instance's first pty is number 0 (%u)", idx);
	snprintf(p, sizeof(p), "%s/0", pts);
	TAP_OK(stat(p, &st) == 0 && S_ISCHR(st.st_mode), "its node is in that instance");
	if (m >= 0)
		close(m);
	TAP_ERRNO(mount("x", other, "no-such-fs", 0, NULL), ENODEV, "an unknown type is ENODEV");
	return TAP_DONE();
}
