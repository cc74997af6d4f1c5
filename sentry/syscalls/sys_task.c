/* sentry/syscalls/sys_task.c - processes and threads: ids, fork/vfork/clone, execve,
 * wait4/waitid, set_tid_address, process groups and sessions. Every pid the app names or
 * is told is a number in its own pid namespace (sentry/pidns.c). */
#include "sentry/task.h"
#include "sentry/nsproxy.h"
#include "sentry/pidns.h"
#include "common/log.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>

void clone_exit_fixup(struct task *t);
long clone_check_pids(struct task *t);

/* implements getpid(2): the pid in the caller's own pid namespace */
long sys_getpid(struct task *t, const struct syscall_args *a)
{
	return tg_vnr(t->tg, t);
}

/* implements gettid(2) */
long sys_gettid(struct task *t, const struct syscall_args *a)
{
	return pidns_nr(t->vtid, task_pidns(t));
}

/* implements getppid(2): 0 when the parent is outside the caller's pid namespace */
long sys_getppid(struct task *t, const struct syscall_args *a)
{
	return tg_vnr(t->tg->parent, t);
}

#define NS_FLAGS                                                                                   \
	(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUSER | \
	 CLONE_NEWCGROUP)
#define HOST_FLAGS                                                                                 \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |        \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID |          \
	 CLONE_VFORK)

/* The Sentry's half of clone(2)/clone3(2) before the native clone; @pidfd: where
 * CLONE_PIDFD's fd goes (clone: the ptid slot). */
static long do_clone(struct task *t, uint64_t flags, uint64_t stack, uint64_t ptid,
		     uint64_t ctid, uint64_t tls, uint64_t pidfd)
{
	uint64_t hflags;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CLONE_FS) && (flags & CLONE_NEWNS))
		return -EINVAL;
	if ((flags & CLONE_NEWUSER) && (flags & CLONE_FS))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && (flags & (CLONE_NEWUSER | CLONE_NEWPID)))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && t->ns && t->ns->pid != task_pidns(t))
		return -EINVAL; /* after unshare(CLONE_NEWPID): threads stay in one namespace */
	if (flags & (CLONE_PTRACE | CLONE_UNTRACED | CLONE_IO | CLONE_NEWTIME))
		return -EINVAL;
	if ((flags & CLONE_PIDFD) && (flags & (CLONE_THREAD | CLONE_DETACHED)))
		return -EINVAL; /* thread pidfds (PIDFD_THREAD, Linux 6.9) are not done */
	if ((flags & CLONE_PIDFD) && (flags & CLONE_PARENT_SETTID) && pidfd == ptid)
		return -EINVAL; /* one slot for two values */
	if ((flags & CLONE_PARENT) &&
	    (t->tg == init_tg || task_pidns(t)->reaper == t->tg))
		return -EINVAL; /* the init of a pid namespace */
	if (flags & NS_FLAGS) {
		int err = task_ns_check(t, flags, false); /* sentry/nsproxy.c */
		if (err)
			return err;
	}
	if (t->ns && !(flags & CLONE_THREAD)) {
		for (struct pid_ns *p = t->ns->pid; p; p = p->parent)
			if (p->dead)
				return -ENOMEM; /* its pid 1 is gone, as Linux */
	}
	if (flags & CLONE_PIDFD) {
		long err = pidfd_clone_check(t, pidfd);
		if (err)
			return err;
	}
	long err = clone_check_pids(t); /* pids.max */
	if (err)
		return err;
	hflags = flags & HOST_FLAGS;
	if (!(flags & CLONE_THREAD))
		hflags |= CLONE_PARENT | SIGCHLD; /* every stub is the Sentry's host child */
	t->clone.active = true;
	t->clone.flags = flags;
	t->clone.exit_signal = (int)(flags & CSIGNAL);
	t->clone.ptid_gaddr = ptid;
	t->clone.ctid_gaddr = ctid;
	t->clone.pidfd_gaddr = pidfd;
	memcpy(t->clone.app_args, t->call.a, sizeof(t->clone.app_args));
	t->regs.r.orig_rax = SYS_clone;
	t->regs.r.rdi = hflags;
	t->regs.r.rsi = stack;
	t->regs.r.rdx = ptid;
	t->regs.r.r10 = ctid;
	t->regs.r.r8 = tls;
	t->regs_dirty = true;
	t->exit_fixup = clone_exit_fixup;
	return SYSRET_PASS;
}

/* implements clone(2) (x86-64 argument order: flags, stack, ptid, ctid, tls) */
long sys_clone(struct task *t, const struct syscall_args *a)
{
	return do_clone(t, a->a[0], a->a[1], a->a[2], a->a[3], a->a[4], a->a[2]);
}

