/* bpf_cgroup_attach_flags.c - BPF_CGROUP_DEVICE attach modes as Linux defines them: flags 0
 * (one program, replaced by the next attach; children may not attach), ALLOW_OVERRIDE
 * (a child's program overrides), ALLOW_MULTI (every level's programs run, the child's
 * first; REPLACE swaps one), the invalid combinations, query with a short array (ENOSPC)
 * and effective queries; a deny-all program of a parent denies even under an allow-all
 * program of the child; rmdir of a cgroup with programs attached works. */
/* syscalls: bpf openat */
#include "tap.h"
#include "cgroup_setup.h"
#include "bpf_util.h"

static int attach(int cgfd, int prog, uint32_t flags, int replace)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.target_fd = cgfd;
	a.attach_bpf_fd = prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = flags;
	a.replace_bpf_fd = replace;
	return (int)bpf_sys(BPF_PROG_ATTACH, &a);
}

static int detach(int cgfd, int prog)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.target_fd = cgfd;
	a.attach_bpf_fd = prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	return (int)bpf_sys(BPF_PROG_DETACH, &a);
}

/* Query (@effective) into @ids (@max): the count, or -1; *@flags the attach flags. */
static int query(int cgfd, bool effective, uint32_t *ids, uint32_t max, uint32_t *flags)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.query.target_fd = cgfd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.query_flags = effective ? BPF_F_QUERY_EFFECTIVE : 0;
	a.query.prog_ids = (uintptr_t)ids;
	a.query.prog_cnt = max;
	long r = bpf_sys(BPF_PROG_QUERY, &a);
	if (flags)
		*flags = a.query.attach_flags;
	return r < 0 ? -1 : (int)a.query.prog_cnt;
}

