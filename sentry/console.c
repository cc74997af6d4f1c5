/* sentry/console.c - OCI consoles: a host pty slave proxied to a sandbox pty (console.h).
 *
 * Owns each console's host pty slave (raw, non-blocking), its reference on the sandbox
 * pty's master and the bytes in flight between the two. Everything is driven from the
 * event loop: the host slave's epoll events (loop_watch_fd, edge-triggered: every pass
 * moves bytes until EAGAIN) and the sandbox master's wait queue. Must not block the loop;
 * only console_flush_all, at the Sentry's exit, waits (bounded). */
#include "sentry/console.h"
#include "sentry/task.h"
#include "common/log.h"
#include "vfs/fs/devpts.h"
#include "vfs/ops.h"
#include "vfs/tty.h"
#include "vfs/vfs.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define CON_BUF 4096

struct console {
	int host_fd;		 /* host pty slave: raw, O_NONBLOCK (owned); -1 once closed */
	struct vfs_file *master; /* sandbox pty master (one reference); NULL once closed */
	struct waitq host_wq;	 /* woken by the loop with host_fd's events */
	struct waiter host_w, master_w;
	char out[CON_BUF]; /* read from the sandbox master, not yet written to the host */
	size_t out_off, out_len;
	char in[CON_BUF]; /* read from the host, not yet taken by the line discipline */
	size_t in_off, in_len;
	bool host_gone;	  /* the host master was closed: the host slave reads EOF / EIO */
	bool released;	  /* the owner let go: drain the output, then free */
	bool busy, again; /* pump() re-entered through a wake-up it caused itself */
	struct list_head link;
};

long console_live;
static struct list_head consoles = LIST_HEAD_INIT(consoles);

static struct tty *con_tty(struct console *c)
{
	return c->master ? devpts_file_tty(c->master) : NULL;
}

static void host_close(struct console *c)
{
	if (c->host_fd < 0)
		return;
	loop_unwatch_fd(c->host_fd);
	waiter_remove(&c->host_w);
	close(c->host_fd);
	c->host_fd = -1;
}

/* Drops our master reference, the last one: the sandbox side hangs up (SIGHUP to the
 * session leader and the foreground group, slave reads EOF), as when Linux's master
 * closes. */
static void master_close(struct console *c)
{
	struct vfs_file *m = c->master;
	if (!m)
		return;
	waiter_remove(&c->master_w);
	c->master = NULL;
	vfs_file_put(m);
}

/* Sandbox -> host: what the slave wrote (after output processing) and the echo. */
static void pump_out(struct console *c)
{
	for (;;) {
		if (!c->out_len) {
			if (!c->master)
				return;
			ssize_t n = c->master->ops->read(c->master, c->out, sizeof(c->out), NULL);
			if (n <= 0)
				return; /* -EAGAIN: nothing queued; -EIO: no slave open any more */
			c->out_off = 0;
			c->out_len = (size_t)n;
		}
		if (c->host_fd < 0 || c->host_gone) {
			c->out_len = 0; /* nobody left to read it */
			continue;
		}
		ssize_t w = write(c->host_fd, c->out + c->out_off, c->out_len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return; /* the host slave's EPOLLOUT brings us back */
		if (w <= 0) {
			log_debug("console: host pty write: errno %d (hung up)", errno);
			c->host_gone = true;
			c->out_len = 0;
			continue;
		}
		c->out_off += (size_t)w;
		c->out_len -= (size_t)w;
	}
}

/* Host -> sandbox: what containerd wrote to the host master, into the line discipline. */
static void pump_in(struct console *c)
{
	while (c->master && c->host_fd >= 0 && !c->host_gone && !c->released) {
		if (!c->in_len) {
			ssize_t n = read(c->host_fd, c->in, sizeof(c->in));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN)
				return;
			if (n <= 0) { /* 0 after the host's hang-up, EIO before it */
				log_debug("console: host pty closed (read %zd, errno %d)", n,
					  n < 0 ? errno : 0);
				c->host_gone = true;
				return;
			}
			c->in_off = 0;
			c->in_len = (size_t)n;
		}
		ssize_t w = c->master->ops->write(c->master, c->in + c->in_off, c->in_len, NULL);
		if (w <= 0)
			return; /* -EAGAIN: queue full; the master's EPOLLOUT brings us back */
		c->in_off += (size_t)w;
		c->in_len -= (size_t)w;
	}
}

static bool output_drained(struct console *c)
{
	return !c->out_len && (!c->master || !(c->master->ops->poll(c->master) & EPOLLIN));
}

/* After a pump: close what is finished, free a released console that is done. */
static void settle(struct console *c)
{
	if (c->host_gone) {
		host_close(c);
		master_close(c);
	}
	if (c->released && (c->host_fd < 0 || output_drained(c))) {
		master_close(c);
		host_close(c);
		list_del(&c->link);
		free(c);
		console_live--;
	}
}

/* Moves what can move both ways without blocking; may free a released @c. */
static void pump(struct console *c)
{
	if (c->busy) {
		c->again = true;
		return;
	}
	c->busy = true;
	do {
		c->again = false;
		pump_out(c);
		pump_in(c);
	} while (c->again);
	c->busy = false;
	settle(c);
}

static void host_event(struct waiter *w, uint32_t events)
{
	pump(w->priv);
}

static void master_event(struct waiter *w, uint32_t events)
{
	pump(w->priv);
}

/* A descriptor of our own for the host slave (O_NONBLOCK must not reach the copies
 * other processes hold), or @fd itself made non-blocking. Consumes @fd. */
