/*
 * tap.h - the tiny TAP helper every compat test includes.
 *
 * Owns: the plan line, ok / not ok lines (with errno in the diagnostic), skips, a private
 * temporary directory removed at exit, and small helpers for forked children. It must not
 * depend on anything but libc: the same binary runs natively, under cvisor and under runsc.
 *
 * Usage:
 *	TAP_PLAN(3);
 *	TAP_OK(fd >= 0, "open returns an fd");
 *	TAP_ERRNO(read(-1, b, 1), EBADF, "read on a bad fd");
 *	return TAP_DONE();
 */
#ifndef CVISOR_TESTS_COMPAT_TAP_H
#define CVISOR_TESTS_COMPAT_TAP_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int tap_planned;
static int tap_count;
static int tap_failed;
static pid_t tap_owner;
static char tap_dir[64];

/* Prints the plan and makes stdout line-buffered so forked children never repeat output. */
static inline void TAP_PLAN(int n)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_planned = n;
	tap_owner = getpid();
	printf("1..%d\n", n);
}

/* Prints one result line; @err is errno captured before the condition was evaluated. */
static inline __attribute__((format(printf, 3, 4))) bool tap_result(bool pass, int err,
								    const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	printf("%s %d - ", pass ? "ok" : "not ok", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!pass) {
		tap_failed++;
		printf(" # errno %d (%s)", err, strerror(err));
	}
	printf("\n");
	fflush(stdout);
	return pass;
}

/* TAP_OK(cond, fmt, ...): passes when @cond is true; errno is read after @cond. */
#define TAP_OK(cond, ...)                                                                  \
	({                                                                                 \
		bool tap_c_ = (cond);                                                      \
		int tap_e_ = errno;                                                        \
		tap_result(tap_c_, tap_e_, __VA_ARGS__);                                   \
	})

/* TAP_ERRNO(expr, E, fmt, ...): passes when @expr returns -1 and sets errno to @E. */
#define TAP_ERRNO(expr, E, ...)                                                            \
	({                                                                                 \
		errno = 0;                                                                 \
		long tap_r_ = (long)(expr);                                                \
		int tap_e_ = errno;                                                        \
		bool tap_c_ = tap_r_ == -1 && tap_e_ == (E);                               \
		if (!tap_c_)                                                               \
			printf("# expected -1/%s, got %ld/%s\n", #E, tap_r_,               \
			       strerror(tap_e_));                                          \
		tap_result(tap_c_, tap_e_, __VA_ARGS__);                                   \
	})

/* Marks one planned test as skipped; the reason must hold natively too. */
#define TAP_SKIP(reason)                                                                   \
	do {                                                                               \
		tap_count++;                                                               \
		printf("ok %d # SKIP %s\n", tap_count, reason);                            \
		fflush(stdout);                                                            \
	} while (0)

/* Skips the whole program (plan 1..0) and exits 0. */
#define TAP_SKIP_ALL(reason)                                                               \
	do {                                                                               \
		printf("1..0 # SKIP %s\n", reason);                                        \
		exit(0);                                                                   \
	} while (0)

/* Diagnostic line, ignored by TAP consumers. */
#define TAP_DIAG(...)                                                                      \
	do {                                                                               \
		printf("# ");                                                              \
		printf(__VA_ARGS__);                                                       \
		printf("\n");                                                              \
	} while (0)

/* Returns the exit status for main(): 0 when every planned test ran and passed. */
static inline int TAP_DONE(void)
{
	if (tap_count != tap_planned) {
		printf("# planned %d tests but ran %d\n", tap_planned, tap_count);
		return 1;
	}
	return tap_failed ? 1 : 0;
}

static int tap_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP || flag == FTW_D)
		return rmdir(path) < 0 ? 0 : 0;
	unlink(path);
	return 0;
}

static void tap_rm_dir(void)
{
	if (tap_dir[0] && getpid() == tap_owner)
		nftw(tap_dir, tap_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Creates (once) a fresh /tmp/cvisor-compat-XXXXXX dir removed at exit by the owner. */
static inline const char *tap_tmpdir(void)
{
	if (!tap_dir[0]) {
		strcpy(tap_dir, "/tmp/cvisor-compat-XXXXXX");
		if (!mkdtemp(tap_dir)) {
			printf("Bail out! mkdtemp: %s\n", strerror(errno));
			exit(1);
		}
		if (!tap_owner)
			tap_owner = getpid();
		atexit(tap_rm_dir);
	}
	return tap_dir;
}

/* Returns a path inside the temporary dir, in a static rotating buffer (8 slots). */
static inline const char *tap_path(const char *name)
{
	static char buf[8][256];
	static int slot;
	char *p = buf[slot++ & 7];

	snprintf(p, 256, "%s/%s", tap_tmpdir(), name);
	return p;
}

/* An invalid user pointer the compiler cannot see through (for EFAULT checks). */
static inline void *tap_badptr(void)
{
	void *volatile p = (void *)1;

	return p;
}

/* Returns @v through a volatile so the compiler does not warn about deliberate bad values. */
static inline long tap_opaque(long v)
{
	volatile long x = v;

	return x;
}

/* Waits for @pid; returns its raw wait status, or -1 with errno set. */
static inline int tap_wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return st;
}

/* True when @st is a normal exit with code @code. */
static inline bool tap_exited(int st, int code)
{
	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == code;
}

/* Writes all of @buf (small, for tests); returns 0 or -1. */
static inline int tap_write_file(const char *path, const char *buf)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	size_t n = strlen(buf);

	if (fd < 0)
		return -1;
	if (write(fd, buf, n) != (ssize_t)n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* Reads up to @cap-1 bytes of @path into @buf, NUL-terminated; returns length or -1. */
static inline ssize_t tap_read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, total = 0;

	if (fd < 0)
		return -1;
	while (total < (ssize_t)cap - 1 && (n = read(fd, buf + total, cap - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = 0;
	return total;
}

/* The number at the start of file @path (a /proc/sys value), or -999 when unreadable. */
static inline long tap_read_long(const char *path)
{
	char buf[64];
	return tap_read_file(path, buf, sizeof(buf)) > 0 ? strtol(buf, NULL, 10) : -999;
}

#endif
