#!/bin/bash
# Debian's runc inside `cvisor do` (issue 9): a busybox bundle (busybox-static rootfs, a
# config.json from `runc spec`), `runc run` prints hello and exits 0; then `runc run -d` +
# `runc exec` (also of a process that leaves a background child) + `runc kill` + `runc
# delete`; a pids.limit that stops a fork bomb; Docker's default seccomp profile
# (fixtures/docker-default-seccomp.json, captured from this machine's dockerd by
# fixtures/capture-docker-seccomp.sh) blocking unshare and mount in the inner container.
# Everything runs in one sandbox (its writes stay in its memory); the host's mount table
# must not change. Needs root, runc, jq and
# busybox-static. Runs in a few seconds.
#
# The config edits below are what the Sentry still lacks; each names the feature that
# removes it. runc 1.1 cannot run at all without a cgroup filesystem (nor mount the
# bundle's /dev/mqueue without mqueue): where the Sentry has no cgroup2 filesystem
# (vfs/fs/cgroupfs*, issue 9) the test skips, saying so.
. "$(dirname "$0")/lib.sh"

t_require runc jq busybox
BUSYBOX=$(t_static_busybox)

W=$(mktemp -d /tmp/cvisor-runc-XXXXXX)
trap 'rm -rf "$W"' EXIT
# the mounts a leak would show (other tests may mount elsewhere on the host meanwhile)
host_mounts() { grep -E " (/tmp/cvisor-runc-[^ ]*|/sys/fs/cgroup[^ ]*|/run[^ ]*) " /proc/self/mountinfo | sort; }
BEFORE=$(host_mounts)

R=$W/bundle/rootfs
mkdir -p "$R/bin" "$R/etc" "$R/mnt"
cp "$BUSYBOX" "$R/bin/busybox"
for a in sh echo sleep cat ls hostname id true ps mount unshare; do ln -s busybox "$R/bin/$a"; done
cp "$(dirname "$0")/fixtures/docker-default-seccomp.json" "$W/docker-seccomp.json"
echo 'root:x:0:0:root:/:/bin/sh' >"$R/etc/passwd"
echo 'root:x:0:' >"$R/etc/group"

# The script the sandbox runs: prints `RESULT <name> <ok|fail> <detail>` lines.
cat >"$W/inside.sh" <<'EOF'
set -u
B=$1
DOCKER_SECCOMP=$2
res() { echo "RESULT $1 $2 $(printf '%s' "$3" | tr '\n' '|' | head -c 400)"; }
mkdir -p /sys/fs/cgroup
if ! mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null; then
	echo "NO_CGROUPFS"
	exit 0
fi
cd "$B" && runc spec || { res spec fail "runc spec failed"; exit 0; }
jq '
	.process.terminal = false
	| .process.args = ["echo", "hello"]
' config.json >config.new && mv config.new config.json
# until bpf(2) loads BPF_PROG_TYPE_CGROUP_DEVICE programs (runc 1.1 applies the device
# rules of cgroup v2 with one, and only ignores a failure when rootless): --rootless=true
RUNC="runc --root /run/runc-test"

out=$($RUNC run t1 2>&1)
rc=$?
[ $rc -eq 0 ] && [ "$(printf '%s' "$out" | grep -v 'level=')" = hello ] &&
	res run ok "" || res run fail "exit $rc: $out"

# the inner container's own view: pid 1 of its pid namespace, the spec's hostname, its
# own /proc (only its processes), a cgroup v2 line
jq '.process.args = ["sh", "-c", "echo pid=$$; hostname; ls /proc | grep -c \"^[0-9]\"; cat /proc/self/cgroup"]' \
	config.json >config.new && mv config.new config.json
