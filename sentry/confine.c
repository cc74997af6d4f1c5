/* sentry/confine.c - confines the Sentry (and, through the namespaces and the root they
 * share, its stubs) on the host: the steps of docs/security.md's "Set-up sequence".
 *
 * Owns: which namespaces are fresh, the empty root, the Sentry's rlimits and capability
 * sets, no_new_privs, and when the host filter goes on. Must not open anything the
 * Sentry needs later (set-up does that before confine_late) nor fork: the stubs come
 * from the factory (platform/ptrace/ptrace.c). */
#include "sentry/confine.h"
#include "sentry/host_filter.h"
#include "platform/platform.h"
#include "sentry/sandbox.h"
#include "common/log.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

/* What the Sentry keeps after set-up: it serves the app's file operations on host-backed
 * mounts as the owner of the files would (chown of new files to the app's ids, chmod and
 * utimes of files it does not own, setuid bits kept, file capabilities in xattrs). Not
 * CAP_MKNOD (no device node is ever made on the host), nor CAP_SYS_ADMIN (no mount after
 * the pivot), nor CAP_SYS_PTRACE (the stubs are its own tracees, with fewer caps). */
static const int keep_caps[] = {CAP_CHOWN,  CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH,
				CAP_FOWNER, CAP_FSETID,	      CAP_SETFCAP};

/* Default cap on the Sentry's heap and private mappings (RLIMIT_DATA), in MiB;
 * CVISOR_SENTRY_MEM_MB overrides. tmpfs contents live in memfds and are not counted. */
#define SENTRY_MEM_MB_DEFAULT 16384
/* RLIMIT_NOFILE of the Sentry: its host fds (hostfs files the app holds open, pipes to
 * the host, the loop's) count against this; the app's own limit is virtual (1024/1M). */
#define SENTRY_NOFILE 65536

static bool ns_done; /* confine_early made the namespaces: confine_late pivots */

static bool has_cap(int cap)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &hdr, d) < 0)
		return false;
	return d[cap / 32].effective & (1U << (cap % 32));
}

int confine_pid_ns(void)
{
	if (!ns_done)
		return 0;
	if (unshare(CLONE_NEWPID) < 0) {
		int err = -errno;
		fprintf(stderr, "cvisor: cannot create the sandbox's host pid namespace: %s\n",
			strerror(-err));
		return err;
	}
	return 0;
}

bool confine_stubs_in_pid_ns(void)
{
	return ns_done;
}

pid_t confine_stub_tid(pid_t host_tid)
{
	char path[64], buf[2048];
	if (!ns_done)
		return host_tid;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)host_tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ESRCH;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = 0;
	/* "NSpid:\t<ours>\t<theirs>": the last number is the innermost namespace's */
	char *line = strstr(buf, "\nNSpid:");
	if (!line)
		return -ESRCH;
	char *end = strchr(line + 1, '\n');
	if (end)
		*end = 0;
	char *last = strrchr(line, '\t');
	return last ? (pid_t)atoi(last + 1) : -ESRCH;
}

int confine_early(const struct sandbox_spec *spec)
{
	/* the pid namespace comes later (confine_pid_ns): once it is unshared no thread
	 * can be made, and a platform's init may want one */
	int flags = CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS;

	if (!has_cap(CAP_SYS_ADMIN)) {
		log_info("confine: no CAP_SYS_ADMIN: the Sentry stays in the caller's host "
			 "namespaces (seccomp, no_new_privs and rlimits still apply)");
		return 0;
	}
	if (spec->fresh_netns)
		flags |= CLONE_NEWNET;
	if (unshare(flags) < 0) {
		int err = -errno;
		fprintf(stderr, "cvisor: cannot create the sandbox's host namespaces: %s\n",
			strerror(-err));
		return err;
	}
	/* host mounts still propagate in (the `do` overlay sees the host as it is), ours
	 * never out */
	if (mount("none", "/", "none", MS_REC | MS_SLAVE, NULL) < 0) {
		int err = -errno;
		fprintf(stderr, "cvisor: cannot make the sandbox's mounts private: %s\n",
			strerror(-err));
		return err;
	}
	ns_done = true;
	log_debug("confine: fresh host mount/ipc/uts%s namespaces (pid next)",
		  spec->fresh_netns ? "/net" : "");
	return 0;
}

