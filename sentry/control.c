/* sentry/control.c - the Sentry side of `cvisor exec`, `kill`, `ps` and `events --stats`
 * (protocol in sentry/control.h). Served from the event loop: accept and read are
 * non-blocking, replies are small datagrams. Owns the control connections and the hidden
 * "pid 0" thread group that parents exec'd processes; it must not block the loop or keep
 * references to thread groups it did not create (it looks them up by vpid each time).
 *
 * Beyond control.h's protocol: an exec request with "terminal":true carries no "stdio" but
 * one fd, a host pty slave whose master went to --console-socket; the process gets a
 * sandbox pty proxied to it (console.h), owned by the connection until the process exits.
 * {"op":"resize"} on that connection (its stand-in got SIGWINCH) copies the host pty's
 * size -> {"ok":true} | {"error":...}. */
#include "sentry/control.h"
#include "sentry/console.h"
#include "sentry/task.h"
#include "sentry/syscall_table.h"
#include "platform/platform.h"
#include "common/log.h"
#include "vfs/ops.h"
#include "vfs/vfs.h"
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

extern int sentry_channel_peer_fd;
extern const char stub_loader_image[], stub_loader_image_end[];

struct control_conn {
	int fd;
	struct waitq wq;
	struct waiter w;
	int exec_vpid;    /* the process this connection exec'd and waits for; 0 none */
	bool exec_failed; /* its start failed: reap it silently */
	bool kill_on_close; /* the caller stands for the process: its end is the process's */
	struct console *console; /* the exec'd process's terminal ("terminal": true) */
	struct control_conn *next;
};

static int listen_fd = -1;
static struct waitq listen_wq;
static struct waiter listen_w;
static struct control_conn *conns;
static struct thread_group *pid0; /* parent of exec'd processes; not in the pid table */
static struct waiter pid0_w;

/* the container's linux.seccomp program, for the processes `cvisor exec` starts */
static struct sock_fprog exec_seccomp;
static unsigned exec_seccomp_flags;

int control_set_seccomp(const struct sock_fprog *prog, unsigned flags)
{
	struct sock_filter *copy = malloc(prog->len * sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, prog->filter, prog->len * sizeof(*copy));
	free(exec_seccomp.filter);
	exec_seccomp.filter = copy;
	exec_seccomp.len = prog->len;
	exec_seccomp_flags = flags;
	return 0;
}

void control_proc_apply(struct thread_group *tg, const struct control_proc *p)
{
	struct vfs_cred *c = &tg->cred;
	c->uid = c->euid = c->suid = c->fsuid = p->uid;
	c->gid = c->egid = c->sgid = c->fsgid = p->gid;
	c->ngroups = p->ngroups > 64 ? 64 : p->ngroups;
	memcpy(c->groups, p->groups, c->ngroups * sizeof(uint32_t));
	if (p->has_caps) {
		tg->cap_bounding = p->cap_bounding;
		tg->cap_permitted = p->cap_permitted;
		tg->cap_inheritable = p->cap_inheritable;
		tg->cap_ambient = p->cap_ambient;
		c->cap_effective = p->cap_effective & p->cap_permitted;
	} else if (p->uid != 0) {
		tg->cap_permitted = tg->cap_inheritable = tg->cap_ambient = 0;
		c->cap_effective = 0;
	}
	tg->no_new_privs = p->no_new_privs;
	for (int i = 0; i < p->n_rlimits && i < 16; i++) {
		int r = p->rlimits[i].resource;
		if (r < 0 || r >= RLIM_NLIMITS)
			continue;
		tg->rlim[r].rlim_cur = p->rlimits[i].soft;
		tg->rlim[r].rlim_max = p->rlimits[i].hard;
		if (r == RLIMIT_NOFILE && tg->fdt)
			vfs_fdtable_set_limit(tg->fdt, p->rlimits[i].soft);
	}
}

