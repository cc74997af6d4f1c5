/* vfs/fs/devpts.c - /dev/pts: a tmpfs body holding `ptmx` and one `N` node per live pty
 * pair; the master, slave and /dev/tty file descriptions.
 *
 * Each mount is an instance with its own numbers (as Linux since 4.7). Opening ptmx
 * (any 5:2 node: the instance is the one the node lives in, else the devpts mounted on
 * the `pts` next to it, else the newest instance) allocates a struct tty and creates
 * pts/N (136:N, owned by the opener, mode 0620 group tty); the node goes when neither
 * side is open any more. Must not touch any host terminal. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include "platform/guest_mem.h"
#include "vfs/fdtable.h"
#include "vfs/fs/devpts.h"
#include "vfs/fs/tmpfs.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER 0x5441
#endif
#ifndef TIOCGPTLCK
#define TIOCGPTLCK 0x80045439U
#endif
#ifndef TIOCGPKT
#define TIOCGPKT 0x80045438U
#endif

struct devpts_inst {
	struct vfs_sb *sb; /* borrowed: the instance dies with it (put_super) */
	/* The root dentry (borrowed: every use comes from an open file below it, which
	 * holds it; the sb's own reference goes at mount time). */
	struct vfs_dentry *root;
	struct list_head link;
	mode_t mode;
	uint32_t gid;
	int max;
	struct tty *ptys[DEVPTS_MAX];
};

long devpts_live_instances;
static struct list_head instances = LIST_HEAD_INIT(instances);
static struct vfs_sb_ops devpts_sb_ops;
static const struct vfs_sb_ops *tmpfs_ops;
static const struct vfs_file_ops ptm_ops, pts_ops, devtty_host_ops;

static bool is_devpts(struct vfs_sb *sb)
{
	return sb && sb->ops == &devpts_sb_ops;
}

static void devpts_put_super(struct vfs_sb *sb)
{
	struct devpts_inst *in = sb->priv;
	if (!in)
		return;
	for (int i = 0; i < DEVPTS_MAX; i++)
		if (in->ptys[i])
			in->ptys[i]->devpts = NULL;
	list_del(&in->link);
	free(in);
	sb->priv = NULL;
	devpts_live_instances--;
	if (tmpfs_ops->put_super)
		tmpfs_ops->put_super(sb);
}

static int add_node(struct vfs_dentry *root, const char *name, mode_t mode, dev_t rdev,
		    uint32_t uid, uint32_t gid)
{
	struct vfs_dentry *d;
	int err = vfs_lookup_one(root, name, strlen(name), &d);
	if (err)
		return err;
	err = d->inode ? -EEXIST : root->inode->iops->mknod(root, d, mode, rdev, uid, gid);
	vfs_dentry_put(d);
	return err;
}

static void del_node(struct vfs_dentry *root, const char *name)
{
	struct vfs_dentry *d;
	if (vfs_lookup_one(root, name, strlen(name), &d))
		return;
	if (d->inode && !root->inode->iops->unlink(root, d))
		vfs_d_delete(d);
	vfs_dentry_put(d);
}

/* See devpts.h. */
int devpts_create_sb(unsigned long flags, const char *data, struct vfs_sb **out)
{
	mode_t ptmxmode = 0666;
	struct devpts_inst *in = calloc(1, sizeof(*in));
	if (!in)
		return -ENOMEM;
	in->mode = 0620;
	in->gid = 5;
	in->max = DEVPTS_MAX;
	if (data) {
		char *copy = strdup(data), *save = NULL;
		for (char *o = copy ? strtok_r(copy, ",", &save) : NULL; o;
		     o = strtok_r(NULL, ",", &save)) {
			if (!strncmp(o, "mode=", 5))
				in->mode = strtoul(o + 5, NULL, 8) & 0777;
			else if (!strncmp(o, "ptmxmode=", 9))
				ptmxmode = strtoul(o + 9, NULL, 8) & 0777;
			else if (!strncmp(o, "gid=", 4))
				in->gid = strtoul(o + 4, NULL, 10);
			else if (!strncmp(o, "max=", 4)) {
				long m = strtol(o + 4, NULL, 10);
				in->max = m > 0 && m < DEVPTS_MAX ? (int)m : DEVPTS_MAX;
			}
		}
		free(copy);
	}
	struct vfs_sb *sb;
	int err = tmpfs_create_sb(flags, "mode=0755", &sb);
	if (err) {
		free(in);
		return err;
	}
	if (!tmpfs_ops) {
		tmpfs_ops = sb->ops;
		devpts_sb_ops = *sb->ops;
		devpts_sb_ops.put_super = devpts_put_super;
	}
	sb->ops = &devpts_sb_ops;
	sb->type = "devpts";
	sb->magic = DEVPTS_SUPER_MAGIC;
	free(sb->priv); /* tmpfs's sbinfo: devpts has no size limit (it leaked here) */
	sb->priv = in;
	in->sb = sb;
	in->root = sb->root;
	list_add(&in->link, &instances);
	devpts_live_instances++;
	devpts_register_devices();
	err = add_node(sb->root, "ptmx", S_IFCHR | ptmxmode, makedev(5, 2), 0, 0);
	if (err) {
		vfs_sb_kill(sb);
		return err;
	}
	*out = sb;
	return 0;
}

