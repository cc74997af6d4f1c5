/* tests/fuzz/fuzz_elf_load.c - libFuzzer target: the ELF header and program-header checks
 * of the Sentry's exec (elf_read in sentry/exec.c, included here for its static parser)
 * on a tmpfs file holding the input. A header the checks accept must have sane PT_LOAD
 * segments (the loader, sentry/exec_load.c, maps them as they are); everything else an
 * errno. */
#include "sentry/exec.c"
#include "vfs/internal.h"
#include "vfs/fdtable.h"
#include "vfs/fs/tmpfs.h"
#include "vfs/ops.h"
#include "vfs/vfs.h"

static struct vfs_ctx fctx;
static struct vfs_cred fcred;

static void setup(void)
{
	struct vfs_sb *sb;
	if (tmpfs_create_sb(0, "mode=0755", &sb))
		abort();
	struct vfs_mount *m = vfs_mount_new(sb, sb->root, 0);
	vfs_sb_kill(sb);
	fctx.fs = vfs_fs_ctx_new(vfs_mntns_new(m));
	fctx.fdt = vfs_fdtable_new();
	fcred.cap_effective = ~0ULL;
	fctx.cred = &fcred;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exec_binary b;
	struct vfs_file *f;
	if (!fctx.fs)
		setup();
	if (vfs_openat(&fctx, AT_FDCWD, "/elf", O_RDWR | O_CREAT | O_TRUNC, 0755, 0, &f, NULL))
		abort();
	if (size && vfs_file_pwrite(f, data, size, 0) != (ssize_t)size)
		abort();
	memset(&b, 0, sizeof(b));
	b.file = f;
	if (elf_read(&b, size & 1) == 0) {
		for (int i = 0; i < b.ehdr.e_phnum; i++) {
			const Elf64_Phdr *p = &b.phdrs[i];
			if (p->p_type == PT_LOAD &&
			    (p->p_filesz > p->p_memsz || p->p_vaddr + p->p_memsz > (1ULL << 46)))
				abort(); /* accepted a segment the loader would map wrongly */
		}
	}
	free(b.phdrs);
	vfs_file_put(f);
	return 0;
}
