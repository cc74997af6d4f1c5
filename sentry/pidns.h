/* sentry/pidns.h - nested pid namespaces (pid_namespaces(7)).
 *
 * The Sentry names every task and process by its number in the sandbox's pid namespace
 * (level 0: t->vtid, tg->vpid, tg->pgid, tg->sid are those). A number allocated in a
 * nested namespace also has a number in that namespace and in every level between: a
 * record keyed by the level-0 number holds them. Syscalls translate at the boundary:
 * pidns_nr() for what the app is told, pidns_find() for what it names.
 *
 * Ownership: a record lives while its level-0 number is in use (a task's tid, a group's
 * pid, pgid or sid) and holds a reference on the namespace it was allocated in. A
 * namespace holds one on its parent; struct task_ns one on its pid_for_children; a procfs
 * superblock one on the namespace it shows. ns->reaper is a plain pointer, cleared when
 * that group is reaped. */
#ifndef CVISOR_SENTRY_PIDNS_H
#define CVISOR_SENTRY_PIDNS_H
#include <signal.h>
#include <stdbool.h>
#include "sentry/nsproxy.h"

#define PIDNS_MAX_LEVEL 32 /* Linux's MAX_PID_NS_LEVEL */

struct pid_ns *pidns_root(void);
void pid_ns_get(struct pid_ns *ns);
void pid_ns_put(struct pid_ns *ns);
/* A child of @parent owned by @owner (references taken); NULL on ENOMEM. */
struct pid_ns *pid_ns_new(struct pid_ns *parent, struct user_ns *owner);
/* @ns's ancestor at @level (@ns itself at its own level). */
const struct pid_ns *pidns_at(const struct pid_ns *ns, int level);
/* Whether @anc is @ns or one of its ancestors. */
bool pidns_is_ancestor(const struct pid_ns *anc, const struct pid_ns *ns);

/* Allocates a number in @ns and in each of its ancestors. Returns the level-0 number, or
 * -ENOMEM when @ns (or an ancestor) lost its pid 1, as Linux. */
int pidns_alloc(struct pid_ns *ns);
/* @gnr (a level-0 number) may have stopped being used: frees its record if so. */
void pidns_release(int gnr);
/* The namespace level-0 number @gnr was allocated in. */
struct pid_ns *pidns_of(int gnr);
/* @gnr as @ns sees it; 0 when not visible there. */
int pidns_nr(int gnr, const struct pid_ns *ns);
/* The level-0 number that is @nr in @ns; 0 when none. */
int pidns_find(int nr, const struct pid_ns *ns);

/* The pid namespace @t (its process) is in. */
struct pid_ns *task_pidns(struct task *t);
struct pid_ns *tg_pidns(struct thread_group *tg);
/* The live (or zombie) process whose pid is @nr in @ns, or NULL. */
struct thread_group *pidns_tg(int nr, const struct pid_ns *ns);
/* The live thread whose tid is @nr in @ns, or NULL. */
struct task *pidns_task(int nr, const struct pid_ns *ns);
/* @tg's pid as @viewer (a task) sees it; 0 when not visible. */
int tg_vnr(struct thread_group *tg, struct task *viewer);

/* A new process @tg got its pid: when it is the first of its namespace it becomes that
 * namespace's pid 1 (reaper). */
void pidns_new_group(struct thread_group *tg);
/* The reaper of @tg's orphans (a subreaper ancestor in the same namespace, else the
 * namespace's pid 1); NULL when @tg is that pid 1 (its namespace dies with it). */
struct thread_group *pidns_find_reaper(struct thread_group *tg);
/* The pid 1 of a nested namespace died: marks the namespace dead, SIGKILLs every other
 * process in it, gives its children to nobody (auto-reaped). Returns true when @tg must
 * wait (stay unreported to its parent) until the namespace is empty. */
bool pidns_init_died(struct thread_group *tg);
/* @tg is being reaped: finishes the death of namespace inits waiting for it. */
void pidns_group_reaped(struct thread_group *tg);
/* Whether @tg is pid 1 of a nested pid namespace (Linux's SIGNAL_UNKILLABLE). */
bool pidns_is_init(struct thread_group *tg);
/* Whether SIGKILL or SIGSTOP from @sender (NULL: the kernel) to @tg is dropped: @tg is a
 * nested namespace's pid 1 and @sender is in that namespace. Every other signal such a
 * pid 1 has no handler for is dropped whoever sends it (signal.c). */
bool pidns_init_ignores(struct task *sender, struct thread_group *tg, int sig);
/* Rewrites si_pid of a siginfo the Sentry made (@info) for receiver @t: the sender's pid
 * in @t's namespace, 0 when not visible. */
void pidns_fix_siginfo(struct task *t, siginfo_t *info);

#endif
