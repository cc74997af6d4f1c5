/* sentry/sandbox.c - assembles a sandbox: the stub loader image, the stub filter, the
 * channel socket, the mount namespace, the init process's credentials, fds (cvisor's own
 * stdio, or a console: sentry/console.h) and rlimits; then runs the event loop until init
 * is gone. */
#include "sentry/sandbox.h"
#include "sentry/confine.h"
#include "sentry/bpf/bpf_cgroup.h"
#include "sentry/console.h"
#include "sentry/task.h"
#include "sentry/nsproxy.h"
#include "sentry/syscall_table.h"
#include "platform/platform.h"
#include "common/log.h"
#include "netstack/netns.h"
#include "vfs/vfs.h"
#include "vfs/ops.h"
#include "vfs/tty.h"
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

struct sandbox_config sandbox;
pid_t sentry_host_pid;
pid_t sentry_sender_pid;
extern int sentry_channel_peer_fd;
extern const char stub_loader_image[], stub_loader_image_end[];

static int loader_memfd(void)
{
	size_t len = stub_loader_image_end - stub_loader_image;
	int fd = memfd_create("cvisor-stub", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (write(fd, stub_loader_image, len) != (ssize_t)len ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
		int err = -errno;
		close(fd);
		return err ? err : -EIO;
	}
	return fd;
}

static int host_watch(int fd, uint32_t events, struct waitq *wq)
{
	return loop_watch_fd(fd, events, wq);
}

extern const struct vfs_proc_ops sentry_proc_ops;
static const struct vfs_host_ops host_ops = {
	.watch_fd = host_watch,
	.unwatch_fd = loop_unwatch_fd,
	.proc = &sentry_proc_ops,
	.dev_permission = bpf_cgroup_dev_check,
	.mq_ns_get = current_mq_ns_get,
};

static int build_mntns(const struct sandbox_spec *spec, struct vfs_mntns **ns)
{
	const char *root = spec->rootfs ? spec->rootfs : "/";
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r;
	if (fd < 0) {
		r = -errno;
		fprintf(stderr, "cvisor: rootfs %s: %s\n", root, strerror(-r));
		return r;
	}
	if (!spec->rootfs || spec->rootfs_overlay)
		r = vfs_mntns_new_overlay_host(fd, ns);
	else
		r = vfs_mntns_new_host(fd, spec->rootfs_readonly, ns); /* OCI root.readonly */
	if (r < 0) {
		fprintf(stderr, "cvisor: cannot set up the root filesystem: %s\n", strerror(-r));
		return r;
	}
	static const struct {
		const char *path, *type;
	} mounts[] = {{"/proc", "proc"},     {"/sys", "sysfs"},  {"/sys/fs/cgroup", "cgroup2"},
		      {"/dev", "devfs"},      {"/dev/pts", "devpts"}, {"/dev/shm", "tmpfs"}};
	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		r = vfs_mount_at(*ns, mounts[i].path, mounts[i].type, 0, NULL);
		if (r < 0)
			log_warn("cannot mount %s on %s: errno %d", mounts[i].type, mounts[i].path,
				 -r);
	}
	return 0;
}

