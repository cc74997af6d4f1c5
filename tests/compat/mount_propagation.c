/* mount_propagation.c - MS_SHARED / MS_SLAVE / MS_PRIVATE / MS_UNBINDABLE (and MS_REC) as
 * /proc/self/mountinfo shows them: a peer group (shared:N) that a bind mount joins, a
 * slave (master:N), private again, unbindable; bad combinations are EINVAL. Nothing is
 * mounted below a shared mount, so no event propagation is tested. In its own namespace. */
/* syscalls: mount unshare */
#include "mount_isolate.h"

/* The N of "@tag:N" in @path's mountinfo line, 0 when absent, -1 when not a mount. */
static long field(const char *path, const char *tag)
{
	char line[4096], key[32];
	if (!mnt_info_line(path, line, sizeof(line)))
		return -1;
	snprintf(key, sizeof(key), " %s:", tag);
	char *p = strstr(line, key), *dash = strstr(line, " - ");
	return p && (!dash || p < dash) ? strtol(p + strlen(key), NULL, 10) : 0;
}

static bool has_word(const char *path, const char *word)
{
	char line[4096];
	return mnt_info_line(path, line, sizeof(line)) && strstr(line, word);
}

int main(void)
{
	TAP_PLAN(10);
	const char *base = mnt_isolate();
	const char *p = strdup(tap_path("p")), *q = strdup(tap_path("q"));
	mkdir(p, 0755);
	mkdir(q, 0755);
	TAP_OK(mount("t", p, "tmpfs", 0, NULL) == 0 && field(p, "shared") == 0,
	       "a new mount under a private parent is private");
	TAP_OK(mount(NULL, p, NULL, MS_SHARED, NULL) == 0 && field(p, "shared") > 0,
	       "MS_SHARED gives it a peer group");
	TAP_OK(mount(p, q, NULL, MS_BIND, NULL) == 0 && field(q, "shared") == field(p, "shared"),
	       "a bind of a shared mount is its peer");
	TAP_OK(mount(NULL, q, NULL, MS_SLAVE, NULL) == 0 && field(q, "shared") == 0 &&
		   field(q, "master") == field(p, "shared"),
	       "MS_SLAVE: master is the old peer group");
	TAP_OK(mount(NULL, p, NULL, MS_PRIVATE, NULL) == 0 && field(p, "shared") == 0 &&
		   field(q, "master") == 0,
	       "the master going private leaves its slave private");
	TAP_OK(mount(NULL, base, NULL, MS_SHARED | MS_REC, NULL) == 0 && field(p, "shared") > 0 &&
		   field(q, "shared") > 0 && field(p, "shared") != field(q, "shared"),
	       "MS_SHARED|MS_REC: every mount below gets its own group");
	TAP_OK(mount(NULL, base, NULL, MS_PRIVATE | MS_REC, NULL) == 0 && field(p, "shared") == 0 &&
		   field(q, "shared") == 0,
	       "MS_PRIVATE|MS_REC clears them");
	TAP_OK(mount(NULL, q, NULL, MS_UNBINDABLE, NULL) == 0 && has_word(q, " unbindable"),
	       "MS_UNBINDABLE is listed");
	TAP_ERRNO(mount(NULL, p, NULL, MS_SHARED | MS_SLAVE, NULL), EINVAL,
		  "two propagation types at once is EINVAL");
	mkdir(tap_path("p/dir"), 0755);
	TAP_ERRNO(mount(NULL, tap_path("p/dir"), NULL, MS_PRIVATE, NULL), EINVAL,
		  "a propagation change on a non-mount-point is EINVAL");
	return TAP_DONE();
}