/* The instance a ptmx (or pts) node opened as @f belongs to; *@mnt the devpts mount
 * (borrowed, NULL when not known). */
static struct devpts_inst *find_inst(struct vfs_file *f, struct vfs_mount **mnt)
{
	*mnt = NULL;
	if (f->dentry && is_devpts(f->dentry->sb)) {
		*mnt = f->mnt;
		return f->dentry->sb->priv;
	}
	if (f->dentry && f->mnt && f->dentry->parent) {
		struct vfs_dentry *pts;
		struct devpts_inst *in = NULL;
		if (!vfs_lookup_one(f->dentry->parent, "pts", 3, &pts)) {
			struct vfs_mount *m = pts->inode ? vfs_mount_lookup(f->mnt, pts) : NULL;
			if (m && is_devpts(m->sb)) {
				*mnt = m;
				in = m->sb->priv;
			}
			vfs_dentry_put(pts);
		}
		if (in)
			return in;
	}
	return list_empty(&instances) ? NULL
				      : list_first_entry(&instances, struct devpts_inst, link);
}

static void pty_idle(struct tty *t)
{
	struct devpts_inst *in = t->devpts;
	if (in && t->index >= 0 && in->ptys[t->index] == t) {
		char name[16];
		snprintf(name, sizeof(name), "%d", t->index);
		in->ptys[t->index] = NULL;
		del_node(in->root, name);
	}
	t->devpts = NULL;
}

/* Makes a new pair in @in; the tty (one reference: the master's) in *@out. */
static int pair_new(struct devpts_inst *in, uint32_t uid, struct tty **out)
{
	int idx;
	for (idx = 0; idx < in->max && in->ptys[idx]; idx++)
		;
	if (idx == in->max)
		return -ENOSPC;
	struct tty *t = tty_new_pty(idx);
	if (!t)
		return -ENOMEM;
	char name[16];
	snprintf(name, sizeof(name), "%d", idx);
	del_node(in->root, name); /* a stale node someone made */
	int err = add_node(in->root, name, S_IFCHR | in->mode, makedev(136 + idx / 256, idx % 256),
			   uid, in->gid);
	if (err) {
		tty_put(t);
		return err;
	}
	in->ptys[idx] = t;
	t->devpts = in;
	t->idle = pty_idle;
	t->master_open = true;
	t->locked = true;
	*out = t;
	return 0;
}

static int ptmx_open(dev_t rdev, struct vfs_file *f)
{
	struct vfs_mount *mnt;
	struct devpts_inst *in = find_inst(f, &mnt);
	struct tty_caller c = {0};
	struct tty *t;
	if (!in)
		return -ENODEV;
	tty_job_caller(&c);
	int err = pair_new(in, c.uid, &t);
	if (err)
		return err;
	f->ops = &ptm_ops;
	f->priv = t;
	return 0;
}

static int slave_attach(struct tty *t, struct vfs_file *f)
{
	f->ops = &pts_ops;
	f->priv = t;
	tty_get(t);
	t->slave_opens++;
	t->slave_ever_opened = true;
	return 0;
}

static int pts_open(dev_t rdev, struct vfs_file *f)
{
	struct vfs_mount *mnt;
	struct devpts_inst *in = find_inst(f, &mnt);
	int idx = (int)((major(rdev) - 136) * 256 + minor(rdev));
	if (!in || idx < 0 || idx >= DEVPTS_MAX || !in->ptys[idx])
		return -EIO;
	struct tty *t = in->ptys[idx];
	if (!t->master_open || t->locked || t->hungup)
		return -EIO;
	slave_attach(t, f);
	/* O_NOCTTY reaches us only if vfs-core keeps it for character devices (it must not
	 * stay in the file's status flags, as Linux). */
	int flags = f->flags;
	f->flags &= ~O_NOCTTY;
	tty_open_maybe_ctty(t, flags);
	return 0;
}