static void send_json(int fd, json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!text)
		return;
	if (send(fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("control: reply lost: errno %d", errno);
	free(text);
}

static void send_error(int fd, int err, const char *msg)
{
	send_json(fd, json_pack("{s:s, s:i}", "error", msg ? msg : strerror(-err), "errno", -err));
}

static void conn_close(struct control_conn *c)
{
	for (struct control_conn **p = &conns; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	waiter_remove(&c->w);
	loop_unwatch_fd(c->fd);
	close(c->fd);
	console_release(c->console);
	free(c);
}

/* ---- kill ---- */
static void op_kill(struct control_conn *c, json_t *req)
{
	int sig = (int)json_integer_value(json_object_get(req, "signal"));
	bool all = json_is_true(json_object_get(req, "all"));
	struct thread_group *tg;
	siginfo_t si;
	int r = 0;

	if (sig < 0 || sig >= SENTRY_NSIG) {
		send_error(c->fd, -EINVAL, "invalid signal");
		return;
	}
	if (!init_tg || init_tg->zombie) {
		send_error(c->fd, -ESRCH, "the container's init has exited");
		return;
	}
	signal_info_user(&si, sig, SI_USER, NULL);
	json_t *pid = json_object_get(req, "pid");
	if (json_is_integer(pid) && json_integer_value(pid) != (init_tg ? init_tg->vpid : 1)) {
		tg = tg_by_vpid((int)json_integer_value(pid));
		if (!tg || tg->zombie) {
			send_error(c->fd, -ESRCH, "no such process");
			return;
		}
		r = sig ? signal_send_group(tg, &si) : 0;
		if (r < 0)
			send_error(c->fd, r, NULL);
		else
			send_json(c->fd, json_pack("{s:b}", "ok", 1));
		return;
	}
	if (sig == 0) {
		send_json(c->fd, json_pack("{s:b}", "ok", 1));
		return;
	}
	if (all) {
		list_for_each_entry(tg, &all_groups, all_link)
			if (!tg->zombie && tg != init_tg)
				signal_send_group(tg, &si);
	}
	/* the container's init is pid 1 of a pid namespace: only signals it handles reach
	 * it from inside, but the runtime (like the host kernel) may always kill it. */
	if (sig == SIGKILL) {
		struct task *t;
		list_for_each_entry(t, &init_tg->threads, tg_link)
			if (t->state != TASK_DEAD)
				plat->kill(t->host_tid, SIGKILL);
	} else {
		r = signal_send_group(init_tg, &si);
	}
	if (r < 0)
		send_error(c->fd, r, NULL);
	else
		send_json(c->fd, json_pack("{s:b}", "ok", 1));
}

/* ---- ps ---- */
static void op_ps(struct control_conn *c)
{
	json_t *arr = json_array();
	struct thread_group *tg;
	list_for_each_entry(tg, &all_groups, all_link) {
		char state = tg->zombie ? 'Z' : 'S';
		char cmd[512] = "";
		struct task *l = tg->leader;
		if (l && l->state == TASK_RUNNING)
			state = 'R';
		else if (l && l->state == TASK_GROUP_STOPPED)
			state = 'T';
		if (l && !tg->zombie && tg->arg_end > tg->arg_start) {
			size_t n = tg->arg_end - tg->arg_start;
			if (n >= sizeof(cmd))
				n = sizeof(cmd) - 1;
			if (guest_copy_in(&l->mem, cmd, tg->arg_start, n) == 0) {
				for (size_t i = 0; i + 1 < n; i++)
					if (!cmd[i])
						cmd[i] = ' ';
				cmd[n] = 0;
			} else {
				cmd[0] = 0;
			}
		}
		json_array_append_new(
			arr, json_pack("{s:i, s:i, s:i, s:i, s:s, s:s, s:s%, s:I}", "pid", tg->vpid,
				       "ppid", tg->parent ? tg->parent->vpid : 0, "hostPid",
				       (int)tg->host_pid, "uid", (int)tg->cred.uid, "comm",
				       tg->comm, "cmd", cmd[0] ? cmd : tg->comm, "state", &state,
				       (size_t)1, "startNs", (json_int_t)tg->start_time_ns));
	}
	send_json(c->fd, json_pack("{s:o}", "processes", arr));
}

/* ---- exec ---- */
static int loader_memfd(void)
{
	size_t len = stub_loader_image_end - stub_loader_image;
	int fd = memfd_create("cvisor-stub", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (write(fd, stub_loader_image, len) != (ssize_t)len ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
		int err = errno ? -errno : -EIO;
		close(fd);
		return err;
	}
	return fd;
}

static struct control_conn *conn_by_exec(int vpid)
{
	for (struct control_conn *c = conns; c; c = c->next)
		if (c->exec_vpid == vpid)
			return c;
	return NULL;
}

/* pid 0's child changed state: report and reap every exec'd process that exited. */
static void pid0_child_event(struct waiter *w, uint32_t events)
{
	struct thread_group *tg, *tmp;
	list_for_each_entry_safe(tg, tmp, &pid0->children, sibling) {
		if (!tg->zombie)
			continue;
		struct control_conn *c = conn_by_exec(tg->vpid);
		if (c) {
			console_release(c->console); /* drains, then the host side reads EOF */
			c->console = NULL;
			if (!c->exec_failed)
				send_json(c->fd, json_pack("{s:i}", "exit", tg->wait_status));
			c->exec_vpid = 0;
		}
		tg_reap(tg);
	}
}

static int pid0_get(void)
{
	if (pid0)
		return 0;
	pid0 = tg_new();
	if (!pid0)
		return -ENOMEM;
	/* out of the pid table: not visible to kill(-1), /proc or wait */
	list_del(&pid0->all_link);
	list_init(&pid0->all_link);
	pid0->vpid = 0;
	pid0->sighand = sighand_new();
	waiter_init(&pid0_w, pid0_child_event, NULL);
	waiter_add(&pid0->child_wq, &pid0_w, 0);
	return pid0->sighand ? 0 : -ENOMEM;
}

static int json_strv(json_t *arr, char ***out)
{
	size_t i, n = json_array_size(arr);
	json_t *x;
	char **v = calloc(n + 1, sizeof(char *));
	if (!v)
		return -ENOMEM;
	json_array_foreach(arr, i, x)
	{
		if (!json_is_string(x)) {
			free(v);
			return -EINVAL;
		}
		v[i] = (char *)json_string_value(x); /* borrowed from the request */
	}
	*out = v;
	return 0;
}

static void proc_from_json(json_t *req, struct control_proc *p)
{
	json_t *g = json_object_get(req, "groups"), *x, *caps = json_object_get(req, "caps");
	size_t i;
	memset(p, 0, sizeof(*p));
	p->uid = (uint32_t)json_integer_value(json_object_get(req, "uid"));
	p->gid = (uint32_t)json_integer_value(json_object_get(req, "gid"));
	json_array_foreach(g, i, x)
		if (p->ngroups < 64)
			p->groups[p->ngroups++] = (uint32_t)json_integer_value(x);
	if (json_is_object(caps)) {
		p->has_caps = true;
		p->cap_bounding = json_integer_value(json_object_get(caps, "bounding"));
		p->cap_effective = json_integer_value(json_object_get(caps, "effective"));
		p->cap_permitted = json_integer_value(json_object_get(caps, "permitted"));
		p->cap_inheritable = json_integer_value(json_object_get(caps, "inheritable"));
		p->cap_ambient = json_integer_value(json_object_get(caps, "ambient"));
	}
	p->no_new_privs = json_is_true(json_object_get(req, "noNewPrivileges"));
}

/* Resolves argv[0] through PATH like sandbox.c's start_init does for init. */
static int exec_first(struct task *t, char **argv, char **envp)
{
	const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	char buf[4096];
	int r = -ENOENT;
	for (char **e = envp; *e; e++)
		if (!strncmp(*e, "PATH=", 5))
			path = *e + 5;
	if (strchr(argv[0], '/'))
		return exec_start_init(t, argv[0], argv, envp);
	while (*path) {
		const char *end = strchr(path, ':');
		size_t n = end ? (size_t)(end - path) : strlen(path);
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? path : ".", argv[0]);
		int rr = exec_start_init(t, buf, argv, envp);
		if (rr == 0)
			return 0;
		if (rr != -ENOENT && rr != -ENOTDIR)
			r = rr;
		path += n;
		if (*path == ':')
			path++;
	}
	return r;
}

/* Builds the new process's group: init's mount namespace, a fresh fd table holding the
 * passed stdio, and the credentials the request names. */
static struct thread_group *exec_group(json_t *req, int *fds, int nfds, json_t *stdio_idx)
{
	struct control_proc p;
	struct thread_group *tg = tg_new();
	if (!tg)
		return NULL;
	tg->vpid = pid_alloc();
	tg->pgid = tg->sid = tg->vpid;
	tg->parent = pid0;
	list_add_tail(&tg->sibling, &pid0->children);
	tg->exit_signal = 0; /* pid 0 gets no SIGCHLD: control.c reaps it */
	tg->cred = init_tg->cred;
	memcpy(tg->rlim, init_tg->rlim, sizeof(tg->rlim));
	tg->cap_bounding = init_tg->cap_bounding;
	tg->cap_permitted = init_tg->cap_permitted;
	tg->cap_inheritable = init_tg->cap_inheritable;
	tg->cap_ambient = init_tg->cap_ambient;
	tg->dumpable = 1;
	tg->mntns = init_tg->mntns;
	vfs_mntns_get(tg->mntns);
	tg->fs = vfs_fs_ctx_new(tg->mntns);
	tg->fdt = vfs_fdtable_new();
	tg->sighand = sighand_new();
	proc_from_json(req, &p);
	control_proc_apply(tg, &p);
	if (tg->fdt)
		vfs_fdtable_set_limit(tg->fdt, tg->rlim[RLIMIT_NOFILE].rlim_cur);
	for (int i = 0; i < nfds && tg->fdt; i++) {
		int target = (int)json_integer_value(json_array_get(stdio_idx, i));
		int fl = fcntl(fds[i], F_GETFL);
		struct vfs_file *f = vfs_hostfd_file_new(fds[i], fl < 0 ? O_RDWR : fl);
		fds[i] = -1; /* taken */
		if (!f)
			continue;
		vfs_fdtable_install(tg->fdt, f, target, false);
		vfs_file_put(f);
	}
	return tg;
}

static void op_exec(struct control_conn *c, json_t *req, int *fds, int nfds)
{
	json_t *args = json_object_get(req, "args"), *env = json_object_get(req, "env");
	const char *cwd = json_string_value(json_object_get(req, "cwd"));
	/* "path": the program, resolved in the sandbox (args[0] is only its name) */
	const char *path = json_string_value(json_object_get(req, "path"));
	bool terminal = json_is_true(json_object_get(req, "terminal"));
	char **argv = NULL, **envp = NULL;
	struct plat_spawn sp = {.channel_fd = sentry_channel_peer_fd, .loader_fd = -1};
	struct sock_fprog prog = {0};
	struct thread_group *tg;
	struct task *t;
	pid_t tid;
	int r;

	if (!init_tg || init_tg->zombie) {
		send_error(c->fd, -ESRCH, "the container is not running");
		return;
	}
	if (c->exec_vpid) {
		send_error(c->fd, -EBUSY, "one exec per connection");
		return;
	}
	if (terminal && nfds != 1) {
		send_error(c->fd, -EINVAL, "exec: a terminal takes exactly one fd (a pty)");
		return;
	}
	if (json_array_size(args) == 0 || json_strv(args, &argv) < 0 ||
	    json_strv(env ? env : json_array(), &envp) < 0) {
		free(argv);
		send_error(c->fd, -EINVAL, "exec: args must be a non-empty array of strings");
		return;
	}
	if ((r = pid0_get()) < 0 || (r = loader_memfd()) < 0)
		goto out_err;
	sp.loader_fd = r;
	if ((r = syscall_filter_build(&prog)) < 0)
		goto out_err;
	sp.filter = &prog;
	tg = exec_group(req, fds, terminal ? 0 : nfds, json_object_get(req, "stdio"));
	if (!tg || !tg->fs || !tg->fdt || !tg->sighand) {
		r = -ENOMEM;
		goto out_err; /* a group without threads: left for the end of the sandbox */
	}
	if (terminal) {
		r = console_attach(tg, fds[0], &c->console);
		fds[0] = -1; /* consumed */
		if (r < 0)
			goto out_err;
	}
	r = plat->spawn(&sp, &tid);
	if (r < 0)
		goto out_err;
	tg->host_pid = tid;
	t = task_new(tid, tg, tg->vpid);
	if (!t) {
		plat->kill(tid, SIGKILL);
		r = -ENOMEM;
		goto out_err;
	}
	if (exec_seccomp.filter &&
	    seccomp_task_preload(t, exec_seccomp.filter, exec_seccomp.len, exec_seccomp_flags) < 0) {
		plat->kill(tid, SIGKILL);
		r = -ENOMEM;
		goto out_err;
	}
	c->exec_vpid = tg->vpid;
	c->kill_on_close = json_is_true(json_object_get(req, "killOnClose"));
	if (cwd && *cwd) {
		struct vfs_ctx vc;
		task_vfs_ctx(t, &vc);
		if ((r = vfs_chdir(&vc, cwd)) < 0) {
			char msg[4200];
			snprintf(msg, sizeof(msg), "cwd %s: %s", cwd, strerror(-r));
			c->exec_failed = true;
			plat->kill(tid, SIGKILL); /* reaped by pid0_child_event */
			send_error(c->fd, r, msg);
			goto out;
		}
	}
	r = path ? exec_start_init(t, path, argv, envp) : exec_first(t, argv, envp);
	if (r < 0) {
		char msg[4200];
		snprintf(msg, sizeof(msg), "%s: %s", path ? path : argv[0], strerror(-r));
		c->exec_failed = true;
		plat->kill(tid, SIGKILL);
		send_error(c->fd, r, msg);
		goto out;
	}
	log_debug("control: exec'd %s as pid %d (host %d)", argv[0], tg->vpid, tid);
	send_json(c->fd, json_pack("{s:i, s:i}", "pid", tg->vpid, "hostPid", (int)tid));
	goto out;
out_err:
	send_error(c->fd, r, NULL);
out:
	if (prog.filter)
		plat_filter_free(&prog);
	if (sp.loader_fd >= 0)
		close(sp.loader_fd);
	free(argv);
	free(envp);
}

/* ---- resize ---- */
/* The exec'd process's host pty was resized (its stand-in got SIGWINCH): copy the size. */
static void op_resize(struct control_conn *c)
{
	if (!c->console) {
		send_error(c->fd, -ENOTTY, "resize: this connection exec'd no terminal");
		return;
	}
	console_sync_winsize(c->console);
	send_json(c->fd, json_pack("{s:b}", "ok", 1));
}

/* ---- connections ---- */
static void conn_handle(struct control_conn *c, const char *buf, size_t len, int *fds, int nfds)
{
	json_error_t je;
	json_t *req = json_loadb(buf, len, 0, &je);
	const char *op = json_string_value(json_object_get(req, "op"));
	if (!req || !op)
		send_error(c->fd, -EINVAL, "malformed request");
	else if (!strcmp(op, "kill"))
		op_kill(c, req);
	else if (!strcmp(op, "ps") || !strcmp(op, "stats"))
		op_ps(c);
	else if (!strcmp(op, "exec"))
		op_exec(c, req, fds, nfds);
	else if (!strcmp(op, "resize"))
		op_resize(c);
	else
		send_error(c->fd, -ENOSYS, "unknown op");
	for (int i = 0; i < nfds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	json_decref(req);
}

static void conn_readable(struct waiter *w, uint32_t events)
{
	struct control_conn *c = w->priv;
	static char buf[CONTROL_MSG_MAX];
	for (;;) {
		char cbuf[CMSG_SPACE(sizeof(int) * 8)];
		struct iovec iov = {buf, sizeof(buf)};
		struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				   .msg_controllen = sizeof(cbuf)};
		int fds[8], nfds = 0;
		ssize_t n = recvmsg(c->fd, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); n >= 0 && h; h = CMSG_NXTHDR(&m, h))
			if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
				int k = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
				for (int i = 0; i < k && nfds < 8; i++)
					memcpy(&fds[nfds++], CMSG_DATA(h) + i * sizeof(int),
					       sizeof(int));
			}
		if (n <= 0) {
			/* the client went away; an exec'd process keeps running unless the
			 * client stood for it (then it goes the way its stand-in went) */
			struct thread_group *xtg = c->exec_vpid ? tg_by_vpid(c->exec_vpid) : NULL;
			if (xtg && c->kill_on_close && !xtg->zombie) {
				siginfo_t si;
				signal_info_user(&si, SIGKILL, SI_USER, NULL);
				signal_send_group(xtg, &si);
			}
			for (int i = 0; i < nfds; i++)
				close(fds[i]);
			conn_close(c);
			return;
		}
		conn_handle(c, buf, n, fds, nfds);
	}
}

