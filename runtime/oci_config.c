/* runtime/oci_config.c - parses an OCI bundle's config.json with jansson (see oci_config.h).
 * Owns the mapping from the runtime-spec's JSON to struct oci_config and its messages;
 * it must not act on anything (no mounts, no processes): the callers do. */
#include "runtime/oci_seccomp.h"
#include "runtime/oci_config.h"
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

struct perr {
	char *buf;
	size_t len;
};

static int perr_set(struct perr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr_set(struct perr *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (e->buf && e->len)
		vsnprintf(e->buf, e->len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *const cap_names[] = {
	"CHOWN",	    "DAC_OVERRIDE",	"DAC_READ_SEARCH", "FOWNER",	     "FSETID",
	"KILL",		    "SETGID",		"SETUID",	   "SETPCAP",	     "LINUX_IMMUTABLE",
	"NET_BIND_SERVICE", "NET_BROADCAST",	"NET_ADMIN",	   "NET_RAW",	     "IPC_LOCK",
	"IPC_OWNER",	    "SYS_MODULE",	"SYS_RAWIO",	   "SYS_CHROOT",     "SYS_PTRACE",
	"SYS_PACCT",	    "SYS_ADMIN",	"SYS_BOOT",	   "SYS_NICE",	     "SYS_RESOURCE",
	"SYS_TIME",	    "SYS_TTY_CONFIG",	"MKNOD",	   "LEASE",	     "AUDIT_WRITE",
	"AUDIT_CONTROL",    "SETFCAP",		"MAC_OVERRIDE",	   "MAC_ADMIN",	     "SYSLOG",
	"WAKE_ALARM",	    "BLOCK_SUSPEND",	"AUDIT_READ",	   "PERFMON",	     "BPF",
	"CHECKPOINT_RESTORE",
};

int oci_cap_from_name(const char *name)
{
	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (!strcasecmp(name, cap_names[i]))
			return (int)i;
	return -1;
}

int oci_signal_from_name(const char *name)
{
	static const struct {
		const char *n;
		int s;
	} sigs[] = {{"HUP", SIGHUP},   {"INT", SIGINT},	    {"QUIT", SIGQUIT},	 {"ILL", SIGILL},
		    {"TRAP", SIGTRAP}, {"ABRT", SIGABRT},   {"IOT", SIGIOT},	 {"BUS", SIGBUS},
		    {"FPE", SIGFPE},   {"KILL", SIGKILL},   {"USR1", SIGUSR1},	 {"SEGV", SIGSEGV},
		    {"USR2", SIGUSR2}, {"PIPE", SIGPIPE},   {"ALRM", SIGALRM},	 {"TERM", SIGTERM},
		    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},	 {"STOP", SIGSTOP},
		    {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU},	 {"URG", SIGURG},
		    {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},   {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
		    {"WINCH", SIGWINCH}, {"IO", SIGIO},	    {"POLL", SIGPOLL},	 {"PWR", SIGPWR},
		    {"SYS", SIGSYS}};
	char *end;
	if (!name || !*name)
		return -1;
	long n = strtol(name, &end, 10);
	if (!*end)
		return n > 0 && n < 65 ? (int)n : -1;
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (!strcasecmp(name, sigs[i].n))
			return sigs[i].s;
	if (!strncasecmp(name, "RTMIN", 5) || !strncasecmp(name, "RTMAX", 5)) {
		int base = !strncasecmp(name, "RTMIN", 5) ? SIGRTMIN : SIGRTMAX;
		if (!name[5])
			return base;
		n = strtol(name + 5, &end, 10);
		if (*end || base + n < SIGRTMIN || base + n > SIGRTMAX)
			return -1;
		return (int)(base + n);
	}
	return -1;
}

static void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* A JSON array of strings into a new NULL-terminated vector. */
static int get_strv(json_t *v, const char *field, char ***out, struct perr *e)
{
	size_t i, n;
	json_t *x;
	if (!json_is_array(v))
		return perr_set(e, "%s: expected an array of strings", field);
	n = json_array_size(v);
	char **r = calloc(n + 1, sizeof(char *));
	if (!r)
		return -ENOMEM;
	json_array_foreach(v, i, x)
	{
		if (!json_is_string(x)) {
			strv_free(r);
			return perr_set(e, "%s: expected an array of strings", field);
		}
		if (!(r[i] = strdup(json_string_value(x)))) {
			strv_free(r);
			return -ENOMEM;
		}
	}
	*out = r;
	return 0;
}

/* Optional string member @key of @obj: absent or null leaves *@out NULL. */
static int get_str(json_t *obj, const char *key, const char *where, char **out, struct perr *e)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return perr_set(e, "%s%s%s: expected a string", where, *where ? "." : "", key);
	*out = strdup(json_string_value(v));
	return *out ? 0 : -ENOMEM;
}

static int get_bool(json_t *obj, const char *key, const char *where, bool *out, struct perr *e)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return perr_set(e, "%s%s%s: expected true or false", where, *where ? "." : "", key);
	*out = json_is_true(v);
	return 0;
}

static int get_u32(json_t *obj, const char *key, const char *where, uint32_t *out, bool *has,
		   struct perr *e)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > (json_int_t)UINT32_MAX)
		return perr_set(e, "%s%s%s: expected an unsigned 32-bit integer", where,
			    *where ? "." : "", key);
	*out = (uint32_t)json_integer_value(v);
	if (has)
		*has = true;
	return 0;
}

