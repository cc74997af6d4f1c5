/* runtime/oci_seccomp.c - linux.seccomp of config.json into a BPF program (libseccomp).
 * Owns the mapping of OCI names (SCMP_ACT_*, SCMP_ARCH_*, SCMP_CMP_*, SECCOMP_FILTER_FLAG_*)
 * onto libseccomp; must not install anything: the Sentry installs the program in the
 * container's first process (seccomp_task_preload) before its first instruction. */
#include "runtime/oci_seccomp.h"
#include <ctype.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define WHERE "linux.seccomp"
#define MAX_ARGS 6

struct err {
	char *buf;
	size_t len;
};

static int field_error(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int field_error(struct err *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (e->buf && e->len)
		vsnprintf(e->buf, e->len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* An errno field: absent -> @def, else an integer 0..4095. */
static int errno_field(const json_t *o, const char *key, uint32_t def, uint32_t *out,
		       const char *where, struct err *e)
{
	const json_t *v = json_object_get(o, key);
	if (!v) {
		*out = def;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 4095)
		return field_error(e, "%s.%s: expected an errno number (0..4095)", where, key);
	*out = (uint32_t)json_integer_value(v);
	return 0;
}

/* "SCMP_ACT_*" into a libseccomp action; @ret is the errno (ERRNO) or message (TRACE). */
static int parse_action(const json_t *v, uint32_t ret, uint32_t *act, const char *where,
			struct err *e)
{
	const char *s = json_string_value(v);
	if (!s)
		return field_error(e, "%s: expected an action string", where);
	if (!strcmp(s, "SCMP_ACT_KILL") || !strcmp(s, "SCMP_ACT_KILL_THREAD"))
		*act = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(s, "SCMP_ACT_KILL_PROCESS"))
		*act = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(s, "SCMP_ACT_TRAP"))
		*act = SCMP_ACT_TRAP;
	else if (!strcmp(s, "SCMP_ACT_ERRNO"))
		*act = SCMP_ACT_ERRNO(ret);
	else if (!strcmp(s, "SCMP_ACT_TRACE"))
		*act = SCMP_ACT_TRACE(ret);
	else if (!strcmp(s, "SCMP_ACT_ALLOW"))
		*act = SCMP_ACT_ALLOW;
	else if (!strcmp(s, "SCMP_ACT_LOG"))
		*act = SCMP_ACT_LOG;
	else if (!strcmp(s, "SCMP_ACT_NOTIFY"))
		return field_error(e, "%s: SCMP_ACT_NOTIFY: user notification is not supported",
				   where);
	else
		return field_error(e, "%s: unknown action \"%s\"", where, s);
	return 0;
}

static int parse_op(const char *s, enum scmp_compare *op)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
	    {"SCMP_CMP_NE", SCMP_CMP_NE},
	    {"SCMP_CMP_LT", SCMP_CMP_LT},
	    {"SCMP_CMP_LE", SCMP_CMP_LE},
	    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
	    {"SCMP_CMP_GE", SCMP_CMP_GE},
	    {"SCMP_CMP_GT", SCMP_CMP_GT},
	    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
	};
	for (size_t i = 0; s && i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(s, ops[i].name)) {
			*op = ops[i].op;
			return 0;
		}
	return -EINVAL;
}

static int parse_arches(scmp_filter_ctx ctx, const json_t *arr, struct err *e)
{
	size_t i;
	const json_t *v;
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return field_error(e, WHERE ".architectures: expected an array of strings");
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(v);
		char name[32];
		uint32_t arch;
		if (!s || strncmp(s, "SCMP_ARCH_", 10) || strlen(s + 10) >= sizeof(name))
			return field_error(
			    e, WHERE ".architectures[%zu]: expected \"SCMP_ARCH_...\"", i);
		size_t k;
		for (k = 0; s[10 + k]; k++)
			name[k] = (char)tolower((unsigned char)s[10 + k]);
		name[k] = 0;
		arch = seccomp_arch_resolve_name(name);
		if (!arch)
			return field_error(
			    e, WHERE ".architectures[%zu]: unknown architecture \"%s\"", i, s);
		int r = seccomp_arch_add(ctx, arch);
		if (r < 0 && r != -EEXIST)
			return field_error(e, WHERE ".architectures[%zu]: %s: %s", i, s,
					   strerror(-r));
	}
	return 0;
}

