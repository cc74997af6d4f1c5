/* runtime/hooks.h - running config.json's hooks on the host, as runc does: each hook is
 * a host program given the container's state JSON on stdin. */
#ifndef CVISOR_RUNTIME_HOOKS_H
#define CVISOR_RUNTIME_HOOKS_H
#include "runtime/oci_config.h"

/* Runs the hooks of @kind in order, each with @state_json on its stdin, its stdout and
 * stderr the caller's, killed after its timeout. Stops at the first that fails. Returns
 * 0, or -1 with a one-line reason in @err ("prestart hook #0 (/usr/bin/x): exit status
 * 3"). */
int oci_hooks_run(const struct oci_config *c, enum oci_hook_kind kind, const char *state_json,
		  char *err, size_t errlen);

/* createContainer / startContainer: the same, each hook a process of the sandbox of
 * container @id (state dir under @root), its path resolved in the container's root, run
 * as root with stdout and stderr on the caller's stderr. */
int oci_hooks_run_in_sandbox(const char *root, const char *id, const struct oci_config *c,
			     enum oci_hook_kind kind, const char *state_json, char *err,
			     size_t errlen);

#endif
