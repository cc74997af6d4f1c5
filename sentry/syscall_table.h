/* sentry/syscall_table.h - the syscall table built from syscalls.def. */
#ifndef CVISOR_SENTRY_SYSCALL_TABLE_H
#define CVISOR_SENTRY_SYSCALL_TABLE_H
#include <stdint.h>
#include <stdio.h>
#include "sentry/syscall.h"
#include <linux/filter.h>

enum syscall_class { SC_PASS, SC_TRACE, SC_DENY, SC_DENY_EPERM };
enum syscall_level { SL_NONE, SL_PARTIAL, SL_FULL };

struct syscall_entry {
	const char *name;     /* NULL: no syscall has this number */
	syscall_fn fn;        /* NULL when level is NONE */
	uint8_t cls;
	uint8_t level;
	const char *args;
	const char *note;
};

#define SYSCALL_TABLE_SIZE 512
extern const struct syscall_entry syscall_table[SYSCALL_TABLE_SIZE];

const struct syscall_entry *syscall_lookup(long nr);
long syscall_nr_by_name(const char *name);
const char *syscall_class_name(int cls);
const char *syscall_level_name(int level);
/* Builds the stub filter from the table (platform/seccomp_filter.c does the BPF). */
int syscall_filter_build(struct sock_fprog *out);
/* `cvisor syscalls`: text table, --markdown (docs/syscalls.md) or --json. */
void syscall_table_print(FILE *out, const char *format);

#endif