static int init_stdio(struct thread_group *tg)
{
	for (int i = 0; i < 3; i++) {
		int fd = fcntl(i, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			continue; /* closed in cvisor: closed in the app */
		int fl = fcntl(i, F_GETFL);
		struct vfs_file *f = vfs_hostfd_file_new(fd, fl < 0 ? O_RDWR : fl);
		if (!f)
			return -ENOMEM;
		int r = vfs_fdtable_install(tg->fdt, f, i, false);
		vfs_file_put(f);
		if (r != i)
			return r < 0 ? r : -EBADF;
	}
	return 0;
}

static void init_creds(struct thread_group *tg, const struct sandbox_spec *spec)
{
	uint64_t all = (1ULL << (CAP_LAST_CAP + 1)) - 1;
	struct vfs_cred *c = &tg->cred;
	c->uid = c->euid = c->suid = c->fsuid = spec->uid;
	c->gid = c->egid = c->sgid = c->fsgid = spec->gid;
	c->ngroups = 1; /* like a login shell and runc: the primary group as a supplementary one */
	c->groups[0] = spec->gid;
	tg->cap_bounding = all;
	tg->cap_permitted = spec->uid == 0 ? all : 0;
	c->cap_effective = tg->cap_permitted;
	for (int r = 0; r < RLIM_NLIMITS; r++)
		getrlimit(r, &tg->rlim[r]);
	tg->rlim[RLIMIT_NOFILE].rlim_cur = 1024;
	tg->rlim[RLIMIT_NOFILE].rlim_max = 1048576;
	tg->rlim[RLIMIT_CORE].rlim_cur = 0;
}

/* The program to run: argv[0] as a path, or looked up in the sandbox's PATH. */
static int start_init(struct task *t, const struct sandbox_spec *spec)
{
	const char *cmd = spec->argv[0];
	const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	char buf[4096];
	int r = -ENOENT;

	for (char **e = spec->envp; *e; e++)
		if (!strncmp(*e, "PATH=", 5))
			path = *e + 5;
	if (strchr(cmd, '/'))
		return exec_start_init(t, cmd, spec->argv, spec->envp);
	while (*path) {
		const char *end = strchr(path, ':');
		size_t n = end ? (size_t)(end - path) : strlen(path);
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? path : ".", cmd);
		int rr = exec_start_init(t, buf, spec->argv, spec->envp);
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

/* A created sandbox waiting for `cvisor start` (its start fifo). */
static struct start_wait {
	struct waitq wq;
	struct waiter w;
	struct task *init;
	const struct sandbox_spec *spec;
} start_wait;

/* The start fifo is readable: 's' starts init's program; anything else (the fifo gone)
 * ends the sandbox, as does a program that cannot be exec'd (127 / 126, as before). */
static void start_readable(struct waiter *w, uint32_t events)
{
	struct start_wait *sw = w->priv;
	char b;
	ssize_t n = read(sw->spec->start_fd, &b, 1);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	waiter_remove(&sw->w);
	loop_unwatch_fd(sw->spec->start_fd);
	int r = n == 1 ? start_init(sw->init, sw->spec) : -ECANCELED;
	loop_release_start(r == 0);
	if (r == 0)
		return;
	if (r != -ECANCELED)
		fprintf(stderr, "cvisor: %s: %s\n", sw->spec->argv[0], strerror(-r));
	/* create without start (137), or an init that cannot run */
	loop_request_exit(W_EXITCODE(r == -ECANCELED ? 137 : r == -ENOENT ? 127 : 126, 0));
}

int sandbox_run(const struct sandbox_spec *spec)
{
	struct plat_spawn sp;
	struct sock_fprog prog;
	struct vfs_mntns *ns = NULL;
	struct thread_group *tg;
	struct task *t;
	int chan[2], r;
	pid_t tid;

	sentry_host_pid = getpid();
	sandbox.strace = spec->strace;
	sandbox.net_raw = spec->net_raw;
	if (spec->hostname)
		snprintf(sentry_hostname, sizeof(sentry_hostname), "%s", spec->hostname);
	if (spec->debug_log && (r = log_open(spec->debug_log, LOG_DEBUG)) < 0) {
		fprintf(stderr, "cvisor: --debug-log %s: %s\n", spec->debug_log, strerror(-r));
		return r;
	}
	if (spec->strace)
		strace_fd = log_fd() >= 0 ? log_fd() : 2;
	sentry_crash_handler_install();
	if (spec->pin) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(spec->pin_cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0) {
			r = -errno;
			fprintf(stderr, "cvisor: --pin-cpu %d: %s\n", spec->pin_cpu, strerror(-r));
			return r;
		}
	}
	if ((r = confine_early(spec)) < 0)
		return r;
	vfs_set_host_ops(&host_ops);
	if ((r = plat->init()) < 0 || (r = loop_init()) < 0) {
		fprintf(stderr, "cvisor: platform %s: %s\n", plat->name, strerror(-r));
		return r;
	}
	if ((r = confine_pid_ns()) < 0)
		return r;
	sentry_sender_pid = confine_stubs_in_pid_ns() ? 0 : sentry_host_pid;
	/* the netstack: needs the loop (host NIC fds), before any task exists */
	if ((r = netstack_sandbox_init((enum net_mode)spec->net_mode)) < 0) {
		fprintf(stderr, "cvisor: cannot set up the sandbox's network: %s\n",
			strerror(-r));
		return r;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, chan) < 0)
		return -errno;
	sentry_channel_fd = chan[0];
	sentry_channel_peer_fd = chan[1];
	sp.channel_fd = chan[1];
	sp.loader_fd = loader_memfd();
	if (sp.loader_fd < 0)
		return sp.loader_fd;
	if ((r = syscall_filter_build(&prog)) < 0) {
		fprintf(stderr, "cvisor: cannot build the stub filter: %s\n", strerror(-r));
		return r;
	}
	sp.filter = &prog;
	if ((r = build_mntns(spec, &ns)) < 0)
		return r;

	tg = tg_new();
	if (!tg)
		return -ENOMEM;
	tg->vpid = pid_alloc();
	tg->pgid = tg->sid = tg->vpid;
	init_creds(tg, spec);
	tg->mntns = ns;
	tg->fs = vfs_fs_ctx_new(ns);
	tg->fdt = vfs_fdtable_new();
	tg->sighand = sighand_new();
	if (!tg->fs || !tg->fdt || !tg->sighand)
		return -ENOMEM;
	vfs_fdtable_set_limit(tg->fdt, tg->rlim[RLIMIT_NOFILE].rlim_cur);
	if (spec->console) {
		struct console *con; /* lives as long as the Sentry */
		if ((r = console_attach(tg, spec->console_fd, &con)) < 0) {
			fprintf(stderr, "cvisor: console: %s\n", strerror(-r));
			return r;
		}
	} else if ((r = init_stdio(tg)) < 0) {
		return r;
	}
	init_tg = tg;

	r = plat->spawn(&sp, &tid);
	plat_filter_free(&prog);
	close(sp.loader_fd);
	if (r < 0) {
		fprintf(stderr, "cvisor: cannot start the sandbox's first process: %s\n",
			strerror(-r));
		return r;
	}
	tg->host_pid = tid;
	t = task_new(tid, tg, tg->vpid);
	if (!t)
		return -ENOMEM;
	tty_ctl_sandbox_start(tg);
	if (spec->cwd) {
		/* resolve through the VFS like chdir(2) would */
		struct vfs_ctx c;
		task_vfs_ctx(t, &c);
		if ((r = vfs_chdir(&c, spec->cwd)) < 0) {
			fprintf(stderr, "cvisor: --cwd %s: %s\n", spec->cwd, strerror(-r));
			kill(tid, SIGKILL);
			return r;
		}
	}
	if (spec->setup_hook && (r = spec->setup_hook(spec->setup_arg, t)) < 0) {
		kill(tid, SIGKILL);
		return r;
	}
	if ((r = confine_late(spec)) < 0) { /* set-up is over: no app code has run */
		kill(tid, SIGKILL);
		return r;
	}
	if (spec->ready_fd >= 0) {
		char b = 'r';
		(void)!write(spec->ready_fd, &b, 1);
	}
	if (spec->start_fd >= 0) {
		/* created: the loop serves the control socket (the OCI createContainer and
		 * startContainer hooks run in the sandbox) until start says go */
		start_wait = (struct start_wait){ .init = t, .spec = spec };
		waitq_init(&start_wait.wq);
		waiter_init(&start_wait.w, start_readable, &start_wait);
		waiter_add(&start_wait.wq, &start_wait.w, 0);
		if ((r = loop_watch_fd(spec->start_fd, EPOLLIN, &start_wait.wq)) < 0) {
			kill(tid, SIGKILL);
			return r;
		}
		loop_hold_until_start(t);
	} else if ((r = start_init(t, spec)) < 0) {
		fprintf(stderr, "cvisor: %s: %s\n", spec->argv[0], strerror(-r));
		kill(tid, SIGKILL);
		waitpid(tid, NULL, __WALL);
		return r == -ENOENT ? -ENOENT : r;
	}
	r = loop_run();
	/* what the app sent last and ARP still resolves: out (or failed) within ARP's 3 s */
	loop_drain(netstack_has_pending_output, 4000);
	console_flush_all(2000); /* what init wrote last, before the host side sees EOF */
	if (r < 0) {
		fprintf(stderr, "cvisor: sentry loop failed: %s\n", strerror(-r));
		return r;
	}
	if (WIFEXITED(r))
		return WEXITSTATUS(r);
	if (WIFSIGNALED(r))
		return 128 + WTERMSIG(r);
	return 255;
}