static void listen_readable(struct waiter *w, uint32_t events)
{
	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN: drained (edge-triggered watch) */
		struct control_conn *c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		waitq_init(&c->wq);
		waiter_init(&c->w, conn_readable, c);
		waiter_add(&c->wq, &c->w, 0);
		if (loop_watch_fd(fd, EPOLLIN | EPOLLRDHUP, &c->wq) < 0) {
			waiter_remove(&c->w);
			close(fd);
			free(c);
			continue;
		}
		c->next = conns;
		conns = c;
		conn_readable(&c->w, EPOLLIN); /* data may have come with the connection */
	}
}

int control_start(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int dfd = -1;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		/* longer than sun_path (Docker's state dirs are): bind through the directory's
		 * /proc/self/fd link, which the kernel resolves like any path */
		char dir[4096];
		const char *slash = strrchr(path, '/');
		if (!slash || (size_t)(slash - path) >= sizeof(dir))
			return -ENAMETOOLONG;
		memcpy(dir, path, slash - path);
		dir[slash - path] = 0;
		dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return -errno;
		if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d%s", dfd,
				     slash) >= sizeof(sa.sun_path)) {
			close(dfd);
			return -ENAMETOOLONG;
		}
	} else {
		strcpy(sa.sun_path, path);
	}
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		int err = -errno;
		if (dfd >= 0)
			close(dfd);
		return err;
	}
	unlink(path);
	int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0 ? -errno : 0;
	if (dfd >= 0)
		close(dfd);
	if (r < 0) {
		close(fd);
		return r;
	}
	chmod(path, 0600);
	listen_fd = fd;
	waitq_init(&listen_wq);
	waiter_init(&listen_w, listen_readable, NULL);
	waiter_add(&listen_wq, &listen_w, 0);
	r = loop_watch_fd(fd, EPOLLIN, &listen_wq);
	if (r < 0) {
		waiter_remove(&listen_w);
		close(fd);
		listen_fd = -1;
	}
	return r;
}
