/* overlay_multi_lower.c - overlay with several lower layers (lowerdir=a:b:c): the
 * topmost copy of a name wins, a whiteout or an opaque directory in a lower layer hides
 * what is below, a file above hides a directory below, directories of every layer merge
 * in readdir, a write copies up from the bottom layer, unlink leaves a whiteout in the
 * upper layer, and lowerdir=a:b alone is a read-only overlay (EROFS; one lower alone is
 * EINVAL). In a private mount namespace on a tmpfs. */
/* syscalls: mount umount2 */
#include "mount_isolate.h"
#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

static char P[12][512];

static const char *at(const char *base, const char *rel)
{
	static int i;
	i = (i + 1) % 12;
	snprintf(P[i], sizeof(P[i]), "%s/%s", base, rel);
	return P[i];
}

static bool has(const char *path, const char *want)
{
	char buf[64];
	return tap_read_file(path, buf, sizeof(buf)) >= 0 && !strcmp(buf, want);
}

/* The names in @dir (without . and ..), sorted, space separated. */
static void names(const char *dir, char *out, size_t size)
{
	struct dirent **ents;
	out[0] = 0;
	int n = scandir(dir, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, "..")) {
			strncat(out, ents[i]->d_name, size - strlen(out) - 2);
			strcat(out, " ");
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

int main(void)
{
	const char *b = mnt_isolate();
	TAP_PLAN(16);
	const char *dirs[] = { "l1", "l2", "l3", "u", "w", "m", "ro", "l1/d", "l3/d", "l2/e",
			       "l3/e", "l2/f" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		mkdir(at(b, dirs[i]), 0755);
	tap_write_file(at(b, "l3/a"), "3");
	tap_write_file(at(b, "l2/a"), "2");
	tap_write_file(at(b, "l3/b"), "b");
	mknod(at(b, "l2/b"), S_IFCHR | 0600, makedev(0, 0));
	tap_write_file(at(b, "l1/c"), "c");
	tap_write_file(at(b, "l1/d/x"), "x");
	tap_write_file(at(b, "l3/d/y"), "y");
	tap_write_file(at(b, "l3/e/z"), "z");
	setxattr(at(b, "l2/e"), "trusted.overlay.opaque", "y", 1, 0);
	tap_write_file(at(b, "l1/f"), "f");
	tap_write_file(at(b, "l2/f/under"), "u");

	char opts[2048], list[512];
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s:%s,upperdir=%s,workdir=%s", at(b, "l1"),
		 at(b, "l2"), at(b, "l3"), at(b, "u"), at(b, "w"));
	TAP_OK(mount("overlay", at(b, "m"), "overlay", 0, opts) == 0, "mount with three lowers");
	TAP_OK(has(at(b, "m/a"), "2"), "the topmost lower copy wins");
	struct stat st;
	TAP_ERRNO(stat(at(b, "m/b"), &st), ENOENT, "a whiteout in a lower layer hides below it");
	names(at(b, "m/d"), list, sizeof(list));
	TAP_OK(!strcmp(list, "x y "), "directories of layers 1 and 3 merge (%s)", list);
	names(at(b, "m/e"), list, sizeof(list));
	TAP_OK(!strcmp(list, ""), "an opaque lower directory hides the one below (%s)", list);
	TAP_OK(stat(at(b, "m/f"), &st) == 0 && S_ISREG(st.st_mode),
	       "a file above hides a directory below");
	names(at(b, "m"), list, sizeof(list));
	TAP_OK(!strcmp(list, "a c d e f "), "the merged root lists each name once (%s)", list);
	TAP_OK(tap_write_file(at(b, "m/d/y"), "Y") == 0 && has(at(b, "u/d/y"), "Y") &&
		       has(at(b, "l3/d/y"), "y"),
	       "a write copies up from the bottom layer, which stays as it was");
	TAP_OK(unlink(at(b, "m/a")) == 0 && stat(at(b, "m/a"), &st) < 0 && has(at(b, "l2/a"), "2"),
	       "unlink hides a lower file");
	TAP_OK(stat(at(b, "u/a"), &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0),
	       "by a 0:0 whiteout in the upper layer");
	TAP_OK(umount2(at(b, "m"), 0) == 0, "umount");

	snprintf(opts, sizeof(opts), "lowerdir=%s", at(b, "l1"));
	TAP_ERRNO(mount("overlay", at(b, "ro"), "overlay", 0, opts), EINVAL,
		  "one lower layer without an upper: EINVAL");
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", at(b, "l2"), at(b, "l3"));
	TAP_OK(mount("overlay", at(b, "ro"), "overlay", 0, opts) == 0 && has(at(b, "ro/a"), "2") &&
		       stat(at(b, "ro/b"), &st) < 0,
	       "lowerdir=a:b alone mounts");
	TAP_ERRNO(open(at(b, "ro/new"), O_WRONLY | O_CREAT, 0644), EROFS,
		  "it is read-only: EROFS");
	TAP_ERRNO(mount(NULL, at(b, "ro"), NULL, MS_REMOUNT, NULL), EROFS,
		  "and cannot be remounted read-write: EROFS");
	TAP_OK(umount2(at(b, "ro"), 0) == 0, "umount the read-only overlay");
	return TAP_DONE();
}