static int parse_caps(json_t *v, const char *where, struct oci_caps *caps, struct perr *e)
{
	static const char *const sets[] = {"bounding", "effective", "inheritable", "permitted",
					   "ambient"};
	uint64_t *dst[] = {&caps->bounding, &caps->effective, &caps->inheritable,
			   &caps->permitted, &caps->ambient};
	char field[128];
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return perr_set(e, "%s.capabilities: expected an object", where);
	caps->present = true;
	for (int s = 0; s < 5; s++) {
		json_t *arr = json_object_get(v, sets[s]), *x;
		size_t i;
		if (!arr || json_is_null(arr))
			continue;
		snprintf(field, sizeof(field), "%s.capabilities.%s", where, sets[s]);
		if (!json_is_array(arr))
			return perr_set(e, "%s: expected an array of strings", field);
		json_array_foreach(arr, i, x)
		{
			if (!json_is_string(x))
				return perr_set(e, "%s: expected an array of strings", field);
			int c = oci_cap_from_name(json_string_value(x));
			if (c >= 0) /* unknown names are ignored, as runc does */
				*dst[s] |= 1ULL << c;
		}
	}
	return 0;
}

static int rlimit_from_name(const char *n)
{
	static const struct {
		const char *n;
		int r;
	} t[] = {{"CPU", RLIMIT_CPU},	       {"FSIZE", RLIMIT_FSIZE},
		 {"DATA", RLIMIT_DATA},	       {"STACK", RLIMIT_STACK},
		 {"CORE", RLIMIT_CORE},	       {"RSS", RLIMIT_RSS},
		 {"NPROC", RLIMIT_NPROC},      {"NOFILE", RLIMIT_NOFILE},
		 {"MEMLOCK", RLIMIT_MEMLOCK},  {"AS", RLIMIT_AS},
		 {"LOCKS", RLIMIT_LOCKS},      {"SIGPENDING", RLIMIT_SIGPENDING},
		 {"MSGQUEUE", RLIMIT_MSGQUEUE}, {"NICE", RLIMIT_NICE},
		 {"RTPRIO", RLIMIT_RTPRIO},    {"RTTIME", RLIMIT_RTTIME}};
	if (strncmp(n, "RLIMIT_", 7))
		return -1;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(n + 7, t[i].n))
			return t[i].r;
	return -1;
}

