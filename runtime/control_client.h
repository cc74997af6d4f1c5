/* runtime/control_client.h - the CLI side of the Sentry's control socket
 * (protocol: sentry/control.h). */
#ifndef CVISOR_RUNTIME_CONTROL_CLIENT_H
#define CVISOR_RUNTIME_CONTROL_CLIENT_H
#include <jansson.h>

/* Connects to ROOT/ID/control.sock. Returns the fd or -errno. */
int ctl_connect(const char *root, const char *id);
/* Sends @req (consumed) with @nfds fds (SCM_RIGHTS) without waiting for a reply.
 * Returns 0 or -errno. */
int ctl_send(int fd, json_t *req, const int *fds, int nfds);
/* Sends @req (consumed) with @nfds fds, waits up to @timeout_ms (-1: forever) for one
 * reply. Returns the reply (new reference) or NULL with errno set (ETIMEDOUT, EPIPE). */
json_t *ctl_call(int fd, json_t *req, const int *fds, int nfds, int timeout_ms);
/* Waits up to @timeout_ms for the next message. NULL with errno on failure/EOF. */
json_t *ctl_recv(int fd, int timeout_ms);
/* One request on a fresh connection. */
json_t *ctl_request(const char *root, const char *id, json_t *req, int timeout_ms);

/* A JSON array of the strings of NULL-terminated @v (NULL: empty), a new reference. */
json_t *ctl_strv(char *const *v);

#endif
