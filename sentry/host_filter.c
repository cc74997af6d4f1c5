/* sentry/host_filter.c - generates the Sentry's own seccomp filter from
 * sentry/host_syscalls.def, installs it, reports violations in the debug mode, and prints
 * the list (`cvisor syscalls --host`).
 *
 * Owns the filter's shape (default action, argument tests, other ABIs), never the list:
 * a host syscall the Sentry needs is added to host_syscalls.def with its reason, nowhere
 * else. Must not run after the Sentry has started a second thread (the filter is
 * per-thread; the Sentry has one). */
#include "sentry/host_filter.h"
#include "common/log.h"
#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>

/* termios2 requests (asm-generic/ioctls.h needs asm/termbits.h, which clashes with
 * <termios.h>); the values vfs/tty.c passes to the host terminal. */
#undef TCGETS2
#undef TCSETS2
#undef TCSETSW2
#undef TCSETSF2
#define TCGETS2 0x802C542AU
#define TCSETS2 0x402C542BU
#define TCSETSW2 0x402C542CU
#define TCSETSF2 0x402C542DU

enum { M_ALL = 0, M_NIC = 1 << HOST_NET_SANDBOX, M_HOSTNET = 1 << HOST_NET_HOST, M_TRAP = 1 << 4 };
#define M_NETS (M_NIC | M_HOSTNET)
enum { OP_ANY, OP_EQ, OP_NOEXEC };

struct host_entry {
	const char *name;
	int nr;
	int modes; /* M_ALL, or the M_* of the network modes that need it, | M_TRAP: only on
		    * --platform=seccomp-trap */
	int arg, op;
	uint64_t value;
	const char *value_name;
	const char *reason;
};

#define ALL M_ALL
#define NIC M_NIC
#define HOSTNET M_HOSTNET
#define TRAP M_TRAP
#define EQ OP_EQ
#define NOEXEC OP_NOEXEC
#define HOST(name, modes, reason) {#name, __NR_##name, modes, 0, OP_ANY, 0, NULL, reason},
#define HOST_IF(name, modes, arg, op, value, reason)                                               \
	{#name, __NR_##name, modes, arg, op, (uint64_t)(value), #value, reason},
static const struct host_entry host_list[] = {
#include "sentry/host_syscalls.def"
};
#undef HOST
#undef HOST_IF
#undef ALL
#undef NIC
#undef HOSTNET
#undef TRAP
#undef EQ
#undef NOEXEC
#define N_HOST (sizeof(host_list) / sizeof(host_list[0]))

static bool in_mode(const struct host_entry *e, enum host_net net, enum host_plat pl)
{
	if ((e->modes & M_TRAP) && pl != HOST_PLAT_TRAP)
		return false;
	return !(e->modes & M_NETS) || (e->modes & (1 << net));
}

/* Whether @name has an unconditional entry in @net and @pl (its conditional ones are
 * then moot). */
static bool has_plain(const char *name, enum host_net net, enum host_plat pl)
{
	for (size_t i = 0; i < N_HOST; i++)
		if (in_mode(&host_list[i], net, pl) && host_list[i].op == OP_ANY &&
		    !strcmp(host_list[i].name, name))
			return true;
	return false;
}

int host_filter_count(enum host_net net, enum host_plat pl)
{
	int n = 0;
	for (size_t i = 0; i < N_HOST; i++) {
		if (!in_mode(&host_list[i], net, pl))
			continue;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = in_mode(&host_list[j], net, pl) &&
			       !strcmp(host_list[j].name, host_list[i].name);
		n += !seen;
	}
	return n;
}

enum host_plat host_plat_of(const char *name)
{
	return name && !strcmp(name, "seccomp-trap") ? HOST_PLAT_TRAP : HOST_PLAT_PTRACE;
}

int host_net_parse(const char *network)
{
	if (!network || !strcmp(network, "sandbox"))
		return HOST_NET_SANDBOX;
	if (!strcmp(network, "none"))
		return HOST_NET_NONE;
	if (!strcmp(network, "host"))
		return HOST_NET_HOST;
	return -EINVAL;
}

int host_filter_action_from_env(void)
{
	const char *v = getenv("CVISOR_HOST_SECCOMP");
	if (!v || !*v)
		return log_fd() >= 0 ? HOST_FILTER_TRAP : HOST_FILTER_KILL;
	if (!strcmp(v, "kill"))
		return HOST_FILTER_KILL;
	if (!strcmp(v, "trap"))
		return HOST_FILTER_TRAP;
	if (!strcmp(v, "log"))
		return HOST_FILTER_LOG;
	if (!strcmp(v, "off"))
		return HOST_FILTER_OFF;
	fprintf(stderr, "cvisor: CVISOR_HOST_SECCOMP=%s: expected kill, trap, log or off\n", v);
	return -EINVAL;
}

/* The debug mode's SIGSYS handler: a call outside the list is a cvisor bug. Writes the
 * syscall number and the caller's address to the debug log and stderr, then dies by
 * SIGSYS (SA_RESETHAND made the action the default one; kill and getpid are listed). */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char line[256];
	int n = snprintf(line, sizeof(line),
			 "cvisor: sentry made host syscall %d (arch 0x%x) at %p, which "
			 "sentry/host_syscalls.def does not allow: a cvisor bug; dying by SIGSYS\n",
			 si->si_syscall, si->si_arch, si->si_call_addr);
	if (log_fd() >= 0)
		(void)!write(log_fd(), line, n);
	(void)!write(2, line, n);
	syscall(SYS_kill, syscall(SYS_getpid), SIGSYS);
}