/* implements clone3(2) by running the legacy clone natively: the stack becomes
 * stack + stack_size (x86 grows down); the argument registers are restored afterwards in
 * parent and child, so glibc's wrapper sees what clone3 would have left. set_tid and
 * cgroup placement are not supported (EINVAL / ENOSYS as noted in the table). */
long sys_clone3(struct task *t, const struct syscall_args *a)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
			set_tid, set_tid_size, cgroup;
	} ca;
	size_t size = a->a[1];

	if (size < 64 || size > 4096)
		return -EINVAL;
	memset(&ca, 0, sizeof(ca));
	if (guest_copy_in(&t->mem, &ca, a->a[0], size < sizeof(ca) ? size : sizeof(ca)) < 0)
		return -EFAULT;
	if (size > sizeof(ca)) {
		/* unknown trailing fields must be zero (E2BIG otherwise, as Linux) */
		uint8_t rest[64];
		for (size_t off = sizeof(ca); off < size; off += sizeof(rest)) {
			size_t n = size - off < sizeof(rest) ? size - off : sizeof(rest);
			if (guest_copy_in(&t->mem, rest, a->a[0] + off, n) < 0)
				return -EFAULT;
			for (size_t i = 0; i < n; i++)
				if (rest[i])
					return -E2BIG;
		}
	}
	if (ca.exit_signal & ~CSIGNAL)
		return -EINVAL;
	if ((ca.flags & CSIGNAL) || ca.set_tid || ca.set_tid_size)
		return -EINVAL;
	if (ca.flags & CLONE_INTO_CGROUP)
		return -EINVAL;
	if ((ca.stack == 0) != (ca.stack_size == 0))
		return -EINVAL;
	uint64_t sp = ca.stack ? ca.stack + ca.stack_size : 0;
	return do_clone(t, ca.flags | ca.exit_signal, sp, ca.parent_tid, ca.child_tid, ca.tls,
			ca.pidfd);
}

/* implements fork(2) */
long sys_fork(struct task *t, const struct syscall_args *a)
{
	return do_clone(t, SIGCHLD, 0, 0, 0, 0, 0);
}

/* implements vfork(2) */
long sys_vfork(struct task *t, const struct syscall_args *a)
{
	return do_clone(t, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0, 0);
}

static void tid_exit_fixup(struct task *t)
{
	t->regs.r.rax = (uint64_t)pidns_nr(t->vtid, task_pidns(t));
	t->regs_dirty = true;
}

/* implements set_tid_address(2): the host keeps the pointer (it clears it and wakes the
 * futex at exit); the Sentry answers with the virtual tid. */
long sys_set_tid_address(struct task *t, const struct syscall_args *a)
{
	t->clear_child_tid = a->a[0];
	t->exit_fixup = tid_exit_fixup;
	return SYSRET_PASS;
}

/* implements execve(2) */
long sys_execve(struct task *t, const struct syscall_args *a)
{
	char path[4096];
	long r = guest_strncpy_in(&t->mem, path, a->a[0], sizeof(path));
	if (r < 0)
		return r;
	if (!path[0])
		return -ENOENT;
	return exec_start(t, AT_FDCWD, path, a->a[1], a->a[2], 0);
}

/* implements execveat(2) */
long sys_execveat(struct task *t, const struct syscall_args *a)
{
	char path[4096];
	int flags = (int)a->a[4];
	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	long r = guest_strncpy_in(&t->mem, path, a->a[1], sizeof(path));
	if (r < 0)
		return r;
	if (!path[0] && !(flags & AT_EMPTY_PATH))
		return -ENOENT;
	return exec_start(t, (int)a->a[0], path, a->a[2], a->a[3], flags);
}

/* implements personality(2): 0xffffffff queries; any other value becomes the process's
 * persona, inherited over fork and kept over execve (no set-id exec to clear it). The
 * table's note says which flags change nothing here. */
long sys_personality(struct task *t, const struct syscall_args *a)
{
	unsigned old = t->tg->personality;
	if ((unsigned)a->a[0] != 0xffffffffu)
		t->tg->personality = (unsigned)a->a[0];
	return old;
}

/* ---- wait ---- */

static bool wait_matches(struct task *t, struct thread_group *c, int idtype, int id)
{
	struct pid_ns *ns = task_pidns(t);
	switch (idtype) {
	case P_PID:
		return pidns_nr(c->vpid, ns) == id;
	case P_PGID:
		return id ? pidns_nr(c->pgid, ns) == id : c->pgid == t->tg->pgid;
	default:
		return true;
	}
}

