/* sentry/exec_load.c - the second half of exec: at the loader's entry trap, map the
 * app's ELF and interpreter with injected mmap calls and build the initial stack.
 * Owns nothing past the call: frees the exec_state. */
#include "sentry/task.h"
#include "sentry/nsproxy.h"
#include "sentry/exec.h"
#include "sentry/ipc/sysv_task.h"
#include "platform/stub_layout.h"
#include "common/log.h"
#include <elf.h>
#include <linux/securebits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>

#define STACK_SIZE (8UL << 20)
#define PAGE_DOWN(x) ((x) & ~4095UL)
#define PAGE_UP(x) (((x) + 4095UL) & ~4095UL)

static int prot_of(uint32_t pf)
{
	return ((pf & PF_R) ? PROT_READ : 0) | ((pf & PF_W) ? PROT_WRITE : 0) |
	       ((pf & PF_X) ? PROT_EXEC : 0);
}

static bool is_err(long r)
{
	return r < 0 && r > -4096;
}

/* Maps every PT_LOAD of @b; sets b->bias. @pie: an ET_DYN @b goes at the bias Linux
 * gives a PIE with an interpreter (else wherever the host's mmap puts it). Returns 0 or
 * -errno. */
static int map_binary(struct task *t, struct exec_binary *b, bool pie)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	int host_fd = vfs_file_host_fd(b->file, false);
	int sfd;
	long r;

	if (host_fd < 0)
		return host_fd;
	for (int i = 0; i < b->ehdr.e_phnum; i++) {
		Elf64_Phdr *p = &b->phdrs[i];
		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_vaddr < lo)
			lo = p->p_vaddr;
		if (p->p_vaddr + p->p_memsz > hi)
			hi = p->p_vaddr + p->p_memsz;
	}
	lo = PAGE_DOWN(lo);
	hi = PAGE_UP(hi);
	b->bias = 0;
	if (b->ehdr.e_type == ET_DYN) {
		uint64_t want = pie ? exec_layout_pie_bias(t->tg, b) : 0;
		r = -EEXIST;
		if (want)
			r = stub_inject(t, SYS_mmap, want + lo, hi - lo, PROT_NONE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
						MAP_FIXED_NOREPLACE,
					(uint64_t)-1, 0);
		if (is_err(r)) /* taken: anywhere, as before */
			r = stub_inject(t, SYS_mmap, 0, hi - lo, PROT_NONE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, (uint64_t)-1,
					0);
		if (is_err(r))
			return (int)r;
		b->bias = (uint64_t)r - lo;
	}
	sfd = stub_install_fd(t, host_fd);
	if (sfd < 0)
		return sfd;
	for (int i = 0; i < b->ehdr.e_phnum; i++) {
		Elf64_Phdr *p = &b->phdrs[i];
		if (p->p_type != PT_LOAD)
			continue;
		int prot = prot_of(p->p_flags);
		uint64_t start = PAGE_DOWN(b->bias + p->p_vaddr);
		uint64_t file_end = b->bias + p->p_vaddr + p->p_filesz;
		uint64_t mem_end = PAGE_UP(b->bias + p->p_vaddr + p->p_memsz);
		if (p->p_filesz) {
			r = stub_inject(t, SYS_mmap, start, PAGE_UP(file_end) - start, prot,
					MAP_PRIVATE | MAP_FIXED, sfd, PAGE_DOWN(p->p_offset));
			if (is_err(r))
				goto fail;
			/* zero the tail of the last file page (the start of .bss) */
			if (p->p_memsz > p->p_filesz && (file_end & 4095)) {
				size_t n = PAGE_UP(file_end) - file_end;
				char *z = calloc(1, n);
				if (!z) {
					r = -ENOMEM;
					goto fail;
				}
				r = guest_copy_out_force(&t->mem, file_end, z, n);
				free(z);
				if (r < 0)
					goto fail;
			}
		}
		uint64_t anon = p->p_filesz ? PAGE_UP(file_end) : start;
		if (mem_end > anon) {
			r = stub_inject(t, SYS_mmap, anon, mem_end - anon, prot,
					MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, (uint64_t)-1, 0);
			if (is_err(r))
				goto fail;
		}
	}
	stub_close_fd(t, sfd);
	return 0;