static int devtty_open(dev_t rdev, struct vfs_file *f)
{
	struct tty *t = tty_caller_ctty();
	if (!t)
		return -ENXIO;
	if (t->kind == TTY_PTY)
		return t->hungup ? -EIO : slave_attach(t, f);
	struct vfs_file *inner = NULL;
	for (size_t i = 0; i < sizeof(t->host_files) / sizeof(t->host_files[0]); i++) {
		struct vfs_file *h = t->host_files[i];
		if (h && (!inner || (h->flags & O_ACCMODE) == O_RDWR))
			inner = h;
	}
	if (!inner)
		return -ENXIO;
	vfs_file_get(inner);
	f->ops = &devtty_host_ops;
	f->priv = inner;
	return 0;
}

/* See devpts.h. */
void devpts_register_devices(void)
{
	static bool done;
	extern void devfs_register_devices(void);
	if (done)
		return;
	done = true;
	devfs_register_devices(); /* first, so that its placeholders do not replace ours */
	vfs_chrdev_register(5, 0, devtty_open);
	vfs_chrdev_register(5, 2, ptmx_open);
	for (unsigned m = 136; m < 136 + DEVPTS_MAX / 256; m++)
		vfs_chrdev_register(m, -1, pts_open);
}

__attribute__((constructor)) static void devpts_ctor(void)
{
	devpts_register_devices();
}

/* ---- the master ---- */

static struct tty *T(struct vfs_file *f)
{
	return f->priv;
}

static ssize_t ptm_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	return len ? tty_master_read(T(f), buf, len) : 0;
}

static ssize_t ptm_write(struct vfs_file *f, const void *buf, size_t len, off_t *pos)
{
	return len ? tty_input(T(f), buf, len) : 0;
}

static uint32_t ptm_poll(struct vfs_file *f)
{
	return tty_master_poll(T(f));
}

static struct waitq *ptm_waitq(struct vfs_file *f)
{
	return &T(f)->master_wq;
}

