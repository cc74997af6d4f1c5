/* stub/loader.S - the image every stub process execs into (see platform/stub_layout.h).
 * It does nothing by itself: its entry traps (int3) so that the Sentry finds it stopped
 * with clean registers, maps the app's ELF and stack with system calls injected through
 * the gadget below, and jumps to the app. Run on its own, it exits with status 127.
 *
 * The same page holds the seccomp-trap platform's stub runtime (platform/seccomp_trap/):
 * a SIGSYS handler that copies the trapped registers into the thread's shared slot,
 * wakes the Sentry when it sleeps, waits for the reply (spin, then futex), writes the
 * reply into the signal frame and returns through rt_sigreturn. Every entry point is at
 * a fixed offset (.org) because the stub filter and the Sentry name them. The handler
 * reads only its own signal frame and slot; it makes four host syscalls, each from one
 * fixed site (the app's own seccomp filters never judge them there: sentry/seccomp_bpf.c):
 * futex (STUB_RT_FUTEX), sched_yield (STUB_RT_YIELD), write to STUB_WAKE_FD (allowed from
 * STUB_RT_WAKE only) and rt_sigreturn (STUB_RT_RESTORER). */
#include "platform/stub_layout.h"

#define UC_GREGS 40     /* ucontext: uc_flags, uc_link, uc_stack, then mcontext gregs */
#define UC_SIGMASK 296  /* ucontext: after mcontext (gregs, fpregs pointer, reserved) */
#define GREG_RAX 13
#define GREG_RIP 16
#define SI_CODE 8
#define SI_ERRNO 4
#define SI_SYSCALL 24
#define SYS_SECCOMP_CODE 1

	.section .text.gadget, "ax"
	.globl _start
gadget:
	syscall
	int3
_start:
	int3			/* STUB_LOADER_TRAP_ADDR: the Sentry takes over here */
	mov $231, %eax		/* exit_group(127) */
	mov $127, %edi
	syscall
	hlt

	.org STUB_RT_RETRACE - STUB_LOADER_BASE
rt_retrace:			/* the host runs a call the Sentry passed through */
	syscall
	int3
	.org STUB_RT_HANDOFF - STUB_LOADER_BASE
rt_handoff:			/* the thread stops here, in ptrace, with the app's mask */
	int3
	hlt
	.org STUB_RT_RESTORER - STUB_LOADER_BASE
rt_restorer:
	mov $15, %eax		/* rt_sigreturn */
	syscall
	hlt
	.org STUB_RT_WAKE - STUB_LOADER_BASE
rt_wake:			/* write(STUB_WAKE_FD, &one, 8): the filter allows it here */
	syscall
	ret
	.org STUB_RT_FUTEX - STUB_LOADER_BASE
rt_futex:			/* futex on the slot region: wait for the reply */
	syscall
	ret
	.org STUB_RT_YIELD - STUB_LOADER_BASE
rt_yield:			/* sched_yield while spinning */
	syscall
	ret

	.org STUB_RT_HANDLER - STUB_LOADER_BASE
	/* SIGSYS handler: %rdi signal, %rsi siginfo, %rdx ucontext; on the slot's stack
	 * (sigaltstack, SA_ONSTACK), every signal blocked (sa_mask). */
rt_handler:
	mov %rdx, %r12
	mov %rsi, %r13
	call rt_find_slot
	cmpl $SYS_SECCOMP_CODE, SI_CODE(%r13)
	jne rt_ret		/* a stray SIGSYS (no seccomp trap): nothing to do */
	movl $0, SLOT_KIND(%rbx)
	movslq SI_SYSCALL(%r13), %rax
	mov %rax, SLOT_NR(%rbx)
	mov %r13, %rsi		/* siginfo too: an app filter's TRAP is the app's SIGSYS */
	lea SLOT_SIGINFO(%rbx), %rdi
	mov $16, %ecx
	rep movsq
rt_post:
	lea UC_GREGS(%r12), %rsi
	lea SLOT_GREGS(%rbx), %rdi
	mov $23, %ecx
	rep movsq
	mov UC_SIGMASK(%r12), %rax
	mov %rax, SLOT_MASK(%rbx)
	mov SI_CODE(%r13), %eax
	mov %eax, SLOT_CODE(%rbx)
	mov SI_ERRNO(%r13), %eax
	mov %eax, SLOT_CODE+4(%rbx)
	movq $1, SLOT_WAKEVAL(%rbx)
	movl $0, SLOT_HINT(%rbx)
	xor %eax, %eax
	movabs $STUB_SLOTS_ADDR, %rcx
	cmpl $0, HDR_FSGSBASE(%rcx)
	je 7f
	rdfsbase %rax