fail:
	stub_close_fd(t, sfd);
	return (int)r;
}

static uint64_t phdr_addr(struct exec_binary *b)
{
	for (int i = 0; i < b->ehdr.e_phnum; i++)
		if (b->phdrs[i].p_type == PT_PHDR)
			return b->bias + b->phdrs[i].p_vaddr;
	for (int i = 0; i < b->ehdr.e_phnum; i++) {
		Elf64_Phdr *p = &b->phdrs[i];
		if (p->p_type == PT_LOAD && p->p_offset <= b->ehdr.e_phoff &&
		    b->ehdr.e_phoff < p->p_offset + p->p_filesz)
			return b->bias + p->p_vaddr + (b->ehdr.e_phoff - p->p_offset);
	}
	return 0;
}

/* Reads the loader's own auxv (the kernel built it) for the values we pass through. */
static void read_kernel_auxv(struct task *t, uint64_t *vals)
{
	uint64_t sp = t->regs.r.rsp, argc, v[2];
	if (guest_copy_in(&t->mem, &argc, sp, 8) < 0)
		return;
	uint64_t p = sp + 8 + (argc + 1) * 8;
	for (int i = 0; i < 4096; i++, p += 8) { /* envp */
		uint64_t e;
		if (guest_copy_in(&t->mem, &e, p, 8) < 0)
			return;
		if (!e)
			break;
	}
	for (p += 8;; p += 16) {
		if (guest_copy_in(&t->mem, v, p, 16) < 0 || v[0] == AT_NULL)
			return;
		if (v[0] < 64)
			vals[v[0]] = v[1];
	}
}

struct stack_builder {
	char *buf;
	size_t size, top; /* strings grow down from the top */
	uint64_t gtop;    /* guest address of buf + size */
};

static uint64_t sb_push(struct stack_builder *sb, const void *data, size_t len)
{
	if (len > sb->top)
		return 0;
	sb->top -= len;
	memcpy(sb->buf + sb->top, data, len);
	return sb->gtop - (sb->size - sb->top);
}