struct wait_result {
	int pid, status, code, sigstatus, uid;
	struct tg_usage usage; /* the child's, as Linux's RUSAGE_BOTH */
};

/* Looks for a child to report. Returns 1 found, 0 none ready, -ECHILD none at all. */
static int wait_find(struct task *t, int idtype, int id, int options, struct wait_result *res)
{
	struct thread_group *c, *tmp;
	bool any = false;
	list_for_each_entry_safe(c, tmp, &t->tg->children, sibling) {
		if (!wait_matches(t, c, idtype, id))
			continue;
		bool clone_child = c->exit_signal != SIGCHLD;
		if (!(options & __WALL) && clone_child != !!(options & __WCLONE))
			continue;
		any = true;
		if (c->ns_exit_pending)
			continue; /* a pid namespace's init: reported once its namespace is empty */
		res->pid = tg_vnr(c, t);
		res->uid = userns_from_uid(tg_userns(t->tg), c->cred.uid);
		if (c->zombie && (options & WEXITED)) {
			res->status = c->wait_status;
			if (WIFEXITED(c->wait_status)) {
				res->code = CLD_EXITED;
				res->sigstatus = WEXITSTATUS(c->wait_status);
			} else {
				res->code = WCOREDUMP(c->wait_status) ? CLD_DUMPED : CLD_KILLED;
				res->sigstatus = WTERMSIG(c->wait_status);
			}
			rusage_of_child(c, &res->usage);
			if (!(options & WNOWAIT)) {
				rusage_on_reap(t->tg, c);
				tg_reap(c);
			}
			return 1;
		}
		if (c->stopped_report && (options & WUNTRACED)) {
			res->status = (c->stop_sig << 8) | 0x7f;
			res->code = CLD_STOPPED;
			res->sigstatus = c->stop_sig;
			rusage_of_child(c, &res->usage);
			if (!(options & WNOWAIT))
				c->stopped_report = false;
			return 1;
		}
		if (c->continued_report && (options & WCONTINUED)) {
			res->status = 0xffff;
			res->code = CLD_CONTINUED;
			res->sigstatus = SIGCONT;
			rusage_of_child(c, &res->usage);
			if (!(options & WNOWAIT))
				c->continued_report = false;
			return 1;
		}
	}
	return any ? 0 : -ECHILD;
}

static long do_wait(struct task *t, int idtype, int id, int options, struct wait_result *res)
{
	int r = wait_find(t, idtype, id, options, res);
	if (r != 0)
		return r;
	if (options & WNOHANG)
		return 0;
	task_wait_on(t, &t->tg->child_wq, 0);
	return task_block(t, 0, -ERESTARTSYS);
}

/* implements wait4(2) */
long sys_wait4(struct task *t, const struct syscall_args *a)
{
	int pid = (int)a->a[0], options = (int)a->a[2], idtype, id;
	struct wait_result res = {0};
	long r;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WCLONE | __WALL | __WNOTHREAD))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	if (pid > 0) {
		idtype = P_PID;
		id = pid;
	} else if (pid == 0) {
		idtype = P_PGID;
		id = 0;
	} else if (pid == -1) {
		idtype = P_ALL;
		id = 0;
	} else {
		idtype = P_PGID;
		id = -pid;
	}
	r = do_wait(t, idtype, id, options | WEXITED, &res);
	if (r <= 0 || r == SYSRET_PARK)
		return r;
	if (a->a[1] && guest_copy_out(&t->mem, a->a[1], &res.status, sizeof(int)) < 0)
		return -EFAULT;
	if (a->a[3]) {
		struct rusage ru;
		rusage_to_linux(&res.usage, &ru);
		if (guest_copy_out(&t->mem, a->a[3], &ru, sizeof(ru)) < 0)
			return -EFAULT;
	}
	return res.pid;
}

