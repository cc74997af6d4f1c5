/* mount_mountinfo.c - /proc/self/mountinfo and /proc/self/mounts for a new mount: its
 * own id, its parent's id, root "/", the mount point, per-mount options, type and
 * source; a bind of a subdirectory shows that directory as its root. In its own
 * mount namespace (mount_isolate.h). */
/* syscalls: mount unshare openat read */
#include "mount_isolate.h"

struct info {
	long id, parent;
	char root[256], mp[256], opts[256], type[64], source[64];
};

static bool parse(const char *path, struct info *in)
{
	char line[4096];
	if (!mnt_info_line(path, line, sizeof(line)))
		return false;
	char *dash = strstr(line, " - ");
	if (!dash || sscanf(line, "%ld %ld %*s %255s %255s %255s", &in->id, &in->parent, in->root,
			    in->mp, in->opts) != 5)
		return false;
	return sscanf(dash + 3, "%63s %63s", in->type, in->source) == 2;
}

int main(void)
{
	struct info b, m, s;
	char line[4096], buf[1 << 16];
	TAP_PLAN(7);
	const char *base = mnt_isolate();
	const char *mp = strdup(tap_path("m")), *sub = strdup(tap_path("sub"));
	mkdir(mp, 0755);
	mkdir(sub, 0755);
	TAP_OK(mount("mysource", mp, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0 &&
		   parse(base, &b) && parse(mp, &m),
	       "the new mount and its parent are listed");
	TAP_OK(m.parent == b.id && m.id != b.id, "parent id is the parent mount's id");
	TAP_OK(!strcmp(m.root, "/") && !strcmp(m.mp, mp), "root / and the mount point");
	TAP_OK(!strncmp(m.opts, "rw,nosuid,nodev,noexec", 22), "per-mount options: %s", m.opts);
	TAP_OK(!strcmp(m.type, "tmpfs") && !strcmp(m.source, "mysource"), "type and source");
	mkdir(tap_path("m/dir"), 0755);
	TAP_OK(mount(tap_path("m/dir"), sub, NULL, MS_BIND, NULL) == 0 && parse(sub, &s) &&
		   !strcmp(s.root, "/dir") && !strcmp(s.source, "mysource"),
	       "a bind of a subdirectory has that directory as its root");
	snprintf(line, sizeof(line), "mysource %s tmpfs rw,nosuid,nodev,noexec", mp);
	TAP_OK(tap_read_file("/proc/self/mounts", buf, sizeof(buf)) > 0 && strstr(buf, line),
	       "/proc/self/mounts has the line");
	return TAP_DONE();
}