static int build_stack(struct task *t, struct exec_state *es, uint64_t *sp_out)
{
	uint64_t kaux[64] = {0};
	size_t argc = 0, envc = 0, strsz = 0;
	long stack;
	int r = -ENOMEM;

	read_kernel_auxv(t, kaux);
	while (es->argv[argc])
		strsz += strlen(es->argv[argc++]) + 1;
	while (es->envp[envc])
		strsz += strlen(es->envp[envc++]) + 1;
	strsz += strlen(es->execfn) + 1 + 16 + 16;
	stack = stub_inject(t, SYS_mmap, 0, STACK_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, (uint64_t)-1,
			    0);
	if (is_err(stack))
		return (int)stack;
	size_t vecs = (argc + envc + 3) * 8 + 2 * 8 * 32 + 64;
	struct stack_builder sb;
	sb.size = PAGE_UP(strsz + vecs + 4096);
	if (sb.size > STACK_SIZE / 2)
		return -E2BIG;
	sb.buf = calloc(1, sb.size);
	if (!sb.buf)
		return -ENOMEM;
	sb.top = sb.size;
	sb.gtop = (uint64_t)stack + STACK_SIZE;

	uint64_t *argp = calloc(argc + envc + 2, sizeof(uint64_t));
	if (!argp)
		goto out;
	uint64_t execfn = sb_push(&sb, es->execfn, strlen(es->execfn) + 1);
	for (size_t i = envc; i-- > 0;)
		argp[argc + 1 + i] = sb_push(&sb, es->envp[i], strlen(es->envp[i]) + 1);
	for (size_t i = argc; i-- > 0;)
		argp[i] = sb_push(&sb, es->argv[i], strlen(es->argv[i]) + 1);
	uint64_t arg_end = argc ? argp[argc - 1] + strlen(es->argv[argc - 1]) + 1 : 0;
	uint64_t platform = sb_push(&sb, "x86_64", 7);
	unsigned char rnd[16];
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		memset(rnd, 0x5a, sizeof(rnd));
	uint64_t random = sb_push(&sb, rnd, sizeof(rnd));
	sb.top &= ~15UL;

	uint64_t auxv[2 * 32];
	int na = 0;
#define AUX(k, v) (auxv[na++] = (k), auxv[na++] = (v))
	struct exec_binary *main = &es->exe;
	if (kaux[AT_SYSINFO_EHDR])
		AUX(AT_SYSINFO_EHDR, kaux[AT_SYSINFO_EHDR]);
	if (kaux[AT_MINSIGSTKSZ])
		AUX(AT_MINSIGSTKSZ, kaux[AT_MINSIGSTKSZ]);
	AUX(AT_HWCAP, kaux[AT_HWCAP]);
	AUX(AT_PAGESZ, 4096);
	AUX(AT_CLKTCK, kaux[AT_CLKTCK] ? kaux[AT_CLKTCK] : 100);
	AUX(AT_PHDR, phdr_addr(main));
	AUX(AT_PHENT, sizeof(Elf64_Phdr));
	AUX(AT_PHNUM, main->ehdr.e_phnum);
	AUX(AT_BASE, es->interp.file ? es->interp.bias : 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, main->bias + main->ehdr.e_entry);
	AUX(AT_UID, t->tg->cred.uid);
	AUX(AT_EUID, t->tg->cred.euid);
	AUX(AT_GID, t->tg->cred.gid);
	AUX(AT_EGID, t->tg->cred.egid);
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, random);
	if (kaux[AT_HWCAP2])
		AUX(AT_HWCAP2, kaux[AT_HWCAP2]);
	AUX(AT_EXECFN, execfn);
	AUX(AT_PLATFORM, platform);
	AUX(AT_NULL, 0);
#undef AUX
	/* argc, argv[], NULL, envp[], NULL, auxv: 16-byte aligned at argc */
	size_t words = 1 + argc + 1 + envc + 1 + na;
	size_t bytes = words * 8;
	if (bytes + 16 > sb.top)
		goto out;
	sb.top = (sb.top - bytes) & ~15UL;
	uint64_t *w = (uint64_t *)(sb.buf + sb.top);
	size_t k = 0;
	w[k++] = argc;
	for (size_t i = 0; i < argc; i++)
		w[k++] = argp[i];
	w[k++] = 0;
	for (size_t i = 0; i < envc; i++)
		w[k++] = argp[argc + 1 + i];
	w[k++] = 0;
	memcpy(&w[k], auxv, na * 8);
	uint64_t sp = sb.gtop - (sb.size - sb.top);
	r = guest_copy_out(&t->mem, sp, sb.buf + sb.top, sb.size - sb.top);
	if (r < 0)
		goto out;
	*sp_out = sp;
	t->tg->arg_start = argc ? argp[0] : 0;
	t->tg->arg_end = arg_end;
	t->tg->env_start = envc ? argp[argc + 1] : 0;
	t->tg->env_end = envc ? argp[argc + envc] + strlen(es->envp[envc - 1]) + 1 : 0;
	r = 0;
out:
	free(argp);
	free(sb.buf);
	return r;
}

static void exec_fail(struct task *t, int err)
{
	/* Past the point of no return: like Linux, the process dies with SIGSEGV. */
	log_warn("exec of pid %d failed after the point of no return: errno %d", t->tg->vpid,
		 -err);
	exec_state_free(t->exec);
	t->exec = NULL;
	plat->kill(t->host_tid, SIGKILL);
	plat->resume(t->host_tid, 0);
}

/* The capability sets of the new program (capabilities(7), "Transformation of
 * capabilities during execve()"), for a file without file capabilities and without set-id
 * bits (neither is honoured): root (real or effective uid 0 of its user namespace, unless SECBIT_NOROOT) gets
 * its bounding set plus its inheritable set, effective when the euid is 0; everyone else
 * keeps only its ambient set. SECBIT_KEEP_CAPS does not survive an exec. */