static int host_reopen(int fd)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int nfd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (nfd >= 0) {
		close(fd);
		return nfd;
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* The sandbox pair: master (new reference) in *@master, slave (new reference, opened by
 * its /dev/pts/N path so that ttyname(3) works) in *@slave. */
static int sandbox_pair(struct thread_group *tg, const struct winsize *ws, struct vfs_file **master,
			struct vfs_file **slave)
{
	static const struct vfs_cred root = {.cap_effective = ~0ULL};
	struct vfs_ctx ctx = {.cred = &root, .fs = tg->fs, .pid = tg->vpid, .tid = tg->vpid};
	struct vfs_file *dir;
	struct waitq *wait = NULL;
	char path[32];

	int r = vfs_openat(&ctx, AT_FDCWD, "/dev/pts", O_RDONLY | O_DIRECTORY, 0, 0, &dir, &wait);
	if (r < 0)
		return r;
	r = devpts_new_pair(dir->mnt, ws->ws_row, ws->ws_col, master);
	vfs_file_put(dir);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "/dev/pts/%d", r);
	/* the process's pty is its own, as runc's console (mode 0620, group tty) */
	vfs_chownat(&ctx, AT_FDCWD, path, tg->cred.uid, (uint32_t)-1, 0);
	r = vfs_openat(&ctx, AT_FDCWD, path, O_RDWR | O_NOCTTY, 0, 0, slave, &wait);
	if (r < 0) {
		vfs_file_put(*master);
		*master = NULL;
	}
	return r;
}

/* See console.h. */
int console_attach(struct thread_group *tg, int host_fd, struct console **out)
{
	struct vfs_file *master = NULL, *slave = NULL;
	struct winsize ws = {0};
	struct termios tio;
	struct console *c;
	int r;

	if (!isatty(host_fd)) {
		r = errno == EBADF ? -EBADF : -ENOTTY;
		close(host_fd);
		return r;
	}
	host_fd = host_reopen(host_fd);
	if (host_fd < 0)
		return host_fd;
	if (tcgetattr(host_fd, &tio) == 0) {
		cfmakeraw(&tio); /* bytes only: the line discipline is the sandbox pty's */
		tcsetattr(host_fd, TCSANOW, &tio);
	}
	ioctl(host_fd, TIOCGWINSZ, &ws);
	if ((r = sandbox_pair(tg, &ws, &master, &slave)) < 0)
		goto out_host;
	for (int i = 0; i < 3; i++) {
		int fd = vfs_fdtable_install(tg->fdt, slave, i, false);
		if (fd != i) {
			r = fd < 0 ? fd : -EBUSY;
			goto out_files;
		}
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		r = -ENOMEM;
		goto out_files;
	}
	c->host_fd = host_fd;
	c->master = master;
	waitq_init(&c->host_wq);
	waiter_init(&c->host_w, host_event, c);
	waiter_init(&c->master_w, master_event, c);
	waiter_add(&c->host_wq, &c->host_w, 0);
	r = loop_watch_fd(host_fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP, &c->host_wq);
	if (r < 0) {
		waiter_remove(&c->host_w);
		free(c);
		goto out_files;
	}
	waiter_add(master->ops->waitq(master), &c->master_w, 0);
	struct tty *t = devpts_file_tty(master);
	if (t && !t->session && !tty_find_ctty(tg->sid))
		tty_set_ctty(t, tg->sid, tg->pgid);
	list_add_tail(&c->link, &consoles);
	console_live++;
	vfs_file_put(slave); /* the fd table holds it */
	log_debug("console: host fd %d <-> /dev/pts/%d (%ux%u) for pid %d", host_fd,
		  t ? t->index : -1, ws.ws_row, ws.ws_col, tg->vpid);
	*out = c;
	return 0;

out_files:
	vfs_file_put(slave);
	vfs_file_put(master);
out_host:
	close(host_fd);
	return r;
}

/* See console.h. */
void console_sync_winsize(struct console *c)
{
	struct tty *t = con_tty(c);
	struct winsize ws;
	if (!t || c->host_fd < 0 || ioctl(c->host_fd, TIOCGWINSZ, &ws) < 0)
		return;
	if (t->ws.row == ws.ws_row && t->ws.col == ws.ws_col && t->ws.xpixel == ws.ws_xpixel &&
	    t->ws.ypixel == ws.ws_ypixel)
		return;
	t->ws.row = ws.ws_row;
	t->ws.col = ws.ws_col;
	t->ws.xpixel = ws.ws_xpixel;
	t->ws.ypixel = ws.ws_ypixel;
	log_debug("console: /dev/pts/%d resized to %ux%u", t->index, ws.ws_row, ws.ws_col);
	tty_signal_fg(t, SIGWINCH);
}

/* See console.h. */
void console_sync_all(void)
{
	struct console *c, *tmp;
	list_for_each_entry_safe(c, tmp, &consoles, link) {
		console_sync_winsize(c);
		pump(c);
	}
}

/* See console.h. */
void console_release(struct console *c)
{
	if (!c)
		return;
	c->released = true;
	pump(c);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* See console.h. */
void console_flush_all(int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	struct console *c;
	list_for_each_entry(c, &consoles, link) {
		for (;;) {
			pump_out(c);
			if (!c->out_len || c->host_fd < 0 || c->host_gone)
				break;
			long long left = deadline - now_ms();
			struct pollfd p = {c->host_fd, POLLOUT, 0};
			if (left <= 0 || poll(&p, 1, (int)left) < 0)
				break;
		}
	}
}
