/* common/log.c - debug log writer. Owns the log fd; must not allocate on the hot path. */
#include "common/log.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int log_fd_ = -1;
static int log_level_ = LOG_WARN;

int log_open(const char *path, int level)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	log_fd_ = fd;
	log_level_ = level;
	return 0;
}

void log_set_fd(int fd, int level)
{
	log_fd_ = fd;
	log_level_ = level;
}

int log_fd(void)
{
	return log_fd_;
}

bool log_enabled(int level)
{
	return log_fd_ >= 0 && level <= log_level_;
}

void log_msg(int level, const char *fmt, ...)
{
	static const char *names[] = {"error", "warn", "info", "debug"};
	char buf[1024];
	struct timespec ts;
	int n;
	va_list ap;

	if (!log_enabled(level))
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(buf, sizeof(buf), "[%ld.%06ld] %s: ", (long)ts.tv_sec, ts.tv_nsec / 1000,
		     names[level]);
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	(void)!write(log_fd_, buf, n);
}