static int parse_rlimits(json_t *v, const char *where, struct oci_process *p, struct perr *e)
{
	size_t i;
	json_t *x;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return perr_set(e, "%s.rlimits: expected an array", where);
	p->rlimits = calloc(json_array_size(v) + 1, sizeof(*p->rlimits));
	if (!p->rlimits)
		return -ENOMEM;
	json_array_foreach(v, i, x)
	{
		json_t *type = json_object_get(x, "type"), *soft = json_object_get(x, "soft"),
		       *hard = json_object_get(x, "hard");
		if (!json_is_object(x))
			return perr_set(e, "%s.rlimits[%zu]: expected an object", where, i);
		if (!json_is_string(type) || rlimit_from_name(json_string_value(type)) < 0)
			return perr_set(e, "%s.rlimits[%zu].type: expected an RLIMIT_* name", where, i);
		if (!json_is_integer(soft) || !json_is_integer(hard))
			return perr_set(e, "%s.rlimits[%zu]: soft and hard must be integers", where, i);
		struct oci_rlimit *r = &p->rlimits[p->n_rlimits++];
		r->resource = rlimit_from_name(json_string_value(type));
		r->soft = (uint64_t)json_integer_value(soft);
		r->hard = (uint64_t)json_integer_value(hard);
	}
	return 0;
}

static int parse_user(json_t *u, const char *where, struct oci_process *p, struct perr *e)
{
	char w[64];
	int r;
	if (!u || json_is_null(u))
		return 0;
	snprintf(w, sizeof(w), "%s.user", where);
	if (!json_is_object(u))
		return perr_set(e, "%s: expected an object", w);
	if ((r = get_u32(u, "uid", w, &p->uid, NULL, e)) || (r = get_u32(u, "gid", w, &p->gid, NULL, e)) ||
	    (r = get_u32(u, "umask", w, &p->umask, &p->has_umask, e)))
		return r;
	json_t *ag = json_object_get(u, "additionalGids"), *x;
	size_t i;
	if (!ag || json_is_null(ag))
		return 0;
	if (!json_is_array(ag))
		return perr_set(e, "%s.additionalGids: expected an array of integers", w);
	p->additional_gids = calloc(json_array_size(ag) + 1, sizeof(uint32_t));
	if (!p->additional_gids)
		return -ENOMEM;
	json_array_foreach(ag, i, x)
	{
		if (!json_is_integer(x) || json_integer_value(x) < 0 ||
		    json_integer_value(x) > (json_int_t)UINT32_MAX)
			return perr_set(e, "%s.additionalGids: expected an array of integers", w);
		p->additional_gids[p->n_additional_gids++] = (uint32_t)json_integer_value(x);
	}
	return 0;
}

/* @where: "process" in config.json, "process" for exec --process too. */
static int parse_process(json_t *v, const char *where, struct oci_process *p, struct perr *e)
{
	char field[64];
	int r;
	if (!json_is_object(v))
		return perr_set(e, "%s: expected an object", where);
	if ((r = get_bool(v, "terminal", where, &p->terminal, e)))
		return r;
	snprintf(field, sizeof(field), "%s.args", where);
	json_t *args = json_object_get(v, "args");
	if (!args)
		return perr_set(e, "%s: missing (the command to run)", field);
	if ((r = get_strv(args, field, &p->args, e)))
		return r;
	if (!p->args[0])
		return perr_set(e, "%s: must not be empty", field);
	json_t *env = json_object_get(v, "env");
	snprintf(field, sizeof(field), "%s.env", where);
	if (env && !json_is_null(env)) {
		if ((r = get_strv(env, field, &p->env, e)))
			return r;
	} else if (!(p->env = calloc(1, sizeof(char *)))) {
		return -ENOMEM;
	}
	if ((r = get_str(v, "cwd", where, &p->cwd, e)))
		return r;
	if (!p->cwd)
		p->cwd = strdup("/");
	else if (p->cwd[0] != '/')
		return perr_set(e, "%s.cwd: must be an absolute path", where);
	if ((r = parse_user(json_object_get(v, "user"), where, p, e)) ||
	    (r = parse_caps(json_object_get(v, "capabilities"), where, &p->caps, e)) ||
	    (r = parse_rlimits(json_object_get(v, "rlimits"), where, p, e)) ||
	    (r = get_bool(v, "noNewPrivileges", where, &p->no_new_privileges, e)))
		return r;
	json_t *oom = json_object_get(v, "oomScoreAdj");
	if (oom && !json_is_null(oom)) {
		if (!json_is_integer(oom))
			return perr_set(e, "%s.oomScoreAdj: expected an integer", where);
		p->oom_score_adj = (int)json_integer_value(oom);
		p->has_oom_score_adj = true;
	}
	return 0;
}

