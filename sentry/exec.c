/* sentry/exec.c - execve as the Sentry does it (implements execve(2)/execveat(2)).
 *
 * 1. exec_start: copy argv/envp in, resolve the binary in the VFS (#! scripts, up to 4
 *    interpreters deep), parse and check the ELF and its PT_INTERP. Any error is returned
 *    to the app with its address space intact.
 * 2. Point of no return: the stub's syscall is rewritten into execveat(STUB_LOADER_FD):
 *    the host kernel replaces the address space (and kills the other threads) with the
 *    tiny loader image (stub/loader.S). The host kernel never resolves a guest path.
 * 3. exec_on_loader_trap: at the loader's entry trap, the Sentry maps the ELF segments and
 *    the interpreter itself (injected mmap of host fds it passes to the stub), builds the
 *    stack (argv, envp, auxv with AT_SYSINFO_EHDR, AT_RANDOM, AT_EXECFN) and jumps.
 * Owns struct exec_state. Must not keep guest pointers past the exec. */
#include "sentry/task.h"
#include "sentry/pidns.h"
#include "sentry/exec.h"
#include "platform/stub_layout.h"
#include "common/log.h"
#include "vfs/vfs.h"
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>

#define MAX_ARG_STRLEN (32 * 4096)
#define MAX_ARGS_TOTAL (2 * 1024 * 1024)
#define STACK_SIZE (8UL << 20)
#define PAGE_DOWN(x) ((x) & ~4095UL)
#define PAGE_UP(x) (((x) + 4095UL) & ~4095UL)

static void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

void exec_state_free(struct exec_state *es)
{
	if (!es)
		return;
	strv_free(es->argv);
	strv_free(es->envp);
	if (es->exe.file)
		vfs_file_put(es->exe.file);
	if (es->interp.file)
		vfs_file_put(es->interp.file);
	free(es->exe.phdrs);
	free(es->interp.phdrs);
	free(es);
}

/* Copies a NULL-terminated guest string vector. Returns count or -errno. */
static long copy_strv(struct task *t, uint64_t vec_gaddr, char ***out, size_t *total)
{
	size_t n = 0, cap = 16;
	char **v = calloc(cap + 1, sizeof(char *));
	if (!v)
		return -ENOMEM;
	for (; vec_gaddr; n++) {
		uint64_t p;
		if (guest_copy_in(&t->mem, &p, vec_gaddr + n * 8, 8) < 0)
			goto fault;
		if (!p)
			break;
		if (n == cap) {
			char **nv = realloc(v, (cap * 2 + 1) * sizeof(char *));
			if (!nv)
				goto nomem;
			v = nv;
			cap *= 2;
		}
		char *s = malloc(MAX_ARG_STRLEN);
		if (!s)
			goto nomem;
		long len = guest_strncpy_in(&t->mem, s, p, MAX_ARG_STRLEN);
		if (len < 0) {
			free(s);
			v[n] = NULL;
			strv_free(v);
			return len == -ENAMETOOLONG ? -E2BIG : len;
		}
		v[n] = realloc(s, len + 1) ?: s;
		*total += len + 1 + 8;
		if (*total > MAX_ARGS_TOTAL) {
			v[n + 1] = NULL;
			strv_free(v);
			return -E2BIG;
		}
	}
	v[n] = NULL;
	*out = v;
	return (long)n;
fault:
	v[n] = NULL;
	strv_free(v);
	return -EFAULT;
nomem:
	v[n] = NULL;
	strv_free(v);
	return -ENOMEM;
}

static char **strv_dup(char *const src[])
{
	size_t n = 0;
	while (src && src[n])
		n++;
	char **v = calloc(n + 1, sizeof(char *));
	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!(v[i] = strdup(src[i]))) {
			strv_free(v);
			return NULL;
		}
	return v;
}

