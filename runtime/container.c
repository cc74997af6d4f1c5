/* runtime/container.c - creating a container: the Sentry process (forked, detached from
 * the caller's session, with the caller's stdio or a pty sent to --console-socket), the
 * set-up hook that turns config.json into the init process's mounts, credentials and fds,
 * and the cgroups the Sentry and its stubs live in. It must not touch the Sentry after
 * create returns except through state files, the start fifo, the control socket and
 * signals to the Sentry's pid. */
#include "runtime/container.h"
#include "netstack/netns.h"
#include "runtime/hooks.h"
#include "runtime/oci_config.h"
#include "sentry/control.h"
#include "sentry/sandbox.h"
#include "sentry/task.h"
#include "vfs/ops.h"
#include "vfs/vfs.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <linux/openat2.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static const char *const cg_controllers[] = {"freezer", "memory", "cpu", "cpuacct", "pids"};
#define CG_ROOT "/sys/fs/cgroup"

int container_load(struct global_opts *g, const char *id, struct container_state *st)
{
	if (!id)
		return cli_error("no container id given");
	int r = state_load(g->root, id, st);
	if (r == -ENOENT || r == -EINVAL)
		return cli_error("container %s does not exist", id);
	if (r < 0)
		return cli_error("container %s: cannot read its state: %s", id, strerror(-r));
	return 0;
}

int container_write_pid_file(const char *path, pid_t pid)
{
	char buf[32];
	char abs[PATH_MAX];
	snprintf(buf, sizeof(buf), "%d", pid);
	if (path[0] != '/' && getcwd(abs, sizeof(abs))) {
		size_t n = strlen(abs);
		snprintf(abs + n, sizeof(abs) - n, "/%s", path);
		path = abs;
	}
	return state_write_atomic(path, buf);
}

int container_openpty(int *master, int *slave)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return -errno;
	if (grantpt(m) < 0 || unlockpt(m) < 0) {
		int err = -errno;
		close(m);
		return err;
	}
	int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (s < 0) {
		char *name = ptsname(m);
		s = name ? open(name, O_RDWR | O_NOCTTY) : -1;
	}
	if (s < 0) {
		int err = -errno;
		close(m);
		return err;
	}
	*master = m;
	*slave = s;
	return 0;
}

int container_send_console(const char *path, int fd)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char name[128] = "/dev/ptmx";
	char cbuf[CMSG_SPACE(sizeof(int))];
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;
		close(s);
		return err;
	}
	ptsname_r(fd, name, sizeof(name));
	struct iovec iov = {name, strlen(name)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			   .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
	int r = sendmsg(s, &m, MSG_NOSIGNAL) < 0 ? -errno : 0;
	close(s);
	return r;
}

/* ---- cgroups (v1 controllers under /sys/fs/cgroup, or nothing) ---- */
static int cg_write(const char *cgpath, const char *ctl, const char *file, const char *val)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), CG_ROOT "/%s%s/%s", ctl, cgpath, file);
	int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = write(fd, val, strlen(val)) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static void mkdir_p(char *p)
{
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0755);
}

/* Creates @cgpath in each controller present and moves @pid into it. Returns how many
 * controllers took it. */
static int cg_enter(const char *cgpath, pid_t pid)
{
	char p[PATH_MAX], val[32];
	int n = 0;
	snprintf(val, sizeof(val), "%d", pid);
	for (size_t i = 0; i < sizeof(cg_controllers) / sizeof(cg_controllers[0]); i++) {
		snprintf(p, sizeof(p), CG_ROOT "/%s", cg_controllers[i]);
		if (access(p, W_OK) < 0)
			continue;
		snprintf(p, sizeof(p), CG_ROOT "/%s%s", cg_controllers[i], cgpath);
		mkdir_p(p);
		if (cg_write(cgpath, cg_controllers[i], "cgroup.procs", val) == 0)
			n++;
	}
	return n;
}

/* SIGKILLs every process listed in @dir/cgroup.procs. */
static void cg_kill_procs(const char *dir)
{
	char path[PATH_MAX + 16];
	int pid;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	while (fscanf(f, "%d", &pid) == 1)
		kill(pid, SIGKILL);
	fclose(f);
}