static int parse_mounts(json_t *v, const char *bundle, struct oci_config *c, struct perr *e)
{
	size_t i;
	json_t *m;
	char w[48];
	int r;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return perr_set(e, "mounts: expected an array");
	c->mounts = calloc(json_array_size(v) + 1, sizeof(*c->mounts));
	if (!c->mounts)
		return -ENOMEM;
	json_array_foreach(v, i, m)
	{
		struct oci_mount *om = &c->mounts[c->n_mounts++];
		snprintf(w, sizeof(w), "mounts[%zu]", i);
		if (!json_is_object(m))
			return perr_set(e, "%s: expected an object", w);
		if ((r = get_str(m, "destination", w, &om->destination, e)) ||
		    (r = get_str(m, "type", w, &om->type, e)) ||
		    (r = get_str(m, "source", w, &om->source, e)))
			return r;
		if (!om->destination || om->destination[0] != '/')
			return perr_set(e, "%s.destination: expected an absolute path", w);
		json_t *opts = json_object_get(m, "options");
		char field[64];
		snprintf(field, sizeof(field), "%s.options", w);
		if (opts && !json_is_null(opts)) {
			if ((r = get_strv(opts, field, &om->options, e)))
				return r;
		} else if (!(om->options = calloc(1, sizeof(char *)))) {
			return -ENOMEM;
		}
		for (char **o = om->options; *o; o++) {
			if (!strcmp(*o, "bind") || !strcmp(*o, "rbind"))
				om->bind = true;
			else if (!strcmp(*o, "ro"))
				om->readonly = true;
		}
		if (om->type && !strcmp(om->type, "bind"))
			om->bind = true;
		if (!om->type)
			om->type = strdup(om->bind ? "bind" : "none");
		if (om->bind && !om->source)
			return perr_set(e, "%s.source: a bind mount needs a source", w);
		if (om->bind && om->source[0] != '/' && bundle) {
			/* relative to the bundle, as runc (which runs in it) reads it */
			char *abs;
			if (asprintf(&abs, "%s/%s", bundle, om->source) < 0)
				return -ENOMEM;
			free(om->source);
			om->source = abs;
		}
	}
	return 0;
}

static int parse_linux(json_t *v, struct oci_config *c, struct perr *e)
{
	size_t i;
	json_t *ns;
	int r;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return perr_set(e, "linux: expected an object");
	json_t *nss = json_object_get(v, "namespaces");
	if (nss && !json_is_null(nss)) {
		if (!json_is_array(nss))
			return perr_set(e, "linux.namespaces: expected an array");
		c->namespaces = calloc(json_array_size(nss) + 1, sizeof(*c->namespaces));
		if (!c->namespaces)
			return -ENOMEM;
		json_array_foreach(nss, i, ns)
		{
			char w[48];
			snprintf(w, sizeof(w), "linux.namespaces[%zu]", i);
			struct oci_namespace *o = &c->namespaces[c->n_namespaces++];
			if (!json_is_object(ns))
				return perr_set(e, "%s: expected an object", w);
			if ((r = get_str(ns, "type", w, &o->type, e)) ||
			    (r = get_str(ns, "path", w, &o->path, e)))
				return r;
			static const char *const known[] = {"pid",  "network", "net",	 "mount",
							    "ipc",  "uts",     "user",	 "cgroup",
							    "time", NULL};
			bool ok = false;
			if (!o->type)
				return perr_set(e, "%s.type: missing", w);
			for (int k = 0; known[k]; k++)
				ok |= !strcmp(o->type, known[k]);
			if (!ok)
				return perr_set(e, "%s.type: unknown namespace type \"%.64s\"", w,
						o->type);
		}
	}
	if ((r = get_str(v, "cgroupsPath", "linux", &c->cgroups_path, e)))
		return r;
	json_t *res = json_object_get(v, "resources");
	if (res && !json_is_null(res)) {
		if (!json_is_object(res))
			return perr_set(e, "linux.resources: expected an object");
		c->resources_json = json_dumps(res, JSON_COMPACT);
	}
	json_t *sc = json_object_get(v, "seccomp");
	if (sc && !json_is_null(sc) &&
	    (r = oci_seccomp_build(sc, &c->seccomp, &c->seccomp_flags, e->buf, e->len)) < 0)
		return r;
	return 0;
}