7:	mov %rax, SLOT_FSBASE(%rbx)
	mov $1, %eax
	xchg %eax, SLOT_STATE(%rbx)	/* publish the request (a full barrier) */
	movabs $STUB_SLOTS_ADDR, %rcx
	cmpl $0, HDR_SLEEPING(%rcx)
	je 1f
	/* write(STUB_WAKE_FD, &slot->wakeval, 8): no filter refuses it, the app's included
	 * (sentry/seccomp_bpf.c exempts this site) */
	mov $1, %eax
	mov $STUB_WAKE_FD, %edi
	lea SLOT_WAKEVAL(%rbx), %rsi
	mov $8, %edx
	movabs $STUB_RT_WAKE, %rcx
	call *%rcx
1:	movabs $STUB_SLOTS_ADDR, %rcx
	mov HDR_SPIN(%rcx), %ecx
	and $0xfffff, %ecx	/* bounded, whatever the header says */
	inc %ecx
2:	cmpl $3, SLOT_STATE(%rbx)
	je rt_got
	cmpl $0, SLOT_HINT(%rbx)
	jne 3f			/* parked in the Sentry: sleep at once */
	pause
	test $63, %ecx
	jnz 6f
	mov %ecx, %r14d		/* every 64 turns: let a Sentry on this core run */
	mov $24, %eax		/* sched_yield (PASS) */
	movabs $STUB_RT_YIELD, %rcx
	call *%rcx
	mov %r14d, %ecx
6:	dec %ecx
	jnz 2b
3:	mov $1, %eax		/* request -> request + asleep */
	mov $2, %edx
	lock cmpxchg %edx, SLOT_STATE(%rbx)
	mov SLOT_STATE(%rbx), %eax
	cmp $3, %eax
	je rt_got
	cmp $2, %eax
	jne rt_bad		/* the slot was scribbled on: this thread cannot go on */
	mov $202, %eax		/* futex(&slot->state, FUTEX_WAIT, 2, NULL) */
	lea SLOT_STATE(%rbx), %rdi
	xor %esi, %esi
	mov $2, %edx
	xor %r10d, %r10d
	movabs $STUB_RT_FUTEX, %rcx
	call *%rcx
	jmp 3b
rt_got:
	mov SLOT_CMD(%rbx), %eax
	lea SLOT_GREGS(%rbx), %rsi	/* r8 .. rip, eflags */
	lea UC_GREGS(%r12), %rdi
	mov $18, %ecx
	rep movsq
	mov SLOT_MASK(%rbx), %rdx
	mov %rdx, UC_SIGMASK(%r12)
	cmp $1, %eax
	jne 4f
	/* hand off: stop at rt_handoff; only SIGTRAP (its own) deliverable on the way */
	movabs $STUB_RT_HANDOFF, %rdx
	mov %rdx, UC_GREGS+8*GREG_RIP(%r12)
	movq $-17, UC_SIGMASK(%r12)
	jmp 5f
4:	cmp $2, %eax
	jne 5f
	/* retrace: the host runs the call from rt_retrace (the thread is traced now) */
	movabs $STUB_RT_RETRACE, %rdx
	mov %rdx, UC_GREGS+8*GREG_RIP(%r12)
	mov SLOT_NR(%rbx), %rdx
	mov %rdx, UC_GREGS+8*GREG_RAX(%r12)
5:	movl $0, SLOT_STATE(%rbx)
rt_ret:
	ret			/* to rt_restorer (SA_RESTORER) */
rt_bad:
	mov $231, %eax		/* exit_group(128 + SIGSYS): this process alone */
	mov $159, %edi
	movabs $STUB_RT_RETRACE, %rcx
	jmp *%rcx

	.org STUB_RT_BOUNCE - STUB_LOADER_BASE
	/* Handler of the app's caught signals while the thread runs off ptrace: the
	 * signal is posted in the slot (kind 1, its siginfo) and the thread hands itself
	 * off to ptrace, where the Sentry delivers it as on the ptrace platform. */
rt_bounce:
	mov %rdx, %r12
	mov %rsi, %r13
	call rt_find_slot
	movl $1, SLOT_KIND(%rbx)
	movslq %edi, %rax
	mov %rax, SLOT_NR(%rbx)
	mov %r13, %rsi		/* siginfo: 128 bytes */
	lea SLOT_SIGINFO(%rbx), %rdi
	mov $16, %ecx
	rep movsq
	jmp rt_post

	/* %rbx = our slot: the region of the stack we run on; anything else cannot be
	 * served (the app changed the host's signal stack: it cannot, sigaltstack is
	 * emulated; or it jumped here) */
rt_find_slot:
	mov %rsp, %rax
	movabs $STUB_SLOTS_ADDR, %rcx
	sub %rcx, %rax
	cmp $STUB_SLOTS_SIZE, %rax
	jae rt_bad
	shr $STUB_SLOT_SHIFT, %rax
	test %rax, %rax
	jz rt_bad
	shl $STUB_SLOT_SHIFT, %rax
	lea (%rcx,%rax), %rbx
	ret


	.section .bss.scratch, "aw", @nobits
	.balign 4096
scratch:
	.skip STUB_SCRATCH_SIZE