void container_cgroups_remove(const struct container_state *st)
{
	char p[PATH_MAX];
	if (!st->cgroup_freezer[0])
		return;
	/* the Sentry's stubs die of PDEATHSIG a moment after it: until they are gone the
	 * cgroup is busy, so kill what is left and retry for up to a second */
	for (size_t i = 0; i < sizeof(cg_controllers) / sizeof(cg_controllers[0]); i++) {
		snprintf(p, sizeof(p), CG_ROOT "/%s%s", cg_controllers[i], st->cgroup_freezer);
		for (int tries = 0; rmdir(p) < 0 && errno == EBUSY && tries < 100; tries++) {
			cg_kill_procs(p);
			usleep(10000);
		}
	}
}

int container_cgroups_apply(const char *cgpath, const char *res_json)
{
	json_error_t je;
	json_t *res = res_json ? json_loads(res_json, 0, &je) : NULL;
	char v[64];
	int applied = 0;
	if (!res)
		return 0;
	json_t *mem = json_object_get(res, "memory"), *cpu = json_object_get(res, "cpu"),
	       *pids = json_object_get(res, "pids");
	const char *key;
	json_t *x;
	json_object_foreach(res, key, x)
	{
		if (strcmp(key, "memory") && strcmp(key, "cpu") && strcmp(key, "pids") &&
		    strcmp(key, "devices") && !json_is_null(x))
			cli_debug("linux.resources.%s: not enforced by cvisor (ignored)", key);
	}
	struct {
		json_t *obj;
		const char *key, *ctl, *file;
	} map[] = {{mem, "limit", "memory", "memory.limit_in_bytes"},
		   {mem, "reservation", "memory", "memory.soft_limit_in_bytes"},
		   {mem, "swap", "memory", "memory.memsw.limit_in_bytes"},
		   {cpu, "shares", "cpu", "cpu.shares"},
		   {cpu, "quota", "cpu", "cpu.cfs_quota_us"},
		   {cpu, "period", "cpu", "cpu.cfs_period_us"},
		   {pids, "limit", "pids", "pids.max"}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		json_t *val = json_object_get(map[i].obj, map[i].key);
		if (!json_is_integer(val) || json_integer_value(val) == 0)
			continue;
		json_int_t n = json_integer_value(val);
		if (n < 0 && !strcmp(map[i].file, "pids.max"))
			snprintf(v, sizeof(v), "max");
		else
			snprintf(v, sizeof(v), "%lld", (long long)n);
		int r = cgpath && *cgpath ? cg_write(cgpath, map[i].ctl, map[i].file, v) : -ENOENT;
		if (r < 0)
			cli_warn("linux.resources.%s.%s: cannot apply (%s): %s", map[i].ctl,
				 map[i].key, map[i].file, strerror(-r));
		else
			applied++;
	}
	json_decref(res);
	return applied;
}

void container_kill_sentry(const struct container_state *st, int ms)
{
	if (!state_sentry_alive(st))
		return;
	kill(st->pid, SIGKILL);
	for (int waited = 0; waited < ms && state_sentry_alive(st); waited += 10) {
		waitpid(st->pid, NULL, WNOHANG); /* ours when `run` or a test forked it */
		usleep(10000);
	}
}

/* ---- the Sentry process ---- */

/* The Sentry's reason for failing before it is ready, one line: sentry_child sends it to
 * create through the ready pipe (after a '!'), which reports it as its own error, so it
 * reaches --log, the last error line containerd reads back. */
static char child_err[512];

static void child_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void child_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(child_err, sizeof(child_err), fmt, ap);
	va_end(ap);
}

struct child_ctx {
	struct oci_config *cfg;
	const char *state_dir;
	int preserve_fds;
};

static bool is_provided_mount(const char *dest)
{
	static const char *const provided[] = {"/proc", "/sys", "/dev", "/dev/pts", "/dev/shm"};
	for (size_t i = 0; i < sizeof(provided) / sizeof(provided[0]); i++)
		if (!strcmp(dest, provided[i]))
			return true;
	return false;
}

/* mounts[@i], a bind (or rbind) of a host path: opened here, on the host, then mounted
 * by the VFS, which creates a missing destination (directories, or an empty file for a
 * file source). Host mounts below the source are not carried over (rbind = bind).
 * Returns 0 or -errno after a one-line message naming the field. */