/* Pivots into an empty read-only tmpfs holding only a procfs (/proc/<stub>/mem and
 * /proc/self/fd are how the Sentry reaches stub memory and re-opens its own fds). The
 * stubs' root and cwd are the old root, so pivot_root moves them too. What the Sentry
 * opened before (rootfs and bind-mount dir fds, the log, sockets) stays usable: fds hold
 * their mounts after the old root is detached. */
static int pivot_to_empty_root(void)
{
	const char *step;
	int err;

	/* the new root is mounted over /proc of our own (slave) mount namespace: a directory
	 * every host has, and a mount there is invisible outside */
	step = "mount tmpfs";
	if (mount("cvisor-root", "/proc", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0755,size=16k,nr_inodes=8") < 0)
		goto fail;
	step = "mkdir /proc";
	if (mkdir("/proc/proc", 0555) < 0)
		goto fail;
	step = "mount proc";
	if (mount("proc", "/proc/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		goto fail;
	step = "pivot_root";
	if (chdir("/proc") < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		goto fail;
	step = "detach the old root";
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		goto fail;
	step = "remount the root read-only";
	if (mount("none", "/", "none",
		  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		goto fail;
	return 0;
fail:
	err = -errno;
	fprintf(stderr, "cvisor: cannot pivot into the empty root (%s): %s\n", step,
		strerror(-err));
	return err;
}

/* Lowers one limit to at most @v (never raises it: without CAP_SYS_RESOURCE we could
 * not, and a lower limit set by the caller is kept). */
static void lower_rlimit(int res, rlim_t v, bool raise_soft)
{
	struct rlimit rl;
	if (getrlimit(res, &rl) < 0)
		return;
	if (rl.rlim_max > v)
		rl.rlim_max = v;
	if (rl.rlim_cur > rl.rlim_max || raise_soft)
		rl.rlim_cur = rl.rlim_max;
	if (setrlimit(res, &rl) < 0)
		log_warn("confine: setrlimit %d: errno %d", res, errno);
}

static void set_rlimits(void)
{
	lower_rlimit(RLIMIT_NOFILE, SENTRY_NOFILE, true);
	lower_rlimit(RLIMIT_CORE, 0, false); /* no core file holding the app's data */
#if !defined(__SANITIZE_ADDRESS__)
	if (!RUNNING_ON_VALGRIND) { /* both reserve huge private mappings of their own */
		const char *mb = getenv("CVISOR_SENTRY_MEM_MB");
		unsigned long long v = mb ? strtoull(mb, NULL, 10) : SENTRY_MEM_MB_DEFAULT;
		if (v)
			lower_rlimit(RLIMIT_DATA, (rlim_t)v << 20, false);
	}
#endif
}

/* Drops every capability but keep_caps from all sets (bounding first, while
 * CAP_SETPCAP is still ours). Returns 0 or -errno. */
static int drop_caps(void)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	uint64_t keep = 0, have;

	for (size_t i = 0; i < sizeof(keep_caps) / sizeof(keep_caps[0]); i++)
		keep |= 1ULL << keep_caps[i];
	if (syscall(SYS_capget, &hdr, d) < 0)
		return -errno;
	have = d[0].permitted | (uint64_t)d[1].permitted << 32;
	keep &= have;
	for (int c = 0; c < 64; c++)
		if (!(keep & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 &&
		    errno != EINVAL && errno != EPERM)
			return -errno;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (uint32_t)keep;
	d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
	return syscall(SYS_capset, &hdr, d) < 0 ? -errno : 0;
}

int confine_late(const struct sandbox_spec *spec)
{
	int act = host_filter_action_from_env();
	int net = host_net_parse(spec->network);
	int r;

	if (act < 0)
		return act;
	if (net < 0)
		net = HOST_NET_SANDBOX;
	if (ns_done && (r = pivot_to_empty_root()) < 0)
		return r;
	set_rlimits();
	if ((r = drop_caps()) < 0) {
		fprintf(stderr, "cvisor: cannot drop the Sentry's capabilities: %s\n",
			strerror(-r));
		return r;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		r = -errno;
		fprintf(stderr, "cvisor: no_new_privs: %s\n", strerror(-r));
		return r;
	}
	if (RUNNING_ON_VALGRIND) {
		/* valgrind has no seccomp(2); the filter would also see valgrind's calls */
		log_warn("confine: under valgrind: no host syscall filter");
		act = HOST_FILTER_OFF;
	}
	if ((r = host_filter_install(net, host_plat_of(plat->name), act)) < 0) {
		fprintf(stderr, "cvisor: cannot install the Sentry's host syscall filter: %s\n",
			strerror(-r));
		return r;
	}
	return 0;
}
