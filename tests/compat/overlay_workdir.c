/* overlay_workdir.c - what mounting an overlay does to its workdir, and Docker's overlay2
 * checks: the mount makes workdir/work, an empty directory of mode 0 owned by the
 * mounter (Docker chowns it after each mount of a layer), and makes it afresh over what an
 * earlier mount left there (files and directories two levels deep), leaving the rest of the
 * workdir alone; copying up a directory that is opaque in a lower layer does not copy
 * trusted.overlay.opaque (Docker's "opaque flag erroneously copied up" check of native
 * diff), while the merged directory still hides what is below the opaque one. In a private
 * mount namespace on a tmpfs. */
/* syscalls: mount umount2 lgetxattr */
#include "mount_isolate.h"
#include <dirent.h>
#include <sys/stat.h>
#include <sys/xattr.h>

static char P[12][512];

static const char *at(const char *base, const char *rel)
{
	static int i;
	i = (i + 1) % 12;
	snprintf(P[i], sizeof(P[i]), "%s/%s", base, rel);
	return P[i];
}

/* The number of entries of @dir besides . and .. (-1 when it cannot be read). */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

int main(void)
{
	const char *b = mnt_isolate();
	TAP_PLAN(9);
	const char *dirs[] = {"l",	 "u",	 "w",	   "m",	   "o",	  "o/l1", "o/l1/d",
			      "o/l1/d1", "o/l2", "o/l2/d", "o/l3", "o/w", "o/m"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		mkdir(at(b, dirs[i]), 0755);
	char opts[2048];
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", at(b, "l"), at(b, "u"),
		 at(b, "w"));
	struct stat st;
	TAP_OK(mount("overlay", at(b, "m"), "overlay", 0, opts) == 0 &&
		   stat(at(b, "w/work"), &st) == 0 && S_ISDIR(st.st_mode),
	       "the mount makes workdir/work");
	TAP_OK((st.st_mode & 07777) == 0 && st.st_uid == 0 && st.st_gid == 0 &&
		   entries(at(b, "w/work")) == 0,
	       "empty, mode 0, owned by the mounter (mode %o, %u:%u)", st.st_mode & 07777,
	       st.st_uid, st.st_gid);
	TAP_OK(umount2(at(b, "m"), 0) == 0 && stat(at(b, "w/work"), &st) == 0,
	       "it stays after umount");

	/* what an earlier mount may leave: files, a directory with a file and a directory */
	chmod(at(b, "w/work"), 0755);
	mkdir(at(b, "w/work/x"), 0755);
	mkdir(at(b, "w/work/x/y"), 0755);
	tap_write_file(at(b, "w/work/x/f"), "f");
	tap_write_file(at(b, "w/work/z"), "z");
	tap_write_file(at(b, "w/keep"), "k");
	TAP_OK(mount("overlay", at(b, "m"), "overlay", 0, opts) == 0 &&
		   stat(at(b, "w/work"), &st) == 0 && (st.st_mode & 07777) == 0 &&
		   entries(at(b, "w/work")) == 0,
	       "a second mount makes it afresh: empty, mode 0 (%d entries)",
	       entries(at(b, "w/work")));
	TAP_OK(stat(at(b, "w/keep"), &st) == 0 && entries(at(b, "w")) == 2,
	       "the rest of the workdir is left alone");
	TAP_OK(umount2(at(b, "m"), 0) == 0, "umount");

	/* Docker's doesSupportNativeDiff: l2/d opaque over l1/d, upper l3 */
	tap_write_file(at(b, "o/l1/d/under"), "u");
	setxattr(at(b, "o/l2/d"), "trusted.overlay.opaque", "y", 1, 0);
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s,upperdir=%s,workdir=%s", at(b, "o/l2"),
		 at(b, "o/l1"), at(b, "o/l3"), at(b, "o/w"));
	TAP_OK(mount("overlay", at(b, "o/m"), "overlay", 0, opts) == 0 &&
		   tap_write_file(at(b, "o/m/d/f"), "") == 0 && stat(at(b, "o/l3/d/f"), &st) == 0,
	       "a file made in an opaque lower directory copies the directory up");
	char v[8];
	TAP_ERRNO(lgetxattr(at(b, "o/l3/d"), "trusted.overlay.opaque", v, sizeof(v)), ENODATA,
		  "the upper copy is not marked opaque");
	TAP_OK(entries(at(b, "o/m/d")) == 1 && stat(at(b, "o/m/d/under"), &st) < 0,
	       "the merged directory still hides the one below the opaque one");
	umount2(at(b, "o/m"), 0);
	return TAP_DONE();
}
