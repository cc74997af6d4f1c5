/* runtime/oci_config.h - an OCI bundle's config.json (runtime-spec 1.x) as cvisor reads it.
 *
 * The parser (jansson) checks every field it uses for its type and reports the first bad
 * one as "process.args: expected an array of strings": bad input is never fatal beyond a
 * one-line message and exit status 1. Fields cvisor does not use are not checked.
 * Everything in a struct oci_config is owned by it; oci_config_free releases it all. */
#ifndef CVISOR_RUNTIME_OCI_CONFIG_H
#define CVISOR_RUNTIME_OCI_CONFIG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

struct oci_mount {
	char *destination;
	char *type;    /* "bind", "tmpfs", "proc", ...; "bind" also when options say bind */
	char *source;
	char **options; /* NULL-terminated */
	bool bind, readonly;
};

struct oci_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
};

struct oci_caps {
	bool present;
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct oci_process {
	bool terminal;
	char **args;   /* NULL-terminated, at least one */
	char **env;    /* NULL-terminated (possibly empty) */
	char *cwd;     /* absolute */
	uint32_t uid, gid, umask;
	bool has_umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	struct oci_caps caps;
	struct oci_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	int oom_score_adj;
	bool has_oom_score_adj;
};

struct oci_namespace {
	char *type; /* pid network mount ipc uts user cgroup time */
	char *path; /* NULL: a new one */
};

/* hooks.<kind>[]: a host program the runtime runs with the container's state JSON on
 * stdin (runtime-spec "POSIX-platform Hooks"). */
struct oci_hook {
	char *path;  /* absolute */
	char **args; /* NULL-terminated, or NULL: { path } */
	char **env;  /* NULL-terminated, or NULL: empty */
	int timeout; /* seconds; 0: none */
};

enum oci_hook_kind {
	OCI_HOOK_PRESTART,
	OCI_HOOK_CREATE_RUNTIME,
	OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER,
	OCI_HOOK_POSTSTART,
	OCI_HOOK_POSTSTOP,
	OCI_HOOK_KINDS
};
/* Their config.json names ("prestart", "createRuntime", ...), by kind. */
extern const char *const oci_hook_names[OCI_HOOK_KINDS];

struct oci_config {
	char *oci_version;
	char *root_path; /* absolute (resolved against the bundle) */
	bool root_readonly;
	struct oci_process process;
	char *hostname;
	struct oci_mount *mounts;
	size_t n_mounts;
	char **annotations; /* key, value, key, value, ..., NULL */
	struct oci_namespace *namespaces;
	size_t n_namespaces;
	char *cgroups_path;
	char *resources_json; /* linux.resources as compact JSON, or NULL */
	struct sock_fprog seccomp; /* linux.seccomp as BPF (runtime/oci_seccomp.c); filter NULL: none */
	unsigned seccomp_flags;    /* its SECCOMP_FILTER_FLAG_LOG / _SPEC_ALLOW */
	struct oci_hook *hooks[OCI_HOOK_KINDS];
	size_t n_hooks[OCI_HOOK_KINDS];
};

/* Parses config.json text @text of the bundle at @bundle (root.path is resolved against
 * it). Returns 0, or -EINVAL with a one-line message naming the field in @err. */
int oci_config_parse(const char *text, const char *bundle, struct oci_config *out, char *err,
		     size_t errlen);
/* Reads and parses @bundle/config.json. Returns 0 or -errno with a message in @err. */
int oci_config_load(const char *bundle, struct oci_config *out, char *err, size_t errlen);
void oci_config_free(struct oci_config *c);

/* Parses a process object (config.json's "process", or `exec --process FILE`): @where
 * prefixes field names in messages ("process"). Returns 0 or -EINVAL with @err set. */
int oci_process_parse_text(const char *text, const char *where, struct oci_process *out,
			   char *err, size_t errlen);
void oci_process_free(struct oci_process *p);

/* Capability name ("CAP_SYS_ADMIN") to number; -1 when unknown. */
int oci_cap_from_name(const char *name);
/* Signal name ("TERM", "SIGTERM", "15") to number; -1 when unknown. */
int oci_signal_from_name(const char *name);
/* The value of annotation @key or NULL. */
const char *oci_config_annotation(const struct oci_config *c, const char *key);

#endif
