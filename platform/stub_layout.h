/* platform/stub_layout.h - fixed addresses and fd numbers inside every stub process.
 *
 * Every stub runs the tiny loader image (stub/loader.S) mapped at STUB_LOADER_BASE: its
 * first page holds the syscall gadget (`syscall; int3`) the Sentry uses to inject host
 * system calls, its data page is the Sentry's scratch area for injected calls' arguments.
 * The app's own code never needs them; the app cannot use the gadget to bypass the filter
 * (a syscall made from it is filtered and trapped like any other). */
#ifndef CVISOR_PLATFORM_STUB_LAYOUT_H
#define CVISOR_PLATFORM_STUB_LAYOUT_H

#define STUB_LOADER_BASE 0x7e0000000000
#define STUB_GADGET_ADDR STUB_LOADER_BASE           /* syscall; int3 */
/* rip after the loader's entry int3 (gadget is 3 bytes, entry int3 is 1 byte) */
#define STUB_LOADER_TRAP_RIP (STUB_LOADER_BASE + 4)
#define STUB_SCRATCH_ADDR (STUB_LOADER_BASE + 0x1000) /* 4 pages, read-write */
#define STUB_SCRATCH_SIZE 0x4000
/* Its upper half is the platform's own (seccomp-trap's set-up and signal-delivery
 * injections; the factory's data, in the factory only): the Sentry's injections use the
 * lower half, and what it leaves there for a call that runs later (exec's execveat
 * arguments) must survive the platform's injections into other threads meanwhile. */
#define STUB_PLAT_SCRATCH_ADDR (STUB_SCRATCH_ADDR + 0x2000)
#define STUB_PLAT_SCRATCH_SIZE 0x2000

/* The seccomp-trap platform's stub runtime (platform/seccomp_trap/, stub/loader.S): code in
 * the loader's text page, read-only and executable, at fixed offsets the stub filter and
 * the Sentry name. The app may jump there; every site is harmless when it does (see
 * docs/design.md, "seccomp-trap platform"). */
#define STUB_RT_RETRACE (STUB_LOADER_BASE + 0x20)  /* syscall; int3: host runs a call */
#define STUB_RT_HANDOFF (STUB_LOADER_BASE + 0x28)  /* int3: a thread enters ptrace */
#define STUB_RT_RESTORER (STUB_LOADER_BASE + 0x30) /* rt_sigreturn */
#define STUB_RT_SIGRETURN_IP (STUB_RT_RESTORER + 7) /* after its mov $15, %eax; syscall */
#define STUB_RT_WAKE (STUB_LOADER_BASE + 0x40)     /* syscall; ret: write(STUB_WAKE_FD) */
#define STUB_RT_FUTEX (STUB_LOADER_BASE + 0x48)    /* syscall; ret: futex on the slot region */
#define STUB_RT_YIELD (STUB_LOADER_BASE + 0x50)    /* syscall; ret: sched_yield while spinning */
#define STUB_RT_HANDLER (STUB_LOADER_BASE + 0x100) /* the SIGSYS handler */
#define STUB_RT_BOUNCE (STUB_LOADER_BASE + 0x400)  /* handler of the app's caught signals */

/* Per address space: a memfd shared with the Sentry. Region 0 is the header; region i
 * (1..STUB_NSLOTS-1) is one thread's slot page followed by its signal stack. */
#define STUB_SLOTS_ADDR 0x7e0000100000
#define STUB_SLOT_SHIFT 16
#define STUB_SLOT_SIZE (1 << STUB_SLOT_SHIFT)
#define STUB_NSLOTS 128
#define STUB_SLOTS_SIZE (STUB_NSLOTS * STUB_SLOT_SIZE)
/* seccomp-trap: the app cannot map, unmap, protect or move anything that starts in these
 * 16 MiB (the loader, the stub runtime, the slot region): its own syscall handler. */
#define STUB_RESERVED_SIZE 0x1000000

/* Slot layout (byte offsets; platform/seccomp_trap/slot.h mirrors it as a struct). */
#define SLOT_STATE 0    /* u32: 0 running, 1 request, 2 request + stub asleep, 3 reply */
#define SLOT_CMD 4      /* u32: reply command: 0 return, 1 hand off to ptrace, 2 retrace */
#define SLOT_NR 8       /* u64: the trapped syscall number (siginfo si_syscall) */
#define SLOT_MASK 16    /* u64: the app's signal mask (ucontext uc_sigmask) */
#define SLOT_CODE 24    /* u32 si_code, u32 si_errno (SECCOMP_RET_DATA) */
#define SLOT_WAKEVAL 32 /* u64: 1, the eventfd increment */
#define SLOT_FSBASE 40  /* u64: the thread's fs base (0: unknown, no FSGSBASE) */
#define SLOT_KIND 48    /* u32: 0 a trapped syscall (SLOT_NR), 1 a signal (SLOT_NR = signo) */
#define SLOT_HINT 52    /* u32: 1 = the call blocks in the Sentry: stop spinning, sleep */
#define SLOT_SIGINFO 256 /* 128 bytes: a bounced signal's siginfo */
#define SLOT_GREGS 64   /* u64[23]: ucontext gregs (REG_R8 .. REG_CR2) */
#define HDR_SLEEPING 0  /* u32: the Sentry sleeps in epoll: write STUB_WAKE_FD */
#define HDR_SPIN 4      /* u32: pause iterations before the stub sleeps on its futex */
#define HDR_FSGSBASE 8  /* u32: the CPU and kernel allow rdfsbase in user mode */


/* Host fds every stub holds. The app's fd numbers are virtual and never reach these. */
#define STUB_CHANNEL_FD 1021 /* unix socket: the Sentry passes host fds with SCM_RIGHTS */
#define STUB_LOADER_FD 1022  /* memfd of the loader image, for execveat */
#define STUB_WAKE_FD 1020    /* seccomp-trap: eventfd that wakes the Sentry */

#endif