/* Reads and checks the ELF header and program headers of @b->file. */
static int elf_read(struct exec_binary *b, bool is_interp)
{
	ssize_t n = vfs_file_pread(b->file, &b->ehdr, sizeof(b->ehdr), 0);
	if (n < 0)
		return (int)n;
	if (n < (ssize_t)sizeof(b->ehdr) || memcmp(b->ehdr.e_ident, ELFMAG, SELFMAG))
		return -ENOEXEC;
	if (b->ehdr.e_ident[EI_CLASS] != ELFCLASS64 || b->ehdr.e_machine != EM_X86_64 ||
	    (b->ehdr.e_type != ET_EXEC && b->ehdr.e_type != ET_DYN) ||
	    b->ehdr.e_phentsize != sizeof(Elf64_Phdr) || b->ehdr.e_phnum == 0 ||
	    b->ehdr.e_phnum > 128)
		return is_interp ? -ELIBBAD : -ENOEXEC;
	size_t sz = (size_t)b->ehdr.e_phnum * sizeof(Elf64_Phdr);
	b->phdrs = malloc(sz);
	if (!b->phdrs)
		return -ENOMEM;
	n = vfs_file_pread(b->file, b->phdrs, sz, (off_t)b->ehdr.e_phoff);
	if (n != (ssize_t)sz)
		return n < 0 ? (int)n : -EIO;
	bool any_load = false;
	for (int i = 0; i < b->ehdr.e_phnum; i++) {
		Elf64_Phdr *p = &b->phdrs[i];
		if (p->p_type != PT_LOAD)
			continue;
		any_load = true;
		if (p->p_filesz > p->p_memsz || (p->p_vaddr & 4095) != (p->p_offset & 4095) ||
		    p->p_vaddr + p->p_memsz < p->p_vaddr || p->p_vaddr + p->p_memsz > (1ULL << 46))
			return -EINVAL;
	}
	if (!any_load)
		return -ENOEXEC;
	return 0;
}

static int resolve_binary(struct task *t, struct exec_state *es, int dirfd, const char *path,
			  int at_flags)
{
	struct vfs_ctx c;
	char hdr[256];
	char *cur_path = strdup(path);
	int r;

	if (!cur_path)
		return -ENOMEM;
	task_vfs_ctx(t, &c);
	for (int depth = 0;; depth++) {
		struct vfs_file *f = NULL;
		r = vfs_open_exec(&c, dirfd, cur_path, at_flags, &f);
		if (r < 0)
			goto out;
		ssize_t n = vfs_file_pread(f, hdr, sizeof(hdr) - 1, 0);
		if (n < 0) {
			vfs_file_put(f);
			r = (int)n;
			goto out;
		}
		hdr[n] = 0;
		if (n >= 2 && hdr[0] == '#' && hdr[1] == '!') {
			vfs_file_put(f);
			if (depth >= 4) {
				r = -ELOOP;
				goto out;
			}
			char *nl = memchr(hdr, '\n', n);
			if (!nl && n == sizeof(hdr) - 1) {
				r = -ENOEXEC;
				goto out;
			}
			if (nl)
				*nl = 0;
			char *p = hdr + 2;
			while (*p == ' ' || *p == '\t')
				p++;
			char *interp = p;
			while (*p && *p != ' ' && *p != '\t')
				p++;
			char *arg = NULL;
			if (*p) {
				*p++ = 0;
				while (*p == ' ' || *p == '\t')
					p++;
				char *e = p + strlen(p);
				while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
					*--e = 0;
				if (*p)
					arg = p;
			}
			if (!*interp) {
				r = -ENOEXEC;
				goto out;
			}
			/* argv becomes: interp [arg] path argv[1..] */
			size_t n_old = 0;
			while (es->argv[n_old])
				n_old++;
			char **nv = calloc(n_old + 3, sizeof(char *));
			if (!nv) {
				r = -ENOMEM;
				goto out;
			}
			size_t k = 0;
			nv[k++] = strdup(interp);
			if (arg)
				nv[k++] = strdup(arg);
			nv[k++] = strdup(cur_path);
			for (size_t i = 1; i < n_old; i++)
				nv[k++] = es->argv[i];
			if (n_old)
				free(es->argv[0]);
			free(es->argv);
			es->argv = nv;
			free(cur_path);
			cur_path = strdup(interp);
			if (!cur_path)
				return -ENOMEM;
			dirfd = AT_FDCWD;
			at_flags = 0;
			continue;
		}
		es->exe.file = f;
		r = elf_read(&es->exe, false);
		if (r < 0)
			goto out;
		break;
	}
	snprintf(es->exe_path, sizeof(es->exe_path), "%s", cur_path);
	vfs_file_path(es->exe.file, t->tg->fs, es->exe_path, sizeof(es->exe_path));
	for (int i = 0; i < es->exe.ehdr.e_phnum; i++) {
		Elf64_Phdr *p = &es->exe.phdrs[i];
		if (p->p_type != PT_INTERP)
			continue;
		if (p->p_filesz < 2 || p->p_filesz > 4096) {
			r = -ENOEXEC;
			goto out;
		}
		char ipath[4097];
		if (vfs_file_pread(es->exe.file, ipath, p->p_filesz, (off_t)p->p_offset) !=
		    (ssize_t)p->p_filesz) {
			r = -EIO;
			goto out;
		}
		ipath[p->p_filesz] = 0;
		r = vfs_open_exec(&c, AT_FDCWD, ipath, 0, &es->interp.file);
		if (r < 0)
			goto out;
		r = elf_read(&es->interp, true);
		if (r < 0)
			goto out;
		break;
	}
	r = 0;
out:
	free(cur_path);
	return r;
}

