/* runtime/cmd_exec.c - `cvisor exec [flags] ID -- CMD [ARGS]` or `exec --process FILE ID`:
 * a new process in a running container, started by its Sentry (sentry/control.c) with
 * this process's stdin/stdout/stderr (or a pty sent to --console-socket with --tty).
 *
 * A real host process stands for the exec'd one, as the containerd shim needs to wait on
 * a pid: in the foreground that is this cvisor process; with --detach a child of it (its
 * pid goes to --pid-file) that keeps the control connection, forwards the signals it gets
 * to the exec'd process, and exits with its status (128+N for death by signal N). If the
 * stand-in is SIGKILLed, the Sentry kills the exec'd process (the connection closes).
 * With --tty --console-socket the process gets a sandbox pty proxied to a host pty whose
 * master goes to the console socket (sentry/console.h); the detached stand-in makes the
 * host pty its controlling terminal and passes its resizes on ("resize"). */
#include "runtime/container.h"
#include "runtime/control_client.h"
#include "runtime/oci_config.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

struct exec_opts {
	const char *process_file, *pid_file, *console_socket, *cwd, *user;
	bool detach, tty, no_new_privs;
	const char *env[128];
	int nenv;
	const char *caps[64];
	int ncaps;
	uint32_t groups[64];
	int ngroups;
};

static int parse_flags(int argc, char **argv, struct exec_opts *o)
{
	int i;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i], *v;
		bool bv;
		if (!strcmp(a, "--"))
			return cli_error("exec: no container id given") ? -1 : -1;
		if (cli_flag_value("process", &i, argc, argv, &v) > 0 ||
		    cli_flag_value("p", &i, argc, argv, &v) > 0)
			o->process_file = v;
		else if (cli_flag_value("pid-file", &i, argc, argv, &v) > 0)
			o->pid_file = v;
		else if (cli_flag_value("console-socket", &i, argc, argv, &v) > 0)
			o->console_socket = v;
		else if (cli_flag_value("cwd", &i, argc, argv, &v) > 0)
			o->cwd = v;
		else if (cli_flag_value("user", &i, argc, argv, &v) > 0 ||
			 cli_flag_value("u", &i, argc, argv, &v) > 0)
			o->user = v;
		else if (cli_flag_value("env", &i, argc, argv, &v) > 0 ||
			 cli_flag_value("e", &i, argc, argv, &v) > 0) {
			if (o->nenv < 128)
				o->env[o->nenv++] = v;
		} else if (cli_flag_value("cap", &i, argc, argv, &v) > 0 ||
			   cli_flag_value("c", &i, argc, argv, &v) > 0) {
			if (o->ncaps < 64)
				o->caps[o->ncaps++] = v;
		} else if (cli_flag_value("additional-gids", &i, argc, argv, &v) > 0 ||
			   cli_flag_value("g", &i, argc, argv, &v) > 0) {
			if (o->ngroups < 64)
				o->groups[o->ngroups++] = (uint32_t)strtoul(v, NULL, 10);
		} else if (cli_flag_bool("detach", a, &bv) > 0 || cli_flag_bool("d", a, &bv) > 0)
			o->detach = bv;
		else if (cli_flag_bool("tty", a, &bv) > 0 || cli_flag_bool("t", a, &bv) > 0)
			o->tty = bv;
		else if (cli_flag_bool("no-new-privs", a, &bv) > 0)
			o->no_new_privs = bv;
		else if (cli_flag_value("process-label", &i, argc, argv, &v) > 0 ||
			 cli_flag_value("apparmor", &i, argc, argv, &v) > 0 ||
			 cli_flag_value("preserve-fds", &i, argc, argv, &v) > 0 ||
			 cli_flag_value("cgroup", &i, argc, argv, &v) > 0 ||
			 cli_flag_value("internal-pid-file", &i, argc, argv, &v) > 0)
			; /* accepted: nothing to label; fds beyond stdio are not passed */
		else {
			cli_error("exec: unknown flag %s", a);
			return -1;
		}
	}
	if (i >= argc) {
		cli_error("exec: no container id given");
		return -1;
	}
	return i;
}

