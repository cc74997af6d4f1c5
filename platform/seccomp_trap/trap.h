/* platform/seccomp_trap/trap.h - the seccomp-trap platform's per-thread state, shared by
 * trap.c (events, the slot loop, the plat_ops) and setup.c (installing the stub runtime
 * into a stopped stub, injection, the calls the platform emulates itself).
 *
 * A thread is in one of three places:
 *   - ptrace-stopped (pstopped): every plat_op works as on the ptrace platform;
 *   - in its slot (in_slot): stopped in the stub runtime's SIGSYS handler, waiting for the
 *     reply; registers and mask live in the slot; other ops first hand it off to ptrace;
 *   - running: attached (its SIGSYS is a ptrace stop, served like a slot request) or
 *     detached (its SIGSYS goes to the stub runtime; the Sentry watches its slot).
 * Only a thread whose address space has a slot region, whose process has the runtime's
 * SIGSYS action, and which has its own slot and signal stack is ever detached. */
#ifndef CVISOR_PLATFORM_SECCOMP_TRAP_TRAP_H
#define CVISOR_PLATFORM_SECCOMP_TRAP_TRAP_H
#include "platform/platform.h"
#include "platform/stub_layout.h"
#include <stdbool.h>
#include <stdint.h>

/* One address space's slot region (a memfd mapped in the stub and here). */
struct trap_mm {
	int refs;
	char *base; /* our mapping of the region; NULL until set up */
	uint8_t used[STUB_NSLOTS];
};

/* The app's signal actions as it set them (the host's may be the stub runtime's bounce
 * handler instead), shared by the threads of a process. */
struct trap_sigs {
	int refs;
	uint64_t act[65][4]; /* struct kernel_sigaction: handler, flags, restorer, mask */
	bool host_bounce[65]; /* the host's action is rt_bounce */
};

enum trap_stop {
	TS_NONE,
	TS_SYSCALL, /* at a trapped call: SIGSYS stop, hand-off, or a RET_TRACE stop */
	TS_SECCOMP, /* a RET_TRACE seccomp stop (the host is in the syscall) */
	TS_OTHER,   /* anything else: never detached from here */
};

struct trap_thread {
	pid_t tid, tgid;
	bool attached, pstopped, in_slot, exiting;
	enum trap_stop stop;
	struct trap_mm *mm;
	int slot;                 /* index in mm, 0: none */
	bool overlay, sighand;    /* the trap filter / the runtime's SIGSYS action are in */
	bool retrace, retrace_exit;
	bool watched;             /* in the Sentry's scan list */
	bool hinted;              /* told to stop spinning: its call is parked */
	int64_t taken_ns;         /* when the Sentry took its slot request */
	bool native_stop;         /* detached and stopped by the host (a stop signal) */
	bool keep_attached;       /* a queued signal's stop is still to come */
	bool started;             /* its first ptrace stop was seen */
	bool dead;                /* reaped; its DEAD is queued (trap_queue_death) */
	uint64_t retrace_rip;     /* the app's rip after its syscall, during a retrace */
	uint64_t child_fix_rip;   /* a new child still at STUB_RT_RETRACE + 2 */
	struct user_regs_struct sregs; /* in_slot: the app's registers */
	uint64_t smask;           /* in_slot: the app's signal mask */
	/* emulated for the app (the runtime owns the real ones) */
	bool sigsys_blocked;
	uint64_t alt_sp, alt_size;
	int alt_flags;
	struct trap_sigs *sigs;
	struct trap_thread *next;
};

/* trap.c: the thread table, and what stops.c needs of the slot loop */
#define TRAP_NBUCKETS 1024
extern struct trap_thread *trap_buckets[TRAP_NBUCKETS];
#define for_each_thread(t)                                                                         \
	for (int b_ = 0; b_ < TRAP_NBUCKETS; b_++)                                                      \
		for (struct trap_thread *t = trap_buckets[b_], *n_; t && (n_ = t->next, 1); t = n_)