static int exec_prepare(struct task *t, struct exec_state *es, int dirfd, const char *path,
			int at_flags)
{
	int r = resolve_binary(t, es, dirfd, path, at_flags);
	if (r < 0)
		return r;
	if (vfs_file_host_fd(es->exe.file, false) < 0 ||
	    (es->interp.file && vfs_file_host_fd(es->interp.file, false) < 0))
		return -EACCES;
	snprintf(es->execfn, sizeof(es->execfn), "%s", path);
	return 0;
}

/* Rewrites @t's trapped syscall into execveat(STUB_LOADER_FD, "", …, AT_EMPTY_PATH). */
static long exec_into_loader(struct task *t)
{
	struct {
		uint64_t argv[2];
		uint64_t envp[1];
		char empty[8];
		char name[16];
	} img;
	uint64_t base = STUB_SCRATCH_ADDR;
	memset(&img, 0, sizeof(img));
	img.argv[0] = base + offsetof(__typeof__(img), name);
	strcpy(img.name, "cvisor-stub");
	if (guest_copy_out(&t->mem, base, &img, sizeof(img)) < 0)
		return -EFAULT;
	t->regs.r.orig_rax = SYS_execveat;
	t->regs.r.rdi = STUB_LOADER_FD;
	t->regs.r.rsi = base + offsetof(__typeof__(img), empty);
	t->regs.r.rdx = base + offsetof(__typeof__(img), argv);
	t->regs.r.r10 = base + offsetof(__typeof__(img), envp);
	t->regs.r.r8 = AT_EMPTY_PATH;
	t->regs_dirty = true;
	return SYSRET_PASS;
}

long exec_start(struct task *t, int dirfd, const char *path, uint64_t argv_gaddr,
		uint64_t envp_gaddr, int flags)
{
	struct exec_state *es = calloc(1, sizeof(*es));
	size_t total = 0;
	long r;

	if (!es)
		return -ENOMEM;
	r = copy_strv(t, argv_gaddr, &es->argv, &total);
	if (r < 0)
		goto fail;
	r = copy_strv(t, envp_gaddr, &es->envp, &total);
	if (r < 0)
		goto fail;
	r = exec_prepare(t, es, dirfd, path, flags);
	if (r < 0)
		goto fail;
	exec_state_free(t->exec);
	t->exec = es;
	return exec_into_loader(t);
fail:
	exec_state_free(es);
	return r;
}

int exec_start_init(struct task *t, const char *path, char *const argv[], char *const envp[])
{
	struct exec_state *es = calloc(1, sizeof(*es));
	int r;
	if (!es)
		return -ENOMEM;
	es->argv = strv_dup(argv);
	es->envp = strv_dup(envp);
	if (!es->argv || !es->envp) {
		exec_state_free(es);
		return -ENOMEM;
	}
	r = exec_prepare(t, es, AT_FDCWD, path, 0);
	if (r < 0) {
		exec_state_free(es);
		return r;
	}
	es->boot = true;
	t->exec = es;
	return 0;
}

void exec_on_host_exec(struct task *t, pid_t former_tid)
{
	struct thread_group *tg = t->tg;
	struct task *o, *tmp;

	/* The host reports a non-leader's exec under the leader's tid (ptrace(2)): @t is
	 * then the old leader, and the task that exec'd is the one with @former_tid. */
	if (former_tid > 0 && former_tid != t->host_tid) {
		struct task *x = task_by_host_tid(former_tid);
		if (x && x->tg == tg)
			t = x;
	}

	/* Every other thread is gone; if a non-leader exec'd it now has the leader's tid. */
	list_for_each_entry_safe(o, tmp, &tg->threads, tg_link) {
		if (o == t)
			continue;
		if (o->state != TASK_DEAD) {
			o->state = TASK_DEAD;
			live_host_threads--;
			tg->nlive--;
		}
		task_free(o);
	}
	tg->leader = t;
	if (t->host_tid != tg->host_pid) {
		task_rehash(t, tg->host_pid);
		int old_tid = t->vtid;
		t->vtid = tg->vpid;
		pidns_release(old_tid); /* its numbers in nested pid namespaces */
	}
	guest_mem_release(&t->mem); /* /proc/<tid>/mem follows the old mm */
	guest_mem_init(&t->mem, t->host_tid);
	t->state = TASK_EXEC_LOADING;
	plat->resume(t->host_tid, 0);
}
