/* vfs/fs/cgroupfs_files.h - cgroupfs's internal contract between its filesystem
 * (cgroupfs.c) and its interface files (cgroupfs_files.c). Not for the Sentry. */
#ifndef CVISOR_VFS_FS_CGROUPFS_FILES_H
#define CVISOR_VFS_FS_CGROUPFS_FILES_H
#include "vfs/fs/cgroupfs.h"

#define CGF_NOT_ON_ROOT 0x1 /* Linux's CFTYPE_NOT_ON_ROOT */

/* One interface file. @ctrl is an enum cgroup_ctrl or -1 for the core (cgroup.*) files,
 * which every cgroup has; a controller's files exist where the parent enables it. */
struct cg_file {
	const char *name;
	int ctrl;
	unsigned flags;
	mode_t mode;
	/* Renders the file. 0 or -errno. NULL: write-only. */
	int (*show)(struct cgroup *cg, struct proc_buf *b);
	/* One write(2), NUL-terminated with surrounding white space removed. 0 or -errno.
	 * NULL: read-only. */
	int (*write)(struct cgroup *cg, char *s);
};

extern const struct cg_file cg_files[]; /* ends with a NULL name */
bool cg_file_visible(const struct cg_file *f, const struct cgroup *cg);
/* The file @name of @cg when @cg has it, else NULL. */
const struct cg_file *cg_file_find(const struct cgroup *cg, const char *name, size_t len);
const struct cgroupfs_host_ops *cgroupfs_host(void);

#endif
