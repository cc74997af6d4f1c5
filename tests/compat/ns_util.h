/* ns_util.h - helpers of the namespace tests (ns_*.c). Every test changes namespaces only
 * in forked children that unshare first (the suite runs natively as root: nothing may
 * reach the host's hostname, mounts or processes). A child reports its checks as bits of
 * its exit code (ns_bits). */
#ifndef CVISOR_TESTS_COMPAT_NS_UTIL_H
#define CVISOR_TESTS_COMPAT_NS_UTIL_H
#include "tap.h"
#include <grp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

/* The inode number in /proc/<pid>/ns/<name>'s link text ("uts:[4026531838]"), 0 when
 * unreadable or malformed; the type prefix must be @type. */
static inline unsigned long long ns_link_ino(const char *pid, const char *name, const char *type)
{
	char path[128], buf[128], want[32];
	snprintf(path, sizeof(path), "/proc/%s/ns/%s", pid, name);
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	snprintf(want, sizeof(want), "%s:[", type);
	if (strncmp(buf, want, strlen(want)) || buf[n - 1] != ']')
		return 0;
	return strtoull(buf + strlen(want), NULL, 10);
}

/* Runs @fn in a forked child; returns its exit code (the check bits), -1 when it did not
 * exit normally. */
static inline int ns_bits(int (*fn)(void *), void *arg)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn(arg) & 0xff);
	int st = tap_wait(pid);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline bool ns_bit(int bits, int n)
{
	return bits >= 0 && (bits & (1 << n));
}

/* Becomes uid/gid 65534 with no groups and no capabilities, still dumpable (the id
 * change clears it; /proc/self/ files would then be root's); 0 or -1. */
static inline int ns_become_nobody(void)
{
	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0 || prctl(PR_SET_DUMPABLE, 1) < 0)
		return -1;
	return 0;
}

/* Whether an unprivileged process may create user namespaces on this host (a native
 * probe: some hosts forbid it by sysctl or LSM). */
static inline bool ns_unpriv_userns_ok(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(ns_become_nobody() == 0 && unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
	return tap_exited(tap_wait(pid), 0);
}

/* Writes @text to @path in one write(2); 0 or -1 with errno. */
static inline int ns_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	int err = errno;
	close(fd);
	errno = err;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}
#endif