/* errno of opening /dev/zero from a child moved into @cg (0: allowed). */
static int open_in(const char *cg)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (cg_move(cg, getpid()) < 0)
			_exit(100);
		int fd = open("/dev/zero", O_RDONLY);
		_exit(fd >= 0 ? 0 : errno);
	}
	int st = tap_wait(pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(void)
{
	TAP_PLAN(25);
	const char *test = cg_setup();
	const char *par = cg_mkdir(test, "p"), *kid = par ? cg_mkdir(par, "c") : NULL;
	if (!kid) {
		printf("Bail out! mkdir: %s\n", strerror(errno));
		return 1;
	}
	const struct bpf_insn allow[] = {BI_MOV64_IMM(0, 1), BI_EXIT()};
	const struct bpf_insn deny[] = {BI_MOV64_IMM(0, 0), BI_EXIT()};
	int A = bpf_load(BPF_PROG_TYPE_CGROUP_DEVICE, allow, 2, NULL, 0);
	int B = bpf_load(BPF_PROG_TYPE_CGROUP_DEVICE, deny, 2, NULL, 0);
	uint32_t a_id = bpf_id(A), b_id = bpf_id(B), ids[4], flags;
	TAP_OK(A >= 0 && B >= 0 && a_id && b_id && a_id != b_id, "two programs, two ids");
	int P = open(par, O_RDONLY | O_DIRECTORY), C = open(kid, O_RDONLY | O_DIRECTORY);

	/* flags 0 */
	TAP_OK(attach(P, A, 0, 0) == 0, "attach A to the parent with flags 0");
	TAP_OK(attach(P, B, 0, 0) == 0 && query(P, false, ids, 4, &flags) == 1 && ids[0] == b_id &&
		   flags == 0,
	       "attaching B with flags 0 replaces A");
	TAP_ERRNO(attach(P, A, BPF_F_ALLOW_MULTI, 0), EPERM,
		  "ALLOW_MULTI over a flags-0 program is EPERM");
	TAP_ERRNO(attach(C, A, 0, 0), EPERM, "a child of a flags-0 parent may not attach");
	TAP_OK(open_in(kid) == EPERM, "the parent's deny-all program denies in the child");
	TAP_OK(detach(P, A) == 0 && query(P, false, ids, 4, &flags) == 0,
	       "detach in flags-0 mode takes whatever is attached");

	/* ALLOW_OVERRIDE */
	TAP_OK(attach(P, B, BPF_F_ALLOW_OVERRIDE, 0) == 0 && attach(C, A, 0, 0) == 0,
	       "a child may attach under ALLOW_OVERRIDE");
	TAP_OK(query(C, true, ids, 4, &flags) == 1 && ids[0] == a_id && flags == 0,
	       "the child's effective programs: its own only");
	TAP_OK(open_in(kid) == 0 && open_in(par) == EPERM,
	       "the child's allow-all overrides; the parent still denies");
	TAP_OK(detach(C, -1) == 0 && detach(P, -1) == 0,
	       "flags 0 / ALLOW_OVERRIDE detach with an invalid fd");

	/* ALLOW_MULTI */
	TAP_OK(attach(P, B, BPF_F_ALLOW_MULTI, 0) == 0 && attach(C, A, BPF_F_ALLOW_MULTI, 0) == 0,
	       "ALLOW_MULTI at both levels");
	TAP_OK(query(C, true, ids, 4, &flags) == 2 && ids[0] == a_id && ids[1] == b_id,
	       "effective: the child's program, then the parent's");
	TAP_OK(open_in(kid) == EPERM, "a parent's deny-all denies under the child's allow-all");
	union bpf_attr q;
	memset(&q, 0, sizeof(q));
	q.query.target_fd = C;
	q.query.attach_type = BPF_CGROUP_DEVICE;
	q.query.query_flags = BPF_F_QUERY_EFFECTIVE;
	q.query.prog_ids = (uintptr_t)ids;
	q.query.prog_cnt = 1;
	TAP_ERRNO(bpf_sys(BPF_PROG_QUERY, &q), ENOSPC, "query with room for 1 of 2: ENOSPC");
	TAP_OK(q.query.prog_cnt == 2, "... and prog_cnt says 2");
	TAP_ERRNO(attach(C, A, BPF_F_ALLOW_MULTI | BPF_F_ALLOW_OVERRIDE, 0), EINVAL,
		  "ALLOW_MULTI | ALLOW_OVERRIDE is EINVAL");
	TAP_ERRNO(attach(C, B, BPF_F_REPLACE, A), EINVAL, "REPLACE without ALLOW_MULTI is EINVAL");
	TAP_ERRNO(attach(C, B, BPF_F_ALLOW_MULTI | BPF_F_REPLACE, B), ENOENT,
		  "REPLACE of a program not attached there is ENOENT");
	TAP_OK(attach(C, B, BPF_F_ALLOW_MULTI | BPF_F_REPLACE, A) == 0 &&
		   query(C, false, ids, 4, &flags) == 1 && ids[0] == b_id &&
		   flags == BPF_F_ALLOW_MULTI,
	       "REPLACE swaps A for B");
	TAP_ERRNO(detach(C, P), EINVAL, "multi detach without a program fd is EINVAL");
	TAP_ERRNO(detach(C, A), ENOENT, "multi detach of a program not attached is ENOENT");
	q.query.prog_cnt = 4;
	q.query.prog_attach_flags = (uintptr_t)ids;
	TAP_ERRNO(bpf_sys(BPF_PROG_QUERY, &q), EINVAL,
		  "effective query with prog_attach_flags is EINVAL");
	q.query.query_flags = 2;
	q.query.prog_attach_flags = 0;
	TAP_ERRNO(bpf_sys(BPF_PROG_QUERY, &q), EINVAL, "unknown query flags are EINVAL");
	close(C);
	TAP_OK(rmdir(kid) == 0, "rmdir of a cgroup with programs attached");
	close(P);
	close(A);
	close(B);
	return TAP_DONE();
}
