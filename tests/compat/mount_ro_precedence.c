/* mount_ro_precedence.c - on a read-only mount, Linux answers EROFS before it checks
 * permissions (mnt_want_write comes first) for creating, removing and renaming names,
 * O_TRUNC opens and changing attributes; EEXIST still wins for an existing name, and an
 * open for writing without O_TRUNC or truncate(2) check permissions first (EACCES). runc's read-only rootfs
 * with a non-root process user shows these. In its own mount namespace. */
/* syscalls: openat mkdirat unlinkat renameat symlinkat mknodat fchmodat fchownat utimensat truncate mount */
#include "mount_isolate.h"
#include <sys/sysmacros.h>

static char P[256];
static const char *at(const char *name)
{
	static char b[4][300];
	static int i;
	char *p = b[i++ & 3];
	snprintf(p, 300, "%s/%s", P, name);
	return p;
}

int main(void)
{
	TAP_PLAN(14);
	const char *base = mnt_isolate();
	snprintf(P, sizeof(P), "%s/ro", base);
	mkdir(P, 0755);
	if (mount("ro", P, "tmpfs", 0, "mode=0755") < 0) {
		printf("Bail out! tmpfs: %s\n", strerror(errno));
		return 1;
	}
	mkdir(at("d"), 0755);
	tap_write_file(at("f"), "x\n");
	chmod(at("f"), 0644);
	/* read-only at the mount (as runc's readonly rootfs), not the superblock */
	if (mount(NULL, P, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0) {
		printf("Bail out! remount ro: %s\n", strerror(errno));
		return 1;
	}
	int c[2];
	pipe(c);
	pid_t pid = fork();
	if (pid == 0) {
		unsigned ok = 0, bit = 1;
		close(c[0]);
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(1);
#define EXPECT(expr, e) (errno = 0, ok |= ((expr) == -1 && errno == (e)) ? bit : 0, bit <<= 1)
		EXPECT(open(at("new"), O_WRONLY | O_CREAT, 0644), EROFS);
		EXPECT(mkdir(at("nd"), 0755), EROFS);
		EXPECT(symlink("x", at("l")), EROFS);
		EXPECT(mknod(at("p"), S_IFIFO | 0644, 0), EROFS);
		EXPECT(unlink(at("f")), EROFS);
		EXPECT(rmdir(at("d")), EROFS);
		EXPECT(rename(at("f"), at("g")), EROFS);
		EXPECT(unlink(at("missing")), EROFS);
		EXPECT(chmod(at("f"), 0666), EROFS);
		EXPECT(truncate(at("f"), 0), EACCES); /* permission first (vfs_truncate) */
		EXPECT(open(at("f"), O_WRONLY | O_TRUNC), EROFS);
		EXPECT(open(at("f"), O_WRONLY), EACCES);
		EXPECT(mkdir(at("d"), 0755), EEXIST);
		EXPECT(utimensat(AT_FDCWD, at("f"), (struct timespec[]){ { 1, 0 }, { 1, 0 } }, 0),
		       EROFS);
		write(c[1], &ok, sizeof(ok));
		_exit(0);
	}
	close(c[1]);
	unsigned ok = 0;
	read(c[0], &ok, sizeof(ok));
	tap_wait(pid);
	const char *what[] = { "open(O_CREAT) of a new name", "mkdir", "symlink", "mknod fifo",
			       "unlink", "rmdir", "rename", "unlink of a missing name",
			       "chmod", "truncate: EACCES (permission first)", "open(O_WRONLY|O_TRUNC)",
			       "open(O_WRONLY) without O_TRUNC: EACCES",
			       "mkdir of an existing name: EEXIST", "utimensat with times" };
	for (int i = 0; i < 14; i++)
		TAP_OK(ok & (1u << i), "as an unprivileged user on a read-only mount: %s", what[i]);
	umount2(P, MNT_DETACH);
	return TAP_DONE();
}