static int parse_flags(const json_t *arr, unsigned *flags, struct err *e)
{
	size_t i;
	const json_t *v;
	*flags = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return field_error(e, WHERE ".flags: expected an array of strings");
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(v);
		if (s && !strcmp(s, "SECCOMP_FILTER_FLAG_TSYNC"))
			continue; /* a single thread gets the filter */
		else if (s && !strcmp(s, "SECCOMP_FILTER_FLAG_LOG"))
			*flags |= SECCOMP_FILTER_FLAG_LOG;
		else if (s && !strcmp(s, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
			*flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
		else
			return field_error(e, WHERE ".flags[%zu]: unsupported flag %s%s%s", i,
					   s ? "\"" : "", s ? s : "(not a string)", s ? "\"" : "");
	}
	return 0;
}

/* args[] into comparisons; *@same_index: two of them name the same argument. */
static int parse_args(const json_t *arr, struct scmp_arg_cmp *cmp, unsigned *n, bool *same_index,
		      const char *where, struct err *e)
{
	size_t i;
	const json_t *v;
	unsigned seen = 0;
	*n = 0;
	*same_index = false;
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return field_error(e, "%s.args: expected an array", where);
	if (json_array_size(arr) > MAX_ARGS)
		return field_error(e, "%s.args: at most %d conditions", where, MAX_ARGS);
	json_array_foreach(arr, i, v)
	{
		const json_t *idx = json_object_get(v, "index"), *val = json_object_get(v, "value"),
			     *two = json_object_get(v, "valueTwo");
		enum scmp_compare op;
		if (!json_is_integer(idx) || json_integer_value(idx) < 0 ||
		    json_integer_value(idx) >= MAX_ARGS)
			return field_error(e, "%s.args[%zu].index: expected 0..5", where, i);
		if (!json_is_integer(val) || (two && !json_is_integer(two)))
			return field_error(e, "%s.args[%zu]: value and valueTwo must be integers",
					   where, i);
		if (parse_op(json_string_value(json_object_get(v, "op")), &op) < 0)
			return field_error(e, "%s.args[%zu].op: unknown comparison", where, i);
		unsigned a = (unsigned)json_integer_value(idx);
		if (seen & (1u << a))
			*same_index = true;
		seen |= 1u << a;
		cmp[i].arg = a;
		cmp[i].op = op;
		cmp[i].datum_a = (scmp_datum_t)json_integer_value(val);
		cmp[i].datum_b = two ? (scmp_datum_t)json_integer_value(two) : 0;
		(*n)++;
	}
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, const struct scmp_arg_cmp *cmp,
		    unsigned n, bool same_index, const char *where, const char *name, struct err *e)
{
	int r;
	if (!same_index) {
		r = seccomp_rule_add_array(ctx, act, nr, n, cmp);
	} else { /* conditions on one argument: one rule each (any of them), as runc */
		r = 0;
		for (unsigned i = 0; i < n && r == 0; i++)
			r = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[i]);
	}
	if (r < 0)
		return field_error(e, "%s: %s: %s", where, name, strerror(-r));
	return 0;
}

static int parse_rule(scmp_filter_ctx ctx, const json_t *rule, size_t i, uint32_t def_act,
		      struct err *e)
{
	char where[64];
	const json_t *names = json_object_get(rule, "names"), *v;
	struct scmp_arg_cmp cmp[MAX_ARGS];
	uint32_t ret, act;
	unsigned n;
	bool same;
	size_t k;
	int r;