static void env_set(json_t *env, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t n = eq ? (size_t)(eq - kv + 1) : strlen(kv);
	size_t i;
	json_t *x;
	json_array_foreach(env, i, x)
	{
		if (!strncmp(json_string_value(x), kv, n)) {
			json_array_set_new(env, i, json_string(kv));
			return;
		}
	}
	json_array_append_new(env, json_string(kv));
}

/* The exec request: the container's process as a base (env, cwd, user, capabilities, as
 * runc does), --process FILE or the flags on top. Returns NULL after printing an error. */
static json_t *build_request(struct global_opts *g, const char *id, struct exec_opts *o,
			     char **args)
{
	struct oci_config cfg = {0};
	struct oci_process pf = {0}, *p;
	char err[512], dir[4096];
	json_t *req = NULL;

	state_dir(g->root, id, dir, sizeof(dir));
	if (oci_config_load(dir, &cfg, err, sizeof(err)) < 0) {
		cli_error("exec %s: the container's config: %s", id, err);
		return NULL;
	}
	p = &cfg.process;
	if (o->process_file) {
		FILE *f = fopen(o->process_file, "re");
		char *text = NULL;
		size_t cap = 0;
		if (!f) {
			cli_error("exec: --process %s: %s", o->process_file, strerror(errno));
			goto out;
		}
		ssize_t n = getdelim(&text, &cap, '\0', f);
		fclose(f);
		if (n < 0 || oci_process_parse_text(text, "process", &pf, err, sizeof(err)) < 0) {
			cli_error("exec: --process %s: %s", o->process_file,
				  n < 0 ? "cannot read it" : err);
			free(text);
			goto out;
		}
		free(text);
		p = &pf;
		o->tty = pf.terminal;
	} else if (!args[0]) {
		cli_error("exec: no command given (usage: cvisor exec ID -- CMD [ARGS])");
		goto out;
	}
	json_t *env = ctl_strv(p->env);
	for (int i = 0; i < o->nenv; i++)
		env_set(env, o->env[i]);
	uint32_t uid = p->uid, gid = p->gid;
	if (o->user) {
		char *end;
		uid = (uint32_t)strtoul(o->user, &end, 10);
		if (*end == ':')
			gid = (uint32_t)strtoul(end + 1, &end, 10);
		if (*end) {
			json_decref(env);
			cli_error("exec: --user %s: expected UID[:GID] (numbers)", o->user);
			goto out;
		}
	}
	json_t *groups = json_array();
	for (size_t i = 0; i < p->n_additional_gids; i++)
		json_array_append_new(groups, json_integer(p->additional_gids[i]));
	for (int i = 0; i < o->ngroups; i++)
		json_array_append_new(groups, json_integer(o->groups[i]));
	req = json_pack("{s:s, s:o, s:o, s:s, s:i, s:i, s:o, s:b}", "op", "exec", "args",
			o->process_file ? ctl_strv(p->args) : ctl_strv(args), "env", env, "cwd",
			o->cwd ? o->cwd : p->cwd, "uid", (int)uid, "gid", (int)gid, "groups", groups,
			"noNewPrivileges", p->no_new_privileges || o->no_new_privs);
	if (p->caps.present) {
		struct oci_caps c = p->caps;
		for (int i = 0; i < o->ncaps; i++) {
			int n = oci_cap_from_name(o->caps[i]);
			if (n >= 0) {
				c.bounding |= 1ULL << n;
				c.effective |= 1ULL << n;
				c.permitted |= 1ULL << n;
			}
		}
		json_object_set_new(req, "caps",
				    json_pack("{s:I, s:I, s:I, s:I, s:I}", "bounding",
					      (json_int_t)c.bounding, "effective",
					      (json_int_t)c.effective, "permitted",
					      (json_int_t)c.permitted, "inheritable",
					      (json_int_t)c.inheritable, "ambient",
					      (json_int_t)c.ambient));
	}
out:
	oci_process_free(&pf);
	oci_config_free(&cfg);
	return req;
}