/* implements waitid(2) */
long sys_waitid(struct task *t, const struct syscall_args *a)
{
	int idtype = (int)a->a[0], id = (int)a->a[1], options = (int)a->a[3];
	struct wait_result res = {0};
	siginfo_t si;
	long r;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WCLONE | __WALL |
			__WNOTHREAD))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	bool pidfd_nonblock = false;
	if (idtype == P_PIDFD) {
		/* the pidfd's process; with O_NONBLOCK, EAGAIN instead of waiting */
		struct thread_group *tg;
		int fflags;
		int err = pidfd_resolve(t, id, &tg, &fflags);
		if (err == -ESRCH)
			return -ECHILD; /* reaped: nothing to wait for */
		if (err)
			return err;
		idtype = P_PID;
		id = pidns_nr(tg->vpid, task_pidns(t)); /* wait_matches compares in our namespace */
		if ((fflags & O_NONBLOCK) && !(options & WNOHANG)) {
			pidfd_nonblock = true;
			options |= WNOHANG;
		}
	}
	if (idtype != P_ALL && idtype != P_PID && idtype != P_PGID)
		return -EINVAL;
	if (idtype == P_PID && id <= 0)
		return -EINVAL;
	r = do_wait(t, idtype, id, options, &res);
	if (r < 0 || r == SYSRET_PARK)
		return r;
	if (r == 0 && pidfd_nonblock)
		return -EAGAIN;
	memset(&si, 0, sizeof(si));
	if (r > 0) {
		si.si_signo = SIGCHLD;
		si.si_code = res.code;
		si.si_pid = res.pid;
		si.si_uid = res.uid;
		si.si_status = res.sigstatus;
	}
	if (a->a[2] && guest_copy_out(&t->mem, a->a[2], &si, sizeof(si)) < 0)
		return -EFAULT;
	if (a->a[4]) {
		struct rusage ru;
		rusage_to_linux(&res.usage, &ru); /* zeros when no child was reported */
		if (guest_copy_out(&t->mem, a->a[4], &ru, sizeof(ru)) < 0)
			return -EFAULT;
	}
	return 0;
}

/* ---- process groups and sessions ---- */

/* implements getpgid(2); pids are the caller's pid namespace's (0 when the group's
 * leader is outside it) */
long sys_getpgid(struct task *t, const struct syscall_args *a)
{
	int pid = (int)a->a[0];
	struct thread_group *tg = pid ? pidns_tg(pid, task_pidns(t)) : t->tg;
	if (!tg || tg->zombie)
		return -ESRCH;
	return pidns_nr(tg->pgid, task_pidns(t));
}

/* implements getpgrp(2) */
long sys_getpgrp(struct task *t, const struct syscall_args *a)
{
	return pidns_nr(t->tg->pgid, task_pidns(t));
}

/* implements getsid(2) */
long sys_getsid(struct task *t, const struct syscall_args *a)
{
	int pid = (int)a->a[0];
	struct thread_group *tg = pid ? pidns_tg(pid, task_pidns(t)) : t->tg;
	if (!tg)
		return -ESRCH;
	return pidns_nr(tg->sid, task_pidns(t));
}

static bool pgrp_in_session(int pgid, int sid)
{
	struct thread_group *g;
	list_for_each_entry(g, &all_groups, all_link)
		if (g->pgid == pgid && g->sid == sid && !g->zombie)
			return true;
	return false;
}

/* Sets @tg's process group and session (sandbox-level numbers), releasing the numbers
 * the old ones no longer use. */
static void set_pgrp(struct thread_group *tg, int pgid, int sid)
{
	int opgid = tg->pgid, osid = tg->sid;
	tg->pgid = pgid;
	tg->sid = sid;
	if (opgid != pgid)
		pidns_release(opgid);
	if (osid != sid)
		pidns_release(osid);
}

/* implements setpgid(2) */
long sys_setpgid(struct task *t, const struct syscall_args *a)
{
	int pid = (int)a->a[0], vpgid = (int)a->a[1], pgid;
	struct pid_ns *ns = task_pidns(t);
	struct thread_group *tg;
	if (vpgid < 0)
		return -EINVAL;
	tg = pid ? pidns_tg(pid, ns) : t->tg;
	if (!tg || tg->zombie)
		return -ESRCH;
	if (tg != t->tg && tg->parent != t->tg)
		return -ESRCH;
	if (tg->sid == tg->vpid)
		return -EPERM; /* a session leader */
	if (tg != t->tg && tg->sid != t->tg->sid)
		return -EPERM;
	pgid = vpgid ? pidns_find(vpgid, ns) : tg->vpid;
	if (!pgid)
		return -EPERM; /* no such group in the caller's namespace */
	if (pgid != tg->vpid && !pgrp_in_session(pgid, t->tg->sid))
		return -EPERM;
	set_pgrp(tg, pgid, tg->sid);
	return 0;
}

/* implements setsid(2) */
long sys_setsid(struct task *t, const struct syscall_args *a)
{
	struct thread_group *g;
	list_for_each_entry(g, &all_groups, all_link)
		if (g->pgid == t->tg->vpid && !g->zombie)
			return -EPERM;
	set_pgrp(t->tg, t->tg->vpid, t->tg->vpid);
	return tg_vnr(t->tg, t);
}