static int parse_annotations(json_t *v, struct oci_config *c, struct perr *e)
{
	const char *k;
	json_t *x;
	size_t n = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return perr_set(e, "annotations: expected an object of strings");
	c->annotations = calloc(2 * json_object_size(v) + 1, sizeof(char *));
	if (!c->annotations)
		return -ENOMEM;
	json_object_foreach(v, k, x)
	{
		if (!json_is_string(x))
			return perr_set(e, "annotations.%s: expected a string", k);
		if (!(c->annotations[n++] = strdup(k)) ||
		    !(c->annotations[n++] = strdup(json_string_value(x))))
			return -ENOMEM;
	}
	return 0;
}

const char *const oci_hook_names[OCI_HOOK_KINDS] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"};

static int parse_hook(json_t *v, const char *where, struct oci_hook *h, struct perr *e)
{
	char field[128];
	if (!json_is_object(v))
		return perr_set(e, "%s: expected an object", where);
	json_t *path = json_object_get(v, "path");
	if (!json_is_string(path) || json_string_value(path)[0] != '/')
		return perr_set(e, "%s.path: expected an absolute path", where);
	if (!(h->path = strdup(json_string_value(path))))
		return -ENOMEM;
	json_t *args = json_object_get(v, "args"), *env = json_object_get(v, "env");
	json_t *timeout = json_object_get(v, "timeout");
	int r;
	snprintf(field, sizeof(field), "%s.args", where);
	if (args && !json_is_null(args) && (r = get_strv(args, field, &h->args, e)))
		return r;
	snprintf(field, sizeof(field), "%s.env", where);
	if (env && !json_is_null(env) && (r = get_strv(env, field, &h->env, e)))
		return r;
	if (timeout && !json_is_null(timeout)) {
		if (!json_is_integer(timeout) || json_integer_value(timeout) <= 0 ||
		    json_integer_value(timeout) > INT32_MAX)
			return perr_set(e, "%s.timeout: expected a positive integer", where);
		h->timeout = (int)json_integer_value(timeout);
	}
	return 0;
}

static int parse_hooks(json_t *v, struct oci_config *c, struct perr *e)
{
	char where[64];
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return perr_set(e, "hooks: expected an object");
	for (int k = 0; k < OCI_HOOK_KINDS; k++) {
		json_t *a = json_object_get(v, oci_hook_names[k]), *x;
		size_t i;
		if (!a || json_is_null(a))
			continue;
		if (!json_is_array(a))
			return perr_set(e, "hooks.%s: expected an array", oci_hook_names[k]);
		c->hooks[k] = calloc(json_array_size(a) + 1, sizeof(struct oci_hook));
		if (!c->hooks[k])
			return -ENOMEM;
		json_array_foreach(a, i, x)
		{
			snprintf(where, sizeof(where), "hooks.%s[%zu]", oci_hook_names[k], i);
			c->n_hooks[k] = i + 1;
			int r = parse_hook(x, where, &c->hooks[k][i], e);
			if (r)
				return r;
		}
	}
	return 0;
}

static int parse_root(json_t *v, const char *bundle, struct oci_config *c, struct perr *e)
{
	char *path = NULL;
	int r;
	if (!v)
		return perr_set(e, "root: missing (root.path names the container's root filesystem)");
	if (!json_is_object(v))
		return perr_set(e, "root: expected an object");
	if ((r = get_str(v, "path", "root", &path, e)))
		return r;
	if (!path || !*path) {
		free(path);
		return perr_set(e, "root.path: expected a non-empty string");
	}
	if (path[0] == '/' || !bundle) {
		c->root_path = path;
	} else {
		if (asprintf(&c->root_path, "%s/%s", bundle, path) < 0)
			c->root_path = NULL;
		free(path);
		if (!c->root_path)
			return -ENOMEM;
	}
	return get_bool(v, "readonly", "root", &c->root_readonly, e);
}