static int apply_bind_mount(struct vfs_mntns *ns, const struct oci_mount *m, size_t i)
{
	int fd = open(m->source, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;
		child_fail("mounts[%zu].source %s: %s", i, m->source, strerror(-err));
		return err;
	}
	int r = vfs_mount_host_at(ns, m->destination, fd, m->readonly);
	if (r < 0)
		child_fail("mounts[%zu]: bind %s on %s: %s", i, m->source,
			m->destination, strerror(-r));
	return r;
}

/* Creates directory @path and its missing parents in @init's mount namespace, as root
 * (runc makes mount points before it drops privileges). Returns 0 or -errno. */
static int mkdir_in(struct task *init, const char *path)
{
	static const struct vfs_cred root = {.cap_effective = ~0ULL};
	struct vfs_ctx c;
	char p[4096];
	task_vfs_ctx(init, &c);
	c.cred = &root;
	if (path[0] != '/' || strlen(path) >= sizeof(p))
		return -EINVAL;
	strcpy(p, path);
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s)
			continue;
		char was = *s;
		*s = 0;
		int r = vfs_mkdirat(&c, AT_FDCWD, p, 0755);
		*s = was;
		if (r < 0 && r != -EEXIST)
			return r;
		if (!was)
			return 0;
	}
}

/* Creates directory @path and its missing parents on the host under @root, never
 * following a symlink (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS): a mount point on a
 * read-only rootfs (root.readonly), made before the app runs, as runc makes it before it
 * remounts the root read-only. Returns 0 or -errno. */
static int host_mkdir_beneath(const char *root, const char *path)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
					  RESOLVE_NO_MAGICLINKS};
	char p[4096];
	int dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC), r = 0;
	if (dfd < 0)
		return -errno;
	if (strlen(path) >= sizeof(p)) {
		close(dfd);
		return -ENAMETOOLONG;
	}
	strcpy(p, path);
	char *save = NULL;
	for (char *c = strtok_r(p, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, ".") || !strcmp(c, "..")) {
			r = -EINVAL;
			break;
		}
		if (mkdirat(dfd, c, 0755) < 0 && errno != EEXIST) {
			r = -errno;
			break;
		}
		int nfd = (int)syscall(SYS_openat2, dfd, c, &how, sizeof(how));
		if (nfd < 0) {
			r = -errno;
			break;
		}
		close(dfd);
		dfd = nfd;
	}
	close(dfd);
	return r;
}

/* The OCI mounts of @cfg in init's namespace. Returns 0 or -errno (a bind mount that
 * cannot be made; other unsupported mounts are skipped with a debug message). */
static int apply_mounts(struct oci_config *cfg, struct task *init)
{
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		struct oci_mount *m = &cfg->mounts[i];
		if (is_provided_mount(m->destination))
			continue; /* the Sentry's own procfs/sysfs/devfs/devpts/shm */
		if (m->bind) {
			int r = apply_bind_mount(init->tg->mntns, m, i);
			if (r < 0)
				return r;
			continue;
		}
		const char *type = m->type;
		if (!strcmp(type, "cgroup") || !strcmp(type, "cgroup2")) {
			/* the Sentry's own cgroup2 is already at /sys/fs/cgroup */
			cli_debug("mount %s on %s: the sandbox's cgroup2 is at /sys/fs/cgroup (skipped)",
				  type, m->destination);
			continue;
		}
		char data[1024] = "";
		for (char **o = m->options; *o; o++) {
			if (!strncmp(*o, "mode=", 5) || !strncmp(*o, "size=", 5)) {
				size_t n = strlen(data);
				snprintf(data + n, sizeof(data) - n, "%s%s", n ? "," : "", *o);
			}
		}
		int r = vfs_mount_at(init->tg->mntns, m->destination, type, 0, data[0] ? data : NULL);
		if (r == -ENOENT && (r = mkdir_in(init, m->destination)) == -EROFS)
			r = host_mkdir_beneath(cfg->root_path, m->destination);
		if (r == 0)
			r = vfs_mount_at(init->tg->mntns, m->destination, type, 0,
					 data[0] ? data : NULL);
		if (r < 0 && !strcmp(type, "tmpfs")) {
			/* writes meant for memory must not land in the rootfs */
			fprintf(stderr, "cvisor: mounts[%zu]: tmpfs on %s: %s\n", i, m->destination,
				strerror(-r));
			return r;
		}
		if (r < 0)
			cli_debug("mount %s on %s: %s (skipped)", type, m->destination, strerror(-r));
	}
	return 0;
}