	snprintf(where, sizeof(where), WHERE ".syscalls[%zu]", i);
	if (!json_is_object(rule))
		return field_error(e, "%s: expected an object", where);
	if (!json_is_array(names))
		return field_error(e, "%s.names: expected an array of strings", where);
	if ((r = errno_field(rule, "errnoRet", EPERM, &ret, where, e)) < 0)
		return r;
	char awhere[80];
	snprintf(awhere, sizeof(awhere), "%s.action", where);
	if ((r = parse_action(json_object_get(rule, "action"), ret, &act, awhere, e)) < 0)
		return r;
	if ((r = parse_args(json_object_get(rule, "args"), cmp, &n, &same, where, e)) < 0)
		return r;
	if (act == def_act)
		return 0; /* libseccomp refuses a rule that repeats the default; runc skips it */
	json_array_foreach(names, k, v)
	{
		const char *name = json_string_value(v);
		if (!name)
			return field_error(e, "%s.names[%zu]: expected a string", where, k);
		int nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR)
			continue; /* unknown to this libseccomp: skipped, as runc does */
		if ((r = add_rule(ctx, act, nr, cmp, n, same, where, name, e)) < 0)
			return r;
	}
	return 0;
}

static int export_prog(scmp_filter_ctx ctx, struct sock_fprog *out, struct err *e)
{
	int fd = memfd_create("cvisor-oci-seccomp", MFD_CLOEXEC), r;
	off_t size;
	if (fd < 0)
		return -errno;
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0) {
		close(fd);
		return field_error(e, WHERE ": cannot build the filter: %s", strerror(-r));
	}
	size = lseek(fd, 0, SEEK_END);
	out->len = (unsigned short)(size / sizeof(struct sock_filter));
	out->filter = malloc(size ? size : 1);
	if (!out->filter || pread(fd, out->filter, size, 0) != size) {
		free(out->filter);
		out->filter = NULL;
		close(fd);
		return -ENOMEM;
	}
	close(fd);
	if (size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		free(out->filter);
		out->filter = NULL;
		return field_error(e, WHERE ": the filter has %zu instructions (at most %d)",
				   (size_t)(size / sizeof(struct sock_filter)), BPF_MAXINSNS);
	}
	return 0;
}

int oci_seccomp_build(const json_t *seccomp, struct sock_fprog *out, unsigned *flags, char *err,
		      size_t errlen)
{
	struct err e = {err, errlen};
	const json_t *syscalls, *rule;
	uint32_t def_ret, def_act;
	scmp_filter_ctx ctx;
	size_t i;
	int r;

	out->filter = NULL;
	out->len = 0;
	if (!json_is_object(seccomp))
		return field_error(&e, WHERE ": expected an object");
	if (json_object_get(seccomp, "listenerPath"))
		return field_error(&e, WHERE ".listenerPath: user notification is not supported");
	if ((r = errno_field(seccomp, "defaultErrnoRet", EPERM, &def_ret, WHERE, &e)) < 0)
		return r;
	if ((r = parse_action(json_object_get(seccomp, "defaultAction"), def_ret, &def_act,
			      WHERE ".defaultAction", &e)) < 0)
		return r;
	if ((r = parse_flags(json_object_get(seccomp, "flags"), flags, &e)) < 0)
		return r;
	syscalls = json_object_get(seccomp, "syscalls");
	if (syscalls && !json_is_array(syscalls))
		return field_error(&e, WHERE ".syscalls: expected an array");
	ctx = seccomp_init(def_act);
	if (!ctx)
		return -ENOMEM;
	/* exported, never loaded here: no no_new_privs side effect */
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0)
		goto out;
	if ((r = parse_arches(ctx, json_object_get(seccomp, "architectures"), &e)) < 0)
		goto out;
	json_array_foreach(syscalls, i, rule)
	{
		if ((r = parse_rule(ctx, rule, i, def_act, &e)) < 0)
			goto out;
	}
	r = export_prog(ctx, out, &e);
out:
	seccomp_release(ctx);
	return r;
}

void oci_seccomp_free(struct sock_fprog *prog)
{
	free(prog->filter);
	prog->filter = NULL;
	prog->len = 0;
}
