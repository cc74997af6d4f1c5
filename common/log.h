/* common/log.h - the Sentry's own debug log (--debug-log FILE).
 * Messages are lower case and name the errno. Logging never fails the caller. */
#ifndef CVISOR_COMMON_LOG_H
#define CVISOR_COMMON_LOG_H
#include <stdbool.h>

enum { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Opens @path for the debug log (append). Returns 0 or -errno. NULL path: stderr. */
int log_open(const char *path, int level);
/* Sets the file descriptor the log writes to (already open). */
void log_set_fd(int fd, int level);
int log_fd(void);
bool log_enabled(int level);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)                                                                             \
	do {                                                                                       \
		if (log_enabled(LOG_DEBUG))                                                        \
			log_msg(LOG_DEBUG, __VA_ARGS__);                                           \
	} while (0)

#endif