static void proc_to_control(const struct oci_process *op, struct control_proc *p)
{
	memset(p, 0, sizeof(*p));
	p->uid = op->uid;
	p->gid = op->gid;
	for (size_t i = 0; i < op->n_additional_gids && p->ngroups < 64; i++)
		p->groups[p->ngroups++] = op->additional_gids[i];
	if (op->caps.present) {
		p->has_caps = true;
		p->cap_bounding = op->caps.bounding;
		p->cap_effective = op->caps.effective;
		p->cap_permitted = op->caps.permitted;
		p->cap_inheritable = op->caps.inheritable;
		p->cap_ambient = op->caps.ambient;
	}
	p->no_new_privs = op->no_new_privileges;
	for (size_t i = 0; i < op->n_rlimits && p->n_rlimits < 16; i++) {
		p->rlimits[p->n_rlimits].resource = op->rlimits[i].resource;
		p->rlimits[p->n_rlimits].soft = op->rlimits[i].soft;
		p->rlimits[p->n_rlimits].hard = op->rlimits[i].hard;
		p->n_rlimits++;
	}
}

/* sandbox_spec.setup_hook: runs in the Sentry once init's stub exists. */
static int setup_hook(void *arg, struct task *init)
{
	struct child_ctx *cx = arg;
	struct control_proc p;
	char path[4200];
	int r;

	snprintf(path, sizeof(path), "%s/control.sock", cx->state_dir);
	if ((r = control_start(path)) < 0) {
		child_fail("control socket %s: %s", path, strerror(-r));
		return r;
	}
	if ((r = apply_mounts(cx->cfg, init)) < 0)
		return r;
	proc_to_control(&cx->cfg->process, &p);
	control_proc_apply(init->tg, &p);
	if (cx->cfg->seccomp.filter) {
		r = seccomp_task_preload(init, cx->cfg->seccomp.filter, cx->cfg->seccomp.len,
					 cx->cfg->seccomp_flags);
		if (r == 0)
			r = control_set_seccomp(&cx->cfg->seccomp, cx->cfg->seccomp_flags);
		if (r < 0) {
			fprintf(stderr, "cvisor: linux.seccomp: %s\n", strerror(-r));
			return r;
		}
	}
	for (int i = 0; i < cx->preserve_fds; i++) {
		int fd = fcntl(3 + i, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			continue;
		int fl = fcntl(fd, F_GETFL);
		struct vfs_file *f = vfs_hostfd_file_new(fd, fl < 0 ? O_RDWR : fl);
		if (f) {
			vfs_fdtable_install(init->tg->fdt, f, 3 + i, false);
			vfs_file_put(f);
		}
	}
	if (strcmp(cx->cfg->process.cwd, "/")) {
		struct vfs_ctx c;
		task_vfs_ctx(init, &c);
		if ((r = vfs_chdir(&c, cx->cfg->process.cwd)) < 0) {
			child_fail("process.cwd %s: %s", cx->cfg->process.cwd,
				strerror(-r));
			return r;
		}
	}
	return 0;
}

/* Joins the network namespace config.json names by path (Docker's), if any. */
/* What the config says of the network namespace: none listed (the host's is shared), a
 * new one (no path), or one to join (a path). */
enum { OCI_NETNS_SHARED, OCI_NETNS_NEW, OCI_NETNS_JOIN };
static int oci_netns_kind(const struct oci_config *cfg)
{
	for (size_t i = 0; i < cfg->n_namespaces; i++) {
		const struct oci_namespace *ns = &cfg->namespaces[i];
		if (!strcmp(ns->type, "network") || !strcmp(ns->type, "net"))
			return ns->path ? OCI_NETNS_JOIN : OCI_NETNS_NEW;
	}
	return OCI_NETNS_SHARED;
}

static int join_namespaces(struct oci_config *cfg)
{
	for (size_t i = 0; i < cfg->n_namespaces; i++) {
		struct oci_namespace *ns = &cfg->namespaces[i];
		if (!ns->path || (strcmp(ns->type, "network") && strcmp(ns->type, "net")))
			continue;
		int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
			int err = -errno;
			child_fail("linux.namespaces: network %s: %s", ns->path,
				strerror(-err));
			if (fd >= 0)
				close(fd);
			return err;
		}
		close(fd);
	}
	return 0;
}