static int add_entry(scmp_filter_ctx ctx, const struct host_entry *e)
{
	switch (e->op) {
	case OP_EQ:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, e->nr, 1,
					SCMP_CMP(e->arg, SCMP_CMP_EQ, e->value));
	case OP_NOEXEC:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, e->nr, 1,
					SCMP_CMP(e->arg, SCMP_CMP_MASKED_EQ, e->value, 0));
	default:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, e->nr, 0);
	}
}

int host_filter_install(enum host_net net, enum host_plat pl, enum host_filter_action action)
{
	static const uint32_t deflt[] = {[HOST_FILTER_KILL] = SCMP_ACT_KILL_PROCESS,
					 [HOST_FILTER_TRAP] = SCMP_ACT_TRAP,
					 [HOST_FILTER_LOG] = SCMP_ACT_LOG};
	scmp_filter_ctx ctx;
	int r;

	if (action == HOST_FILTER_OFF) {
		log_warn("host syscall filter off (CVISOR_HOST_SECCOMP=off): the Sentry is "
			 "not confined by seccomp");
		return 0;
	}
	if (action == HOST_FILTER_TRAP) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigsys;
		sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
		if (sigaction(SIGSYS, &sa, NULL) < 0)
			return -errno;
	}
	ctx = seccomp_init(deflt[action]);
	if (!ctx)
		return -ENOMEM;
	/* i386 (int 0x80) and x32 calls from the Sentry are never ours: die */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r == 0 && action == HOST_FILTER_LOG)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
	for (size_t i = 0; r == 0 && i < N_HOST; i++) {
		const struct host_entry *e = &host_list[i];
		if (!in_mode(e, net, pl) || (e->op != OP_ANY && has_plain(e->name, net, pl)))
			continue;
		r = add_entry(ctx, e);
		if (r == -EEXIST)
			r = 0; /* the same syscall listed for two reasons */
		if (r < 0)
			log_err("host filter: %s: cannot add the rule: errno %d", e->name, -r);
	}
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r == 0)
		log_debug("host syscall filter installed: %d syscalls (%s)", host_filter_count(net, pl),
			  action == HOST_FILTER_KILL   ? "kill"
			  : action == HOST_FILTER_TRAP ? "trap"
						       : "log only");
	return r;
}

static const char *mode_label(int modes)
{
	modes &= M_NETS;
	if (modes == M_ALL)
		return "all";
	return modes == M_NIC ? "sandbox" : modes == M_HOSTNET ? "host" : "sandbox,host";
}

void host_filter_print(FILE *out, enum host_net net, enum host_plat pl, int markdown)
{
	static const char *const net_names[] = {"none", "sandbox", "host"};
	static const char *const plat_names[] = {"ptrace", "seccomp-trap"};
	char cond[96];

	if (markdown)
		fprintf(out, "# Host syscalls of the Sentry\n\nGenerated from "
			     "`sentry/host_syscalls.def` by `cvisor syscalls --host --markdown` "
			     "(`make docs`). Do not edit by hand; see docs/security.md. Lines "
			     "marked seccomp-trap apply only to `--platform=seccomp-trap`.\n\n"
			     "| syscall | allowed when | network | platform | why |\n"
			     "|---|---|---|---|---|\n");
	else
		fprintf(out, "%-18s %-34s %-8s %-12s %s\n", "SYSCALL", "ALLOWED WHEN", "NETWORK",
			"PLATFORM", "WHY");
	for (size_t i = 0; i < N_HOST; i++) {
		const struct host_entry *e = &host_list[i];
		/* the markdown page lists both platforms' lines (the column tells them apart) */
		if (!in_mode(e, net, markdown ? HOST_PLAT_TRAP : pl))
			continue;
		if (e->op == OP_EQ)
			snprintf(cond, sizeof(cond), "arg%d == %s", e->arg, e->value_name);
		else if (e->op == OP_NOEXEC)
			snprintf(cond, sizeof(cond), "!(arg%d & %s)", e->arg, e->value_name);
		else
			snprintf(cond, sizeof(cond), "any arguments");
		const char *pname = e->modes & M_TRAP ? "seccomp-trap" : "both";
		if (markdown)
			fprintf(out, "| %s | %s | %s | %s | %s |\n", e->name, cond,
				mode_label(e->modes), pname, e->reason);
		else
			fprintf(out, "%-18s %-34s %-8s %-12s %s\n", e->name, cond,
				mode_label(e->modes), pname, e->reason);
	}
	if (markdown)
		fputc('\n', out);
	for (int p = HOST_PLAT_PTRACE; p <= HOST_PLAT_TRAP; p++) {
		if (p != (int)pl && !markdown)
			continue;
		fprintf(out,
			"%d host syscalls for --network=%s --platform=%s (--network=none: %d, "
			"sandbox: %d, host: %d)%s\n",
			host_filter_count(net, p), net_names[net], plat_names[p],
			host_filter_count(HOST_NET_NONE, p), host_filter_count(HOST_NET_SANDBOX, p),
			host_filter_count(HOST_NET_HOST, p), markdown ? "  " : "");
	}
}
