#!/bin/bash
# The Sentry under valgrind (memcheck): two workloads under `cvisor do` must give the right
# output with no invalid access and no definite leak (valgrind exit 99 = errors).
#
# Why a shim: the stub's first moments run in a fork of the Sentry (platform/ptrace/ptrace.c
# stub_child), so under valgrind they are simulated. valgrind 3.19 does not implement
# seccomp(2) (syscall 317: ENOSYS, stub exits 126), and even through prctl(PR_SET_SECCOMP)
# the filter would then catch valgrind's own syscalls before the exec. So, for this test
# only, an LD_PRELOAD shim records the filter (seccomp_export_bpf) and, at the child's
# PTRACE_TRACEME, execs a tiny native starter that does the rest of stub_child (TRACEME,
# SIGSTOP, caps, no_new_privs, filter, execveat of the loader). Everything the Sentry
# itself does stays under valgrind. The workloads touch only this script's temp dir.
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/cvisor-vg-XXXXXX)
trap 'rm -rf "$W"' EXIT

vg_setup() {
	command -v valgrind >/dev/null || { echo "valgrind not installed"; return 1; }
	command -v cc >/dev/null || { echo "no C compiler for the stub starter shim"; return 1; }
	cat >"$W/shim.c" <<'SHIM'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>
static char *bpf;
static off_t bpf_len;
int seccomp_export_bpf(void *ctx, int fd)
{
	int (*real)(void *, int) = (int (*)(void *, int))dlsym(RTLD_NEXT, "seccomp_export_bpf");
	int r = real(ctx, fd);
	off_t n = r < 0 ? -1 : lseek(fd, 0, SEEK_END);
	if (n > 0 && (bpf = realloc(bpf, n)) && pread(fd, bpf, n, 0) == n)
		bpf_len = n;
	return r;
}
long ptrace(enum __ptrace_request req, ...)
{
	va_list ap;
	va_start(ap, req);
	long pid = va_arg(ap, long), addr = va_arg(ap, long), data = va_arg(ap, long);
	va_end(ap);
	if (req == PTRACE_TRACEME && bpf_len > 0 && getenv("CVISOR_VG_STARTER")) {
		int fd = memfd_create("vg-filter", 0);
		if (fd >= 0 && write(fd, bpf, bpf_len) == bpf_len) {
			char arg[16];
			snprintf(arg, sizeof(arg), "%d", fd);
			char *argv[] = { getenv("CVISOR_VG_STARTER"), arg, NULL }, *envp[] = { NULL };
			execve(argv[0], argv, envp);
		}
		_exit(126);
	}
	return syscall(SYS_ptrace, req, pid, addr, data);
}
SHIM
	cat >"$W/starter.c" <<'STARTER'
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "platform/stub_layout.h"
int main(int argc, char **argv)
{
	static char *const sargv[] = { "cvisor-stub", NULL }, *const senvp[] = { NULL };
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	struct stat st;
	int fd = argc > 1 ? atoi(argv[1]) : -1;
	if (fd < 0 || fstat(fd, &st) < 0)
		_exit(126);
	struct sock_filter *f = malloc(st.st_size);
	if (!f || pread(fd, f, st.st_size, 0) != st.st_size)
		_exit(126);
	close(fd);
	struct sock_fprog prog = { .len = st.st_size / sizeof(*f), .filter = f };
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		_exit(126);
	raise(SIGSTOP);
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	if (syscall(SYS_capset, &hdr, data) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		_exit(126);
	syscall(SYS_execveat, STUB_LOADER_FD, "", sargv, senvp, AT_EMPTY_PATH);
	_exit(127);
}
STARTER
	local top
	top=$(cd "$(dirname "$0")/../.." && pwd)
	cc -shared -fPIC -O2 -o "$W/shim.so" "$W/shim.c" -ldl 2>&1 &&
		cc -static -O2 -I"$top" -o "$W/starter" "$W/starter.c" 2>&1
}

# vg_run NAME EXPECTED_OUTPUT SCRIPT: SCRIPT by /bin/sh under `cvisor do` under valgrind.
vg_run() {
	local name=$1 want=$2 out rc errs
	out=$(CVISOR_VG_STARTER="$W/starter" LD_PRELOAD="$W/shim.so" timeout 50 valgrind \
		--error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--trace-children=no -q "$CVISOR" do -- /bin/sh -c "$3" 2>"$W/vg.log")
	rc=$?
	errs=$(grep -A12 -E 'Invalid|uninitialised|definitely lost|Mismatched|overlap|unaddressable' \
		"$W/vg.log" | head -60)
	if [ $rc -eq 99 ]; then
		t_fail "$name: valgrind found errors" "$errs"
	elif [ $rc -ne 0 ] || [ "$out" != "$want" ]; then
		t_fail "$name: exit $rc" "want '$want'; got '$out'
$(grep -v -E '^==[0-9]+==|^--[0-9]+--' "$W/vg.log" | head -20)"
	else
		t_ok "$name"
	fi
}

if ! why=$(vg_setup); then
	t_fail "valgrind setup" "$why"
	t_done
	exit
fi

vg_run "sh redirects, mkdir, mv, rm -r, pipe" "hi" \
	'echo hi > /tmp/v; cat /tmp/v; ls / >/dev/null; mkdir -p /tmp/d/e; mv /tmp/v /tmp/d/w; rm -r /tmp/d; true | cat'

# Host files the overlay copies up, renames over, links and removes (the host copy stays).
printf 'one\n' >"$W/f1"
printf 'two\n' >"$W/f2"
vg_run "ls, find, copy-up, rename over existing, link, unlink" "a
one
x
one
x
f1
h" "ls -la /usr/bin >/dev/null; find /etc -maxdepth 1 >/dev/null
	echo a > /tmp/vg-a; echo b > /tmp/vg-b; mv /tmp/vg-a /tmp/vg-b; cat /tmp/vg-b
	chmod 600 $W/f1; echo x >> $W/f1; mv $W/f1 $W/f2; cat $W/f2
	ln $W/f2 $W/h; rm $W/f2; cat $W/h; mv $W/h $W/f1; ln $W/f1 $W/h; ls $W | grep -E '^(f[12]|h)\$'"
if [ "$(cat "$W/f1" "$W/f2")" == "$(printf 'one\ntwo')" ] && [ ! -e "$W/h" ]; then
	t_ok "host files unchanged"
else
	t_fail "host files unchanged" "$(ls -la "$W")"
fi
t_done
