/* sentry/syscalls/sys_seccomp.c - the app's own seccomp filters: seccomp(2),
 * prctl(PR_SET_SECCOMP / PR_GET_SECCOMP), and their enforcement.
 *
 * A filter is enforced in two places (docs/design.md, "The app's seccomp filters"):
 *   - the host kernel, for the syscalls it runs or refuses without stopping (the table's
 *     PASS and DENY classes, anonymous mmap): the app's program, translated by
 *     seccomp_bpf_translate, is installed in the stub on top of the Sentry's filter by an
 *     injected seccomp(2), so ALLOW/ERRNO/TRAP/KILL/LOG there cost nothing;
 *   - the Sentry, for every syscall that stops in it (TRACE class, or a syscall made from
 *     the injection gadget by the app itself): seccomp_on_syscall_stop runs the filters
 *     with the interpreter on the call's original arguments before dispatching it.
 * Strict mode is emulated with a filter of the same shape (the host's strict mode would
 * let read/write reach host fds and refuse the Sentry's injections).
 * Owns: each task's mode and filter chain (references: sentry/seccomp_bpf.h). */
#include "sentry/task.h"
#include "sentry/seccomp_bpf.h"
#include "sentry/syscall_table.h"
#include "platform/stub_layout.h"
#include "common/log.h"
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#define FLAG_MASK                                                                                  \
	(SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW |    \
	 SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC_ESRCH |                      \
	 SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
/* the flags the stub's host kernel gets with the translated program */
#define HOST_FLAGS                                                                                 \
	(SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW |    \
	 SECCOMP_FILTER_FLAG_TSYNC_ESRCH)

#define GADGET_IP (STUB_GADGET_ADDR + 2) /* rip after the gadget's `syscall` */
#define PREFIX_TRACE_DATA 0xc5ec	 /* SECCOMP_RET_DATA of the prefix's TRACE */
#define MAX_ERRNO 4095
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* si_code of a seccomp SIGSYS (asm-generic/siginfo.h) */
#endif

static uint16_t native_nrs[SECCOMP_BPF_MAX_NATIVE];
static struct seccomp_bpf_host host_desc;
static bool host_desc_ready;

/* The stub's shape, from the syscall table (PASS and DENY syscalls never stop) and the
 * platform (its stub runtime's own calls). */
static const struct seccomp_bpf_host *host(void)
{
	if (host_desc_ready)
		return &host_desc;
	unsigned n = 0;
	for (int nr = 0; nr < SYSCALL_TABLE_SIZE; nr++) {
		const struct syscall_entry *e = syscall_lookup(nr);
		if (!e || e->cls == SC_TRACE)
			continue;
		if (n == SECCOMP_BPF_MAX_NATIVE)
			abort(); /* the table outgrew the prefix: raise the limit */
		native_nrs[n++] = (uint16_t)nr;
	}
	host_desc.gadget_ip = GADGET_IP;
	host_desc.trace_data = PREFIX_TRACE_DATA;
	host_desc.mmap_nr = SYS_mmap;
	host_desc.native_nrs = native_nrs;
	host_desc.n_native = n;
	host_desc.rt_calls = plat->rt_calls;
	host_desc.n_rt_calls = plat->n_rt_calls;
	host_desc.retrace_ip = plat->retrace_ip;
	host_desc.retrace_judged = plat->retrace_judged;
	host_desc.n_retrace_judged = plat->n_retrace_judged;
	host_desc_ready = true;
	return &host_desc;
}

/* Runs seccomp(SECCOMP_SET_MODE_FILTER, @flags) with host program @prog inside @t's stub
 * (the program goes through a temporary anonymous mapping: it may exceed the scratch
 * pages). Returns the host's answer. @t's registers are clobbered (regs_dirty). */
static long host_install(struct task *t, const struct sock_filter *prog, unsigned len,
			 unsigned flags)
{
	size_t bytes = 16 + (size_t)len * sizeof(*prog), map = (bytes + 4095) & ~4095UL;
	uint64_t hdr[2];
	long addr, r;

	addr = stub_inject(t, SYS_mmap, 0, map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   (uint64_t)-1, 0);
	if (addr < 0 && addr > -4096)
		return addr;
	hdr[0] = len; /* struct sock_fprog: unsigned short len, pad, pointer */
	hdr[1] = (uint64_t)addr + 16;
	if (guest_copy_out(&t->mem, addr, hdr, sizeof(hdr)) < 0 ||
	    guest_copy_out(&t->mem, addr + 16, prog, len * sizeof(*prog)) < 0)
		r = -EFAULT;
	else
		r = stub_inject(t, SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, addr, 0, 0, 0);
	stub_inject(t, SYS_munmap, addr, map, 0, 0, 0, 0);
	return r;
}

/* Translates validated app program @prog and installs it in @t's stub. */
static long host_install_app(struct task *t, const struct sock_filter *prog, unsigned len,
			     unsigned flags)
{
	struct sock_filter *hprog;
	unsigned hlen;
	long r = seccomp_bpf_translate(prog, len, host(), &hprog, &hlen);
	if (r < 0)
		return r;
	r = host_install(t, hprog, hlen, flags & HOST_FLAGS);
	free(hprog);
	return r;
}

static bool has_cap_sys_admin(struct task *t)
{
	return t->tg->cred.cap_effective & (1ULL << CAP_SYS_ADMIN);
}

/* Linux's seccomp_can_sync_threads: 0, or the vtid of a thread that cannot take the
 * caller's filters (-ESRCH with TSYNC_ESRCH). */
static long tsync_check(struct task *t, unsigned flags)
{
	struct task *o;
	list_for_each_entry(o, &t->tg->threads, tg_link)
	{
		if (o == t || o->state == TASK_DEAD)
			continue;
		if (o->seccomp_mode == SECCOMP_MODE_DISABLED ||
		    (o->seccomp_mode == SECCOMP_MODE_FILTER &&
		     seccomp_filter_is_ancestor(o->seccomp_filter, t->seccomp_filter)))
			continue;
		return (flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH) ? -ESRCH : o->vtid;
	}
	return 0;
}

static void task_set_filter(struct task *t, struct seccomp_filter *f)
{
	struct seccomp_filter *old = t->seccomp_filter;
	t->seccomp_filter = seccomp_filter_get(f);
	t->seccomp_mode = SECCOMP_MODE_FILTER;
	seccomp_filter_put(old);
}

/* seccomp_set_mode_filter of Linux, in its order of checks. */
static long set_mode_filter(struct task *t, unsigned flags, uint64_t uargs)
{
	struct {
		uint16_t len;
		uint16_t pad[3];
		uint64_t filter;
	} fp;
	struct sock_filter *prog = NULL;
	struct seccomp_filter *nf;
	long r;

	if (flags & ~FLAG_MASK)
		return -EINVAL;
	if ((flags & SECCOMP_FILTER_FLAG_TSYNC) && (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) &&
	    !(flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH))
		return -EINVAL;
	if ((flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) &&
	    !(flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		return -EINVAL;
	if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
		return -EINVAL; /* user notification: answered as a kernel without it */
	if (guest_copy_in(&t->mem, &fp, uargs, sizeof(fp)) < 0)
		return -EFAULT;
	if (fp.len == 0 || fp.len > SECCOMP_BPF_MAXINSNS)
		return -EINVAL;
	if (!t->tg->no_new_privs && !has_cap_sys_admin(t))
		return -EACCES;
	prog = malloc(fp.len * sizeof(*prog));
	if (!prog)
		return -ENOMEM;
	r = -EFAULT;
	if (guest_copy_in(&t->mem, prog, fp.filter, fp.len * sizeof(*prog)) < 0)
		goto out;
	r = seccomp_bpf_check(prog, fp.len);
	if (r < 0)
		goto out;
	r = -EINVAL;
	if (t->seccomp_mode != SECCOMP_MODE_DISABLED && t->seccomp_mode != SECCOMP_MODE_FILTER)
		goto out;
	r = -ENOMEM;
	if (seccomp_filter_path_insns(t->seccomp_filter) + fp.len > SECCOMP_BPF_MAX_PATH_INSNS)
		goto out;
	if ((flags & SECCOMP_FILTER_FLAG_TSYNC) && (r = tsync_check(t, flags)) != 0)
		goto out;
	r = -ENOMEM;
	nf = seccomp_filter_new(t->seccomp_filter, prog, fp.len, flags & SECCOMP_FILTER_FLAG_LOG);
	if (!nf)
		goto out;
	r = host_install_app(t, prog, fp.len, flags);
	if (r > 0) { /* TSYNC refused by the host after all: a host tid */
		struct task *o = task_by_host_tid((pid_t)r);
		r = (flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH) || !o ? -ESRCH : o->vtid;
	}
	if (r == 0) {
		task_set_filter(t, nf);
		if (flags & SECCOMP_FILTER_FLAG_TSYNC) {
			struct task *o;
			list_for_each_entry(o, &t->tg->threads, tg_link)
			{
				if (o != t && o->state != TASK_DEAD)
					task_set_filter(o, nf);
			}
		}
	} else {
		log_debug("seccomp: installing a filter in tid %d failed: %ld", t->vtid, r);
	}
	seccomp_filter_put(nf);
out:
	free(prog);
	return r;
}

static long set_mode_strict(struct task *t)
{
	struct sock_filter *hprog;
	unsigned hlen;
	long r;

	if (t->seccomp_mode != SECCOMP_MODE_DISABLED)
		return -EINVAL;
	r = seccomp_bpf_strict_program(host(), &hprog, &hlen);
	if (r < 0)
		return r;
	r = host_install(t, hprog, hlen, 0);
	free(hprog);
	if (r == 0)
		t->seccomp_mode = SECCOMP_MODE_STRICT;
	return r;
}

static long get_action_avail(struct task *t, uint64_t uargs)
{
	uint32_t action;
	if (guest_copy_in(&t->mem, &action, uargs, sizeof(action)) < 0)
		return -EFAULT;
	switch (action) {
	case SECCOMP_RET_KILL_PROCESS:
	case SECCOMP_RET_KILL_THREAD:
	case SECCOMP_RET_TRAP:
	case SECCOMP_RET_ERRNO:
	case SECCOMP_RET_TRACE:
	case SECCOMP_RET_LOG:
	case SECCOMP_RET_ALLOW:
		return 0;
	default: /* SECCOMP_RET_USER_NOTIF too: no listeners (see the table's note) */
		return -EOPNOTSUPP;
	}
}

static long get_notif_sizes(struct task *t, uint64_t uargs)
{
	struct seccomp_notif_sizes s = {
	    .seccomp_notif = sizeof(struct seccomp_notif),
	    .seccomp_notif_resp = sizeof(struct seccomp_notif_resp),
	    .seccomp_data = sizeof(struct seccomp_data),
	};
	return guest_copy_out(&t->mem, uargs, &s, sizeof(s)) < 0 ? -EFAULT : 0;
}

/* implements seccomp(2): strict and filter modes (TSYNC, TSYNC_ESRCH, LOG, SPEC_ALLOW),
 * GET_ACTION_AVAIL, GET_NOTIF_SIZES; NEW_LISTENER answers EINVAL (see the table) */
long sys_seccomp(struct task *t, const struct syscall_args *a)
{
	unsigned op = (unsigned)a->a[0], flags = (unsigned)a->a[1];
	uint64_t uargs = a->a[2];

	switch (op) {
	case SECCOMP_SET_MODE_STRICT:
		if (flags || uargs)
			return -EINVAL;
		return set_mode_strict(t);
	case SECCOMP_SET_MODE_FILTER:
		return set_mode_filter(t, flags, uargs);
	case SECCOMP_GET_ACTION_AVAIL:
		return flags ? -EINVAL : get_action_avail(t, uargs);
	case SECCOMP_GET_NOTIF_SIZES:
		return flags ? -EINVAL : get_notif_sizes(t, uargs);
	default:
		return -EINVAL;
	}
}

long seccomp_prctl_set(struct task *t, uint64_t mode, uint64_t filter_gaddr)
{
	switch (mode) {
	case SECCOMP_MODE_STRICT:
		return set_mode_strict(t); /* prctl ignores the filter argument here */
	case SECCOMP_MODE_FILTER:
		return set_mode_filter(t, 0, filter_gaddr);
	default:
		return -EINVAL;
	}
}

long seccomp_prctl_get(struct task *t)
{
	return t->seccomp_mode;
}

/* ---- enforcement at the Sentry's stops ---- */

static void fill_data(const struct task *t, struct seccomp_data *d)
{
	const struct user_regs_struct *r = &t->regs.r;
	memset(d, 0, sizeof(*d));
	d->nr = (int)r->orig_rax;
	d->arch = AUDIT_ARCH_X86_64;
	d->instruction_pointer = r->rip;
	d->args[0] = r->rdi;
	d->args[1] = r->rsi;
	d->args[2] = r->rdx;
	d->args[3] = r->r10;
	d->args[4] = r->r8;
	d->args[5] = r->r9;
}

/* Ends @t's trapped call with @ret without running it (strace sees the call). */
static void refuse(struct task *t, const struct seccomp_data *d, long ret)
{
	t->call.nr = d->nr;
	memcpy(t->call.a, d->args, sizeof(t->call.a));
	t->state = TASK_STOPPED;
	task_syscall_complete(t, ret);
}

#define SIGBIT(sig) (1ULL << ((sig)-1))

/* Linux's force_sig_seccomp for a kill: SIGSYS at its default action, unblocked. The
 * host delivers it (the stub's SIGSYS action is reset first by an injected
 * rt_sigaction), so the group dies by SIGSYS as the app's parent must see. */
static void kill_by_sigsys(struct task *t, const struct seccomp_data *d)
{
	const uint64_t dfl[4] = {0}; /* struct kernel_sigaction: SIG_DFL, no flags, no mask */
	uint64_t mask = 0;

	if (guest_copy_out(&t->mem, STUB_SCRATCH_ADDR, dfl, sizeof(dfl)) == 0)
		stub_inject(t, SYS_rt_sigaction, SIGSYS, STUB_SCRATCH_ADDR, 0, 8, 0, 0);
	if (t->tg->sighand)
		memset(&t->tg->sighand->action[SIGSYS], 0, sizeof(t->tg->sighand->action[SIGSYS]));
	if (plat->sigmask_get(t->host_tid, &mask) == 0)
		plat->sigmask_set(t->host_tid, mask & ~SIGBIT(SIGSYS));
	plat->kill(t->host_tid, SIGSYS);
	refuse(t, d, -ENOSYS);
}

/* SECCOMP_RET_TRAP: SIGSYS with the seccomp siginfo to the handler; a blocked or
 * ignored SIGSYS (or none handled) kills, as Linux forces it. */
static void trap(struct task *t, const struct seccomp_data *d, uint32_t verdict)
{
	uint64_t mask = 0, h = t->tg->sighand ? t->tg->sighand->action[SIGSYS].handler : 0;
	siginfo_t si;

	plat->sigmask_get(t->host_tid, &mask);
	if (h <= 1 || (mask & SIGBIT(SIGSYS))) {
		kill_by_sigsys(t, d);
		return;
	}
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGSYS;
	si.si_code = SYS_SECCOMP;
	si.si_errno = (int)(verdict & SECCOMP_RET_DATA);
	si.si_call_addr = (void *)(uintptr_t)d->instruction_pointer;
	si.si_syscall = d->nr;
	si.si_arch = d->arch;
	signal_send_task(t, &si);
	refuse(t, d, d->nr); /* Linux rolls the call back: rax holds the syscall number */
}

/* Ends thread @t alone (Linux's do_exit for KILL_THREAD or a strict-mode violation when
 * other threads live): its call becomes exit(0), run by the host from the gadget's address
 * so that the host's re-check of the app's filters lets it through. Its exit status is
 * seen by no one (a thread's), and the host clears its tid and wakes joiners as usual. */
static void exit_thread_only(struct task *t)
{
	t->regs.r.orig_rax = SYS_exit;
	t->regs.r.rdi = 0;
	t->regs.r.rip = GADGET_IP;
	t->regs_dirty = true;
	task_regs_sync(t);
	t->state = TASK_RUNNING;
	plat->syscall_run(t->host_tid, false);
}

static bool others_live(const struct task *t)
{
	return t->tg->nlive > 1;
}

/* A syscall the app made from the gadget that the host would run natively. */
static bool runs_natively(const struct seccomp_data *d)
{
	const struct syscall_entry *e = syscall_lookup(d->nr);
	if (d->nr == SYS_mmap)
		return d->args[3] & MAP_ANONYMOUS;
	return e && e->cls == SC_PASS;
}

bool seccomp_on_syscall_stop(struct task *t)
{
	struct seccomp_data d;
	uint32_t v;

	fill_data(t, &d);
	if (t->seccomp_mode == SECCOMP_MODE_STRICT) {
		if (!seccomp_strict_allows(d.nr)) {
			if (others_live(t)) {
				exit_thread_only(t); /* Linux: do_exit(SIGKILL) of this thread */
				return true;
			}
			signal_send_group(t->tg, &(siginfo_t){.si_signo = SIGKILL});
			refuse(t, &d, -ENOSYS);
			return true;
		}
		v = SECCOMP_RET_ALLOW;
	} else {
		v = seccomp_filter_chain_run(t->seccomp_filter, &d);
	}
	switch (v & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
	case SECCOMP_RET_LOG:
		if (d.instruction_pointer == GADGET_IP && runs_natively(&d)) {
			t->state = TASK_RUNNING; /* the host re-check lets it run (gadget) */
			plat->syscall_run(t->host_tid, false);
			return true;
		}
		return false;
	case SECCOMP_RET_ERRNO: {
		uint32_t e = v & SECCOMP_RET_DATA;
		refuse(t, &d, -(long)(e > MAX_ERRNO ? MAX_ERRNO : e));
		return true;
	}
	case SECCOMP_RET_TRACE:	     /* no tracer in the sandbox */
	case SECCOMP_RET_USER_NOTIF: /* no listener */
		refuse(t, &d, -ENOSYS);
		return true;
	case SECCOMP_RET_TRAP:
		trap(t, &d, v);
		return true;
	case SECCOMP_RET_KILL_THREAD:
		if (others_live(t)) {
			exit_thread_only(t);
			return true;
		}
		kill_by_sigsys(t, &d); /* the last thread: Linux kills with SIGSYS (core) */
		return true;
	default: /* KILL_PROCESS, and unknown actions as Linux */
		kill_by_sigsys(t, &d);
		return true;
	}
}

/* ---- task life cycle ---- */

void seccomp_task_inherit(struct task *child, struct task *parent)
{
	child->seccomp_mode = parent->seccomp_mode;
	child->seccomp_filter = seccomp_filter_get(parent->seccomp_filter);
}

void seccomp_task_release(struct task *t)
{
	seccomp_filter_put(t->seccomp_filter);
	t->seccomp_filter = NULL;
}

int seccomp_exit_status(struct task *t, int status)
{
	struct task *l = t->tg->leader;
	bool strict =
	    t->seccomp_mode == SECCOMP_MODE_STRICT || (l && l->seccomp_mode == SECCOMP_MODE_STRICT);
	if (strict && WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		return SIGKILL; /* the host's KILL_PROCESS stands for strict mode's SIGKILL */
	return status;
}

int seccomp_task_preload(struct task *t, const struct sock_filter *prog, unsigned len,
			 unsigned flags)
{
	struct seccomp_filter *nf;
	if (flags & ~(SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW))
		return -EINVAL;
	if (t->seccomp_mode == SECCOMP_MODE_STRICT || seccomp_bpf_check(prog, len) < 0)
		return -EINVAL;
	nf = seccomp_filter_new(t->seccomp_filter, prog, len, flags & SECCOMP_FILTER_FLAG_LOG);
	if (!nf)
		return -ENOMEM;
	task_set_filter(t, nf);
	seccomp_filter_put(nf);
	t->seccomp_host_pending = true;
	t->seccomp_pending_flags |= flags;
	return 0;
}

/* Installs @f's chain, oldest first. */
static long install_chain(struct task *t, const struct seccomp_filter *f, unsigned flags)
{
	long r = f->prev ? install_chain(t, f->prev, flags) : 0;
	if (r == 0)
		r = host_install_app(t, f->prog, f->len,
				     flags | (f->log ? SECCOMP_FILTER_FLAG_LOG : 0));
	return r;
}

int seccomp_on_loader_trap(struct task *t)
{
	long r;
	if (!t->seccomp_host_pending)
		return 0;
	if (plat->regs_get(t->host_tid, &t->regs) < 0)
		return -ESRCH;
	t->regs_dirty = false;
	r = install_chain(t, t->seccomp_filter, t->seccomp_pending_flags);
	task_regs_sync(t);
	t->seccomp_host_pending = false;
	t->seccomp_pending_flags = 0;
	if (r != 0)
		log_err("seccomp: cannot install the container's filter in pid %d: %s", t->tg->vpid,
			strerror(r < 0 ? (int)-r : EINVAL));
	return r < 0 ? (int)r : (r ? -EINVAL : 0);
}

int seccomp_task_mode(const struct task *t)
{
	return t->seccomp_mode;
}

int seccomp_task_filters(const struct task *t)
{
	return seccomp_filter_count(t->seccomp_filter);
}
