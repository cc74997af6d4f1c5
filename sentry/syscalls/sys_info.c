/* sentry/syscalls/sys_info.c - system information as the sandbox sees it: uname and the
 * hostname of the caller's UTS namespace (sentry/nsproxy.c), sysinfo, rlimits, CPU affinity (run natively), getrusage, times. */
#include "sentry/pidns.h"
#include "sentry/task.h"
#include "sentry/nsproxy.h"
#include "sentry/confine.h"
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <time.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <stdio.h>

#define MIN_RL(x) ((x) > 1048576 ? 1048576 : (x))

char sentry_hostname[65] = "cvisor";
char sentry_domainname[65] = "(none)";

/* implements uname(2): the host's kernel identity, the caller's UTS namespace's names */
long sys_uname(struct task *t, const struct syscall_args *a)
{
	struct utsname u;
	struct uts_ns *ns = task_uts(t);
	if (uname(&u) < 0)
		return -EFAULT;
	snprintf(u.nodename, sizeof(u.nodename), "%s", uts_hostname(ns));
	snprintf(u.domainname, sizeof(u.domainname), "%s", uts_domainname(ns));
	return guest_copy_out(&t->mem, a->a[0], &u, sizeof(u)) < 0 ? -EFAULT : 0;
}

/* CAP_SYS_ADMIN over the owner of the caller's UTS namespace */
static long set_name(struct task *t, char *dst, uint64_t gaddr, uint64_t len)
{
	char buf[65];
	if (!ns_capable(t->tg, task_uts(t)->ns.owner, 21 /* CAP_SYS_ADMIN */))
		return -EPERM;
	if (len > 64)
		return -EINVAL;
	if (guest_copy_in(&t->mem, buf, gaddr, len) < 0)
		return -EFAULT;
	buf[len] = 0;
	memcpy(dst, buf, len + 1);
	return 0;
}

/* implements sethostname(2) */
long sys_sethostname(struct task *t, const struct syscall_args *a)
{
	return set_name(t, uts_hostname(task_uts(t)), a->a[0], a->a[1]);
}

/* implements setdomainname(2) */
long sys_setdomainname(struct task *t, const struct syscall_args *a)
{
	return set_name(t, uts_domainname(task_uts(t)), a->a[0], a->a[1]);
}

/* implements sysinfo(2): memory from the host, processes from the sandbox */
long sys_sysinfo(struct task *t, const struct syscall_args *a)
{
	struct sysinfo si;
	struct thread_group *tg;
	int procs = 0;
	if (sysinfo(&si) < 0)
		return -EFAULT;
	list_for_each_entry(tg, &all_groups, all_link)
		procs += tg->nlive;
	si.procs = procs;
	return guest_copy_out(&t->mem, a->a[0], &si, sizeof(si)) < 0 ? -EFAULT : 0;
}

static long rlimit_get(struct task *t, struct thread_group *tg, int res, uint64_t out)
{
	if (res < 0 || res >= RLIM_NLIMITS)
		return -EINVAL;
	if (out && guest_copy_out(&t->mem, out, &tg->rlim[res], sizeof(struct rlimit)) < 0)
		return -EFAULT;
	return 0;
}

static long rlimit_set(struct task *t, struct thread_group *tg, int res, const struct rlimit *nl)
{
	if (res < 0 || res >= RLIM_NLIMITS)
		return -EINVAL;
	if (nl->rlim_cur > nl->rlim_max)
		return -EINVAL;
	if (nl->rlim_max > tg->rlim[res].rlim_max &&
	    !(t->tg->cred.cap_effective & (1ULL << 24 /* CAP_SYS_RESOURCE */)))
		return -EPERM;
	if (res == RLIMIT_NOFILE && nl->rlim_max > 1048576)
		return -EPERM; /* fs.nr_open */
	tg->rlim[res] = *nl;
	if (res == RLIMIT_NOFILE)
		vfs_fdtable_set_limit(tg->fdt, (unsigned)MIN_RL(nl->rlim_cur));
	return 0;
}

/* implements getrlimit(2) */
long sys_getrlimit(struct task *t, const struct syscall_args *a)
{
	if (!a->a[1])
		return -EFAULT;
	return rlimit_get(t, t->tg, (int)a->a[0], a->a[1]);
}

