/* sentry/strace.c - `--strace`: one line per app syscall, formatted from the table's
 * argument letters: `[pid 12] openat(AT_FDCWD, "/etc/hosts", O_RDONLY) = 3`. */
#include "sentry/task.h"
#include "sentry/syscall_table.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int strace_fd = 2;

static int fmt_str(struct task *t, char *out, size_t n, uint64_t gaddr, long maxlen)
{
	char s[64];
	long len;
	if (!gaddr)
		return snprintf(out, n, "NULL");
	len = guest_strncpy_in(&t->mem, s, gaddr, sizeof(s));
	if (len == -ENAMETOOLONG) {
		s[sizeof(s) - 1] = 0;
		return snprintf(out, n, "\"%s\"...", s);
	}
	if (len < 0)
		return snprintf(out, n, "0x%lx", (unsigned long)gaddr);
	if (maxlen >= 0 && len > maxlen)
		s[maxlen] = 0;
	int k = snprintf(out, n, "\"");
	for (char *p = s; *p && k < (int)n - 8; p++) {
		if (*p == '\n')
			k += snprintf(out + k, n - k, "\\n");
		else if (*p == '"' || *p == '\\')
			k += snprintf(out + k, n - k, "\\%c", *p);
		else if ((unsigned char)*p < 32)
			k += snprintf(out + k, n - k, "\\%o", (unsigned char)*p);
		else
			out[k++] = *p;
	}
	k += snprintf(out + k, n - k, "\"");
	return k;
}

static int fmt_oflags(char *out, size_t n, unsigned long f)
{
	static const struct { unsigned long bit; const char *name; } tbl[] = {
		{O_CREAT, "O_CREAT"}, {O_EXCL, "O_EXCL"}, {O_NOCTTY, "O_NOCTTY"},
		{O_TRUNC, "O_TRUNC"}, {O_APPEND, "O_APPEND"}, {O_NONBLOCK, "O_NONBLOCK"},
		{O_DIRECTORY, "O_DIRECTORY"}, {O_NOFOLLOW, "O_NOFOLLOW"}, {O_CLOEXEC, "O_CLOEXEC"},
		{O_PATH, "O_PATH"}, {O_DIRECT, "O_DIRECT"}, {O_SYNC, "O_SYNC"}};
	const char *acc[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
	int k = snprintf(out, n, "%s", acc[f & 3]);
	f &= ~3UL;
	for (size_t i = 0; i < sizeof(tbl) / sizeof(tbl[0]); i++)
		if ((f & tbl[i].bit) == tbl[i].bit) {
			k += snprintf(out + k, n - k, "|%s", tbl[i].name);
			f &= ~tbl[i].bit;
		}
	if (f)
		k += snprintf(out + k, n - k, "|0x%lx", f);
	return k;
}

void strace_print(struct task *t, long ret)
{
	const struct syscall_entry *e = syscall_lookup(t->call.nr);
	char line[1024];
	int k = snprintf(line, sizeof(line), "[pid %d] ", t->vtid);
	const char *fmt = e ? e->args : "xxxxxx";

	if (e)
		k += snprintf(line + k, sizeof(line) - k, "%s(", e->name);
	else
		k += snprintf(line + k, sizeof(line) - k, "syscall_%ld(", t->call.nr);
	for (int i = 0; fmt[i] && i < 6 && k < (int)sizeof(line) - 200; i++) {
		uint64_t a = t->call.a[i];
		if (i)
			k += snprintf(line + k, sizeof(line) - k, ", ");
		switch (fmt[i]) {
		case 'i':
		case 'g':
			k += snprintf(line + k, sizeof(line) - k, "%d", (int)a);
			break;
		case 'f':
			if ((int)a == AT_FDCWD)
				k += snprintf(line + k, sizeof(line) - k, "AT_FDCWD");
			else
				k += snprintf(line + k, sizeof(line) - k, "%d", (int)a);
			break;
		case 'u':
			k += snprintf(line + k, sizeof(line) - k, "%lu", (unsigned long)a);
			break;
		case 'm':
			k += snprintf(line + k, sizeof(line) - k, "0%lo", (unsigned long)a);
			break;
		case 'o':
			k += fmt_oflags(line + k, sizeof(line) - k, a);
			break;
		case 's':
			k += fmt_str(t, line + k, sizeof(line) - k, a, -1);
			break;
		case 'b':
			k += fmt_str(t, line + k, sizeof(line) - k, a, 32);
			break;
		case 'B':
			if (ret >= 0 && ret != SYSRET_PASS)
				k += fmt_str(t, line + k, sizeof(line) - k, a,
					     ret < 32 ? ret : 32);
			else
				k += snprintf(line + k, sizeof(line) - k, "0x%lx",
					      (unsigned long)a);
			break;
		default:
			k += snprintf(line + k, sizeof(line) - k, "0x%lx", (unsigned long)a);
		}
	}
	if (ret == SYSRET_PASS)
		k += snprintf(line + k, sizeof(line) - k, ") = ? <native>\n");
	else if (ret == -ERESTARTSYS)
		k += snprintf(line + k, sizeof(line) - k, ") = ? ERESTARTSYS (to be restarted)\n");
	else if (ret < 0 && ret > -4096)
		k += snprintf(line + k, sizeof(line) - k, ") = -1 %s (%s)\n",
			      strerrorname_np((int)-ret) ?: "E?", strerror((int)-ret));
	else
		k += snprintf(line + k, sizeof(line) - k, ") = %ld\n", ret);
	if (k > (int)sizeof(line))
		k = sizeof(line);
	(void)!write(strace_fd, line, k);
}

void strace_exec(struct task *t, const char *path)
{
	char line[512];
	int k = snprintf(line, sizeof(line), "[pid %d] execve(\"%s\") = 0\n", t->vtid, path);
	(void)!write(strace_fd, line, k < (int)sizeof(line) ? k : (int)sizeof(line));
}
