/* mount_shared_events.c - mount events travel along propagation: a mount below a shared
 * mount appears on its peers (bind mounts, and the copy in another mount namespace) and
 * on its slaves, not the other way from a slave; unmounting it removes the copies. In
 * its own mount namespace (mount_isolate.h). */
/* syscalls: mount umount2 unshare */
#include "mount_isolate.h"

/* "shared:N" / "master:N" of the mount at @path (0 when absent, -1 when no mount). */
static long field(const char *path, const char *tag)
{
	char line[4096], key[32];
	if (!mnt_info_line(path, line, sizeof(line)))
		return -1;
	snprintf(key, sizeof(key), " %s:", tag);
	char *p = strstr(line, key), *dash = strstr(line, " - ");
	return p && (!dash || p < dash) ? strtol(p + strlen(key), NULL, 10) : 0;
}

int main(void)
{
	char c;
	int ready[2], done[2];
	TAP_PLAN(9);
	mnt_isolate();
	char *a = strdup(tap_path("a")), *b = strdup(tap_path("b")), *s = strdup(tap_path("s"));
	char *ax = strdup(tap_path("a/x")), *bx = strdup(tap_path("b/x")), *sx = strdup(tap_path("s/x"));
	mkdir(a, 0755);
	mkdir(b, 0755);
	mkdir(s, 0755);
	TAP_OK(mount("t", a, "tmpfs", 0, NULL) == 0 && mount(NULL, a, NULL, MS_SHARED, NULL) == 0 &&
		       mkdir(ax, 0755) == 0 && mkdir(tap_path("a/y"), 0755) == 0 &&
		       mkdir(tap_path("a/z"), 0755) == 0 && mount(a, b, NULL, MS_BIND, NULL) == 0 &&
		       mount(a, s, NULL, MS_BIND, NULL) == 0 &&
		       mount(NULL, s, NULL, MS_SLAVE, NULL) == 0,
	       "a shared tmpfs, a peer bind and a slave bind");
	TAP_OK(mount("ev", ax, "tmpfs", 0, NULL) == 0 &&
		       tap_write_file(tap_path("a/x/f"), "f") == 0,
	       "a mount below the shared one");
	TAP_OK(access(tap_path("b/x/f"), F_OK) == 0 && field(bx, "shared") == field(ax, "shared") &&
		       field(ax, "shared") > 0,
	       "the peer got it, as a peer");
	TAP_OK(access(tap_path("s/x/f"), F_OK) == 0 && field(sx, "master") == field(ax, "shared"),
	       "the slave got it, as a slave");
	TAP_OK(mount("back", tap_path("s/y"), "tmpfs", 0, NULL) == 0 &&
		       field(tap_path("a/y"), "shared") == -1,
	       "a mount on the slave does not go back");
	TAP_OK(umount2(ax, 0) == 0 && field(bx, "shared") == -1 && field(sx, "master") == -1 &&
		       access(tap_path("b/x/f"), F_OK) == -1,
	       "unmounting it removes the copies");
	pipe(ready);
	pipe(done);
	pid_t pid = fork();
	if (pid == 0) { /* a copy of the namespace where "a" stays a peer */
		int ok = unshare(CLONE_NEWNS) == 0;
		write(ready[1], "r", 1);
		read(done[0], &c, 1);
		_exit(ok && access(tap_path("a/z/g"), F_OK) == 0 ? 0 : 1);
	}
	read(ready[0], &c, 1);
	TAP_OK(mount("z", tap_path("a/z"), "tmpfs", 0, NULL) == 0 &&
		       tap_write_file(tap_path("a/z/g"), "g") == 0,
	       "a mount after another namespace copied ours");
	write(done[1], "d", 1);
	TAP_OK(tap_exited(tap_wait(pid), 0), "it reached the peer in the other namespace");
	TAP_OK(umount2(tap_path("a/z"), 0) == 0 && umount2(tap_path("s/y"), 0) == 0,
	       "cleanup unmounts");
	return TAP_DONE();
}