int oci_config_parse(const char *text, const char *bundle, struct oci_config *c, char *err,
		     size_t errlen)
{
	struct perr e = {err, errlen};
	json_error_t je;
	int r;

	memset(c, 0, sizeof(*c));
	json_t *root = json_loads(text, 0, &je);
	if (!root)
		return perr_set(&e, "line %d column %d: %s", je.line, je.column, je.text);
	if (!json_is_object(root)) {
		r = perr_set(&e, "expected a JSON object at the top level");
		goto out;
	}
	if ((r = get_str(root, "ociVersion", "", &c->oci_version, &e)) ||
	    (r = parse_root(json_object_get(root, "root"), bundle, c, &e)))
		goto out;
	json_t *proc = json_object_get(root, "process");
	if (!proc) {
		r = perr_set(&e, "process: missing (the container's first process)");
		goto out;
	}
	if ((r = parse_process(proc, "process", &c->process, &e)) ||
	    (r = get_str(root, "hostname", "", &c->hostname, &e)) ||
	    (r = parse_mounts(json_object_get(root, "mounts"), bundle, c, &e)) ||
	    (r = parse_annotations(json_object_get(root, "annotations"), c, &e)) ||
	    (r = parse_hooks(json_object_get(root, "hooks"), c, &e)) ||
	    (r = parse_linux(json_object_get(root, "linux"), c, &e)))
		goto out;
out:
	json_decref(root);
	if (r == -ENOMEM)
		perr_set(&e, "out of memory");
	if (r)
		oci_config_free(c);
	return r;
}

/* Reads all of @path into a new NUL-terminated buffer. Returns 0 or -errno. */
static int read_file(const char *path, char **out)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	if (!f)
		return -errno;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);
			if (!nb) {
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = nb;
		}
		size_t n = fread(buf + len, 1, 4096, f);
		len += n;
		if (n < 4096)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return -EIO;
	}
	buf[len] = 0;
	*out = buf;
	return 0;
}

int oci_config_load(const char *bundle, struct oci_config *out, char *err, size_t errlen)
{
	char path[PATH_MAX], *text = NULL;
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	int r = read_file(path, &text);
	if (r < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-r));
		memset(out, 0, sizeof(*out));
		return r;
	}
	r = oci_config_parse(text, bundle, out, err, errlen);
	free(text);
	return r;
}

int oci_process_parse_text(const char *text, const char *where, struct oci_process *out,
			   char *err, size_t errlen)
{
	struct perr e = {err, errlen};
	json_error_t je;
	memset(out, 0, sizeof(*out));
	json_t *root = json_loads(text, 0, &je);
	if (!root)
		return perr_set(&e, "line %d column %d: %s", je.line, je.column, je.text);
	int r = parse_process(root, where, out, &e);
	json_decref(root);
	if (r)
		oci_process_free(out);
	return r;
}

void oci_process_free(struct oci_process *p)
{
	strv_free(p->args);
	strv_free(p->env);
	free(p->cwd);
	free(p->additional_gids);
	free(p->rlimits);
	memset(p, 0, sizeof(*p));
}

void oci_config_free(struct oci_config *c)
{
	free(c->oci_version);
	free(c->root_path);
	oci_process_free(&c->process);
	free(c->hostname);
	oci_seccomp_free(&c->seccomp);
	for (size_t i = 0; i < c->n_mounts; i++) {
		free(c->mounts[i].destination);
		free(c->mounts[i].type);
		free(c->mounts[i].source);
		strv_free(c->mounts[i].options);
	}
	free(c->mounts);
	strv_free(c->annotations);
	for (size_t i = 0; i < c->n_namespaces; i++) {
		free(c->namespaces[i].type);
		free(c->namespaces[i].path);
	}
	free(c->namespaces);
	free(c->cgroups_path);
	free(c->resources_json);
	for (int k = 0; k < OCI_HOOK_KINDS; k++) {
		for (size_t i = 0; i < c->n_hooks[k]; i++) {
			free(c->hooks[k][i].path);
			strv_free(c->hooks[k][i].args);
			strv_free(c->hooks[k][i].env);
		}
		free(c->hooks[k]);
	}
	memset(c, 0, sizeof(*c));
}

const char *oci_config_annotation(const struct oci_config *c, const char *key)
{
	for (char **a = c->annotations; a && a[0]; a += 2)
		if (!strcmp(a[0], key))
			return a[1];
	return NULL;
}
