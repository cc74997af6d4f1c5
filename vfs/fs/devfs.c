/* vfs/fs/devfs.c - /dev: a tmpfs populated with the standard nodes, and the character
 * devices behind them (null, zero, full, random, urandom; tty and ptmx answer ENXIO until
 * ptys exist). The device table (vfs_chrdev_register) maps a node's rdev to an opener, so
 * a device node made with mknod anywhere (tmpfs, overlay) behaves the same.
 * Must not give access to any host device. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <sys/sysmacros.h>
#include "vfs/internal.h"
#include "vfs/fs/tmpfs.h"

static ssize_t null_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	return 0;
}

static ssize_t sink_write(struct vfs_file *f, const void *buf, size_t len, off_t *pos)
{
	return (ssize_t)len;
}

static ssize_t zero_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	memset(buf, 0, len);
	return (ssize_t)len;
}

static ssize_t full_write(struct vfs_file *f, const void *buf, size_t len, off_t *pos)
{
	return -ENOSPC;
}

static ssize_t random_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = getrandom((char *)buf + done, len - done, 0);
		if (n < 0)
			return done ? (ssize_t)done : -errno;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static off_t dev_llseek(struct vfs_file *f, off_t off, int whence)
{
	return f->pos = 0;
}

static const struct vfs_file_ops null_ops = { .read = null_read, .write = sink_write,
					      .llseek = dev_llseek };
static const struct vfs_file_ops zero_ops = { .read = zero_read, .write = sink_write,
					      .llseek = dev_llseek };
static const struct vfs_file_ops full_ops = { .read = zero_read, .write = full_write,
					      .llseek = dev_llseek };
static const struct vfs_file_ops random_ops = { .read = random_read, .write = sink_write,
						.llseek = dev_llseek };

static int mem_open(dev_t rdev, struct vfs_file *f)
{
	switch (minor(rdev)) {
	case 3:
		f->ops = &null_ops;
		return 0;
	case 5:
		f->ops = &zero_ops;
		return 0;
	case 7:
		f->ops = &full_ops;
		return 0;
	case 8:
	case 9:
		f->ops = &random_ops;
		return 0;
	}
	return -ENXIO;
}

static int enxio_open(dev_t rdev, struct vfs_file *f)
{
	return -ENXIO;
}

/* Registers the built-in devices once (called lazily by vfs_chrdev_open). */
void devfs_register_devices(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	vfs_chrdev_register(1, -1, mem_open);
	vfs_chrdev_register(5, 0, enxio_open); /* /dev/tty: no controlling terminal yet */
	vfs_chrdev_register(5, 2, enxio_open); /* /dev/ptmx: until devpts */
}

static int add(struct vfs_dentry *root, const char *name, mode_t mode, dev_t rdev,
	       const char *target)
{
	struct vfs_dentry *d;
	int err = vfs_lookup_one(root, name, strlen(name), &d);
	if (err)
		return err;
	const struct vfs_inode_ops *ops = root->inode->iops;
	if (target)
		err = ops->symlink(root, d, target, 0, 0);
	else if (S_ISDIR(mode))
		err = ops->mkdir(root, d, mode, 0, 0);
	else
		err = ops->mknod(root, d, mode, rdev, 0, 0);
	vfs_dentry_put(d);
	return err;
}

/* See internal.h: a fresh /dev. Mounting it also mounts a tmpfs on shm/. */
int devfs_create_sb(struct vfs_sb **out)
{
	struct vfs_sb *sb;
	int err = tmpfs_create_sb(0, "mode=0755", &sb);
	if (err)
		return err;
	sb->type = "devfs";
	struct vfs_dentry *r = sb->root;
	static const struct {
		const char *name;
		unsigned major, minor;
		mode_t mode;
	} nodes[] = {
		{ "null", 1, 3, 0666 },	   { "zero", 1, 5, 0666 }, { "full", 1, 7, 0666 },
		{ "random", 1, 8, 0666 }, { "urandom", 1, 9, 0666 }, { "tty", 5, 0, 0666 },
	};
	for (size_t i = 0; !err && i < sizeof(nodes) / sizeof(nodes[0]); i++)
		err = add(r, nodes[i].name, S_IFCHR | nodes[i].mode,
			  makedev(nodes[i].major, nodes[i].minor), NULL);
	if (!err)
		err = add(r, "fd", 0, 0, "/proc/self/fd");
	if (!err)
		err = add(r, "stdin", 0, 0, "/proc/self/fd/0");
	if (!err)
		err = add(r, "stdout", 0, 0, "/proc/self/fd/1");
	if (!err)
		err = add(r, "stderr", 0, 0, "/proc/self/fd/2");
	if (!err)
		err = add(r, "ptmx", 0, 0, "pts/ptmx");
	if (!err)
		err = add(r, "shm", S_IFDIR | 01777, 0, NULL);
	if (!err)
		err = add(r, "pts", S_IFDIR | 0755, 0, NULL);
	if (err) {
		vfs_sb_kill(sb);
		return err;
	}
	*out = sb;
	return 0;
}
