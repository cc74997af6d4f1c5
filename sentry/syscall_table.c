/* sentry/syscall_table.c - turns syscalls.def into the table the dispatcher, the filter,
 * strace and `cvisor syscalls` read. Handlers are referenced weakly: an unimplemented one
 * is NULL (the table test checks that levels and handlers agree). */
#include "sentry/syscall_table.h"
#include "platform/platform.h"
#include <errno.h>
#include <linux/filter.h>
#include <string.h>

#define SYSCALL(nr, name, cls, lvl, args, note)                                                    \
	long sys_##name(struct task *t, const struct syscall_args *a) __attribute__((weak));
#include "sentry/syscalls/syscalls.def"
#undef SYSCALL

#define SC_DENY_ENOSYS SC_DENY
#define SYSCALL(nr, name, cls, lvl, args, note)                                                    \
	[nr] = {#name, sys_##name, SC_##cls, SL_##lvl, args, note},
const struct syscall_entry syscall_table[SYSCALL_TABLE_SIZE] = {
#include "sentry/syscalls/syscalls.def"
};
#undef SYSCALL

const struct syscall_entry *syscall_lookup(long nr)
{
	if (nr < 0 || nr >= SYSCALL_TABLE_SIZE || !syscall_table[nr].name)
		return NULL;
	return &syscall_table[nr];
}

long syscall_nr_by_name(const char *name)
{
	for (long i = 0; i < SYSCALL_TABLE_SIZE; i++)
		if (syscall_table[i].name && !strcmp(syscall_table[i].name, name))
			return i;
	return -ENOENT;
}

const char *syscall_class_name(int cls)
{
	static const char *n[] = {"PASS", "TRACE", "DENY", "DENY_EPERM"};
	return cls >= 0 && cls < 4 ? n[cls] : "?";
}

const char *syscall_level_name(int level)
{
	static const char *n[] = {"none", "partial", "full"};
	return level >= 0 && level < 3 ? n[level] : "?";
}

int syscall_filter_build(struct sock_fprog *out)
{
	uint8_t classes[SYSCALL_TABLE_SIZE];
	long mmap_nr = syscall_nr_by_name("mmap");

	for (int i = 0; i < SYSCALL_TABLE_SIZE; i++) {
		const struct syscall_entry *e = &syscall_table[i];
		classes[i] = PLAT_CLASS_TRACE;
		if (!e->name)
			continue;
		if (e->cls == SC_PASS)
			classes[i] = PLAT_CLASS_PASS;
		else if (e->cls == SC_DENY)
			classes[i] = PLAT_CLASS_DENY_ENOSYS;
		else if (e->cls == SC_DENY_EPERM)
			classes[i] = PLAT_CLASS_DENY_EPERM;
	}
	if (mmap_nr >= 0)
		classes[mmap_nr] = PLAT_CLASS_PASS_ANON_MMAP;
	return plat_filter_build(classes, SYSCALL_TABLE_SIZE, out);
}

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

void syscall_table_print(FILE *out, const char *format)
{
	int counts[4] = {0}, levels[3] = {0}, total = 0;
	bool md = format && !strcmp(format, "markdown");
	bool json = format && !strcmp(format, "json");

	for (int i = 0; i < SYSCALL_TABLE_SIZE; i++) {
		const struct syscall_entry *e = &syscall_table[i];
		if (!e->name)
			continue;
		counts[e->cls]++;
		levels[e->level]++;
		total++;
	}
	if (json)
		fputs("[\n", out);
	else if (md)
		fprintf(out,
			"# Syscalls\n\nGenerated from `sentry/syscalls/syscalls.def` by "
			"`cvisor syscalls --markdown` (`make docs`). Do not edit by hand.\n\n"
			"%d syscalls: %d PASS (run natively), %d TRACE (emulated by the Sentry), "
			"%d DENY (fail with ENOSYS) and %d DENY_EPERM.\nSupport: %d full, %d "
			"partial, %d none.\n\n| nr | name | class | support | note |\n"
			"|---:|---|---|---|---|\n",
			total, counts[SC_PASS], counts[SC_TRACE], counts[SC_DENY],
			counts[SC_DENY_EPERM], levels[SL_FULL], levels[SL_PARTIAL], levels[SL_NONE]);
	else
		fprintf(out, "%-4s %-24s %-10s %-8s %s\n", "NR", "NAME", "CLASS", "SUPPORT", "NOTE");
	bool first = true;
	for (int i = 0; i < SYSCALL_TABLE_SIZE; i++) {
		const struct syscall_entry *e = &syscall_table[i];
		if (!e->name)
			continue;
		if (json) {
			fprintf(out, "%s {\"nr\":%d,\"name\":\"%s\",\"class\":\"%s\",\"level\":\"%s\",\"note\":",
				first ? "" : ",\n", i, e->name, syscall_class_name(e->cls),
				syscall_level_name(e->level));
			json_str(out, e->note);
			fputc('}', out);
			first = false;
		} else if (md) {
			fprintf(out, "| %d | %s | %s | %s | %s |\n", i, e->name,
				syscall_class_name(e->cls), syscall_level_name(e->level), e->note);
		} else {
			fprintf(out, "%-4d %-24s %-10s %-8s %s\n", i, e->name,
				syscall_class_name(e->cls), syscall_level_name(e->level), e->note);
		}
	}
	if (json)
		fputs("\n]\n", out);
	else if (!md)
		fprintf(out,
			"\n%d syscalls: %d PASS, %d TRACE, %d DENY, %d DENY_EPERM; support: %d "
			"full, %d partial, %d none\n",
			total, counts[SC_PASS], counts[SC_TRACE], counts[SC_DENY],
			counts[SC_DENY_EPERM], levels[SL_FULL], levels[SL_PARTIAL], levels[SL_NONE]);
}
