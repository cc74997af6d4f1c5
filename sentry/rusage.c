/* sentry/rusage.c - resource usage of the app's processes, from the host's counters of
 * their stub processes (see rusage.h). Owns tg->usage_at_exit and tg->cusage. Reads
 * host files only through vfs/fs/procfs.h's proc_read_host. */
#include "sentry/rusage.h"
#include "sentry/task.h"
#include "vfs/fs/procfs.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "Key:\t123 kB" or "key:\t123" of a status text, 0 when absent. */
static unsigned long status_num(const char *text, const char *key)
{
	size_t n = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, key, n) && l[n] == ':')
			return strtoul(l + n + 1, NULL, 10);
	return 0;
}

/* Reads /proc/<pid>[/task/<tid>]/{stat,status} of the host into @u (zeros for what is
 * gone). */
static void read_host(pid_t pid, pid_t tid, struct tg_usage *u)
{
	char path[64];
	struct proc_buf b = {0};
	struct proc_host_stat hs;
	memset(u, 0, sizeof(*u));
	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	memset(&hs, 0, sizeof(hs));
	if (proc_read_host(path, &b) == 0 && b.data && proc_host_stat_parse(b.data, &hs) == 0) {
		long hz = sysconf(_SC_CLK_TCK);
		if (hz <= 0)
			hz = 100;
		u->utime_us = (uint64_t)hs.utime * 1000000ULL / (uint64_t)hz;
		u->stime_us = (uint64_t)hs.stime * 1000000ULL / (uint64_t)hz;
		u->minflt = hs.minflt;
		u->majflt = hs.majflt;
	}
	proc_buf_free(&b);
	memcpy(path + strlen(path) - 4, "status", 7);
	if (proc_read_host(path, &b) == 0 && b.data) {
		u->maxrss_kb = (long)status_num(b.data, "VmHWM");
		u->nvcsw = status_num(b.data, "voluntary_ctxt_switches");
		u->nivcsw = status_num(b.data, "nonvoluntary_ctxt_switches");
	}
	proc_buf_free(&b);
}

void rusage_of_tg(const struct thread_group *tg, struct tg_usage *u)
{
	read_host(tg->host_pid, 0, u);
	/* a process being torn down may have no host entry left: what its threads' deaths
	 * reported is all there is */
	if (!u->utime_us && !u->stime_us && !u->minflt)
		*u = tg->usage_at_exit;
}

void rusage_of_task(const struct task *t, struct tg_usage *u)
{
	read_host(t->tg->host_pid, t->host_tid, u);
	struct tg_usage whole;
	read_host(t->tg->host_pid, 0, &whole);
	u->maxrss_kb = whole.maxrss_kb; /* Linux: RUSAGE_THREAD's maxrss is the process's */
}

void rusage_on_host_dead(struct task *t, const struct rusage *ru)
{
	struct tg_usage u = {
	    .utime_us = (uint64_t)ru->ru_utime.tv_sec * 1000000 + (uint64_t)ru->ru_utime.tv_usec,
	    .stime_us = (uint64_t)ru->ru_stime.tv_sec * 1000000 + (uint64_t)ru->ru_stime.tv_usec,
	    .minflt = (unsigned long)ru->ru_minflt,
	    .majflt = (unsigned long)ru->ru_majflt,
	    .nvcsw = (unsigned long)ru->ru_nvcsw,
	    .nivcsw = (unsigned long)ru->ru_nivcsw,
	    .maxrss_kb = ru->ru_maxrss,
	};
	/* each thread's report counts the whole process so far: keep the latest */
	if (u.utime_us + u.stime_us >= t->tg->usage_at_exit.utime_us + t->tg->usage_at_exit.stime_us)
		t->tg->usage_at_exit = u;
}

void rusage_add(struct tg_usage *dst, const struct tg_usage *src)
{
	dst->utime_us += src->utime_us;
	dst->stime_us += src->stime_us;
	dst->minflt += src->minflt;
	dst->majflt += src->majflt;
	dst->nvcsw += src->nvcsw;
	dst->nivcsw += src->nivcsw;
	if (src->maxrss_kb > dst->maxrss_kb)
		dst->maxrss_kb = src->maxrss_kb;
}

void rusage_of_child(const struct thread_group *child, struct tg_usage *u)
{
	if (child->zombie)
		*u = child->usage_at_exit;
	else
		rusage_of_tg(child, u);
	rusage_add(u, &child->cusage);
}

void rusage_on_reap(struct thread_group *parent, const struct thread_group *child)
{
	struct tg_usage u;
	rusage_of_child(child, &u);
	rusage_add(&parent->cusage, &u);
}

void rusage_to_linux(const struct tg_usage *u, struct rusage *ru)
{
	memset(ru, 0, sizeof(*ru));
	ru->ru_utime.tv_sec = (time_t)(u->utime_us / 1000000);
	ru->ru_utime.tv_usec = (suseconds_t)(u->utime_us % 1000000);
	ru->ru_stime.tv_sec = (time_t)(u->stime_us / 1000000);
	ru->ru_stime.tv_usec = (suseconds_t)(u->stime_us % 1000000);
	ru->ru_maxrss = u->maxrss_kb;
	ru->ru_minflt = (long)u->minflt;
	ru->ru_majflt = (long)u->majflt;
	ru->ru_nvcsw = (long)u->nvcsw;
	ru->ru_nivcsw = (long)u->nivcsw;
}
