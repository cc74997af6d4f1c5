/* runtime/control_client.c - connects to a Sentry's control socket and exchanges JSON
 * messages (sentry/control.h). Owns nothing but the sockets it opens. */
#include "runtime/control_client.h"
#include "runtime/state.h"
#include "sentry/control.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int ctl_connect(const char *root, const char *id)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char dir[4096];
	int dfd = -1;
	int r = state_dir(root, id, dir, sizeof(dir));
	if (r < 0)
		return r;
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/control.sock", dir) >=
	    sizeof(sa.sun_path)) {
		/* too long for sun_path: connect through the directory's /proc/self/fd link */
		dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return -errno;
		snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/control.sock", dfd);
	}
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		r = -errno;
	else if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
	}
	if (dfd >= 0)
		close(dfd);
	return r < 0 ? r : fd;
}

json_t *ctl_recv(int fd, int timeout_ms)
{
	static char buf[CONTROL_MSG_MAX];
	struct pollfd p = {fd, POLLIN, 0};
	json_error_t je;
	int r;
	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR && timeout_ms < 0);
	if (r == 0) {
		errno = ETIMEDOUT;
		return NULL;
	}
	if (r < 0)
		return NULL;
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	if (n <= 0) {
		errno = n == 0 ? EPIPE : errno;
		return NULL;
	}
	json_t *j = json_loadb(buf, n, 0, &je);
	if (!j)
		errno = EPROTO;
	return j;
}

int ctl_send(int fd, json_t *req, const int *fds, int nfds)
{
	char *text = json_dumps(req, JSON_COMPACT);
	char cbuf[CMSG_SPACE(sizeof(int) * 8)];
	json_decref(req);
	if (!text)
		return -ENOMEM;
	if (nfds > 8)
		nfds = 8;
	struct iovec iov = {text, strlen(text)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	if (nfds > 0) {
		memset(cbuf, 0, sizeof(cbuf));
		m.msg_control = cbuf;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *h = CMSG_FIRSTHDR(&m);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(h), fds, sizeof(int) * nfds);
	}
	ssize_t n = sendmsg(fd, &m, MSG_NOSIGNAL);
	int err = -errno;
	free(text);
	return n < 0 ? err : 0;
}

json_t *ctl_call(int fd, json_t *req, const int *fds, int nfds, int timeout_ms)
{
	int r = ctl_send(fd, req, fds, nfds);
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	return ctl_recv(fd, timeout_ms);
}

json_t *ctl_request(const char *root, const char *id, json_t *req, int timeout_ms)
{
	int fd = ctl_connect(root, id);
	if (fd < 0) {
		json_decref(req);
		errno = -fd;
		return NULL;
	}
	json_t *r = ctl_call(fd, req, NULL, 0, timeout_ms);
	int err = errno;
	close(fd);
	errno = err;
	return r;
}

/* See control_client.h. */
json_t *ctl_strv(char *const *v)
{
	json_t *a = json_array();
	for (; v && *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}
