/* mount_isolate.h - what every mount test does first: its own copy of the mount
 * namespace with / made rprivate, so nothing it mounts ever reaches the host's namespace
 * (the suite runs natively as root), and a tmpfs on the test's temporary dir under which
 * all its mounts live (detached at exit, so the dir itself can be removed). Bails out
 * before mounting anything when the isolation fails. */
#ifndef CVISOR_TESTS_COMPAT_MOUNT_ISOLATE_H
#define CVISOR_TESTS_COMPAT_MOUNT_ISOLATE_H
#include "tap.h"
#include <sched.h>
#include <sys/mount.h>

static void mnt_detach_base(void)
{
	if (getpid() == tap_owner)
		umount2(tap_tmpdir(), MNT_DETACH);
}

/* Returns the test's temporary dir, a fresh tmpfs in a private mount namespace. */
static inline const char *mnt_isolate(void)
{
	const char *base = tap_tmpdir();
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("base", base, "tmpfs", 0, "mode=0755") < 0) {
		printf("Bail out! cannot isolate the mount namespace: %s\n", strerror(errno));
		exit(1);
	}
	atexit(mnt_detach_base);
	return base;
}

/* The mountinfo line whose mount point is @path (copied into @line), or false. */
static inline bool mnt_info_line(const char *path, char *line, size_t size)
{
	char buf[4096], mp[1024];
	FILE *f = fopen("/proc/self/mountinfo", "r");
	bool found = false;
	if (!f)
		return false;
	while (fgets(buf, sizeof(buf), f)) {
		if (sscanf(buf, "%*s %*s %*s %*s %1023s", mp) == 1 && !strcmp(mp, path)) {
			snprintf(line, size, "%s", buf); /* the last one: the topmost */
			found = true;
		}
	}
	fclose(f);
	return found;
}
#endif
