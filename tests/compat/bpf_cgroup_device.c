/* bpf_cgroup_device.c - a BPF_PROG_TYPE_CGROUP_DEVICE program like runc's (default deny;
 * mknod of any char device, /dev/zero rwm, /dev/full read) attached to a new cgroup:
 * opens, access(2) and mknod by a process in that cgroup follow it (EPERM), the test's own
 * process outside is unaffected; fdinfo and BPF_OBJ_GET_INFO_BY_FD describe the program;
 * query, detach (then everything opens again), detach twice (ENOENT). */
/* syscalls: bpf openat mknodat faccessat */
#include "tap.h"
#include "cgroup_setup.h"
#include "bpf_util.h"
#include <sys/sysmacros.h>

#define NCHECKS 9

/* In a child moved into @cg: each access's errno (0: allowed) into @res. */
static void checks_in(const char *cg, int res[NCHECKS])
{
	int p[2];
	if (pipe(p) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		int r[NCHECKS];
		close(p[0]);
		if (cg_move(cg, getpid()) < 0)
			_exit(2);
		const char *dir = tap_tmpdir();
		char node[256], blk[256];
		snprintf(node, sizeof(node), "%s/null-%d", dir, (int)getpid());
		snprintf(blk, sizeof(blk), "%s/loop-%d", dir, (int)getpid());
		int fd;
#define TRY(i, expr) (errno = 0, r[i] = (expr) < 0 ? errno : 0)
		TRY(0, fd = open("/dev/null", O_RDWR));
		TRY(1, fd = open("/dev/null", O_RDONLY));
		TRY(2, fd = open("/dev/zero", O_RDWR));
		TRY(3, fd = open("/dev/full", O_RDONLY));
		TRY(4, fd = open("/dev/full", O_WRONLY));
		TRY(5, access("/dev/null", R_OK));
		TRY(6, mknod(node, S_IFCHR | 0600, makedev(1, 3)));
		TRY(7, fd = open(node, O_RDONLY));
		TRY(8, mknod(blk, S_IFBLK | 0600, makedev(7, 0)));
		(void)fd;
		unlink(node);
		unlink(blk);
		(void)!write(p[1], r, sizeof(r));
		_exit(0);
	}
	close(p[1]);
	for (int i = 0; i < NCHECKS; i++)
		res[i] = -1;
	(void)!read(p[0], res, sizeof(int) * NCHECKS);
	close(p[0]);
	tap_wait(pid);
}

static int query(int cgfd, uint32_t *ids, uint32_t max, uint32_t *flags)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.query.target_fd = cgfd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uintptr_t)ids;
	a.query.prog_cnt = max;
	if (bpf_sys(BPF_PROG_QUERY, &a) < 0)
		return -1;
	*flags = a.query.attach_flags;
	return (int)a.query.prog_cnt;
}

static int attach(int cgfd, int prog, int type, uint32_t flags)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.target_fd = cgfd;
	a.attach_bpf_fd = prog;
	a.attach_type = type;
	a.attach_flags = flags;
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

/* The "prog_type:", "prog_id:" and "prog_tag:" lines of /proc/self/fdinfo/@fd. */
static bool fdinfo(int fd, unsigned *type, unsigned *id, char tag[17])
{
	char p[64], buf[1024];
	snprintf(p, sizeof(p), "/proc/self/fdinfo/%d", fd);
	if (tap_read_file(p, buf, sizeof(buf)) < 0)
		return false;
	char *t = strstr(buf, "prog_type:"), *i = strstr(buf, "prog_id:"),
	     *g = strstr(buf, "prog_tag:");
	return t && i && g && sscanf(t, "prog_type: %u", type) == 1 &&
	       sscanf(i, "prog_id: %u", id) == 1 && sscanf(g, "prog_tag: %16s", tag) == 1;
}