/* Exits the Sentry with @code, first sending child_err (if any) to create. */
static void __attribute__((noreturn)) child_exit(int ready_fd, int code)
{
	char buf[sizeof(child_err) + 1];
	if (child_err[0]) {
		int n = snprintf(buf, sizeof(buf), "!%s", child_err);
		(void)!write(ready_fd, buf, (size_t)n);
	}
	_exit(code);
}

static void __attribute__((noreturn))
sentry_child(struct global_opts *g, const struct create_opts *o, struct oci_config *cfg,
	     const char *dir, int go_fd, int ready_fd, int pty_slave)
{
	char fifo[4200], b;
	struct child_ctx cx = {cfg, dir, o->preserve_fds};
	struct sandbox_spec spec = {0};

	if (!o->foreground || pty_slave >= 0)
		setsid();
	if (pty_slave >= 0) {
		/* the host slave is our controlling terminal (containerd's resizes come as
		 * SIGWINCH, its close as SIGHUP) and our own stdio (messages reach the user);
		 * the app gets a sandbox pty proxied to it (sentry/console.h) */
		if (pty_slave <= 2) {
			int fd = fcntl(pty_slave, F_DUPFD_CLOEXEC, 3);
			close(pty_slave);
			pty_slave = fd;
		}
		ioctl(pty_slave, TIOCSCTTY, 0);
		for (int i = 0; i < 3; i++)
			dup2(pty_slave, i);
		spec.console = true;
		spec.console_fd = pty_slave;
	}
	if (read(go_fd, &b, 1) != 1)
		_exit(125); /* create gave up */
	if (join_namespaces(cfg) < 0)
		child_exit(ready_fd, 125);
	/* a network namespace without a path: a fresh host one for the Sentry, which the
	 * prestart hooks fill (Docker's libnetwork-setkey moves the veth end in) */
	int netns_kind = oci_netns_kind(cfg);
	if (netns_kind == OCI_NETNS_NEW && unshare(CLONE_NEWNET) < 0) {
		child_fail("linux.namespaces: network: %s", strerror(errno));
		child_exit(ready_fd, 125);
	}
	/* the namespaces exist: create runs prestart/createRuntime hooks, then says go */
	if (write(ready_fd, "n", 1) != 1 || read(go_fd, &b, 1) != 1 || b != 'h')
		_exit(125);
	close(go_fd);
	snprintf(fifo, sizeof(fifo), "%s/start.fifo", dir);
	spec.start_fd = open(fifo, O_RDWR | O_CLOEXEC);
	if (spec.start_fd < 0) {
		child_fail("%s: %s", fifo, strerror(errno));
		child_exit(ready_fd, 125);
	}
	spec.rootfs = cfg->root_path;
	spec.rootfs_readonly = cfg->root_readonly;
	spec.argv = cfg->process.args;
	spec.envp = cfg->process.env;
	spec.hostname = cfg->hostname;
	spec.strace = g->strace;
	spec.net_raw = g->net_raw;
	spec.debug_log = g->debug_log;
	spec.uid = cfg->process.uid;
	spec.gid = cfg->process.gid;
	spec.ready_fd = ready_fd;
	spec.setup_hook = setup_hook;
	spec.setup_arg = &cx;
	/* after join_namespaces: the takeover is of the container's network namespace */
	const char *network = g->network ? g->network : "sandbox";
	if (cli_net_mode("create", network, g->network_set, true, &spec.net_mode))
		_exit(125);
	if (!strcmp(network, "sandbox")) {
		/* The container's own network namespace (joined by path, or the fresh one the
		 * hooks filled): take over its interfaces. Without one (config.json has no
		 * network namespace: Docker's --network=host) the host's is shared, and host
		 * mode is what users expect there: the app's sockets are host sockets. */
		if (netns_kind != OCI_NETNS_SHARED)
			spec.net_mode = NET_MODE_SANDBOX;
		else if (!g->network_set)
			spec.net_mode = NET_MODE_HOST;
	}
	/* host confinement (sentry/confine.h): which host syscalls the Sentry keeps; its
	 * network namespace is settled already (joined, or made above for the hooks), except
	 * a loopback-only sandbox sharing the host's, which leaves it for an empty one */
	spec.network = cli_net_mode_name(spec.net_mode);
	spec.fresh_netns = spec.net_mode == NET_MODE_NONE && netns_kind == OCI_NETNS_SHARED;
	int r = sandbox_run(&spec);
	if (r == -ECANCELED)
		_exit(137);
	if (r < 0)
		child_exit(ready_fd, r == -ENOENT ? 127 : 126);
	_exit(r);
}