static volatile sig_atomic_t pending[65];

static void on_signal(int sig)
{
	pending[sig] = 1;
}

/* Passes on the signals this stand-in got. With a terminal, SIGWINCH means its host pty
 * was resized (we made it our controlling terminal): the Sentry copies the size; SIGHUP
 * is its hang-up, which the Sentry's console turns into the process's SIGHUP itself. */
static void forward_pending(struct global_opts *g, const char *id, int fd, int vpid, bool tty)
{
	for (int s = 1; s < 65; s++) {
		if (!pending[s])
			continue;
		pending[s] = 0;
		if (tty && s == SIGWINCH) {
			ctl_send(fd, json_pack("{s:s}", "op", "resize"), NULL, 0);
			continue;
		}
		if (tty && s == SIGHUP)
			continue;
		json_decref(ctl_request(g->root, id,
					json_pack("{s:s, s:i, s:i}", "op", "kill", "signal", s, "pid",
						  vpid),
					2000));
	}
}

/* Waits for the exec'd process @vpid to exit, forwarding signals. Returns the exit code. */
static int wait_exit(struct global_opts *g, const char *id, int fd, int vpid, bool tty)
{
	static const int fwd[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
	struct sigaction sa = {.sa_handler = on_signal};
	sigset_t block, orig;
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++) {
		sigaction(fwd[i], &sa, NULL);
		sigaddset(&block, fwd[i]);
	}
	/* signals wait while we are not in ppoll: none is left pending unseen */
	sigprocmask(SIG_BLOCK, &block, &orig);
	for (;;) {
		forward_pending(g, id, fd, vpid, tty);
		struct pollfd p = {fd, POLLIN, 0};
		if (ppoll(&p, 1, NULL, &orig) < 0)
			continue;
		json_t *m = ctl_recv(fd, 0);
		if (!m)
			return 255; /* the sandbox is gone: its processes with it */
		json_t *st = json_object_get(m, "exit");
		if (json_is_integer(st)) {
			int status = (int)json_integer_value(st);
			json_decref(m);
			if (WIFEXITED(status))
				return WEXITSTATUS(status);
			return 128 + WTERMSIG(status);
		}
		json_decref(m); /* the answer to a resize */
	}
}

/* Sends the request with our stdio, or with --tty --console-socket the slave of a new
 * host pty whose master goes to the console socket (kept open in *@tty_fd for the
 * stand-in; -1 otherwise). Returns the vpid or -1 (-127: no such command). */
static int start_process(struct global_opts *g, const char *id, int fd, json_t *req,
			 struct exec_opts *o, int *tty_fd)
{
	int fds[3], nfds = 0, master = -1, slave = -1;
	*tty_fd = -1;
	if (o->tty && o->console_socket) {
		int r = container_openpty(&master, &slave);
		if (r < 0 || (r = container_send_console(o->console_socket, master)) < 0) {
			if (master >= 0) {
				close(master);
				close(slave);
			}
			json_decref(req);
			return cli_error("exec: --console-socket %s: %s", o->console_socket,
					 strerror(-r)) ? -1 : -1;
		}
		close(master);
		fds[nfds++] = slave;
		json_object_set_new(req, "terminal", json_true());
	} else {
		json_t *stdio = json_array();
		for (int i = 0; i < 3; i++)
			if (fcntl(i, F_GETFD) >= 0) {
				fds[nfds++] = i;
				json_array_append_new(stdio, json_integer(i));
			}
		json_object_set_new(req, "stdio", stdio);
	}
	json_object_set_new(req, "killOnClose", json_true());
	json_t *rep = ctl_call(fd, req, fds, nfds, 30000);
	if (!rep || json_object_get(rep, "error")) {
		if (slave >= 0)
			close(slave);
		if (!rep)
			return cli_error("exec %s: the sandbox does not answer: %s", id,
					 strerror(errno)) ? -1 : -1;
		cli_error("exec %s: %s", id, json_string_value(json_object_get(rep, "error")));
		int e = (int)json_integer_value(json_object_get(rep, "errno"));
		json_decref(rep);
		return e == 2 ? -127 : -1;
	}
	int vpid = (int)json_integer_value(json_object_get(rep, "pid"));
	json_decref(rep);
	*tty_fd = slave;
	return vpid;
}