extern unsigned long trap_st_sigsys_stop;
int64_t trap_now_ns(void);
void trap_thread_free(struct trap_thread *t);
/* Attaches running or in-slot @t (PTRACE_SEIZE); 0 if it already is. */
int trap_seize(struct trap_thread *t);
void trap_seize_group(pid_t tgid);
/* Answers in-slot @t with @cmd (SLOT_CMD_*) and its registers; wakes it if asleep. */
void trap_slot_answer(struct trap_thread *t, uint32_t cmd);
/* Queues an event for the next next_event (deaths seen inside a blocking wait...). */
void trap_push_synth(const struct plat_event *ev);
/* With events queued: queues @ev after them and puts the first in @ev instead. */
void trap_synth_requeue(struct plat_event *ev);
/* Resumes ptrace-stopped @t; detaches it when it can run on the slot path. */
int trap_resume_or_detach(struct trap_thread *t, int sig);

/* stops.c */
int trap_handoff(struct trap_thread *t);
void trap_child_fix(struct trap_thread *t);
bool trap_serve_owned(struct trap_thread *t, struct user_regs_struct *r);
int trap_wait_event(struct plat_event *ev);
/* A death / an exit stop that a wait of the platform's own (injection, hand-off, step)
 * reaped: queued for next_event instead of lost. */
void trap_queue_death(struct trap_thread *t, int status, const struct rusage *ru);
void trap_queue_exiting(struct trap_thread *t);
/* setup.c: whether @tid is a zombie (or gone) in /proc */
bool trap_is_zombie(pid_t tid);
int trap_bounce_event(struct trap_thread *t, void *s, struct plat_event *ev);

struct trap_thread *trap_thread_find(pid_t tid);
struct trap_thread *trap_thread_get(pid_t tid);
void *trap_slot(struct trap_thread *t);


/* setup.c */
/* Runs host syscall @nr in ptrace-stopped @t from STUB_RT_RETRACE; registers clobbered.
 * Returns the result, -ESRCH when the thread died. */
long trap_inject(struct trap_thread *t, const struct user_regs_struct *cur, long nr,
		 const uint64_t args[6], int *deferred_sig);
/* Makes ptrace-stopped @t ready to run detached (filter overlay, slot region, SIGSYS
 * action, its own slot and signal stack). Returns 0 when ready, -errno otherwise (the
 * thread then simply stays attached). Registers are preserved. */
int trap_setup(struct trap_thread *t);
void trap_mm_put(struct trap_mm *mm);
/* Gives @t's slot back to its region. */
void trap_slot_release(struct trap_thread *t);
extern int trap_nslots; /* slots in use, all regions */
/* Takes @t off the Sentry's scan list (trap.c). */
void trap_watch_remove(struct trap_thread *t);
/* The calls the platform answers itself (the app's view of SIGSYS, its mask and signal
 * stack): true when @nr is one; *@ret is the result, or TRAP_RET_RETRACE when the host
 * must run the call (exit, exit_group) with the thread attached. */
#define TRAP_RET_RETRACE (-4096L)
bool trap_owned_call(struct trap_thread *t, const struct user_regs_struct *r, long *ret);
/* rt_sigaction at a syscall_run of ptrace-stopped @t: recorded as the app's action; the
 * host gets the runtime's bounce handler instead of a handler (and keeps SIGSYS). False
 * when the host must run the call as it is (the runtime is not in yet: recorded too). */
bool trap_sigaction_call(struct trap_thread *t, const struct user_regs_struct *r, long *ret);
/* Delivers @sig to ptrace-stopped @t with the app's action in place of the bounce handler
 * (and the app's signal stack): single-steps into it and puts the bounce back. With
 * @step the thread is left at the handler's first instruction and the SIGTRAP stop is
 * reported as resume_step's; otherwise it continues. Returns 0 or -ESRCH. */
int trap_deliver_swapped(struct trap_thread *t, int sig, bool step, struct plat_event *stepped);
bool trap_needs_swap(struct trap_thread *t, int sig);
struct trap_sigs *trap_sigs_new(const struct trap_sigs *from, bool exec);
void trap_sigs_put(struct trap_sigs *s);
int trap_mem_read(pid_t tid, void *dst, uint64_t gaddr, size_t len);
int trap_mem_write(pid_t tid, uint64_t gaddr, const void *src, size_t len);

#endif
