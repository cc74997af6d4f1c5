#!/bin/bash
# linux.seccomp of config.json end to end: `cvisor run` of a busybox bundle; the runtime
# turns the profile into BPF (runtime/oci_seccomp.c) and the Sentry installs it before the
# container's first instruction (seccomp_task_preload). A representative Docker default
# profile runs `sh -c 'echo ok'`; a profile refusing mkdir gives EPERM, also to `exec`;
# /proc/self/status shows the filter; a bad profile names its field and nothing runs.
# Needs root and busybox-static.
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d /tmp/cvisor-ociseccomp-XXXXXX)
R=$W/root
B=$W/bundle
cv() { timeout 30 "$CVISOR" --root "$R" "$@"; }
cleanup() {
	for id in $(cv list -q 2>/dev/null); do cv delete --force "$id" >/dev/null 2>&1; done
	rm -rf "$W"
}
trap cleanup EXIT

mkdir -p "$B/rootfs/bin" "$B/rootfs/etc" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/tmp"
cp /bin/busybox "$B/rootfs/bin/"
for a in sh echo mkdir ls cat id; do ln -s busybox "$B/rootfs/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$B/rootfs/etc/passwd"
(cd "$B" && "$CVISOR" spec) || { t_fail "spec"; t_done; }

# use_profile FILE ARGS_JSON: linux.seccomp = FILE's object; process.args = ARGS.
use_profile() {
	python3 - "$B/config.json" "$1" "$2" <<'PY'
import json, sys
cfg_path, prof, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
c = json.load(open(cfg_path))
c["linux"]["seccomp"] = json.load(open(prof))
c["process"]["args"] = args
c["process"]["terminal"] = False
c["root"]["readonly"] = False
json.dump(c, open(cfg_path, "w"), indent=1)
PY
}

# the Docker-like default profile: busybox runs
use_profile "$SRC/tests/unit/runtime/docker_default_seccomp.json" '["/bin/sh","-c","echo ok"]'
t_expect "docker default profile: sh -c 'echo ok'" 0 "ok" "$CVISOR" --root "$R" run --bundle "$B" d1
use_profile "$SRC/tests/unit/runtime/docker_default_seccomp.json" \
	'["/bin/sh","-c","mkdir /tmp/d && ls -d /tmp/d && id -u"]'
t_expect "docker default profile: mkdir, ls, id" 0 "/tmp/d
0" "$CVISOR" --root "$R" run --bundle "$B" d2

# a profile refusing mkdir with EPERM
cat > "$W/no_mkdir.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "architectures": ["SCMP_ARCH_X86_64"],
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
JSON
use_profile "$W/no_mkdir.json" '["/bin/sh","-c","mkdir /tmp/m; echo rc=$?; ls /tmp"]'
out=$(cv run --bundle "$B" m1 2>&1)
case "$out" in
*"Operation not permitted"*rc=1*) t_ok "mkdir refused with EPERM" ;;
*) t_fail "mkdir refused with EPERM" "$out" ;;
esac
[ ! -e "$B/rootfs/tmp/m" ] && t_ok "no directory was made" || t_fail "no directory was made"
use_profile "$W/no_mkdir.json" '["/bin/sh","-c","echo > /tmp/f && cat /proc/self/status | grep -c ."]'
out=$(cv run --bundle "$B" m2 2>&1)
[ -e "$B/rootfs/tmp/f" ] && t_ok "other calls run under the filter" || t_fail "other calls run under the filter" "$out"
use_profile "$W/no_mkdir.json" '["/bin/sh","-c","grep ^Seccomp /proc/self/status"]'
t_expect "/proc/self/status shows the filter" 0 "$(printf 'Seccomp:\t2\nSeccomp_filters:\t1')" \
	"$CVISOR" --root "$R" run --bundle "$B" s1
# exec'd processes get the container's filter too
use_profile "$W/no_mkdir.json" '["/bin/sh","-c","sleep 30"]'
cv run --detach --bundle "$B" e1 >/dev/null 2>&1
out=$(cv exec e1 /bin/sh -c 'mkdir /tmp/e; echo rc=$?' 2>&1)
case "$out" in
*rc=1*) t_ok "exec: mkdir refused with EPERM" ;;
*) t_fail "exec: mkdir refused with EPERM" "$out" ;;
esac
cv kill e1 KILL >/dev/null 2>&1; sleep 0.3; cv delete --force e1 >/dev/null 2>&1

# a bad profile: one line naming the field, nothing runs
echo '{"defaultAction": "SCMP_ACT_BOGUS"}' > "$W/bad.json"
use_profile "$W/bad.json" '["/bin/sh","-c","echo ran"]'
out=$(cv run --bundle "$B" b1 2>&1)
rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q 'linux.seccomp.defaultAction: unknown action "SCMP_ACT_BOGUS"'; then
	t_ok "bad profile: field named, nothing runs"
else
	t_fail "bad profile: field named, nothing runs" "exit $rc: $out"
fi
t_done
