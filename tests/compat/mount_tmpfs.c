/* mount_tmpfs.c - mount(2) of a tmpfs: contents, mode=/uid=/gid=, size=/nr_inodes=
 * accepted, bad options, unknown types and bad targets. Runs in its own mount namespace
 * (unshare + rprivate /) so the host's mounts are never touched. */
/* syscalls: mount umount2 unshare statfs */
#include "mount_isolate.h"
#include <sys/statfs.h>

int main(void)
{
	struct stat st;
	struct statfs sf;
	TAP_PLAN(12);
	mnt_isolate();
	const char *m = strdup(tap_path("m")), *f = strdup(tap_path("file"));
	mkdir(m, 0755);
	tap_write_file(f, "x");
	TAP_OK(mount("t1", m, "tmpfs", 0, "mode=0700,uid=12,gid=34,size=1m,nr_inodes=100") == 0,
	       "mount tmpfs with options");
	TAP_OK(stat(m, &st) == 0 && (st.st_mode & 07777) == 0700 && st.st_uid == 12 &&
		   st.st_gid == 34,
	       "mode=, uid=, gid= set the root");
	TAP_OK(statfs(m, &sf) == 0 && sf.f_type == 0x01021994, "statfs says tmpfs");
	TAP_OK(tap_write_file(tap_path("m/in"), "data") == 0 && access(tap_path("m/in"), F_OK) == 0,
	       "files live in the mount");
	TAP_OK(umount2(m, 0) == 0 && access(tap_path("m/in"), F_OK) < 0 && errno == ENOENT,
	       "after umount the file is gone");
	TAP_ERRNO(mount("t", m, "tmpfs", 0, "size=lots"), EINVAL, "bad size= is EINVAL");
	TAP_ERRNO(mount("t", m, "tmpfs", 0, "nosuchoption=1"), EINVAL, "unknown option is EINVAL");
	TAP_ERRNO(mount("t", m, "nosuchfs", 0, NULL), ENODEV, "unknown type is ENODEV");
	TAP_ERRNO(mount("t", m, NULL, 0, NULL), EINVAL, "no type is EINVAL");
	TAP_ERRNO(mount("t", tap_path("missing"), "tmpfs", 0, NULL), ENOENT, "missing target");
	TAP_ERRNO(mount("t", f, "tmpfs", 0, NULL), ENOTDIR, "tmpfs on a file is ENOTDIR");
	TAP_ERRNO(mount("t", tap_badptr(), "tmpfs", 0, NULL), EFAULT, "bad target pointer");
	return TAP_DONE();
}
