/* platform/platform.h - how app code runs and traps: the interface between the Sentry
 * and a platform backend (platform/ptrace/ now; platform/seccomp_trap/ later).
 *
 * The Sentry sees app threads only as host thread ids that stop with events. A backend
 * owns: creating the first stub, reporting stops, registers, resuming, and running a
 * host syscall inside a stopped stub ("injection"). It knows nothing of files, sockets,
 * pids as the app sees them, or the syscall table (it receives the filter prebuilt).
 * Nothing here blocks except plat_inject, which waits only for the injected call. */
#ifndef CVISOR_PLATFORM_PLATFORM_H
#define CVISOR_PLATFORM_PLATFORM_H
#include <signal.h>
#include <sys/resource.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>
#include <linux/filter.h>

struct plat_regs {
	struct user_regs_struct r;
};

enum plat_event_kind {
	PLAT_EV_SYSCALL,      /* trapped syscall entry: regs.orig_rax = nr, args in regs */
	PLAT_EV_SYSCALL_EXIT, /* exit of a syscall run natively with want_exit */
	PLAT_EV_SIGNAL,       /* a host signal is about to be delivered: info */
	PLAT_EV_EXEC,         /* the thread completed a host exec (of the stub loader);
	                       * msg = its former tid (differs when a non-leader exec'd) */
	PLAT_EV_CLONE,        /* the thread created a thread or process: msg = new tid */
	PLAT_EV_EXITING,      /* the thread is about to exit: msg = wait status */
	PLAT_EV_DEAD,         /* the thread is gone: status = wait status */
	PLAT_EV_NEW,          /* first stop of a new auto-attached thread */
	PLAT_EV_GROUP_STOP,   /* stopped by a stop signal (status's WSTOPSIG) */
};

struct plat_event {
	enum plat_event_kind kind;
	pid_t tid;
	int status;          /* raw wait status */
	int sig;             /* PLAT_EV_SIGNAL, PLAT_EV_GROUP_STOP */
	unsigned long msg;   /* PTRACE_GETEVENTMSG */
	siginfo_t info;      /* PLAT_EV_SIGNAL */
	int clone_kind;      /* PLAT_EV_CLONE: PTRACE_EVENT_CLONE/FORK/VFORK */
	struct rusage ru;    /* PLAT_EV_DEAD: the host's usage of the thread's process as
	                      * wait4 reported it (complete when the leader dies: the host
	                      * reports it last); zeros when unknown */
};

/* What a new sandbox's first stub gets. */
struct plat_spawn {
	struct sock_fprog *filter;  /* the stub seccomp filter */
	int loader_fd;              /* memfd of stub/loader.S's image */
	int channel_fd;             /* stub end of the fd-passing socket */
};

/* A host syscall a platform's stub runtime makes on its own behalf (never the app's): an
 * app's seccomp filter must not judge it. It is made only from instruction pointer @ip
 * (the address after its `syscall`), with number @nr and each of its @ncond conditions
 * true: argument @arg in [@lo, @hi) (@lo and @hi - 1 share their upper 32 bits). */
struct plat_rt_call {
	uint64_t ip;
	int nr;
	int ncond;
	struct {
		int arg;
		uint64_t lo, hi;
	} cond[2];
};

struct plat_ops {
	const char *name;
	/* The stub runtime's own calls (none on ptrace): exempt from the app's filters. */
	const struct plat_rt_call *rt_calls;
	unsigned n_rt_calls;
	/* 0, or where the platform runs host calls the Sentry made or judged (injections,
	 * passed-through calls; the gadget's rip on ptrace): the app's filters must not judge
	 * them, but for the numbers of @retrace_judged, the app's own calls the platform runs
	 * there without the Sentry's judgement. */
	uint64_t retrace_ip;
	const uint16_t *retrace_judged;
	unsigned n_retrace_judged;
	/* One-time set-up in the Sentry (signal handling, options). */
	int (*init)(void);
	/* Creates the first stub; returns its tid in *@tid. The stub stops at its first
	 * trapped syscall: an execveat of the loader, which the Sentry lets run. */
	int (*spawn)(const struct plat_spawn *sp, pid_t *tid);
	/* A host fd that becomes readable when events may be pending (for epoll). */
	int (*event_fd)(void);
	/* Next pending event; -EAGAIN when none. */
	int (*next_event)(struct plat_event *ev);
	int (*regs_get)(pid_t tid, struct plat_regs *regs);
	int (*regs_set)(pid_t tid, const struct plat_regs *regs);
	/* Resume a stopped thread, delivering @sig (0 = none) when the stop allows it. */
	int (*resume)(pid_t tid, int sig);
	/* Resume one instruction, delivering @sig: with a signal that has a handler, the
	 * thread stops (SIGTRAP) at the handler's first instruction, its frame built. */
	int (*resume_step)(pid_t tid, int sig);
	/* At a PLAT_EV_SYSCALL stop: let the host run the syscall the regs describe (set them
	 * first with regs_set); @want_exit asks for a PLAT_EV_SYSCALL_EXIT stop after it. */
	int (*syscall_run)(pid_t tid, bool want_exit);
	/* Runs host syscall @nr with @args inside stopped thread @tid and waits for it.
	 * The thread's registers are clobbered: the caller restores them (regs_set) before
	 * resuming. A host signal that arrives meanwhile is returned in *@deferred_sig (0 if
	 * none) for the caller to deliver. Returns the syscall's result, or -ESRCH if the
	 * thread died. */
	long (*inject)(pid_t tid, const struct plat_regs *cur, long nr, const uint64_t args[6],
		       int *deferred_sig);
	int (*sigmask_get)(pid_t tid, uint64_t *mask);
	int (*sigmask_set)(pid_t tid, uint64_t mask);
	int (*siginfo_set)(pid_t tid, const siginfo_t *info);
	/* Sends host signal @sig to thread @tid (interrupt, deliver, kill). */
	int (*kill)(pid_t tid, int sig);
	/* Queues host signal @info->si_signo with @info to thread @tid of process @tgid
	 * (rt_tgsigqueueinfo), to be reported at its signal-delivery stop as on ptrace: a
	 * thread stopped at a trapped call gets it once resumed. Returns 0 or -errno. */
	int (*queue_signal)(pid_t tgid, pid_t tid, const siginfo_t *info);
};

extern const struct plat_ops plat_ptrace_ops;
extern const struct plat_ops plat_seccomp_trap_ops;
/* The backend without --platform. */
#define PLAT_DEFAULT_NAME "ptrace"
/* Selects the backend by its --platform name; -EINVAL for an unknown one. */
int plat_select(const char *name);
/* The backend in use (chosen by --platform). */
extern const struct plat_ops *plat;

/* Builds the stub filter: a PASS/TRACE/DENY class per syscall number.
 * @classes[nr] for nr < @n: PLAT_CLASS_*. Returns 0 and a malloc'd program in *@out. */
enum { PLAT_CLASS_TRACE = 0, PLAT_CLASS_PASS, PLAT_CLASS_DENY_ENOSYS, PLAT_CLASS_DENY_EPERM,
       PLAT_CLASS_PASS_ANON_MMAP };
int plat_filter_build(const uint8_t *classes, size_t n, struct sock_fprog *out);
/* seccomp-trap: the overlay stacked on a stub once its stub runtime is ready, from the
 * classes of the last plat_filter_build. */
int plat_filter_build_trap_overlay(struct sock_fprog *out);
void plat_filter_free(struct sock_fprog *prog);

#endif