static const char *cgroup_path_for(struct global_opts *g, const struct oci_config *cfg,
				   const char *id, char *buf, size_t size)
{
	if (g->ignore_cgroups || g->rootless)
		return NULL;
	if (cfg->cgroups_path && cfg->cgroups_path[0] == '/')
		snprintf(buf, size, "%s", cfg->cgroups_path);
	else
		snprintf(buf, size, "/cvisor/%s", id);
	return buf;
}

/* The state JSON hooks read on stdin: @st with status @status. NULL on ENOMEM. */
static char *hook_state_json(struct container_state *st, const char *status)
{
	char saved[sizeof(st->status)];
	memcpy(saved, st->status, sizeof(saved));
	snprintf(st->status, sizeof(st->status), "%s", status);
	char *json = state_oci_json(st);
	memcpy(st->status, saved, sizeof(saved));
	return json;
}

/* createContainer (end of create) and startContainer (start) hooks: processes of the
 * sandbox of @st (runtime/hooks.c), with @st's state as @status. */
static int run_sandbox_hooks(struct global_opts *g, const struct oci_config *cfg,
			     struct container_state *st, enum oci_hook_kind kind,
			     const char *status, char *why, size_t len)
{
	if (!cfg->n_hooks[kind])
		return 0;
	char *json = hook_state_json(st, status);
	if (!json) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	int r = oci_hooks_run_in_sandbox(g->root, st->id, cfg, kind, json, why, len);
	free(json);
	return r;
}

/* prestart and createRuntime hooks, with the state of a container being created (the
 * Sentry's pid: its network namespace is the container's). */
static int run_create_hooks(const struct oci_config *cfg, struct container_state *st, char *why,
			    size_t len)
{
	char *json = hook_state_json(st, "creating");
	if (!json) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	int r = oci_hooks_run(cfg, OCI_HOOK_PRESTART, json, why, len);
	if (!r)
		r = oci_hooks_run(cfg, OCI_HOOK_CREATE_RUNTIME, json, why, len);
	free(json);
	return r;
}

/* poststart / poststop: failures are warnings (runtime-spec), the lifecycle goes on. */
void container_run_late_hooks(const struct container_state *st, enum oci_hook_kind kind)
{
	struct oci_config cfg;
	char err[512];
	if (oci_config_load(st->bundle, &cfg, err, sizeof(err)) < 0) {
		if (kind == OCI_HOOK_POSTSTOP)
			return; /* the bundle may be gone by delete */
		cli_warn("%s hooks: %s", oci_hook_names[kind], err);
		return;
	}
	char *json = state_oci_json(st);
	if (json && oci_hooks_run(&cfg, kind, json, err, sizeof(err)) < 0)
		cli_warn("%s", err);
	free(json);
	oci_config_free(&cfg);
}

