/* sentry/rusage.h - resource usage of the app's processes (getrusage(2), wait4(2)'s and
 * waitid(2)'s rusage, times(2)), read from the host's counters of their stub processes.
 *
 * Every app process is one host process, so its CPU times, page faults and peak RSS are
 * the host's: /proc/<host pid>/stat and status while it lives, the rusage the platform's
 * wait4 gets when it dies. What the host forgets is kept here: the usage of a dead
 * process (tg->usage_at_exit) and, as Linux's
 * signal->cutime & co, the usage of the children it reaped with wait (tg->cusage).
 * Must not touch guest memory. */
#ifndef CVISOR_SENTRY_RUSAGE_H
#define CVISOR_SENTRY_RUSAGE_H
#include <stdint.h>
#include <sys/resource.h>

struct tg_usage {
	uint64_t utime_us, stime_us;
	unsigned long minflt, majflt;
	unsigned long nvcsw, nivcsw; /* the host thread's (main thread for a process) */
	long maxrss_kb;		     /* peak resident set (VmHWM) */
};

struct task;
struct thread_group;

/* Whole-process usage of live @tg now: the host's counters (zeros when the host process
 * is gone). */
void rusage_of_tg(const struct thread_group *tg, struct tg_usage *u);
/* Usage of the thread @t now (RUSAGE_THREAD). */
void rusage_of_task(const struct task *t, struct tg_usage *u);
/* The host reaped @t's thread and reported @host_ru (wait4's): kept in
 * tg->usage_at_exit, which the leader's report, the host's last, completes. */
void rusage_on_host_dead(struct task *t, const struct rusage *host_ru);
/* @parent reaps @child with wait: @child's usage and its own reaped children's are added
 * to @parent's children's usage (Linux's wait_task_zombie). */
void rusage_on_reap(struct thread_group *parent, const struct thread_group *child);
/* Linux's RUSAGE_BOTH of @child as wait4 reports it: a zombie's usage at exit (a live,
 * stopped one's now) plus its reaped children's. */
void rusage_of_child(const struct thread_group *child, struct tg_usage *u);
/* @dst += @src (maxrss: the larger). */
void rusage_add(struct tg_usage *dst, const struct tg_usage *src);
/* Fills a struct rusage. */
void rusage_to_linux(const struct tg_usage *u, struct rusage *ru);

#endif
