/* vfs/fs/sysfs.c - a minimal read-only sysfs: the cpu lists (from the host), the
 * transparent hugepage settings (from the host), /sys/fs/cgroup (an empty directory, a
 * mount point for cgroupfs) and /sys/class/net (empty until the netstack describes its
 * interfaces). Built on procfs's tree engine. Must not expose any host device. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "vfs/fs/procfs.h"

#define SYSFS_MAGIC 0x62656572

static int show_host_or(const char *path, struct proc_buf *b, const char *dflt)
{
	if (proc_read_host(path, b) || !b->len) {
		b->len = 0;
		proc_buf_printf(b, "%s\n", dflt);
	}
	return 0;
}

/* "0-N" from sysconf when the host file is missing. */
static void cpu_range(char *buf, size_t size, int name)
{
	long n = sysconf(name);
	if (n <= 1)
		snprintf(buf, size, "0");
	else
		snprintf(buf, size, "0-%ld", n - 1);
}

static int show_online(const struct proc_node *n, struct proc_buf *b)
{
	char d[32];
	cpu_range(d, sizeof(d), _SC_NPROCESSORS_ONLN);
	return show_host_or("/sys/devices/system/cpu/online", b, d);
}

static int show_possible(const struct proc_node *n, struct proc_buf *b)
{
	char d[32];
	cpu_range(d, sizeof(d), _SC_NPROCESSORS_CONF);
	return show_host_or("/sys/devices/system/cpu/possible", b, d);
}

static int show_present(const struct proc_node *n, struct proc_buf *b)
{
	char d[32];
	cpu_range(d, sizeof(d), _SC_NPROCESSORS_CONF);
	return show_host_or("/sys/devices/system/cpu/present", b, d);
}

static int show_thp_enabled(const struct proc_node *n, struct proc_buf *b)
{
	return show_host_or("/sys/kernel/mm/transparent_hugepage/enabled", b,
			    "always [madvise] never");
}

static int show_thp_defrag(const struct proc_node *n, struct proc_buf *b)
{
	return show_host_or("/sys/kernel/mm/transparent_hugepage/defrag", b,
			    "always defer defer+madvise [madvise] never");
}

/* The PMD size (Go's runtime reads it at start). */
static int show_thp_pmd_size(const struct proc_node *n, struct proc_buf *b)
{
	return show_host_or("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", b, "2097152");
}

#define RO(nm, fn) { nm, S_IFREG | 0444, 0, .show = fn }
#define DIR(nm, ch) { nm, S_IFDIR | 0755, 0, .children = ch }

static const struct proc_entry empty[] = { { NULL } };

static const struct proc_entry cpu[] = {
	RO("online", show_online),
	RO("possible", show_possible),
	RO("present", show_present),
	{ NULL },
};
static const struct proc_entry system_[] = { DIR("cpu", cpu), { NULL } };
static const struct proc_entry devices[] = { DIR("system", system_), { NULL } };
static const struct proc_entry thp[] = {
	RO("defrag", show_thp_defrag),
	RO("enabled", show_thp_enabled),
	RO("hpage_pmd_size", show_thp_pmd_size),
	{ NULL },
};
static const struct proc_entry mm[] = { DIR("transparent_hugepage", thp), { NULL } };
static const struct proc_entry kernel[] = { DIR("mm", mm), { NULL } };
static const struct proc_entry fs[] = { DIR("cgroup", empty), { NULL } };
static const struct proc_entry class_[] = { DIR("net", empty), { NULL } };

static const struct proc_entry root_children[] = {
	DIR("class", class_),
	DIR("devices", devices),
	DIR("fs", fs),
	DIR("kernel", kernel),
	{ NULL },
};

static const struct proc_entry sysfs_root = { "/", S_IFDIR | 0755, 0, .children = root_children };

/* See procfs.h. */
int sysfs_create_sb(unsigned long flags, const char *data, struct vfs_sb **out)
{
	return proc_tree_create_sb("sysfs", SYSFS_MAGIC, &sysfs_root, out);
}