int container_create(struct global_opts *g, const struct create_opts *o, pid_t *pid_out)
{
	struct oci_config cfg;
	struct container_state st = {0};
	char err[512], bundle[PATH_MAX], dir[4096], path[4200], cgbuf[PATH_MAX];
	int go[2] = {-1, -1}, ready[2] = {-1, -1}, pty_m = -1, pty_s = -1, r;
	pid_t pid;

	if (cli_check_id(o->id))
		return 1;
	if (g->systemd_cgroup)
		return cli_error("--systemd-cgroup cannot be honoured: cvisor manages cgroupfs "
				 "paths only (this host has no systemd); use the cgroupfs driver");
	if (!realpath(o->bundle ? o->bundle : ".", bundle))
		return cli_error("bundle %s: %s", o->bundle ? o->bundle : ".", strerror(errno));
	if (oci_config_load(bundle, &cfg, err, sizeof(err)) < 0)
		return cli_error("config.json: %s", err);
	struct stat sb;
	if (stat(cfg.root_path, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		cli_error("root.path %s: %s", cfg.root_path,
			  errno ? strerror(errno) : "not a directory");
		goto out_cfg;
	}
	if (cfg.process.terminal && !o->console_socket && !o->foreground) {
		cli_error("process.terminal is true: --console-socket is required when detached");
		goto out_cfg;
	}
	mkdir_p(strcpy(path, g->root));
	state_dir(g->root, o->id, dir, sizeof(dir));
	if (mkdir(dir, 0711) < 0) {
		if (errno == EEXIST)
			cli_error("container with id %s already exists", o->id);
		else
			cli_error("cannot create %s: %s", dir, strerror(errno));
		goto out_cfg;
	}
	/* from here on, a failure removes ROOT/ID */
	snprintf(st.id, sizeof(st.id), "%s", o->id);
	snprintf(st.bundle, sizeof(st.bundle), "%s", bundle);
	snprintf(st.rootfs, sizeof(st.rootfs), "%s", cfg.root_path);
	snprintf(st.status, sizeof(st.status), "creating");
	snprintf(st.owner, sizeof(st.owner), "%s", getuid() == 0 ? "root" : "");
	state_now_rfc3339(st.created, sizeof(st.created));
	if (cfg.annotations) {
		json_t *a = json_object();
		for (char **p = cfg.annotations; p[0]; p += 2)
			json_object_set_new(a, p[0], json_string(p[1]));
		st.annotations_json = json_dumps(a, JSON_COMPACT);
		json_decref(a);
	}
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	{
		char copy[4200];
		snprintf(copy, sizeof(copy), "%s/config.json", dir);
		FILE *in = fopen(path, "re"), *out = fopen(copy, "we");
		char buf[8192];
		size_t n;
		while (in && out && (n = fread(buf, 1, sizeof(buf), in)) > 0)
			fwrite(buf, 1, n, out);
		if (in)
			fclose(in);
		if (out)
			fclose(out);
	}
	snprintf(path, sizeof(path), "%s/start.fifo", dir);
	if ((r = state_save(g->root, &st)) < 0 || mkfifo(path, 0600) < 0) {
		cli_error("cannot write the state of %s: %s", o->id, strerror(r < 0 ? -r : errno));
		goto out_dir;
	}
	if (cfg.process.terminal && o->console_socket) {
		if ((r = container_openpty(&pty_m, &pty_s)) < 0) {
			cli_error("cannot allocate a pty: %s", strerror(-r));
			goto out_dir;
		}
		if ((r = container_send_console(o->console_socket, pty_m)) < 0) {
			cli_error("--console-socket %s: %s", o->console_socket, strerror(-r));
			goto out_pty;
		}
		close(pty_m);
		pty_m = -1;
	}
	/* our own fds sit above the preserved ones (3 .. 3+N-1) */
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0) {
		cli_error("pipe: %s", strerror(errno));
		goto out_pty;
	}
	for (int *fdp = go; fdp < go + 2; fdp++)
		if (*fdp < 3 + o->preserve_fds) {
			int n = fcntl(*fdp, F_DUPFD_CLOEXEC, 3 + o->preserve_fds);
			close(*fdp);
			*fdp = n;
		}
	for (int *fdp = ready; fdp < ready + 2; fdp++)
		if (*fdp < 3 + o->preserve_fds) {
			int n = fcntl(*fdp, F_DUPFD_CLOEXEC, 3 + o->preserve_fds);
			close(*fdp);
			*fdp = n;
		}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		cli_error("fork: %s", strerror(errno));
		goto out_pipes;
	}
	if (pid == 0) {
		close(go[1]);
		close(ready[0]);
		sentry_child(g, o, &cfg, dir, go[0], ready[1], pty_s);
	}
	close(go[0]);
	close(ready[1]);
	go[0] = ready[1] = -1;
	if (pty_s >= 0)
		close(pty_s);
	pty_s = -1;
	const char *cg = cgroup_path_for(g, &cfg, o->id, cgbuf, sizeof(cgbuf));
	if (cg && cg_enter(cg, pid) > 0) {
		snprintf(st.cgroup_freezer, sizeof(st.cgroup_freezer), "%s", cg);
		container_cgroups_apply(cg, cfg.resources_json);
	}
	st.pid = pid;
	st.pid_start = state_proc_start(pid);
	state_save(g->root, &st); /* the pid, so that delete --force can kill a stuck create */
	char b = 'g', why[sizeof(child_err)] = "";
	ssize_t n = write(go[1], &b, 1) == 1 ? read(ready[0], &b, 1) : -1;
	if (n == 1 && b == 'n') { /* namespaces made: the hooks that run before the app */
		n = run_create_hooks(&cfg, &st, why, sizeof(why)) < 0 ? 0 : 1;
		b = 'h';
		if (n == 1)
			n = write(go[1], &b, 1) == 1 ? read(ready[0], &b, 1) : -1;
		else
			kill(pid, SIGKILL);
	}
	if (n == 1 && b == '!') { /* the Sentry's one-line reason (child_exit) */
		ssize_t m = read(ready[0], why, sizeof(why) - 1);
		why[m > 0 ? m : 0] = '\0';
		n = 0;
	}
	/* the sandbox is set up: createContainer runs in it, before the program */
	if (n == 1 && run_sandbox_hooks(g, &cfg, &st, OCI_HOOK_CREATE_CONTAINER, "creating", why,
				       sizeof(why)) < 0) {
		kill(pid, SIGKILL);
		n = 0;
	}
	if (n != 1) {
		int status = 0;
		waitpid(pid, &status, 0);
		if (why[0])
			cli_error("%s", why);
		else
			cli_error("the sandbox failed to start (status %d); see the messages above",
				  WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		container_cgroups_remove(&st);
		goto out_pipes;
	}
	snprintf(st.status, sizeof(st.status), "created");
	if ((r = state_save(g->root, &st)) < 0) {
		cli_error("cannot write the state of %s: %s", o->id, strerror(-r));
		kill(pid, SIGKILL);
		goto out_pipes;
	}
	if (o->pid_file && (r = container_write_pid_file(o->pid_file, pid)) < 0) {
		cli_error("--pid-file %s: %s", o->pid_file, strerror(-r));
		kill(pid, SIGKILL);
		goto out_pipes;
	}
	close(go[1]);
	close(ready[0]);
	state_free(&st);
	oci_config_free(&cfg);
	*pid_out = pid;
	return 0;

out_pipes:
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (ready[i] >= 0)
			close(ready[i]);
	}
