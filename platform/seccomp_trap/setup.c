/* platform/seccomp_trap/setup.c - installs the stub runtime into a ptrace-stopped stub
 * (the trap filter overlay, the slot region, the SIGSYS action, a slot and signal stack
 * per thread), host syscall injection from STUB_RT_RETRACE, and the few calls the
 * platform answers itself so that the app cannot take SIGSYS, the runtime's signal stack
 * or its mask over.
 * Must not know the syscall table (the overlay comes from seccomp_filter.c) or anything
 * the app sees as files or pids. */
#include "platform/seccomp_trap/trap.h"
#include "platform/seccomp_trap/slot.h"
#include "common/log.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIGBIT(s) (1ULL << ((s)-1))
#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP) | SIGBIT(SIGSYS))

int trap_mem_read(pid_t tid, void *dst, uint64_t gaddr, size_t len)
{
	struct iovec l = {dst, len}, r = {(void *)(uintptr_t)gaddr, len};
	if (gaddr + len < gaddr || gaddr + len > 0x800000000000ULL)
		return -EFAULT;
	return process_vm_readv(tid, &l, 1, &r, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

int trap_mem_write(pid_t tid, uint64_t gaddr, const void *src, size_t len)
{
	struct iovec l = {(void *)src, len}, r = {(void *)(uintptr_t)gaddr, len};
	if (gaddr + len < gaddr || gaddr + len > 0x800000000000ULL)
		return -EFAULT;
	return process_vm_writev(tid, &l, 1, &r, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

/* Whether @tid is a zombie: a killed group leader skips its exit stop (SIGKILL pending)
 * and its death is not reported while its siblings live, which may wait in ptrace
 * stops for the Sentry. */
bool trap_is_zombie(pid_t tid)
{
	char path[64], buf[128];
	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	return !p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X';
}

/* waitpid(@t, __WALL) for a stop or death of @t that must come soon (an injected call, a
 * single step), but never for a zombie leader: -ESRCH then (its death reaches the
 * loop's wait4 later). Returns the pid or -ESRCH. */
static pid_t wait_thread(struct trap_thread *t, int *status, struct rusage *ru)
{
	for (unsigned i = 0;; i++) {
		pid_t p = wait4(t->tid, status, __WALL | WNOHANG, ru);
		if (p > 0)
			return p;
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0)
			return -ESRCH;
		if (i < 256) {
			sched_yield();
			continue;
		}
		if (trap_is_zombie(t->tid)) {
			t->exiting = true;
			t->pstopped = false;
			return -ESRCH;
		}
		poll(NULL, 0, 1);
	}
}

long trap_inject(struct trap_thread *t, const struct user_regs_struct *cur, long nr,
		 const uint64_t args[6], int *deferred_sig)
{
	struct user_regs_struct r = *cur;
	pid_t tid = t->tid;
	int status;

	*deferred_sig = 0;
	if (t->exiting)
		return -ESRCH; /* at its exit stop (queued): it never runs a call again */
	r.rip = STUB_RT_RETRACE;
	r.orig_rax = (uint64_t)-1;
	r.rax = nr;
	r.rdi = args[0], r.rsi = args[1], r.rdx = args[2];
	r.r10 = args[3], r.r8 = args[4], r.r9 = args[5];
	if (ptrace(PTRACE_SETREGS, tid, 0, &r) < 0 || ptrace(PTRACE_CONT, tid, 0, 0) < 0)
		return -ESRCH;
	t->pstopped = false;
	for (;;) {
		struct rusage ru;
		if (wait_thread(t, &status, &ru) < 0)
			return -ESRCH;
		if (!WIFSTOPPED(status)) {
			trap_queue_death(t, status, &ru); /* killed: the loop's wait4 never sees it */
			return -ESRCH;
		}
		int sig = WSTOPSIG(status), event = (unsigned)status >> 16;
		if (event == PTRACE_EVENT_EXIT) {
			trap_queue_exiting(t); /* killed (a sibling's exit_group, SIGKILL) */
			return -ESRCH;
		}
		if (event == PTRACE_EVENT_SECCOMP) {
			ptrace(PTRACE_CONT, tid, 0, 0); /* our call reached the base filter */
			continue;
		}
		if (event == 0 && sig == SIGTRAP) {
			siginfo_t si;
			if (ptrace(PTRACE_GETREGS, tid, 0, &r) < 0)
				return -ESRCH;
			if (r.rip == STUB_RT_RETRACE + 3 &&
			    ptrace(PTRACE_GETSIGINFO, tid, 0, &si) == 0 && si.si_code == SI_KERNEL) {
				t->pstopped = true;
				t->stop = TS_SYSCALL; /* out of any seccomp stop: calls retrace */
				return (long)r.rax;
			}
			return -EFAULT;
		}
		if (event == 0 && sig != SIGSTOP && sig != SIGSYS)
			*deferred_sig = sig;
		ptrace(PTRACE_CONT, tid, 0, 0);
	}
}

static long inject6(struct trap_thread *t, const struct user_regs_struct *cur, long nr,
		    uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	uint64_t args[6] = {a0, a1, a2, a3, a4, a5};
	int deferred = 0;
	long r = trap_inject(t, cur, nr, args, &deferred);
	if (deferred)
		syscall(SYS_tgkill, t->tgid, t->tid, deferred); /* pending again, seen later */
	return r;
}

void trap_mm_put(struct trap_mm *mm)
{
	if (!mm || --mm->refs > 0)
		return;
	if (mm->base)
		munmap(mm->base, STUB_SLOTS_SIZE);
	free(mm);
}

/* Maps a fresh slot region into @t's address space and ours. */
static int setup_mm(struct trap_thread *t, const struct user_regs_struct *cur)
{
	static const char name[] = "cvisor-slots";
	char path[64];
	long fd, r;
	struct trap_mm *mm = calloc(1, sizeof(*mm));

	if (!mm)
		return -ENOMEM;
	mm->refs = 1;
	if (trap_mem_write(t->tid, STUB_PLAT_SCRATCH_ADDR, name, sizeof(name)) < 0)
		goto fail;
	fd = inject6(t, cur, SYS_memfd_create, STUB_PLAT_SCRATCH_ADDR, MFD_CLOEXEC, 0, 0, 0, 0);
	if (fd < 0)
		goto fail;
	snprintf(path, sizeof(path), "/proc/%d/fd/%ld", t->tid, fd);
	int mine = open(path, O_RDWR | O_CLOEXEC);
	if (mine >= 0 && ftruncate(mine, STUB_SLOTS_SIZE) == 0) {
		void *p = mmap(NULL, STUB_SLOTS_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, mine, 0);
		mm->base = p == MAP_FAILED ? NULL : p;
	}
	if (mine >= 0)
		close(mine);
	r = mm->base ? inject6(t, cur, SYS_mmap, STUB_SLOTS_ADDR, STUB_SLOTS_SIZE,
			       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0)
		     : -ENOMEM;
	inject6(t, cur, SYS_close, fd, 0, 0, 0, 0, 0);
	if (r != STUB_SLOTS_ADDR)
		goto fail;
	*(uint32_t *)(mm->base + HDR_SLEEPING) = 1;
	*(uint32_t *)(mm->base + HDR_SPIN) = 2000;
	*(uint32_t *)(mm->base + HDR_FSGSBASE) = (getauxval(AT_HWCAP2) & 2 /* FSGSBASE */) != 0;
	trap_mm_put(t->mm);
	t->mm = mm;
	return 0;
fail:
	trap_mm_put(mm);
	return -EIO;
}

static int setup_overlay(struct trap_thread *t, const struct user_regs_struct *cur)
{
	static struct sock_fprog prog;
	struct {
		uint64_t len, filter;
	} fp;
	if (!prog.filter && plat_filter_build_trap_overlay(&prog) < 0)
		return -EINVAL;
	size_t bytes = prog.len * sizeof(struct sock_filter);
	if (16 + bytes > STUB_PLAT_SCRATCH_SIZE)
		return -E2BIG;
	fp.len = prog.len;
	fp.filter = STUB_PLAT_SCRATCH_ADDR + 16;
	if (trap_mem_write(t->tid, STUB_PLAT_SCRATCH_ADDR, &fp, sizeof(fp)) < 0 ||
	    trap_mem_write(t->tid, STUB_PLAT_SCRATCH_ADDR + 16, prog.filter, bytes) < 0)
		return -EFAULT;
	long r = inject6(t, cur, SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC,
			 STUB_PLAT_SCRATCH_ADDR, 0, 0, 0);
	if (r != 0) {
		log_warn("seccomp-trap: overlay filter refused in tid %d: %ld", t->tid, r);
		return r < 0 ? (int)r : -EBUSY;
	}
	t->overlay = true;
	return 0;
}

struct trap_sigs *trap_sigs_new(const struct trap_sigs *from, bool exec)
{
	struct trap_sigs *s = calloc(1, sizeof(*s));
	if (!s)
		abort(); /* a page per process: out of memory is not survivable here */
	s->refs = 1;
	if (from)
		memcpy(s->act, from->act, sizeof(s->act));
	if (from && !exec)
		memcpy(s->host_bounce, from->host_bounce, sizeof(s->host_bounce));
	for (int i = 1; exec && i <= 64; i++)
		if (s->act[i][0] != (uint64_t)SIG_IGN)
			memset(s->act[i], 0, sizeof(s->act[i])); /* exec: handlers reset */
	return s;
}

void trap_sigs_put(struct trap_sigs *s)
{
	if (s && --s->refs == 0)
		free(s);
}

static bool is_stop_sig(int sig)
{
	return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* The host must bounce @sig to ptrace: a handler of the app's, or the default stop of a
 * tty signal (which the Sentry emulates: the host discards it in an orphaned group). */
static bool want_bounce(const struct trap_sigs *s, int sig)
{
	if (sig == SIGKILL || sig == SIGSTOP || sig == SIGSYS)
		return false;
	uint64_t h = s->act[sig][0];
	return h > 1 || (h == 0 && is_stop_sig(sig));
}

static long set_host_act(struct trap_thread *t, const struct user_regs_struct *cur, int sig,
			 bool bounce)
{
	uint64_t act[4];
	if (sig == SIGSYS && bounce) { /* SIGSYS's "bounce" is the runtime's own handler */
		act[0] = STUB_RT_HANDLER;
		act[1] = SA_SIGINFO | SA_ONSTACK | SA_RESTORER;
		act[2] = STUB_RT_RESTORER;
		act[3] = ~0ULL;
	} else if (bounce) {
		uint64_t restart = t->sigs->act[sig][0] == 0 ? SA_RESTART
							     : (t->sigs->act[sig][1] & SA_RESTART);
		act[0] = STUB_RT_BOUNCE;
		act[1] = SA_SIGINFO | SA_ONSTACK | SA_RESTORER | restart;
		act[2] = STUB_RT_RESTORER;
		act[3] = ~0ULL;
	} else {
		/* the app's own action, without SIGSYS in its handler's mask: a trapped call in
		 * the handler raised while SIGSYS is blocked would be forced, and the kernel's
		 * force_sig resets a blocked signal's action (the runtime's) to SIG_DFL */
		memcpy(act, t->sigs->act[sig], sizeof(act));
		act[3] &= ~SIGBIT(SIGSYS);
	}
	if (trap_mem_write(t->tid, STUB_PLAT_SCRATCH_ADDR, act, sizeof(act)) < 0)
		return -EFAULT;
	long r = inject6(t, cur, SYS_rt_sigaction, sig, STUB_PLAT_SCRATCH_ADDR, 0, 8, 0, 0);
	if (r == 0 && sig != SIGSYS)
		t->sigs->host_bounce[sig] = bounce;
	return r;
}

static int setup_sighand(struct trap_thread *t, const struct user_regs_struct *cur)
{
	const uint64_t act[4] = {STUB_RT_HANDLER, SA_SIGINFO | SA_ONSTACK | SA_RESTORER,
				 STUB_RT_RESTORER, ~0ULL};
	if (!t->sigs)
		t->sigs = trap_sigs_new(NULL, false);
	if (trap_mem_write(t->tid, STUB_PLAT_SCRATCH_ADDR, act, sizeof(act)) < 0)
		return -EFAULT;
	long r = inject6(t, cur, SYS_rt_sigaction, SIGSYS, STUB_PLAT_SCRATCH_ADDR, 0, 8, 0, 0);
	if (r != 0)
		return r < 0 ? (int)r : -EIO;
	for (int sig = 1; sig <= 64; sig++)
		if (want_bounce(t->sigs, sig) != t->sigs->host_bounce[sig] &&
		    set_host_act(t, cur, sig, want_bounce(t->sigs, sig)) != 0)
			return -EIO;
	t->sighand = true;
	return 0;
}

static int setup_slot(struct trap_thread *t, const struct user_regs_struct *cur)
{
	int i;
	for (i = 1; i < STUB_NSLOTS && t->mm->used[i]; i++)
		;
	if (i == STUB_NSLOTS)
		return -ENOSPC;
	uint64_t ss[3] = {STUB_SLOTS_ADDR + (uint64_t)i * STUB_SLOT_SIZE + 4096, 0,
			  STUB_SLOT_SIZE - 4096};
	uint64_t old[3];
	if (trap_mem_write(t->tid, STUB_PLAT_SCRATCH_ADDR, ss, sizeof(ss)) < 0)
		return -EFAULT;
	long r = inject6(t, cur, SYS_sigaltstack, STUB_PLAT_SCRATCH_ADDR, STUB_PLAT_SCRATCH_ADDR + 64, 0,
			 0, 0, 0);
	if (r != 0)
		return r < 0 ? (int)r : -EIO;
	if (trap_mem_read(t->tid, old, STUB_PLAT_SCRATCH_ADDR + 64, sizeof(old)) == 0 &&
	    old[0] < STUB_SLOTS_ADDR) {
		t->alt_sp = old[0]; /* the app's, set natively earlier */
		t->alt_flags = (int)old[1] & ~1; /* never "on stack" here */
		t->alt_size = old[2];
	}
	memset(t->mm->base + (size_t)i * STUB_SLOT_SIZE, 0, 4096);
	t->mm->used[i] = 1;
	t->slot = i;
	trap_nslots++;
	return 0;
}

int trap_nslots;

void trap_slot_release(struct trap_thread *t)
{
	trap_watch_remove(t);
	if (t->mm && t->slot) {
		t->mm->used[t->slot] = 0;
		trap_nslots--;
	}
	t->slot = 0;
}

int trap_setup(struct trap_thread *t)
{
	struct user_regs_struct saved;
	uint64_t mask;
	int r = 0;

	if (t->overlay && t->mm && t->mm->base && t->sighand && t->slot)
		return 0;
	if (!t->pstopped || ptrace(PTRACE_GETREGS, t->tid, 0, &saved) < 0)
		return -ESRCH;
	if (!t->overlay)
		r = setup_overlay(t, &saved);
	if (r == 0 && (!t->mm || !t->mm->base))
		r = setup_mm(t, &saved);
	if (r == 0 && !t->sighand)
		r = setup_sighand(t, &saved);
	if (r == 0 && !t->slot)
		r = setup_slot(t, &saved);
	if (ptrace(PTRACE_SETREGS, t->tid, 0, &saved) < 0)
		return -ESRCH;
	/* A blocked SIGSYS would kill at the next trap (the kernel forces it): the app's
	 * wish is kept here, the host never blocks it. */
	if (r == 0 && ptrace(PTRACE_GETSIGMASK, t->tid, sizeof(mask), &mask) == 0 &&
	    (mask & SIGBIT(SIGSYS))) {
		t->sigsys_blocked = true;
		mask &= ~SIGBIT(SIGSYS);
		ptrace(PTRACE_SETSIGMASK, t->tid, sizeof(mask), &mask);
	}
	if (r < 0)
		log_debug("seccomp-trap: tid %d stays on ptrace: %s", t->tid, strerror(-r));
	return r;
}

/* ---- calls the platform answers itself ---- */

static uint64_t cur_mask(struct trap_thread *t)
{
	uint64_t m = 0;
	if (t->in_slot)
		return t->smask;
	ptrace(PTRACE_GETSIGMASK, t->tid, sizeof(m), &m);
	return m;
}

static void set_mask(struct trap_thread *t, uint64_t m)
{
	m &= ~UNBLOCKABLE;
	if (t->in_slot)
		t->smask = m;
	else
		ptrace(PTRACE_SETSIGMASK, t->tid, sizeof(m), &m);
}

/* implements rt_sigprocmask(2) with SIGSYS never really blocked */
static long do_sigprocmask(struct trap_thread *t, const struct user_regs_struct *r)
{
	int how = (int)r->rdi;
	uint64_t set = 0, cur = cur_mask(t);
	uint64_t old = cur | (t->sigsys_blocked ? SIGBIT(SIGSYS) : 0), nw = old;

	if (r->r10 != 8)
		return -EINVAL;
	if (r->rsi) {
		if (trap_mem_read(t->tid, &set, r->rsi, sizeof(set)) < 0)
			return -EFAULT;
		if (how == SIG_BLOCK)
			nw = old | set;
		else if (how == SIG_UNBLOCK)
			nw = old & ~set;
		else if (how == SIG_SETMASK)
			nw = set;
		else
			return -EINVAL;
	}
	if (r->rdx && trap_mem_write(t->tid, r->rdx, &old, sizeof(old)) < 0)
		return -EFAULT;
	t->sigsys_blocked = nw & SIGBIT(SIGSYS);
	set_mask(t, nw);
	return 0;
}

/* implements sigaltstack(2): the app's stack is recorded; the host's is the runtime's */
static long do_sigaltstack(struct trap_thread *t, const struct user_regs_struct *r)
{
	uint64_t nw[3], old[3];
	bool on = t->alt_size && r->rsp - t->alt_sp < t->alt_size;

	old[0] = t->alt_sp;
	old[1] = t->alt_size ? (on ? SS_ONSTACK : t->alt_flags) : SS_DISABLE;
	old[2] = t->alt_size;
	if (r->rdi) {
		if (trap_mem_read(t->tid, nw, r->rdi, sizeof(nw)) < 0)
			return -EFAULT;
		int flags = (int)nw[1] & ~SS_AUTODISARM;
		if (flags != 0 && flags != SS_DISABLE)
			return -EINVAL;
		if (on)
			return -EPERM;
		if (flags != SS_DISABLE && nw[2] < 2048 /* the kernel's MINSIGSTKSZ */)
			return -ENOMEM;
	}
	if (r->rsi && trap_mem_write(t->tid, r->rsi, old, sizeof(old)) < 0)
		return -EFAULT;
	if (r->rdi) {
		bool off = ((int)nw[1] & ~SS_AUTODISARM) == SS_DISABLE;
		t->alt_sp = off ? 0 : nw[0];
		t->alt_size = off ? 0 : nw[2];
		t->alt_flags = (int)nw[1] & SS_AUTODISARM;
	}
	return 0;
}

/* Whether a memory call of @r starts in the stub's reserved range (add_reserved_rules). */
static bool hits_reserved(const struct user_regs_struct *r)
{
	uint64_t a = r->rdi;
	switch ((long)r->orig_rax) {
	case SYS_mmap:
		if (!(r->r10 & MAP_FIXED))
			return false;
		break;
	case SYS_mremap:
		if ((r->r10 & MREMAP_FIXED) && r->r8 - STUB_LOADER_BASE < STUB_RESERVED_SIZE)
			return true;
		break;
	case SYS_munmap:
	case SYS_mprotect:
		break;
	default:
		return false;
	}
	return a - STUB_LOADER_BASE < STUB_RESERVED_SIZE;
}

bool trap_owned_call(struct trap_thread *t, const struct user_regs_struct *r, long *ret)
{
	if (hits_reserved(r)) { /* the stub runtime's: outside the app's address space */
		*ret = (long)r->orig_rax == SYS_mprotect ? -ENOMEM : -EINVAL;
		return true;
	}
	switch ((long)r->orig_rax) {
	case SYS_rt_sigprocmask:
		*ret = do_sigprocmask(t, r);
		return true;
	case SYS_sigaltstack:
		*ret = do_sigaltstack(t, r);
		return true;
	case SYS_exit:
	case SYS_exit_group:
	case SYS_rt_sigsuspend: /* signals must find it in ptrace, inside the call */
		*ret = TRAP_RET_RETRACE;
		return true;
	}
	return false;
}

bool trap_sigaction_call(struct trap_thread *t, const struct user_regs_struct *r, long *ret)
{
	int sig = (int)r->rdi;
	uint64_t nw[4];

	if ((long)r->orig_rax != SYS_rt_sigaction || sig < 1 || sig > 64 || r->r10 != 8)
		return false;
	if (!t->sigs)
		t->sigs = trap_sigs_new(NULL, false);
	if (r->rsi && trap_mem_read(t->tid, nw, r->rsi, sizeof(nw)) < 0)
		return false; /* the host answers EFAULT */
	if (!t->sighand) { /* the host installs it; we only remember */
		if (r->rsi && sig != SIGKILL && sig != SIGSTOP) {
			memcpy(t->sigs->act[sig], nw, sizeof(nw));
			t->sigs->host_bounce[sig] = false;
		}
		return false;
	}
	*ret = 0;
	if (r->rsi && (sig == SIGKILL || sig == SIGSTOP)) {
		*ret = -EINVAL;
		return true;
	}
	if (r->rdx && trap_mem_write(t->tid, r->rdx, t->sigs->act[sig], 32) < 0) {
		*ret = -EFAULT;
		return true;
	}
	if (!r->rsi)
		return true;
	memcpy(t->sigs->act[sig], nw, sizeof(nw));
	if (sig != SIGSYS && (want_bounce(t->sigs, sig) || t->sigs->host_bounce[sig] ||
			      nw[0] <= 1)) {
		long e = set_host_act(t, r, sig, want_bounce(t->sigs, sig));
		if (e < 0)
			*ret = e == -ESRCH ? -ESRCH : -EINVAL;
	}
	return true;
}

bool trap_needs_swap(struct trap_thread *t, int sig)
{
	if (sig == SIGSYS) /* the app's own SIGSYS (its seccomp TRAP, a kill) */
		return t->sighand && t->sigs;
	return sig > 0 && sig <= 64 && t->sigs && t->sigs->host_bounce[sig];
}

int trap_deliver_swapped(struct trap_thread *t, int sig, bool step, struct plat_event *stepped)
{
	struct user_regs_struct cur;
	siginfo_t info;
	int status;
	bool onstack = (t->sigs->act[sig][1] & SA_ONSTACK) && t->alt_size;
	bool have_info = ptrace(PTRACE_GETSIGINFO, t->tid, 0, &info) == 0 && info.si_signo == sig;
	uint64_t m_app = 0, m_step;

	/* @sig is deliverable now: it stopped for delivery (or the Sentry checked its mask).
	 * Inside a call with a temporary mask (a native rt_sigsuspend) the host shows the
	 * saved mask, which the handler's frame must restore, and the injections below end
	 * the temporary one: the step runs with the saved mask minus @sig, and the frame
	 * gets the saved mask back. */
	ptrace(PTRACE_GETSIGMASK, t->tid, sizeof(m_app), &m_app);
	m_step = m_app & ~SIGBIT(sig);
	if (ptrace(PTRACE_GETREGS, t->tid, 0, &cur) < 0 || set_host_act(t, &cur, sig, false) != 0)
		return -ESRCH;
	if (onstack) { /* the app's signal stack, for this delivery; disarmed once the frame
			* is on it, so that ours can be put back while the handler runs */
		uint64_t ss[3] = {t->alt_sp, SS_AUTODISARM, t->alt_size};
		trap_mem_write(t->tid, STUB_PLAT_SCRATCH_ADDR + 128, ss, sizeof(ss));
		inject6(t, &cur, SYS_sigaltstack, STUB_PLAT_SCRATCH_ADDR + 128, 0, 0, 0, 0, 0);
	}
	if (t->exiting)
		return -ESRCH; /* killed during the injections: its exit stop is queued */
	ptrace(PTRACE_SETREGS, t->tid, 0, &cur);
	if (have_info) /* the injections' stops replaced the signal's: its siginfo again */
		ptrace(PTRACE_SETSIGINFO, t->tid, 0, &info);
	ptrace(PTRACE_SETSIGMASK, t->tid, sizeof(m_step), &m_step);
	if (ptrace(PTRACE_SINGLESTEP, t->tid, 0, sig) < 0)
		return -ESRCH;
	t->pstopped = false;
	for (;;) {
		if (wait_thread(t, &status, NULL) < 0)
			return -ESRCH;
		if (!WIFSTOPPED(status)) {
			trap_queue_death(t, status, NULL);
			return -ESRCH;
		}
		int s = WSTOPSIG(status), event = (unsigned)status >> 16;
		if (event == 0 && s == SIGTRAP)
			break;
		if (event == PTRACE_EVENT_EXIT) {
			trap_queue_exiting(t);
			return -ESRCH;
		}
		/* a stop (the signal's default action) or another signal: the Sentry's */
		struct plat_event ev = {.tid = t->tid, .status = status, .sig = s,
					.kind = PLAT_EV_GROUP_STOP};
		if (event == 0 && ptrace(PTRACE_GETSIGINFO, t->tid, 0, &ev.info) == 0)
			ev.kind = PLAT_EV_SIGNAL;
		t->pstopped = true;
		t->stop = TS_OTHER;
		*stepped = ev;
		return 1;
	}
	t->pstopped = true;
	t->stop = TS_OTHER;
	if (m_step != m_app && ptrace(PTRACE_GETREGS, t->tid, 0, &cur) == 0)
		trap_mem_write(t->tid, cur.rsp + 8 + 8 + 8 + 24 + 256, &m_app, sizeof(m_app));
	if (t->sigs->act[sig][1] & SA_RESETHAND)
		memset(t->sigs->act[sig], 0, sizeof(t->sigs->act[sig]));
	if (ptrace(PTRACE_GETREGS, t->tid, 0, &cur) < 0)
		return -ESRCH;
	set_host_act(t, &cur, sig, sig == SIGSYS || want_bounce(t->sigs, sig));
	if (onstack) {
		uint64_t ss[3] = {STUB_SLOTS_ADDR + (uint64_t)t->slot * STUB_SLOT_SIZE + 4096, 0,
				  STUB_SLOT_SIZE - 4096};
		trap_mem_write(t->tid, STUB_PLAT_SCRATCH_ADDR + 128, ss, sizeof(ss));
		inject6(t, &cur, SYS_sigaltstack, STUB_PLAT_SCRATCH_ADDR + 128, 0, 0, 0, 0, 0);
		/* rt_sigreturn restores the frame's uc_stack: make it ours, not the app's */
		trap_mem_write(t->tid, cur.rsp + 8 + 16, ss, sizeof(ss));
	}
	ptrace(PTRACE_SETREGS, t->tid, 0, &cur);
	if (step) {
		struct plat_event ev = {.kind = PLAT_EV_SIGNAL, .tid = t->tid, .sig = SIGTRAP,
					.status = (SIGTRAP << 8) | 0x7f};
		ptrace(PTRACE_GETSIGINFO, t->tid, 0, &ev.info);
		*stepped = ev;
		return 1;
	}
	return 0;
}
