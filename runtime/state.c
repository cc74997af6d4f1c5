/* runtime/state.c - reads and writes container state (runtime/state.h). Owns the format of
 * ROOT/ID/state.json, and writes the freezer cgroup's freezer.state to thaw it; it never
 * signals or starts anything. */
#include "runtime/state.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* runc's rule (libcontainer's idRegex ^[\w+-\.]+$): letters, digits and _ + , - . only, and
 * not a path of its own ("." and ".."). Docker, containerd and CRI ids all fit. */
bool state_id_valid(const char *id)
{
	if (!id || !*id || strlen(id) > 200 || !strcmp(id, ".") || !strcmp(id, ".."))
		return false;
	for (const char *p = id; *p; p++) {
		unsigned char c = (unsigned char)*p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '+' || c == ',' || c == '-' ||
			  c == '.';
		if (!ok)
			return false;
	}
	return true;
}

int state_dir(const char *root, const char *id, char *buf, size_t size)
{
	if (!state_id_valid(id))
		return -EINVAL;
	if ((size_t)snprintf(buf, size, "%s/%s", root, id) >= size)
		return -ENAMETOOLONG;
	return 0;
}

uint64_t state_proc_start(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	if (!p || !p[1] || !p[2])
		return 0;
	if (p[2] == 'Z' || p[2] == 'X')
		return 0; /* a zombie is gone for our purposes */
	/* after ") " come fields 3.. (state is field 3); starttime is field 22 */
	int field = 2;
	for (p++; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	return strtoull(p, NULL, 10);
}

bool state_sentry_alive(const struct container_state *st)
{
	if (st->pid <= 0)
		return false;
	uint64_t s = state_proc_start(st->pid);
	return s && (!st->pid_start || s == st->pid_start);
}

const char *state_status(const struct container_state *st)
{
	if (!strcmp(st->status, "creating"))
		return st->pid > 0 && !state_sentry_alive(st) ? "stopped" : "creating";
	if (!state_sentry_alive(st))
		return "stopped";
	return st->status;
}

void state_now_rfc3339(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char base[32];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%09ldZ", base, ts.tv_nsec);
}

int state_write_atomic(const char *path, const char *text)
{
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0) {
			int err = -errno;
			close(fd);
			unlink(tmp);
			return err;
		}
		off += n;
	}
	if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		int err = -errno;
		unlink(tmp);
		return err;
	}
	return 0;
}

static void copy_str(char *dst, size_t size, json_t *v)
{
	snprintf(dst, size, "%s", json_is_string(v) ? json_string_value(v) : "");
}

int state_load(const char *root, const char *id, struct container_state *st)
{
	char path[4400];
	json_error_t je;
	memset(st, 0, sizeof(*st));
	if (!state_id_valid(id))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s/state.json", root, id);
	json_t *j = json_load_file(path, 0, &je);
	if (!j) {
		char dir[4400];
		snprintf(dir, sizeof(dir), "%s/%s", root, id);
		if (access(dir, F_OK) < 0)
			return -ENOENT;
		/* the directory exists but no state yet: create is under way or failed */
		snprintf(st->id, sizeof(st->id), "%s", id);
		snprintf(st->status, sizeof(st->status), "creating");
		return 0;
	}
	copy_str(st->id, sizeof(st->id), json_object_get(j, "id"));
	copy_str(st->bundle, sizeof(st->bundle), json_object_get(j, "bundle"));
	copy_str(st->rootfs, sizeof(st->rootfs), json_object_get(j, "rootfs"));
	copy_str(st->status, sizeof(st->status), json_object_get(j, "status"));
	copy_str(st->created, sizeof(st->created), json_object_get(j, "created"));
	copy_str(st->owner, sizeof(st->owner), json_object_get(j, "owner"));
	copy_str(st->cgroup_freezer, sizeof(st->cgroup_freezer),
		 json_object_get(j, "cvisor.freezer"));
	st->pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
	st->pid_start = (uint64_t)json_integer_value(json_object_get(j, "cvisor.pidStart"));
	json_t *a = json_object_get(j, "annotations");
	if (json_is_object(a))
		st->annotations_json = json_dumps(a, JSON_COMPACT);
	json_decref(j);
	return 0;
}

int state_save(const char *root, const struct container_state *st)
{
	char path[4400];
	json_error_t je;
	json_t *j = json_object();
	json_object_set_new(j, "ociVersion", json_string("1.0.2"));
	json_object_set_new(j, "id", json_string(st->id));
	json_object_set_new(j, "status", json_string(st->status));
	json_object_set_new(j, "pid", json_integer(st->pid));
	json_object_set_new(j, "bundle", json_string(st->bundle));
	json_object_set_new(j, "rootfs", json_string(st->rootfs));
	json_object_set_new(j, "created", json_string(st->created));
	json_object_set_new(j, "owner", json_string(st->owner));
	json_object_set_new(j, "cvisor.pidStart", json_integer((json_int_t)st->pid_start));
	json_object_set_new(j, "cvisor.freezer", json_string(st->cgroup_freezer));
	json_t *a = st->annotations_json ? json_loads(st->annotations_json, 0, &je) : NULL;
	json_object_set_new(j, "annotations", a ? a : json_object());
	char *text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!text)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/%s/state.json", root, st->id);
	int r = state_write_atomic(path, text);
	free(text);
	return r;
}

void state_free(struct container_state *st)
{
	free(st->annotations_json);
	st->annotations_json = NULL;
}

char *state_oci_json(const struct container_state *st)
{
	json_error_t je;
	json_t *j = json_object();
	const char *status = state_status(st);
	bool alive = strcmp(status, "stopped") != 0;
	json_object_set_new(j, "ociVersion", json_string("1.0.2"));
	json_object_set_new(j, "id", json_string(st->id));
	json_object_set_new(j, "pid", json_integer(alive ? st->pid : 0));
	json_object_set_new(j, "status", json_string(status));
	json_object_set_new(j, "bundle", json_string(st->bundle));
	json_object_set_new(j, "rootfs", json_string(st->rootfs));
	json_object_set_new(j, "created", json_string(st->created));
	json_object_set_new(j, "owner", json_string(st->owner));
	json_t *a = st->annotations_json ? json_loads(st->annotations_json, 0, &je) : NULL;
	json_object_set_new(j, "annotations", a ? a : json_object());
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	return text;
}

int state_freezer_thaw(const struct container_state *st)
{
	char path[4200];
	if (!st->cgroup_freezer[0])
		return -ENOENT;
	snprintf(path, sizeof(path), "/sys/fs/cgroup/freezer%s/freezer.state", st->cgroup_freezer);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = write(fd, "THAWED", 6) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static int rm_tree_at(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		DIR *d = fdopendir(fd);
		struct dirent *e;
		if (!d) {
			close(fd);
			return -errno;
		}
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				rm_tree_at(dirfd(d), e->d_name);
		closedir(d);
		return unlinkat(parent, name, AT_REMOVEDIR) < 0 ? -errno : 0;
	}
	return unlinkat(parent, name, 0) < 0 && errno != ENOENT ? -errno : 0;
}

int state_remove(const char *root, const char *id)
{
	if (!state_id_valid(id))
		return -EINVAL;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = rm_tree_at(fd, id);
	close(fd);
	return r == -ENOENT ? 0 : r;
}