/* TIOCGPTPEER: opens the slave through its node, as Linux does, and installs it. */
static long ptm_peer(struct vfs_file *f, struct vfs_ctx *c, int flags)
{
	struct tty *t = T(f);
	struct devpts_inst *in = t->devpts;
	struct vfs_mount *mnt;
	struct vfs_dentry *d;
	struct vfs_file *sf;
	char name[16];
	if (flags & ~(O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	if (!in || find_inst(f, &mnt) != in || !mnt || !c->fdt)
		return -EIO;
	snprintf(name, sizeof(name), "%d", t->index);
	int err = vfs_lookup_one(in->root, name, strlen(name), &d);
	if (err)
		return err;
	err = d->inode ? vfs_open_dentry(mnt, d, flags & ~O_CLOEXEC, &sf) : -EIO;
	vfs_dentry_put(d);
	if (err)
		return err;
	int fd = vfs_fdtable_install(c->fdt, sf, 0, flags & O_CLOEXEC);
	vfs_file_put(sf);
	return fd;
}

static long ptm_ioctl(struct vfs_file *f, struct vfs_ctx *c, unsigned int cmd, uint64_t arg)
{
	struct tty *t = T(f);
	int v;
	switch (cmd) {
	case TIOCGPTN:
		v = t->index;
		return guest_copy_out(c->mem, arg, &v, sizeof(v)) ? -EFAULT : 0;
	case TIOCSPTLCK:
		if (guest_copy_in(c->mem, &v, arg, sizeof(v)))
			return -EFAULT;
		t->locked = v != 0;
		return 0;
	case TIOCGPTLCK:
		v = t->locked;
		return guest_copy_out(c->mem, arg, &v, sizeof(v)) ? -EFAULT : 0;
	case TIOCPKT:
		if (guest_copy_in(c->mem, &v, arg, sizeof(v)))
			return -EFAULT;
		t->packet = v != 0;
		return 0;
	case TIOCGPKT:
		v = t->packet;
		return guest_copy_out(c->mem, arg, &v, sizeof(v)) ? -EFAULT : 0;
	case TIOCGPTPEER:
		return ptm_peer(f, c, (int)arg);
	}
	long r = tty_ioctl(t, f, c, cmd, arg, true);
	return r == -TTY_ENOIOCTLCMD ? -ENOTTY : r;
}

static void ptm_release(struct vfs_file *f)
{
	struct tty *t = T(f);
	tty_master_closed(t);
	tty_put(t);
}

static const struct vfs_file_ops ptm_ops = {
    .read = ptm_read,
    .write = ptm_write,
    .poll = ptm_poll,
    .waitq = ptm_waitq,
    .ioctl = ptm_ioctl,
    .release = ptm_release,
};

/* ---- the slave (and /dev/tty on a pty) ---- */

static ssize_t pts_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	bool nonblock = f->flags & O_NONBLOCK;
	int r = tty_check_read(T(f));
	if (r == -EINTR && !nonblock)
		return -EAGAIN; /* park: the SIGTTIN interrupts (and restarts) the read */
	if (r)
		return r;
	return tty_slave_read(T(f), buf, len, nonblock);
}

static ssize_t pts_write(struct vfs_file *f, const void *buf, size_t len, off_t *pos)
{
	int r = tty_check_write(T(f), false);
	if (r == -EINTR && !(f->flags & O_NONBLOCK))
		return -EAGAIN;
	if (r)
		return r;
	return tty_slave_write(T(f), buf, len);
}

static uint32_t pts_poll(struct vfs_file *f)
{
	return tty_slave_poll(T(f));
}

static struct waitq *pts_waitq(struct vfs_file *f)
{
	return &T(f)->slave_wq;
}

static long pts_ioctl(struct vfs_file *f, struct vfs_ctx *c, unsigned int cmd, uint64_t arg)
{
	long r = tty_ioctl(T(f), f, c, cmd, arg, false);
	return r == -TTY_ENOIOCTLCMD ? -ENOTTY : r;
}

static void pts_release(struct vfs_file *f)
{
	struct tty *t = T(f);
	tty_slave_closed(t);
	tty_put(t);
}

static const struct vfs_file_ops pts_ops = {
    .read = pts_read,
    .write = pts_write,
    .poll = pts_poll,
    .waitq = pts_waitq,
    .ioctl = pts_ioctl,
    .release = pts_release,
};

/* See devpts.h. */
struct tty *devpts_file_tty(struct vfs_file *f)
{
	return f && (f->ops == &ptm_ops || f->ops == &pts_ops) ? f->priv : NULL;
}

/* ---- /dev/tty on the host terminal: forwards to a hostfd file on it ---- */

static struct vfs_file *INNER(struct vfs_file *f)
{
	return f->priv;
}

static ssize_t dth_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	return INNER(f)->ops->read(INNER(f), buf, len, NULL);
}

static ssize_t dth_write(struct vfs_file *f, const void *buf, size_t len, off_t *pos)
{
	return INNER(f)->ops->write(INNER(f), buf, len, NULL);
}

static uint32_t dth_poll(struct vfs_file *f)
{
	return INNER(f)->ops->poll ? INNER(f)->ops->poll(INNER(f)) : EPOLLIN | EPOLLOUT;
}

static struct waitq *dth_waitq(struct vfs_file *f)
{
	return INNER(f)->ops->waitq ? INNER(f)->ops->waitq(INNER(f)) : NULL;
}

static long dth_ioctl(struct vfs_file *f, struct vfs_ctx *c, unsigned int cmd, uint64_t arg)
{
	return INNER(f)->ops->ioctl ? INNER(f)->ops->ioctl(INNER(f), c, cmd, arg) : -ENOTTY;
}

static void dth_release(struct vfs_file *f)
{
	vfs_file_put(INNER(f));
}

static const struct vfs_file_ops devtty_host_ops = {
    .read = dth_read,
    .write = dth_write,
    .poll = dth_poll,
    .waitq = dth_waitq,
    .ioctl = dth_ioctl,
    .release = dth_release,
};

/* ---- pairs for the Sentry (console socket) ---- */

/* See devpts.h. */
int devpts_new_pair(struct vfs_mount *mnt, unsigned rows, unsigned cols, struct vfs_file **master)
{
	struct vfs_dentry *d;
	struct tty *t;
	if (!mnt || !is_devpts(mnt->sb))
		return -ENODEV;
	int err = vfs_lookup_one(mnt->root, "ptmx", 4, &d);
	if (err)
		return err;
	err = d->inode ? vfs_open_dentry(mnt, d, O_RDWR | O_NOCTTY, master) : -ENOENT;
	vfs_dentry_put(d);
	if (err)
		return err;
	t = T(*master);
	t->locked = false;
	if (rows || cols) {
		t->ws.row = (uint16_t)rows;
		t->ws.col = (uint16_t)cols;
	}
	return t->index;
}