out=$($RUNC run t0 2>&1 | grep -v 'level=')
want_host=$(jq -r .hostname config.json)
set -- $out
# (/proc lists sh, ls and grep: nothing of the sandbox outside the container)
[ "$1" = pid=1 ] && [ "$2" = "$want_host" ] && [ "$3" -le 3 ] && case "$4" in 0::/*) true ;; *) false ;; esac &&
	res view ok "" || res view fail "$out (want pid=1, $want_host, at most 3 processes, 0::/...)"

# the bundle's own seccomp profile, applied by the inner runc: mkdir is EPERM inside the
# inner container while the outer sandbox may mkdir
jq '.process.args = ["sh", "-c", "mkdir /tmp/x 2>&1; echo rc=$?"]
	| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
	    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}' \
	config.json >config.new && mv config.new config.json
out=$($RUNC run t3 2>&1 | grep -v 'level=')
mkdir /tmp/outer-mkdir && rmdir /tmp/outer-mkdir && outer=ok || outer=fail
case "$out" in *"Operation not permitted"*rc=1*) [ $outer = ok ] && res seccomp ok "" ||
	res seccomp fail "outer mkdir failed" ;; *) res seccomp fail "$out" ;; esac

# Docker's default profile (its real OCI form) given CAP_SYS_ADMIN: unshare and mount are
# EPERM in the inner container; the same container without the profile may do both, and
# so may the outer sandbox
try='unshare -u true 2>&1; echo unshare=$?; mount -t tmpfs none /mnt 2>&1; echo mount=$?'
jq --slurpfile p "$DOCKER_SECCOMP" --arg probe "$try" '.process.args = ["sh", "-c", $probe]
	| .process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])
	| .linux.seccomp = $p[0]' config.json >config.new && mv config.new config.json
out=$($RUNC run d1 2>&1 | grep -v 'level=')
jq 'del(.linux.seccomp)' config.json >config.new && mv config.new config.json
ctl=$($RUNC run d2 2>&1 | grep -v 'level=')
outer=$(unshare -m sh -c "mkdir -p /tmp/outer-mnt && mount -t tmpfs none /tmp/outer-mnt && unshare -u true" 2>&1 &&
	echo ok)
# (busybox: "unshare(0x4000000): Operation not permitted", "mount: permission denied")
case "$out" in *"Operation not permitted"*unshare=1*"permission denied"*mount=1)
	if [ "$(printf '%s' "$ctl" | tr '\n' ' ')" != "unshare=0 mount=0" ]; then
		res docker_seccomp fail "without the profile: $ctl"
	else
		[ "$outer" = ok ] && res docker_seccomp ok "" ||
			res docker_seccomp fail "the outer sandbox could not: $outer"
	fi ;;
*) res docker_seccomp fail "with the profile: $out" ;; esac
jq '.process.capabilities |= with_entries(.value -= ["CAP_SYS_ADMIN"])' config.json >config.new &&
	mv config.new config.json

# linux.resources.pids.limit = 10: runc writes pids.max of the container's cgroup; a fork
# bomb exec'd in it (a loop forking sleeps, bounded: they end within 3 s) fails to fork
# with EAGAIN at the limit, pids.current stays <= 10, and the sandbox goes on (the next
# runc run works)
CG=/sys/fs/cgroup/cvisor-bomb
jq '.process.args = ["sleep", "30"] | .linux.resources.pids.limit = 10
	| .linux.cgroupsPath = "/cvisor-bomb"' config.json >config.new && mv config.new config.json
$RUNC run -d bomb </dev/null >bomb.log 2>&1
bomb=$($RUNC exec bomb sh -c 'i=0; while [ $i -lt 100 ]; do sleep 3 >/dev/null 2>&1 & i=$((i+1)); done
	echo not-stopped' 2>&1)
cur=$(cat $CG/pids.current 2>&1)
max=$(cat $CG/pids.max 2>&1)
events=$(cat $CG/pids.events 2>&1)
case "$bomb" in *"can't fork: Resource temporarily unavailable"*)
	[ "$max" = 10 ] && [ "$cur" -le 10 ] && [ "$cur" -ge 8 ] && [ "$events" != "max 0" ] &&
		res pids_limit ok "" || res pids_limit fail "pids.max $max, pids.current $cur, $events" ;;
*) res pids_limit fail "the bomb: $bomb" ;; esac
$RUNC kill bomb KILL >/dev/null 2>&1
for i in $(seq 50); do
	[ "$($RUNC state bomb 2>/dev/null | jq -r .status)" = stopped ] && break
	sleep 0.1
done
$RUNC delete bomb >/dev/null 2>&1
jq 'del(.linux.resources.pids, .linux.cgroupsPath) | .process.args = ["echo", "after-bomb"]' \
	config.json >config.new && mv config.new config.json
out=$($RUNC run b2 2>&1 | grep -v 'level=')
[ "$out" = after-bomb ] && [ ! -d $CG ] && res after_bomb ok "" ||
	res after_bomb fail "$out; $(ls -d $CG 2>&1)"

jq 'del(.linux.seccomp) | .process.args = ["sleep", "60"]' config.json >config.new && mv config.new config.json
# (not $(...): the container keeps runc's stdout, a command substitution would wait for it)
$RUNC run -d t2 </dev/null >run_d.log 2>&1
rc=$?
[ $rc -eq 0 ] && res run_d ok "" || res run_d fail "exit $rc: $(cat run_d.log)"
st=$($RUNC state t2 2>&1 | jq -r .status 2>&1)
[ "$st" = running ] && res state_running ok "" || res state_running fail "$st"
out=$($RUNC exec t2 echo hello-exec 2>&1)
rc=$?
[ $rc -eq 0 ] && [ "$(printf '%s' "$out" | grep -v 'level=')" = hello-exec ] &&
	res exec ok "" || res exec fail "exit $rc: $out"
# an exec'd process that leaves a background child and exits: the child goes to the
# container's pid 1 and the container keeps running (its init survives)
bg=$($RUNC exec t2 sh -c 'sleep 30 >/dev/null 2>&1 & echo $!' 2>&1 | grep -v 'level=')
sleep 0.5
st=$($RUNC state t2 2>&1 | jq -r .status 2>&1)
ps=$($RUNC exec t2 ps -o pid,ppid,comm 2>&1)
case "$st $(printf '%s' "$ps" | while read pid ppid comm; do [ "$pid" = "$bg" ] && echo "$ppid"; done)" in
"running 1") res exec_bg ok "" ;;
*) res exec_bg fail "state $st, background pid $bg; ps: $ps" ;;
esac
out=$($RUNC kill t2 KILL 2>&1)
rc=$?
[ $rc -eq 0 ] && res kill ok "" || res kill fail "exit $rc: $out"
for i in $(seq 50); do
	st=$($RUNC state t2 2>/dev/null | jq -r .status)
	[ "$st" = stopped ] && break
	sleep 0.1
done
[ "$st" = stopped ] && res state_stopped ok "" || res state_stopped fail "$st"
out=$($RUNC delete t2 2>&1)
rc=$?
[ $rc -eq 0 ] && [ -z "$($RUNC list -q 2>&1)" ] && res delete ok "" ||
	res delete fail "exit $rc: $out; list: $($RUNC list -q 2>&1)"

# the default spec's device rules (runc's eBPF device filter, run by the Sentry): a node
# they do not allow (1:1, /dev/mem) cannot be opened inside the container, /dev/null can
mknod rootfs/mem c 1 1
jq '.process.args = ["sh", "-c", "cat /mem; echo null=$(cat /dev/null && echo ok)"]' \
	config.json >config.new && mv config.new config.json
out=$($RUNC run t4 2>&1 | grep -v 'level=')
case "$out" in *"Operation not permitted"*null=ok*) res devices ok "" ;; *) res devices fail "$out" ;; esac
EOF

OUT=$(timeout 120 "$CVISOR" do -- /bin/sh "$W/inside.sh" "$W/bundle" "$W/docker-seccomp.json" 2>&1)
RC=$?
if printf '%s\n' "$OUT" | grep -q '^NO_CGROUPFS$'; then
	echo "1..0 # SKIP no cgroup2 filesystem in the Sentry yet: runc 1.1 cannot run without one"
	echo "0 passed, 0 failed"
	exit 0
fi
[ $RC -eq 0 ] || t_fail "the sandbox ran the script (exit $RC)" "$OUT"
for step in run:"runc run prints hello and exits 0" \
	view:"inside: pid 1, the spec's hostname, its own /proc, a cgroup v2 line" \
	seccomp:"the bundle's seccomp profile: mkdir EPERM inside, allowed outside" \
	docker_seccomp:"Docker's default seccomp profile: unshare and mount EPERM inside, allowed without it and outside" \
	pids_limit:"pids.limit 10: a fork bomb gets EAGAIN, pids.current <= 10" \
	after_bomb:"after the fork bomb: runc run works, the cgroup is gone" \
	run_d:"runc run -d starts a detached container" \
	state_running:"runc state says running" \
	exec:"runc exec runs a second process in it" \
	exec_bg:"runc exec of a process leaving a background child: the child goes to pid 1, the container runs on" \
	kill:"runc kill KILL" \
	state_stopped:"runc state says stopped after the kill" \
	delete:"runc delete removes it; runc list is empty" \
	devices:"the default device rules: /dev/mem (1:1) EPERM inside, /dev/null opens"; do
	name=${step%%:*}
	line=$(printf '%s\n' "$OUT" | grep "^RESULT $name ")
	case "$line" in
	"RESULT $name ok"*) t_ok "${step#*:}" ;;
	*) t_fail "${step#*:}" "${line:-no result; output: $OUT}" ;;
	esac
done
[ "$BEFORE" == "$(host_mounts)" ] && t_ok "the host's mount table is unchanged" ||
	t_fail "the host's mount table is unchanged"
t_done
