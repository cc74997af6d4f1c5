/* ns_user_caps.c - capabilities of a child user namespace over files: with a range mapped
 * by a privileged parent (uid_map/gid_map "0 100000 10"), the namespace's root may read a
 * 0600 file owned by another mapped id (CAP_DAC_OVERRIDE over it) but not one owned by an
 * unmapped id; stat shows the mapped owner's inner id; chown takes inner ids (CAP_CHOWN
 * over a mapped file), an unmapped one is EINVAL. */
/* syscalls: unshare openat newfstatat chown */
#include "ns_util.h"

static const char *mapped, *unmapped;

int main(void)
{
	TAP_PLAN(7);
	mapped = strdup(tap_path("mapped"));
	unmapped = strdup(tap_path("unmapped"));
	tap_write_file(mapped, "m");
	tap_write_file(unmapped, "u");
	chown(mapped, 100003, 100003);
	chown(unmapped, 200000, 200000);
	chmod(mapped, 0600);
	chmod(unmapped, 0600);
	chmod(tap_tmpdir(), 0755);
	int go[2], ready[2];
	pipe(go);
	pipe(ready);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char c = unshare(CLONE_NEWUSER) == 0;
		write(ready[1], &c, 1);
		if (read(go[0], &c, 1) != 1 || !c)
			_exit(0);
		int bits = 0, fd;
		struct stat st;
		/* uid 0 inside is kernel 100000: the test's own kernel uid 0 is not mapped */
		bits |= (setresuid(0, 0, 0) == 0 && setresgid(0, 0, 0) == 0 && getuid() == 0) << 0;
		bits |= ((fd = open(mapped, O_RDONLY)) >= 0) << 1;
		bits |= (open(unmapped, O_RDONLY) == -1 && errno == EACCES) << 2;
		bits |= (stat(mapped, &st) == 0 && st.st_uid == 3 && st.st_gid == 3) << 3;
		bits |= (chown(mapped, 5, 6) == 0 && stat(mapped, &st) == 0 && st.st_uid == 5 &&
			 st.st_gid == 6)
			<< 4;
		bits |= (chown(mapped, 50, -1) == -1 && errno == EINVAL) << 5;
		bits |= (chown(unmapped, 5, 5) == -1 && errno == EPERM) << 6;
		_exit(bits);
	}
	char c = 0, path[64];
	read(ready[0], &c, 1);
	if (c) {
		snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
		c = ns_write(path, "0 100000 10\n") == 0;
		snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
		c = c && ns_write(path, "0 100000 10\n") == 0;
	}
	write(go[1], &c, 1);
	int st = tap_wait(pid), bits = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	TAP_OK(ns_bit(bits, 0), "a privileged parent maps a range; setresuid(0) inside");
	TAP_OK(ns_bit(bits, 1), "root inside reads a 0600 file of another mapped id");
	TAP_OK(ns_bit(bits, 2), "but not one of an unmapped id (EACCES)");
	TAP_OK(ns_bit(bits, 3), "stat shows the mapped owner as its inner id");
	TAP_OK(ns_bit(bits, 4), "chown of a mapped file to inner ids 5:6");
	struct stat sb;
	TAP_OK(ns_bit(bits, 5), "chown to an unmapped inner id is EINVAL");
	TAP_OK(ns_bit(bits, 6) && stat(mapped, &sb) == 0 && sb.st_uid == 100005 &&
		   sb.st_gid == 100006,
	       "an unmapped file cannot be chowned (EPERM); outside, the owner is 100005:100006");
	return TAP_DONE();
}
