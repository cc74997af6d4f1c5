/* ns_proc_links.c - /proc/<pid>/ns/: every link reads "type:[N]", stat of the link's
 * target (an nsfs inode) has st_ino N, an O_RDONLY open of it works and fstat agrees,
 * numbers are distinct across types and stable across reads, and a namespace of one's own
 * (after unshare in a child) gets a new number while the parent's stay; nsfs's ioctls:
 * NS_GET_NSTYPE, NS_GET_USERNS (an fd of the owning user namespace), NS_GET_PARENT of the
 * initial user namespace (EPERM). */
/* syscalls: readlinkat newfstatat openat fstat unshare ioctl */
#include "ns_util.h"
#include <linux/nsfs.h>
#include <sys/ioctl.h>

static const struct {
	const char *name, *type;
} links[] = {
    {"mnt", "mnt"},
    {"uts", "uts"},
    {"ipc", "ipc"},
    {"pid", "pid"},
    {"pid_for_children", "pid"},
    {"user", "user"},
    {"cgroup", "cgroup"},
    {"net", "net"},
};
#define NLINKS (sizeof(links) / sizeof(links[0]))

static int child(void *arg)
{
	unsigned long long old[3] = {ns_link_ino("self", "uts", "uts"),
				     ns_link_ino("self", "ipc", "ipc"),
				     ns_link_ino("self", "mnt", "mnt")};
	if (unshare(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNS) < 0)
		return 0;
	unsigned long long now[3] = {ns_link_ino("self", "uts", "uts"),
				     ns_link_ino("self", "ipc", "ipc"),
				     ns_link_ino("self", "mnt", "mnt")};
	int bits = 0;
	bits |=
	    (now[0] && now[1] && now[2] && now[0] != old[0] && now[1] != old[1] && now[2] != old[2])
	    << 0;
	bits |= (now[0] != now[1] && now[1] != now[2] && now[0] != now[2]) << 1;
	bits |= (ns_link_ino("self", "uts", "uts") == now[0]) << 2;
	struct stat st;
	bits |= (stat("/proc/self/ns/uts", &st) == 0 && st.st_ino == now[0]) << 3;
	return bits;
}

int main(void)
{
	TAP_PLAN(10);
	unsigned long long ino[NLINKS];
	bool all = true, stat_ok = true, open_ok = true, distinct = true;
	for (size_t i = 0; i < NLINKS; i++) {
		ino[i] = ns_link_ino("self", links[i].name, links[i].type);
		all &= ino[i] != 0;
		char path[64];
		struct stat st, fst;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", links[i].name);
		stat_ok &= stat(path, &st) == 0 && st.st_ino == ino[i];
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		open_ok &= fd >= 0 && fstat(fd, &fst) == 0 && fst.st_ino == ino[i];
		if (fd >= 0)
			close(fd);
		if (!all || !stat_ok || !open_ok)
			TAP_DIAG("%s: %llu", links[i].name, ino[i]);
	}
	for (size_t i = 0; i < NLINKS; i++)
		for (size_t j = i + 1; j < NLINKS; j++)
			if (strcmp(links[i].type, links[j].type) && ino[i] == ino[j])
				distinct = false;
	TAP_OK(all, "every ns link reads type:[number]");
	TAP_OK(stat_ok, "stat of a link's target has the link's number as st_ino");
	TAP_OK(open_ok, "ns files open O_RDONLY; fstat agrees");
	TAP_OK(distinct && ino[3] == ino[4],
	       "numbers differ across types; pid_for_children is pid");
	int ufd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	TAP_OK(ufd >= 0 && ioctl(ufd, NS_GET_NSTYPE) == CLONE_NEWUTS,
	       "NS_GET_NSTYPE of a uts ns file is CLONE_NEWUTS");
	int owner = ufd >= 0 ? ioctl(ufd, NS_GET_USERNS) : -1;
	struct stat ost;
	bool owner_ok = owner >= 0 && fstat(owner, &ost) == 0 && ost.st_ino == ino[5] &&
			(fcntl(owner, F_GETFD) & FD_CLOEXEC);
	TAP_OK(owner_ok && ioctl(owner, NS_GET_PARENT) == -1 && errno == EPERM,
	       "NS_GET_USERNS opens the owning user namespace; it has no parent (EPERM)");
	int bits = ns_bits(child, NULL);
	TAP_OK(ns_bit(bits, 0), "unshared namespaces get new numbers");
	TAP_OK(ns_bit(bits, 1) && ns_bit(bits, 2), "new numbers are distinct and stable");
	TAP_OK(ns_bit(bits, 3), "stat agrees in the child");
	TAP_OK(ns_link_ino("self", "uts", "uts") == ino[1] &&
		   ns_link_ino("self", "mnt", "mnt") == ino[0],
	       "the parent's numbers are unchanged");
	return TAP_DONE();
}