int cmd_exec(struct global_opts *g, int argc, char **argv)
{
	struct exec_opts o = {0};
	struct container_state st;
	int i = parse_flags(argc, argv, &o);
	if (i < 0)
		return 1;
	const char *id = argv[i++];
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (container_load(g, id, &st))
		return 1;
	const char *status = state_status(&st);
	state_free(&st);
	if (strcmp(status, "running"))
		return cli_error("exec: container %s is %s, not running", id, status);
	json_t *req = build_request(g, id, &o, argv + i);
	if (!req)
		return 1;
	if (o.tty && o.detach && !o.console_socket) {
		json_decref(req);
		return cli_error("exec: --tty with --detach needs --console-socket");
	}
	int fd = ctl_connect(g->root, id);
	if (fd < 0) {
		json_decref(req);
		return cli_error("exec %s: cannot reach the sandbox: %s", id, strerror(-fd));
	}
	int tty_fd = -1;
	if (!o.detach) {
		int vpid = start_process(g, id, fd, req, &o, &tty_fd);
		if (vpid < 0)
			return vpid == -127 ? 127 : 126;
		if (o.pid_file)
			container_write_pid_file(o.pid_file, getpid());
		if (tty_fd >= 0)
			pending[SIGWINCH] = 1; /* a resize before the process existed */
		return wait_exit(g, id, fd, vpid, tty_fd >= 0);
	}
	/* --detach: a child stands for the process; we report its start and leave */
	int rep[2];
	if (pipe2(rep, O_CLOEXEC) < 0)
		return cli_error("exec: pipe: %s", strerror(errno));
	fflush(NULL);
	pid_t child = fork();
	if (child < 0)
		return cli_error("exec: fork: %s", strerror(errno));
	if (child == 0) {
		close(rep[0]);
		int vpid = start_process(g, id, fd, req, &o, &tty_fd);
		char ok = vpid > 0 ? 1 : 0;
		(void)!write(rep[1], &ok, 1);
		close(rep[1]);
		if (vpid < 0)
			_exit(vpid == -127 ? 127 : 126);
		/* our stdio now belongs to the exec'd process: let its readers see EOF */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		for (int k = 0; k < 3 && null >= 0; k++)
			dup2(null, k);
		setsid();
		if (tty_fd >= 0) {
			/* the host pty becomes our controlling terminal: containerd's resizes
			 * reach us as SIGWINCH, and the first look at the size is now */
			ioctl(tty_fd, TIOCSCTTY, 0);
			pending[SIGWINCH] = 1;
		}
		_exit(wait_exit(g, id, fd, vpid, tty_fd >= 0));
	}
	close(rep[1]);
	close(fd);
	json_decref(req);
	char ok = 0;
	if (read(rep[0], &ok, 1) != 1 || !ok) {
		waitpid(child, NULL, 0);
		return 1;
	}
	close(rep[0]);
	if (o.pid_file) {
		int r = container_write_pid_file(o.pid_file, child);
		if (r < 0) {
			kill(child, SIGKILL);
			return cli_error("exec: --pid-file %s: %s", o.pid_file, strerror(-r));
		}
	}
	return 0;
}