static void exec_caps(struct thread_group *tg)
{
	struct vfs_cred *c = &tg->cred;
	uint64_t per = 0;
	bool effective = false;
	bool root = !(tg->securebits & SECBIT_NOROOT);
	uint32_t root_uid = userns_make_uid(tg_userns(tg), 0); /* its user namespace's root */
	if (root && (c->uid == root_uid || c->euid == root_uid))
		per = tg->cap_bounding | tg->cap_inheritable;
	if (root && c->euid == root_uid)
		effective = true;
	tg->securebits &= ~SECBIT_KEEP_CAPS;
	per |= tg->cap_ambient;
	tg->cap_permitted = per;
	tg_caps_set_effective(tg, effective ? per : tg->cap_ambient);
}

void exec_on_loader_trap(struct task *t)
{
	struct exec_state *es = t->exec;
	struct thread_group *tg = t->tg;
	uint64_t sp;
	int r;

	if (plat->regs_get(t->host_tid, &t->regs) < 0)
		return;
	r = map_binary(t, &es->exe, es->interp.file != NULL);
	if (r == 0 && es->interp.file)
		r = map_binary(t, &es->interp, false);
	if (r == 0)
		r = build_stack(t, es, &sp);
	if (r < 0) {
		exec_fail(t, r);
		return;
	}
	r = exec_layout_set_mm(t, es, sp);
	if (r < 0)
		log_debug("pid %d keeps the loader's break: errno %d", tg->vpid, -r);
	struct exec_binary *entry_of = es->interp.file ? &es->interp : &es->exe;
	struct user_regs_struct *g = &t->regs.r;
	uint64_t cs = g->cs, ss = g->ss, ds = g->ds, es_ = g->es, eflags = g->eflags;
	memset(g, 0, sizeof(*g));
	g->cs = cs;
	g->ss = ss;
	g->ds = ds;
	g->es = es_;
	g->eflags = eflags;
	g->rip = entry_of->bias + entry_of->ehdr.e_entry;
	g->rsp = sp;
	g->orig_rax = (uint64_t)-1;
	t->regs_dirty = true;

	/* The process image is the new program's from here. */
	const char *base = strrchr(es->argv[0] ? es->exe_path : es->exe_path, '/');
	snprintf(tg->comm, sizeof(tg->comm), "%.15s", base ? base + 1 : es->exe_path);
	snprintf(t->comm, sizeof(t->comm), "%s", tg->comm);
	if (tg->exe_file)
		vfs_file_put(tg->exe_file);
	tg->exe_file = es->exe.file;
	vfs_file_get(tg->exe_file);
	if (!es->boot) {
		tg->self_exec_id++; /* children cloned before send SIGCHLD (task.c) */
		exec_caps(tg);
		signal_exec_reset(tg);
		ptimers_release(tg); /* timers do not survive exec */
		sysv_tg_exec(tg);    /* nor shm attachments (the address space is new) */
		vfs_fdtable_exec(tg->fdt);
	}
	t->clear_child_tid = 0;
	t->robust_head = 0;
	if (sandbox.strace)
		strace_exec(t, es->execfn);
	uint64_t held = es->held_sigs;
	exec_state_free(es);
	t->exec = NULL;
	task_resume(t, 0);
	/* Signals that came during the load: the new program's dispositions decide (the
	 * virtual siginfo of a Sentry-sent one is still queued for signal_on_host_stop). */
	for (int sig = 1; sig < 64; sig++)
		if (held & (1ULL << (sig - 1)))
			plat->kill(t->host_tid, sig);
}

/* See task.h. The loader image has no handlers and must reach its trap untouched. */
bool exec_on_signal_stop(struct task *t, int sig)
{
	if (t->state != TASK_EXEC_LOADING || !t->exec || sig <= 0 || sig >= 64)
		return false;
	t->exec->held_sigs |= 1ULL << (sig - 1);
	plat->resume(t->host_tid, 0);
	return true;
}