/* implements setrlimit(2) */
long sys_setrlimit(struct task *t, const struct syscall_args *a)
{
	struct rlimit nl;
	if (guest_copy_in(&t->mem, &nl, a->a[1], sizeof(nl)) < 0)
		return -EFAULT;
	return rlimit_set(t, t->tg, (int)a->a[0], &nl);
}

/* implements prlimit64(2) */
long sys_prlimit64(struct task *t, const struct syscall_args *a)
{
	int pid = (int)a->a[0], res = (int)a->a[1];
	struct thread_group *tg = pid ? pidns_tg(pid, task_pidns(t)) : t->tg;
	struct rlimit nl, old;
	if (!tg || tg->zombie)
		return -ESRCH;
	if (res < 0 || res >= RLIM_NLIMITS)
		return -EINVAL;
	old = tg->rlim[res];
	if (a->a[2]) {
		if (guest_copy_in(&t->mem, &nl, a->a[2], sizeof(nl)) < 0)
			return -EFAULT;
		long r = rlimit_set(t, tg, res, &nl);
		if (r < 0)
			return r;
	}
	if (a->a[3] && guest_copy_out(&t->mem, a->a[3], &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

/* Affinity is the stub thread's own: run natively on the host thread that stands for
 * the virtual tid (0 = the caller). The host tid is the Sentry's substitution, never a
 * value the app chose. */
static long affinity_native(struct task *t, const struct syscall_args *a)
{
	int pid = (int)a->a[0];
	struct task *target = pid > 0 ? pidns_task(pid, task_pidns(t)) : t;
	if (pid < 0 || !target)
		return -ESRCH;
	/* the tid as the stub's own pid namespace numbers it (sentry/confine.h) */
	pid_t tid = target == t ? 0 : confine_stub_tid(target->host_tid);
	if (tid < 0)
		return -ESRCH;
	t->regs.r.rdi = (uint64_t)tid;
	t->regs_dirty = true;
	return SYSRET_PASS;
}

/* implements sched_getaffinity(2) */
long sys_sched_getaffinity(struct task *t, const struct syscall_args *a)
{
	return affinity_native(t, a);
}

/* implements sched_setaffinity(2) */
long sys_sched_setaffinity(struct task *t, const struct syscall_args *a)
{
	return affinity_native(t, a);
}

/* implements getrusage(2) from the host's counters of the stub process (sentry/rusage.c) */
long sys_getrusage(struct task *t, const struct syscall_args *a)
{
	int who = (int)a->a[0];
	struct tg_usage u;
	struct rusage ru;
	if (who == RUSAGE_SELF)
		rusage_of_tg(t->tg, &u);
	else if (who == RUSAGE_THREAD)
		rusage_of_task(t, &u);
	else if (who == RUSAGE_CHILDREN)
		u = t->tg->cusage;
	else
		return -EINVAL;
	rusage_to_linux(&u, &ru);
	return guest_copy_out(&t->mem, a->a[1], &ru, sizeof(ru)) < 0 ? -EFAULT : 0;
}

/* USER_HZ clock ticks of @us microseconds (times(2)'s unit). */
static clock_t us_to_ticks(uint64_t us)
{
	return (clock_t)(us / (1000000 / 100));
}

/* implements times(2): the caller's and its reaped children's CPU times; the return is
 * elapsed ticks since the sandbox's boot */
long sys_times(struct task *t, const struct syscall_args *a)
{
	struct tms tm;
	struct timespec ts;
	struct tg_usage self;
	rusage_of_tg(t->tg, &self);
	tm.tms_utime = us_to_ticks(self.utime_us);
	tm.tms_stime = us_to_ticks(self.stime_us);
	tm.tms_cutime = us_to_ticks(t->tg->cusage.utime_us);
	tm.tms_cstime = us_to_ticks(t->tg->cusage.stime_us);
	if (a->a[0] && guest_copy_out(&t->mem, a->a[0], &tm, sizeof(tm)) < 0)
		return -EFAULT;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)(ts.tv_sec * 100 + ts.tv_nsec / 10000000);
}