int main(void)
{
	TAP_PLAN(28);
	const char *test = cg_setup();
	const char *dev = cg_mkdir(test, "dev");
	if (!dev) {
		printf("Bail out! mkdir dev: %s\n", strerror(errno));
		return 1;
	}
	static const struct bpf_dev_rule rules[] = {
	    {'c', -1, -1, "m", true},
	    {'c', 1, 5, "rwm", true},
	    {'c', 1, 7, "r", true},
	};
	struct bpf_insn insns[64];
	int n = bpf_runc_devfilter(rules, 3, false, insns);
	char log[4096];
	int prog = bpf_load(BPF_PROG_TYPE_CGROUP_DEVICE, insns, (uint32_t)n, log, sizeof(log));
	if (!TAP_OK(prog >= 0, "runc's device filter (%d insns) loads", n))
		TAP_DIAG("verifier: %s", log);
	struct bpf_prog_info info;
	TAP_OK(bpf_info(prog, &info) == 0 && info.type == BPF_PROG_TYPE_CGROUP_DEVICE &&
		   info.id > 0 && info.xlated_prog_len == n * sizeof(struct bpf_insn),
	       "BPF_OBJ_GET_INFO_BY_FD: type, id, insns");
	unsigned ftype = 0, fid = 0;
	char ftag[17] = "", itag[17];
	for (int i = 0; i < 8; i++)
		snprintf(itag + 2 * i, 3, "%02x", info.tag[i]);
	TAP_OK(fdinfo(prog, &ftype, &fid, ftag) && ftype == BPF_PROG_TYPE_CGROUP_DEVICE &&
		   fid == info.id && !strcmp(ftag, itag),
	       "fdinfo: prog_type %u, prog_id %u, prog_tag %s = info's", ftype, fid, ftag);
	char link[64], target[64] = "";
	snprintf(link, sizeof(link), "/proc/self/fd/%d", prog);
	TAP_OK(readlink(link, target, sizeof(target) - 1) > 0 &&
		   !strcmp(target, "anon_inode:bpf-prog"),
	       "the fd is anon_inode:bpf-prog (%s)", target);

	int cgfd = open(dev, O_RDONLY | O_DIRECTORY);
	uint32_t ids[4] = {0}, flags = 99;
	TAP_OK(query(cgfd, ids, 4, &flags) == 0 && flags == 0, "query: nothing attached yet");
	TAP_OK(attach(cgfd, prog, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI) == 0,
	       "BPF_PROG_ATTACH with BPF_F_ALLOW_MULTI");
	TAP_OK(query(cgfd, ids, 4, &flags) == 1 && ids[0] == info.id && flags == BPF_F_ALLOW_MULTI,
	       "query: the program's id and the attach flags");

	int r[NCHECKS];
	checks_in(dev, r);
	TAP_OK(r[0] == EPERM, "inside: open /dev/null O_RDWR is EPERM (%d)", r[0]);
	TAP_OK(r[1] == EPERM, "inside: open /dev/null O_RDONLY is EPERM (%d)", r[1]);
	TAP_OK(r[2] == 0, "inside: open /dev/zero O_RDWR is allowed (%d)", r[2]);
	TAP_OK(r[3] == 0, "inside: open /dev/full O_RDONLY is allowed (%d)", r[3]);
	TAP_OK(r[4] == EPERM, "inside: open /dev/full O_WRONLY is EPERM (%d)", r[4]);
	TAP_OK(r[5] == EPERM, "inside: access(/dev/null, R_OK) is EPERM (%d)", r[5]);
	TAP_OK(r[6] == 0, "inside: mknod c 1 3 is allowed (c *:* m) (%d)", r[6]);
	TAP_OK(r[7] == EPERM, "inside: opening that new 1:3 node is EPERM (%d)", r[7]);
	TAP_OK(r[8] == EPERM, "inside: mknod b 7 0 is EPERM (%d)", r[8]);
	int fd = open("/dev/null", O_RDWR);
	TAP_OK(fd >= 0, "outside the cgroup: open /dev/null is allowed");
	close(fd);

	/* a child cgroup inherits the program: it is effective there */
	const char *sub = cg_mkdir(dev, "sub");
	int subfd = sub ? open(sub, O_RDONLY | O_DIRECTORY) : -1;
	union bpf_attr q;
	memset(&q, 0, sizeof(q));
	q.query.target_fd = subfd;
	q.query.attach_type = BPF_CGROUP_DEVICE;
	q.query.query_flags = BPF_F_QUERY_EFFECTIVE;
	q.query.prog_ids = (uintptr_t)ids;
	q.query.prog_cnt = 4;
	ids[0] = 0;
	TAP_OK(bpf_sys(BPF_PROG_QUERY, &q) == 0 && q.query.prog_cnt == 1 && ids[0] == info.id,
	       "a child cgroup's effective programs: the parent's");
	checks_in(sub, r);
	TAP_OK(r[0] == EPERM && r[2] == 0,
	       "inside the child cgroup: /dev/null EPERM, /dev/zero ok");

	TAP_ERRNO(attach(cgfd, prog, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI), EINVAL,
		  "attaching the same program twice (multi) is EINVAL");
	TAP_ERRNO(attach(cgfd, prog, BPF_CGROUP_INET_INGRESS, 0), EINVAL,
		  "a device program at BPF_CGROUP_INET_INGRESS is EINVAL");
	int nul = open("/dev/null", O_RDONLY);
	TAP_ERRNO(attach(nul, prog, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI | BPF_F_REPLACE), EBADF,
		  "attaching to /dev/null (runc's BPF_F_REPLACE probe) is EBADF");
	TAP_ERRNO(attach(cgfd, nul, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI), EINVAL,
		  "attaching a non-program fd is EINVAL");
	close(nul);

	TAP_OK(detach(cgfd, prog) == 0, "BPF_PROG_DETACH");
	TAP_OK(query(cgfd, ids, 4, &flags) == 0 && flags == 0, "query: nothing attached again");
	checks_in(dev, r);
	TAP_OK(r[0] == 0 && r[4] == 0 && r[8] == 0,
	       "after detach: /dev/null, /dev/full O_WRONLY, mknod b open again");
	TAP_ERRNO(detach(cgfd, prog), ENOENT, "detaching it again is ENOENT");
	TAP_ERRNO(detach(prog, prog), EBADF, "detaching from a non-cgroup fd is EBADF");
	close(subfd);
	close(cgfd);
	close(prog);
	return TAP_DONE();
}