out_pty:
	if (pty_m >= 0)
		close(pty_m);
	if (pty_s >= 0)
		close(pty_s);
out_dir:
	state_remove(g->root, o->id);
out_cfg:
	state_free(&st);
	oci_config_free(&cfg);
	return 1;
}

int container_start(struct global_opts *g, const char *id)
{
	struct container_state st;
	char dir[4096], fifo[4200];
	if (container_load(g, id, &st))
		return 1;
	const char *status = state_status(&st);
	if (strcmp(status, "created")) {
		state_free(&st);
		return cli_error("cannot start a container that is %s (only a created one)", status);
	}
	/* startContainer: in the sandbox, just before the program; a failure stops the
	 * container (runtime-spec: the lifecycle goes on at delete) */
	struct oci_config cfg;
	char why[4400];
	if (oci_config_load(st.bundle, &cfg, why, sizeof(why)) == 0) {
		int hr = run_sandbox_hooks(g, &cfg, &st, OCI_HOOK_START_CONTAINER, "created", why,
					   sizeof(why));
		oci_config_free(&cfg);
		if (hr < 0) {
			if (st.pid > 0)
				kill(st.pid, SIGKILL);
			state_free(&st);
			return cli_error("%s", why);
		}
	}
	state_dir(g->root, id, dir, sizeof(dir));
	snprintf(fifo, sizeof(fifo), "%s/start.fifo", dir);
	int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	char b = 's';
	if (fd < 0 || write(fd, &b, 1) != 1) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		state_free(&st);
		return cli_error("cannot start %s: %s", id, strerror(err));
	}
	close(fd);
	unlink(fifo); /* started once: a second start finds no fifo */
	snprintf(st.status, sizeof(st.status), "running");
	int r = state_save(g->root, &st);
	container_run_late_hooks(&st, OCI_HOOK_POSTSTART);
	state_free(&st);
	if (r < 0)
		return cli_error("cannot write the state of %s: %s", id, strerror(-r));
	return 0;
}
